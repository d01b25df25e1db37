/**
 * Gas sponsorship and renewals in the web tier (core/src/relay): the relayer behind
 * /api/relay/purchase, the keeper the background tasks run, and what the pages need to know
 * (is sponsorship on, where the periphery contracts are, a viewer's failed renewal).
 */
import "server-only";
import {
  createRelayer,
  createRenewalKeeper,
  latestRenewalFailure,
  RelayError,
  resolvePeriphery,
  sponsorshipConfig,
} from "@ai-films/core/relay";
import type { RenewalFailure, Relayer } from "@ai-films/core/relay";
import { databaseRateLimitStore, errorResponse } from "@ai-films/core/serving";
import type { Address } from "viem";
import { subscriptionRenewerAbi } from "@ai-films/core/chain/abis";
import { getChain, getDb } from "./services";

export interface SponsorshipInfo {
  /** Whether the platform pays the gas of signed purchases. */
  gasless: boolean;
  chainId: number;
  signedPurchases: Address | null;
  renewer: Address | null;
}

const g = globalThis as typeof globalThis & { __aiFilmsRelayer?: Promise<Relayer | null> };

/** What the pages and the purchase panel need; never throws (the chain down: nothing offered). */
export async function sponsorshipInfo(): Promise<SponsorshipInfo> {
  try {
    const chain = await getChain();
    const periphery = await resolvePeriphery(chain.chainId);
    const config = sponsorshipConfig(chain.chainId);
    return { gasless: config.relayEnabled && periphery.signedPurchases !== null, chainId: chain.chainId, ...periphery };
  } catch {
    return { gasless: false, chainId: 0, signedPurchases: null, renewer: null };
  }
}

/** The relayer, or null when sponsorship is off (or the contracts are not deployed). */
export function getRelayer(): Promise<Relayer | null> {
  g.__aiFilmsRelayer ??= (async () => {
    const [chain, db] = await Promise.all([getChain(), getDb()]);
    const config = sponsorshipConfig(chain.chainId);
    const { signedPurchases } = await resolvePeriphery(chain.chainId);
    if (!config.relayEnabled || !config.relayer || !signedPurchases) return null;
    return createRelayer({
      publicClient: chain.publicClient,
      wallet: chain.walletFor(config.relayer),
      chainId: chain.chainId,
      signedPurchases,
      dailyCap: config.dailyCap,
      capStore: databaseRateLimitStore(db),
    });
  })().catch((error: unknown) => {
    g.__aiFilmsRelayer = undefined;
    throw error;
  });
  return g.__aiFilmsRelayer;
}

/** The 404 of a platform that pays no gas. */
export function relayDisabled(): Response {
  return errorResponse(new RelayError("disabled", "This platform does not pay gas for purchases: pay it from your wallet."));
}

/** Starts the renewal keeper when configured; resolves to its stop function (a no-op when off). */
export async function startRenewalKeeper(intervalMs = Number(process.env.RENEWAL_KEEPER_INTERVAL_MS ?? 10_000)): Promise<() => void> {
  const [chain, db] = await Promise.all([getChain(), getDb()]);
  const config = sponsorshipConfig(chain.chainId);
  const { renewer } = await resolvePeriphery(chain.chainId);
  if (!config.keeperEnabled || !config.keeper || !renewer) return () => undefined;
  const keeper = createRenewalKeeper({
    publicClient: chain.publicClient,
    wallet: chain.walletFor(config.keeper),
    renewer,
    db,
    log: (line) => console.log(line),
  });
  return keeper.start(intervalMs);
}

/** The viewer's latest failed renewal, or null. */
export async function renewalFailureOf(viewer: Address): Promise<RenewalFailure | null> {
  return latestRenewalFailure(await getDb(), viewer).catch(() => null);
}

export interface AutoRenewState {
  renewer: Address;
  /** Whether a plan with months left is on. */
  on: boolean;
  maxMonthlyPrice: string;
  monthsLeft: number;
  /** When the next renewal may charge (the subscription's end), unix seconds; 0 = now. */
  nextRenewalAt: number;
  /** The market's monthly price now: what the next renewal charges if it is within the ceiling. */
  price: string;
  /** The latest renewal the keeper could not make, or null. */
  failure: { reason: string; price: string; attempts: number; dueAt: number } | null;
}

/** The viewer's auto-renewal as the account page shows it; null when no renewer is deployed. */
export async function autoRenewState(viewer: Address): Promise<AutoRenewState | null> {
  const chain = await getChain();
  const { renewer } = await resolvePeriphery(chain.chainId);
  if (!renewer) return null;
  const contract = { address: renewer, abi: subscriptionRenewerAbi } as const;
  const [[maxMonthlyPrice, monthsLeft], [, price, dueAt], failure] = await Promise.all([
    chain.publicClient.readContract({ ...contract, functionName: "planOf", args: [viewer] }),
    chain.publicClient.readContract({ ...contract, functionName: "renewalDue", args: [viewer] }),
    renewalFailureOf(viewer),
  ]);
  return {
    renewer,
    on: monthsLeft > 0,
    maxMonthlyPrice: maxMonthlyPrice.toString(),
    monthsLeft: Number(monthsLeft),
    nextRenewalAt: Number(dueAt),
    price: price.toString(),
    failure:
      failure && failure.dueAt === dueAt
        ? { reason: failure.reason, price: failure.price.toString(), attempts: failure.attempts, dueAt: Number(failure.dueAt) }
        : null,
  };
}
