/**
 * The wallet for islands that only need it when the user acts (the studio's forms and buttons):
 * wagmi loads on the first call, not with the page — the studio paints and answers at once, and
 * its Lighthouse score no longer pays for a wallet reconnect at load.
 */
import type * as Actions from "./actions";

export type { WalletAccount } from "./actions";

let actions: Promise<typeof Actions> | undefined;

/** wagmi's actions on the shared config, loaded once. Browser only. */
export function walletActions(): Promise<typeof Actions> {
  if (typeof window === "undefined") return Promise.reject(new Error("The wallet is only available in the browser."));
  return (actions ??= import("./actions"));
}

/** The connected account (a remembered connection restored first). */
export async function connectedWallet(): Promise<Actions.WalletAccount> {
  return (await walletActions()).account();
}
