// Gas sponsorship and the renewal keeper: whether they run, with which key, and where the
// periphery contracts are. On a local chain both run by default with Hardhat accounts #19
// (relayer) and #3 (keeper), which nothing else signs with (core/src/platform/accounts.ts); on any other chain sponsorship is off unless GAS_SPONSORSHIP=1 and
// RELAYER_PRIVATE_KEY are set, and the keeper runs only with KEEPER_PRIVATE_KEY.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { getAddress, isAddress, type Address, type Hex } from "viem";
import { privateKeyToAccount, type Account } from "viem/accounts";
import { account, DEMO_ACCOUNTS } from "../platform/accounts.ts";
import { DEPLOYMENTS_DIR } from "../paths.ts";

const LOCAL_CHAIN_IDS: readonly number[] = [31337, 1337];
/** Hardhat accounts the local platform pays gas from (see platform/accounts.ts for the others). */
export const LOCAL_RELAYER_ACCOUNT = DEMO_ACCOUNTS.relayer;
export const LOCAL_KEEPER_ACCOUNT = DEMO_ACCOUNTS.keeper;
/** Sponsored purchases per day across all viewers, unless RELAY_DAILY_CAP says otherwise. */
export const DEFAULT_RELAY_DAILY_CAP = 500;

export interface SponsorshipConfig {
  /** Whether /api/relay/purchase submits signed purchases. */
  relayEnabled: boolean;
  relayer: Account | null;
  dailyCap: number;
  /** Whether the background tasks run the renewal keeper. */
  keeperEnabled: boolean;
  keeper: Account | null;
}

type Env = Record<string, string | undefined>;

const flag = (value: string | undefined): boolean | undefined =>
  value === undefined || value.trim() === "" ? undefined : ["1", "true", "on", "yes"].includes(value.trim().toLowerCase());

function keyAccount(value: string | undefined): Account | null {
  const key = value?.trim();
  if (!key) return null;
  try {
    return privateKeyToAccount((key.startsWith("0x") ? key : `0x${key}`) as Hex);
  } catch {
    return null;
  }
}

export function sponsorshipConfig(chainId: number, env: Env = process.env): SponsorshipConfig {
  const local = LOCAL_CHAIN_IDS.includes(chainId);
  const relayer = keyAccount(env.RELAYER_PRIVATE_KEY) ?? (local ? account(LOCAL_RELAYER_ACCOUNT) : null);
  const keeper = keyAccount(env.KEEPER_PRIVATE_KEY) ?? (local ? account(LOCAL_KEEPER_ACCOUNT) : null);
  const cap = Math.floor(Number(env.RELAY_DAILY_CAP));
  return {
    relayEnabled: (flag(env.GAS_SPONSORSHIP) ?? local) && relayer !== null,
    relayer,
    dailyCap: Number.isFinite(cap) && cap >= 0 ? cap : DEFAULT_RELAY_DAILY_CAP,
    keeperEnabled: (flag(env.RENEWAL_KEEPER) ?? local) && keeper !== null,
    keeper,
  };
}

export interface PeripheryAddresses {
  renewer: Address | null;
  signedPurchases: Address | null;
  /** Makes collaborator splits (contracts/periphery/SplitterFactory.sol). */
  splitterFactory: Address | null;
}

/** RENEWER_ADDRESS / SIGNED_PURCHASES_ADDRESS / SPLITTER_FACTORY_ADDRESS, else deployments/<chainId>.json; null where unknown. */
export async function resolvePeriphery(chainId: number, env: Env = process.env): Promise<PeripheryAddresses> {
  let exported: { contracts?: Record<string, { address?: string }> } = {};
  try {
    exported = JSON.parse(await readFile(path.join(DEPLOYMENTS_DIR, `${chainId}.json`), "utf8"));
  } catch {
    // No export: only the variables can say.
  }
  const pick = (variable: string | undefined, name: string): Address | null => {
    const value = variable?.trim() || exported.contracts?.[name]?.address;
    return value && isAddress(value) ? getAddress(value) : null;
  };
  return {
    renewer: pick(env.RENEWER_ADDRESS, "SubscriptionRenewer"),
    signedPurchases: pick(env.SIGNED_PURCHASES_ADDRESS, "SignedPurchases"),
    splitterFactory: pick(env.SPLITTER_FACTORY_ADDRESS, "SplitterFactory"),
  };
}
