/**
 * The app's one configuration file for the browser and the server alike: which chain, which RPC,
 * which wallets. `NEXT_PUBLIC_*` values are inlined into the client bundle at build time, so a
 * build is for one chain; the RPC URL and the dev wallet's accounts come at run time, and contract
 * addresses are NOT here — the server resolves them at run time
 * (RPC_URL / MARKET_ADDRESS / deployments/<chainId>.json) and hands them to the client as props,
 * so a redeployed local chain needs no rebuild.
 */

export const APP_NAME = "AI Films";

/** The chain the app runs on (31337: the local Hardhat node). */
export const CHAIN_ID = Number(process.env.NEXT_PUBLIC_CHAIN_ID ?? 31337);

/**
 * Settings the server hands the browser at run time, in <meta> tags the root layout renders
 * (components/RuntimeConfig.tsx), so one build serves a local chain on any port.
 */
export const RUNTIME_META = { rpcUrl: "ai-films:rpc-url", devAccounts: "ai-films:dev-accounts" } as const;

function runtimeSetting(name: string, serverValue: () => string): string {
  if (typeof document === "undefined") return serverValue();
  return document.querySelector(`meta[name="${name}"]`)?.getAttribute("content") ?? serverValue();
}

/**
 * The RPC the browser talks to: PUBLIC_RPC_URL (or the build's NEXT_PUBLIC_RPC_URL). Unset: our
 * own `/api/rpc` proxy, which forwards read and send-raw-transaction calls to the server's
 * RPC_URL — one origin, no CORS, and visitors can't call the node's admin methods
 * (evm_increaseTime and friends).
 */
export function publicRpcUrl(): string {
  return runtimeSetting(
    RUNTIME_META.rpcUrl,
    () => process.env.PUBLIC_RPC_URL?.trim() || process.env.NEXT_PUBLIC_RPC_URL?.trim() || "/api/rpc",
  );
}

/** WalletConnect is offered only when a project id is configured. */
export const WALLETCONNECT_PROJECT_ID = process.env.NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID?.trim() || undefined;

export const LOCAL_CHAIN_IDS: readonly number[] = [31337, 1337];
export const IS_LOCAL_CHAIN = LOCAL_CHAIN_IDS.includes(CHAIN_ID);
/** Chains where ENS lives (mainnet, Sepolia): only there do pages ask for ENS names (no failing RPC calls elsewhere). */
export const HAS_ENS = [1, 11155111].includes(CHAIN_ID);

/**
 * Hardhat accounts the dev wallet offers on a local chain (indexes into the public test
 * mnemonic), from DEV_ACCOUNTS (or the build's NEXT_PUBLIC_DEV_ACCOUNTS). #0–#3 are the deployer,
 * treasury and demo creators; #7–#9 the oracle signers.
 */
export function devAccountIndexes(): readonly number[] {
  return runtimeSetting(RUNTIME_META.devAccounts, () => process.env.DEV_ACCOUNTS ?? process.env.NEXT_PUBLIC_DEV_ACCOUNTS ?? "4,5,6")
    .split(",")
    .filter((s) => s.trim() !== "")
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n >= 0 && n < 40);
}

/** The player reports watching this often (the ledger's HEARTBEAT_INTERVAL_SECONDS). */
export const HEARTBEAT_INTERVAL_MS = 10_000;

/** The payment token's decimals: USDC and the local test dollar both have 6. */
export const TOKEN_DECIMALS = 6;

/** How long a sign-in message is valid for, and so the longest a session can last. */
export const SIWE_TTL_MS = 24 * 60 * 60 * 1000;
