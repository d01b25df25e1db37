/** The market's terms a page shows (monthly price, pass window) and the contract addresses the wallet needs. */
import "server-only";
import type { Address } from "viem";
import { getChain } from "./services";

export interface MarketTerms {
  monthlyPrice: string;
  passWindowSeconds: number;
  market: Address;
  token: Address;
  /** The token's own symbol (USDC on a real network), for the words the purchase panel shows. */
  tokenSymbol: string;
  chainId: number;
}

const TTL_MS = 15_000;
const g = globalThis as typeof globalThis & { __aiFilmsTerms?: { value: MarketTerms; until: number } };

export async function marketTerms(): Promise<MarketTerms> {
  const hit = g.__aiFilmsTerms;
  if (hit && hit.until > Date.now()) return hit.value;
  const chain = await getChain();
  const [monthlyPrice, passWindow, tokenSymbol] = await Promise.all([
    chain.contracts.market.read.monthlyPrice(),
    chain.contracts.market.read.passWindow(),
    chain.contracts.token.read.symbol(),
  ]);
  const value: MarketTerms = {
    monthlyPrice: monthlyPrice.toString(),
    passWindowSeconds: Number(passWindow),
    market: chain.market,
    token: chain.paymentToken,
    tokenSymbol,
    chainId: chain.chainId,
  };
  g.__aiFilmsTerms = { value, until: Date.now() + TTL_MS };
  return value;
}
