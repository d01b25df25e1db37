"use client";
/**
 * The client islands, each loaded after the server-rendered page is on screen: the wallet code
 * (wagmi, RainbowKit) and the player (hls.js) are not in any page's first-load JavaScript. The
 * placeholders have the islands' size, so nothing jumps when they arrive.
 */
import dynamic from "next/dynamic";
import type { PlayerProps } from "./PlayerIsland";
import type { PurchaseProps } from "./wallet/PurchaseIsland";

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
