"use client";
/**
 * The client islands, each loaded after the server-rendered page is on screen: the wallet code
 * (wagmi, RainbowKit) and the player (hls.js) are not in any page's first-load JavaScript, and the
 * header's wallet code waits until the visitor wants it. The
 * placeholders have the islands' size, so nothing jumps when they arrive.
 */
import { useTranslations } from "next-intl";
import dynamic from "next/dynamic";
import { useEffect, useRef, useState } from "react";
import { OPEN_CONNECT, rememberConnectRequest, rememberWalletFocus } from "@/lib/client/events";
import { useRouter } from "next/navigation";
import { signOut, useSession } from "@/lib/client/session";
import { HAS_ENS } from "@/lib/config";
import { shortAddress } from "@/lib/format";
import type { PlayerProps } from "./PlayerIsland";
import type { PurchaseProps } from "./wallet/PurchaseIsland";
import type { AutoRenewProps } from "./wallet/AutoRenewIsland";
import type { AccountCountsProps } from "./AccountCountsIsland";
import type { ClaimsProps } from "./studio/ClaimsIsland";
import type { FilmControlsProps } from "./studio/FilmControlsIsland";
import type { UploadProps } from "./studio/UploadIsland";
import type { ProfileProps } from "./studio/ProfileIsland";
import type { SplitsProps } from "./studio/SplitsIsland";

const WalletLazy = dynamic(() => import("./wallet/WalletIsland"), {
  ssr: false,
  loading: () => <LightWalletArea />,
});

/**
 * The header's wallet area without wallet code: "Connect wallet", or for a signed-in visitor the
 * SIWE session (address, sign out) from the tiny session store.
 */
function LightWalletArea({ onWant }: { onWant?: (openModal: boolean) => void }) {
  const t = useTranslations("wallet");
  const session = useSession();
  const router = useRouter();
  // Signed out, pointing at the area means connecting is next: start loading. Signed in, it may be
  // a click on Sign out, which needs no wallet (and must not be lost to the island replacing it).
  const reach = session.status === "signed-in" ? undefined : () => onWant?.(false);
  const reachByKeyboard =
    reach &&
    (() => {
      rememberWalletFocus();
      reach();
    });
  const area = useRef<HTMLDivElement>(null);
  // A pointer or focus that arrived before React hydrated this area fired no handler: look once.
  const signedIn = session.status === "signed-in";
  useEffect(() => {
    const el = area.current;
    if (signedIn || !el) return;
    if (el.contains(document.activeElement)) rememberWalletFocus();
    if (el.matches(":hover") || el.contains(document.activeElement)) onWant?.(false);
  }, [signedIn, onWant]);
  return (
    <div
      className="wallet-area"
      data-testid="wallet-area"
      data-wallet="deferred"
      onPointerEnter={reach}
      onFocus={reachByKeyboard}
      ref={area}
    >
      {session.status === "signed-in" ? (
        <>
          <span className="session-badge" data-testid="session-status" data-address={session.address}>
            {t("signedIn")}
          </span>
          <button
            className="btn btn-ghost"
            data-testid="account-button"
            data-address={session.address}
            onClick={() => onWant?.(false)}
            type="button"
          >
            {shortAddress(session.address)}
          </button>
          <button
            className="btn btn-ghost"
            data-testid="sign-out"
            onClick={async () => {
              await signOut();
              router.refresh();
            }}
            type="button"
          >
            {t("signOut")}
          </button>
        </>
      ) : (
        <button className="btn btn-primary" data-testid="connect-wallet" onClick={() => onWant?.(true)} type="button">
          {t("connect")}
        </button>
      )}
    </div>
  );
}

/**
 * The header's wallet area. RainbowKit and wagmi are the heaviest JavaScript on the site (over 2 s
 * of main-thread time on a mid-range phone) and nobody needs them to browse or to see that they
 * are signed in: they load when the visitor reaches for the wallet (pointer or focus on it, a
 * click on Connect, a purchase or a studio action asking to connect). Islands that sign
 * transactions carry wagmi themselves and restore the wallet's connection on their own.
 */
export function WalletSlot() {
  const [wanted, setWanted] = useState(false);
  useEffect(() => {
    const onConnect = () => {
      rememberConnectRequest();
      setWanted(true);
    };
    window.addEventListener(OPEN_CONNECT, onConnect);
    return () => window.removeEventListener(OPEN_CONNECT, onConnect);
  }, []);
  if (wanted) return <WalletLazy />;
  return (
    <LightWalletArea
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

const AutoRenewLazy = dynamic(() => import("./wallet/AutoRenewIsland"), { ssr: false, loading: () => <div className="auto-renew" /> });

export function AutoRenewSlot(props: AutoRenewProps) {
  return <AutoRenewLazy {...props} />;
}

function CountsLoading() {
  const t = useTranslations("account.counts");
  return <p className="muted">{t("loading")}</p>;
}

/** A studio island's placeholder while its code loads, saying what is coming. */
function Placeholder({ className, testId, what }: { className: string; testId: string; what: "uploadForm" | "claims" | "splits" }) {
  const t = useTranslations("wallet.loading");
  return (
    <div className={className} data-testid={testId}>
      {t(what)}
    </div>
  );
}

const AccountCountsLazy = dynamic(() => import("./AccountCountsIsland"), {
  ssr: false,
  loading: () => <CountsLoading />,
});

export function AccountCountsSlot(props: AccountCountsProps) {
  return <AccountCountsLazy {...props} />;
}

const UploadLazy = dynamic(() => import("./studio/UploadIsland"), {
  ssr: false,
  loading: () => <Placeholder className="studio-upload studio-placeholder" testId="upload-loading" what="uploadForm" />,
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
  loading: () => <Placeholder className="claims claims-placeholder" testId="claims-loading" what="claims" />,
});

export function ClaimsSlot(props: ClaimsProps) {
  return <ClaimsLazy {...props} />;
}

const SplitsLazy = dynamic(() => import("./studio/SplitsIsland"), {
  ssr: false,
  loading: () => <Placeholder className="splits splits-placeholder" testId="splits-loading" what="splits" />,
});

export function SplitsSlot(props: SplitsProps) {
  return <SplitsLazy {...props} />;
}

const ProfileLazy = dynamic(() => import("./studio/ProfileIsland"), {
  ssr: false,
  loading: () => <div className="profile-form studio-placeholder" data-testid="profile-loading" />,
});

export function ProfileSlot(props: ProfileProps) {
  return <ProfileLazy {...props} />;
}

const EnsNameLazy = dynamic(() => import("./wallet/EnsNameIsland"), { ssr: false, loading: () => null });

/** A wallet's ENS name, only on a chain that has ENS (HAS_ENS): elsewhere nothing loads and nothing is asked. */
export function EnsNameSlot({ address }: { address: `0x${string}` }) {
  return HAS_ENS ? <EnsNameLazy address={address} /> : null;
}
