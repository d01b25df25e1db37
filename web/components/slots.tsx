"use client";
/**
 * The client islands, each loaded after the server-rendered page is on screen: the wallet code
 * (wagmi, RainbowKit) and the player (hls.js) are not in any page's first-load JavaScript. The
 * placeholders have the islands' size, so nothing jumps when they arrive.
 */
import dynamic from "next/dynamic";
import type { PlayerProps } from "./PlayerIsland";
import type { PurchaseProps } from "./wallet/PurchaseIsland";
import type { ClaimsProps } from "./studio/ClaimsIsland";
import type { FilmControlsProps } from "./studio/FilmControlsIsland";
import type { UploadProps } from "./studio/UploadIsland";

export const WalletSlot = dynamic(() => import("./wallet/WalletIsland"), {
  ssr: false,
  loading: () => (
    <div className="wallet-area">
      <button className="btn btn-primary" disabled data-testid="connect-wallet-loading" type="button">
        Connect wallet
      </button>
    </div>
  ),
});

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
