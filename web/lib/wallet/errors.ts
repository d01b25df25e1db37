/**
 * Wallet and contract failures in one sentence a viewer can act on, in the page's language (the
 * "wallet.errors" catalogue). viem decodes the market's custom errors (the ABI carries them), so a
 * changed price arrives as FilmMarketViewPriceChanged with the new price in its arguments.
 *
 * Client components use `useWalletErrors()`. `friendlyError(e)` without a translator answers in
 * English (from the English catalogue), for code not yet given the page's language.
 */
import { createTranslator, useLocale, useTranslations } from "next-intl";
import { useCallback } from "react";
import { BaseError, ContractFunctionRevertedError, UserRejectedRequestError } from "viem";
import englishWallet from "../../messages/en/wallet.json";
import { formatDollars, formatWatchTime } from "../format";

export type FriendlyError = {
  kind: "rejected" | "price-changed" | "funds" | "network" | "paused" | "other";
  message: string;
  newPrice?: bigint;
};

type Key = keyof typeof englishWallet.errors;
/** A "wallet.errors" translator (next-intl's `useTranslations("wallet.errors")` is one). */
export type WalletErrorText = (key: Key, values?: Record<string, string>) => string;

const english: { t: WalletErrorText; locale: string } = {
  t: createTranslator({ locale: "en", messages: { wallet: englishWallet }, namespace: "wallet.errors" }),
  locale: "en",
};

/**
 * `token`: what to call the payment token ("test dollars", "USDC"), see `tokenLabel`; `text`: the
 * page's translator and locale (English without).
 */
export function friendlyError(error: unknown, token?: string, text: { t: WalletErrorText; locale: string } = english): FriendlyError {
  const { t, locale } = text;
  const tokenName = token ?? t("tokens");
  if (error instanceof BaseError) {
    if (error.walk((e) => e instanceof UserRejectedRequestError)) {
      return { kind: "rejected", message: t("rejected") };
    }
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError && reverted.data) {
      const args = (reverted.data.args ?? []) as readonly bigint[];
      switch (reverted.data.errorName) {
        case "FilmMarketViewPriceChanged":
          return {
            kind: "price-changed",
            newPrice: args[2],
            message: t("viewPriceChanged", { price: formatDollars(args[2] ?? 0n, locale) }),
          };
        case "FilmMarketPriceChanged":
          return {
            kind: "price-changed",
            newPrice: args[1],
            message: t("subscriptionPriceChanged", { price: formatDollars(args[1] ?? 0n, locale) }),
          };
        case "FilmMarketPassWindowShortened":
          return { kind: "other", message: t("passWindowShortened", { window: formatWatchTime(Number(args[1] ?? 0n), locale) }) };
        case "ERC20InsufficientBalance":
          return { kind: "funds", message: t("notEnoughToken", { token: tokenName }) };
        case "FilmMarketSalesPaused":
          return { kind: "paused", message: t("salesPaused") };
        case "FilmMarketPurchasesPaused":
          return { kind: "paused", message: t("purchasesPaused") };
        case "FilmMarketFreeFilm":
          return { kind: "other", message: t("freeFilm") };
        case "ERC2612ExpiredSignature":
          return { kind: "other", message: t("permitExpired") };
        default:
          return { kind: "other", message: t("refused", { error: reverted.data.errorName }) };
      }
    }
    const detail = `${error.shortMessage} ${error.details ?? ""}`;
    if (/chain|network/i.test(detail) && /mismatch|does not match|switch/i.test(detail)) {
      return { kind: "network", message: t("network") };
    }
    // Tokens that revert with a string (USDC: "ERC20: transfer amount exceeds balance").
    if (/transfer amount exceeds balance/i.test(detail)) {
      return { kind: "funds", message: t("notEnoughToken", { token: tokenName }) };
    }
    if (/insufficient funds/i.test(detail)) {
      return { kind: "funds", message: t("notEnoughGas") };
    }
    // viem's own words are English: said as the detail of a sentence in the page's language.
    return { kind: "other", message: t("failed", { detail: error.shortMessage }) };
  }
  return { kind: "other", message: error instanceof Error && error.message ? t("failed", { detail: error.message }) : t("unknown") };
}

/** In a client component: `friendlyError` in the page's language. */
export function useWalletErrors(): (error: unknown, token?: string) => FriendlyError {
  const t = useTranslations("wallet.errors");
  const locale = useLocale();
  return useCallback((error: unknown, token?: string) => friendlyError(error, token, { t, locale }), [t, locale]);
}
