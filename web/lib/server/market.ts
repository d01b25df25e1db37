/** The market's terms a page shows (monthly price, pass window) and the contract addresses the wallet needs. */
import "server-only";
import type { Address } from "viem";
import { filmMarketAbi } from "@ai-films/core/chain";
import { getChain } from "./services";

export interface MarketTerms {
  monthlyPrice: string;
  passWindowSeconds: number;
  market: Address;
  token: Address;
  chainId: number;
}

const TTL_MS = 15_000;
const g = globalThis as typeof globalThis & { __aiFilmsTerms?: { value: MarketTerms; until: number } };

export async function marketTerms(): Promise<MarketTerms> {
  const hit = g.__aiFilmsTerms;
  if (hit && hit.until > Date.now()) return hit.value;
  const chain = await getChain();
  const [monthlyPrice, passWindow] = await Promise.all([
    chain.publicClient.readContract({ address: chain.market, abi: filmMarketAbi, functionName: "monthlyPrice" }),
    chain.publicClient.readContract({ address: chain.market, abi: filmMarketAbi, functionName: "passWindow" }),
  ]);
  const value: MarketTerms = {
    monthlyPrice: monthlyPrice.toString(),
    passWindowSeconds: Number(passWindow),
    market: chain.market,
    token: chain.paymentToken,
    chainId: chain.chainId,
  };
  g.__aiFilmsTerms = { value, until: Date.now() + TTL_MS };
  return value;
}
