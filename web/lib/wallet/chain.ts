/** The viem chain object for CHAIN_ID, with our RPC. Client-side (the wallet bundle). */
import { defineChain, type Chain } from "viem";
import { arbitrum, arbitrumSepolia, base, baseSepolia, hardhat, optimism, optimismSepolia } from "viem/chains";
import { CHAIN_ID, publicRpcUrl } from "../config";

const KNOWN: readonly Chain[] = [hardhat, base, baseSepolia, optimism, optimismSepolia, arbitrum, arbitrumSepolia];

/** Absolute RPC URL: "/api/rpc" is resolved against the page's origin. */
export function rpcUrl(): string {
  const url = publicRpcUrl();
  if (typeof window === "undefined" || /^https?:\/\//.test(url)) return url;
  return new URL(url, window.location.origin).toString();
}

export function appChain(): Chain {
  const known = KNOWN.find((c) => c.id === CHAIN_ID);
  const rpc = { default: { http: [rpcUrl()] } };
  if (known) return { ...known, name: CHAIN_ID === 31337 ? "Local chain" : known.name, rpcUrls: rpc };
  return defineChain({
    id: CHAIN_ID,
    name: `Chain ${CHAIN_ID}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: rpc,
  });
}
