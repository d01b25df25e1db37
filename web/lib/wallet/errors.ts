/**
 * Wallet and contract failures in one sentence a viewer can act on. viem decodes the market's
 * custom errors (the ABI carries them), so a changed price arrives as FilmMarketViewPriceChanged
 * with the new price in its arguments.
 */
import { BaseError, ContractFunctionRevertedError, UserRejectedRequestError } from "viem";
import { formatDollars, formatWatchTime } from "../format";

export type FriendlyError = {
  kind: "rejected" | "price-changed" | "funds" | "network" | "paused" | "other";
  message: string;
  newPrice?: bigint;
};

/** `token`: what to call the payment token ("test dollars", "USDC"), see `tokenLabel`. */
export function friendlyError(error: unknown, token = "tokens"): FriendlyError {
  if (error instanceof BaseError) {
    if (error.walk((e) => e instanceof UserRejectedRequestError)) {
      return { kind: "rejected", message: "You rejected the request in your wallet. Nothing was charged." };
    }
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError && reverted.data) {
      const args = (reverted.data.args ?? []) as readonly bigint[];
      switch (reverted.data.errorName) {
        case "FilmMarketViewPriceChanged":
          return {
            kind: "price-changed",
            newPrice: args[2],
            message: `The creator changed the price to ${formatDollars(args[2] ?? 0n)}. Check it and try again.`,
          };
        case "FilmMarketPriceChanged":
          return {
            kind: "price-changed",
            newPrice: args[1],
            message: `The subscription price changed to ${formatDollars(args[1] ?? 0n)} a month. Check it and try again.`,
          };
        case "FilmMarketPassWindowShortened":
          return {
            kind: "other",
            message: `The platform shortened view passes to ${formatWatchTime(Number(args[1] ?? 0n))}. Nothing was charged; reload the page to see the new terms.`,
          };
        case "ERC20InsufficientBalance":
          return { kind: "funds", message: `Not enough ${token} in this wallet.` };
        case "FilmMarketSalesPaused":
          return { kind: "paused", message: "The creator has paused sales of this film." };
        case "FilmMarketPurchasesPaused":
          return { kind: "paused", message: "Purchases are paused on the platform right now." };
        case "FilmMarketFreeFilm":
          return { kind: "other", message: "This film is free: just press play." };
        case "ERC2612ExpiredSignature":
          return { kind: "other", message: "The payment signature expired; try again." };
        default:
          return { kind: "other", message: `The transaction was refused (${reverted.data.errorName}).` };
      }
    }
    const text = `${error.shortMessage} ${error.details ?? ""}`;
    if (/chain|network/i.test(text) && /mismatch|does not match|switch/i.test(text)) {
      return { kind: "network", message: "Your wallet is on another network. Switch network and try again." };
    }
    // Tokens that revert with a string (USDC: "ERC20: transfer amount exceeds balance").
    if (/transfer amount exceeds balance/i.test(text)) {
      return { kind: "funds", message: `Not enough ${token} in this wallet.` };
    }
    if (/insufficient funds/i.test(text)) {
      return { kind: "funds", message: "Not enough ETH for gas in this wallet." };
    }
    return { kind: "other", message: error.shortMessage };
  }
  return { kind: "other", message: error instanceof Error ? error.message : "Something went wrong." };
}
