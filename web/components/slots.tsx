"use client";
/**
 * The client islands, each loaded after the server-rendered page is on screen: the wallet code
 * (wagmi, RainbowKit) and the player (hls.js) are not in any page's first-load JavaScript, and the
 * header's wallet code waits until the visitor wants it. The
 * placeholders have the islands' size, so nothing jumps when they arrive.
 */
import dynamic from "next/dynamic";
import { useEffect, useState } from "react";
import { OPEN_CONNECT, rememberConnectRequest } from "@/lib/client/events";
import { refreshSession } from "@/lib/client/session";
import type { PlayerProps } from "./PlayerIsland";
import type { PurchaseProps } from "./wallet/PurchaseIsland";
import type { ClaimsProps } from "./studio/ClaimsIsland";
import type { FilmControlsProps } from "./studio/FilmControlsIsland";
import type { UploadProps } from "./studio/UploadIsland";

const WalletLazy = dynamic(() => import("./wallet/WalletIsland"), {
  ssr: false,
  loading: () => <WalletPlaceholder />,
});

function WalletPlaceholder({ onWant }: { onWant?: (openModal: boolean) => void }) {
  return (
    <div className="wallet-area" data-testid="wallet-area" data-wallet="deferred" onPointerEnter={() => onWant?.(false)} onFocus={() => onWant?.(false)}>
      <button className="btn btn-primary" data-testid="connect-wallet" onClick={() => onWant?.(true)} type="button">
        Connect wallet
      </button>
    </div>
  );
}

/** A wallet was used in this browser before (wagmi's or the dev wallet's remembered connection). */
function walletRemembered(): boolean {
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i) ?? "";
      if (key.startsWith("wagmi.") || key.startsWith("aif.devwallet.")) return true;
    }
  } catch {
    // storage unavailable: wait for the visitor to reach for the wallet
  }
  return false;
}

/**
 * The header's wallet area. wagmi and RainbowKit are the heaviest JavaScript on the site, and a
 * first-time visitor browsing the catalogue needs none of it: they load when the visitor reaches
 * for the wallet (pointer or focus on it, a click on Connect, a purchase asking to connect), or at
 * once for a signed-in visitor or one whose wallet this browser remembers.
 */
export function WalletSlot() {
  const [wanted, setWanted] = useState(false);
  useEffect(() => {
    if (walletRemembered()) setWanted(true);
    else void refreshSession().then((s) => s.status === "signed-in" && setWanted(true));
    const onConnect = () => {
      rememberConnectRequest();
      setWanted(true);
    };
    window.addEventListener(OPEN_CONNECT, onConnect);
    return () => window.removeEventListener(OPEN_CONNECT, onConnect);
  }, []);
  if (wanted) return <WalletLazy />;
  return (
    <WalletPlaceholder
      onWant={(openModal) => {
        if (openModal) rememberConnectRequest();
        setWanted(true);
      }}
    />
  );
}

const PlayerLazy = dynamic(() => import("./PlayerIsland"), {
  ssr: false,
  loading: () => <div className="player player-placeholder" data-testid="player-loading" />,
});

export function PlayerSlot(props: PlayerProps) {
  return <PlayerLazy {...props} />;
}

const PurchaseLazy = dynamic(() => import("./wallet/PurchaseIsland"), {
  ssr: false,
  loading: () => <div className="purchase purchase-placeholder" />,
});

export function PurchaseSlot(props: PurchaseProps) {
  return <PurchaseLazy {...props} />;
}

const UploadLazy = dynamic(() => import("./studio/UploadIsland"), {
  ssr: false,
  loading: () => <div className="studio-upload studio-placeholder" data-testid="upload-loading">Loading the upload form…</div>,
});

export function UploadSlot(props: UploadProps) {
  return <UploadLazy {...props} />;
}

const FilmControlsLazy = dynamic(() => import("./studio/FilmControlsIsland"), {
  ssr: false,
  loading: () => <div className="film-controls film-controls-placeholder" />,
});

export function FilmControlsSlot(props: FilmControlsProps) {
  return <FilmControlsLazy {...props} />;
}

const ClaimsLazy = dynamic(() => import("./studio/ClaimsIsland"), {
  ssr: false,
  loading: () => <div className="claims claims-placeholder" data-testid="claims-loading">Loading claims…</div>,
});

export function ClaimsSlot(props: ClaimsProps) {
  return <ClaimsLazy {...props} />;
}
