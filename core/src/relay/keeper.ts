// The renewal keeper: for every viewer who turned auto-renewal on (SubscriptionRenewer's
// AutoRenewEnabled events), once their subscription has ended it calls `renew(viewer)`. It has no
// power any other account lacks. A renewal the chain would refuse (price above the viewer's
// ceiling, funds or allowance short, market paused) is recorded in `renewal_failures` for the
// account page and tried again at most `maxAttempts` times, `retryAfterSeconds` apart, for the
// same subscription end: never forever.
import type { Address, PublicClient } from "viem";
import { subscriptionRenewerAbi } from "../chain/abis.ts";
import type { AccountWallet } from "../chain/context.ts";
import type { Queryable } from "../db/index.ts";

export interface KeeperOptions {
  publicClient: PublicClient;
  wallet: AccountWallet;
  renewer: Address;
  db: Queryable;
  maxAttempts?: number;
  retryAfterSeconds?: number;
  log?: (line: string) => void;
}

export interface RenewalFailure {
  viewer: Address;
  dueAt: bigint;
  attempts: number;
  reason: string;
  price: bigint;
  lastAttemptAt: bigint;
}

export interface KeeperTick {
  renewed: Address[];
  failed: Address[];
}

export interface RenewalKeeper {
  /** One pass over every plan: renews what is due, records what fails. */
  tick(): Promise<KeeperTick>;
  /** Runs `tick` every `intervalMs` until stopped; a failed pass is logged, not thrown. */
  start(intervalMs: number): () => void;
}

export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_RETRY_AFTER_SECONDS = 3_600;

export function createRenewalKeeper(options: KeeperOptions): RenewalKeeper {
  const { publicClient, wallet, renewer, db } = options;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const retryAfter = BigInt(options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS);
  const log = options.log ?? (() => undefined);
  const contract = { address: renewer, abi: subscriptionRenewerAbi } as const;
  const viewers = new Set<Address>();
  let scannedTo = -1n;

  const findViewers = async () => {
    const latest = await publicClient.getBlockNumber();
    if (latest <= scannedTo) return;
    const events = await publicClient.getContractEvents({
      ...contract,
      eventName: "AutoRenewEnabled",
      fromBlock: scannedTo + 1n,
      toBlock: latest,
    });
    for (const event of events) if (event.args.viewer) viewers.add(event.args.viewer);
    scannedTo = latest;
  };

  const recordFailure = async (viewer: Address, dueAt: bigint, price: bigint, reason: string, at: bigint) => {
    await db.query(
      `INSERT INTO renewal_failures (viewer, due_at, attempts, reason, price, last_attempt_at) VALUES ($1, $2, 1, $3, $4, $5)
       ON CONFLICT (viewer, due_at) DO UPDATE SET attempts = renewal_failures.attempts + 1, reason = $3, price = $4, last_attempt_at = $5`,
      [viewer.toLowerCase(), dueAt.toString(), reason.slice(0, 300), price.toString(), at.toString()],
    );
  };

  const tick = async (): Promise<KeeperTick> => {
    await findViewers();
    const result: KeeperTick = { renewed: [], failed: [] };
    const now = (await publicClient.getBlock()).timestamp;
    for (const viewer of viewers) {
      const [, monthsLeft] = await publicClient.readContract({ ...contract, functionName: "planOf", args: [viewer] });
      if (monthsLeft === 0) continue;
      const [due, price, dueAt] = await publicClient.readContract({ ...contract, functionName: "renewalDue", args: [viewer] });
      if (dueAt > now) continue;
      const [previous] = await db.query<{ attempts: number; last_attempt_at: string }>(
        "SELECT attempts, last_attempt_at FROM renewal_failures WHERE viewer = $1 AND due_at = $2",
        [viewer.toLowerCase(), dueAt.toString()],
      );
      if (previous && (previous.attempts >= maxAttempts || now < BigInt(previous.last_attempt_at) + retryAfter)) continue;
      if (!due) {
        await recordFailure(viewer, dueAt, price, "price-above-ceiling", now);
        result.failed.push(viewer);
        log(`keeper: ${viewer}'s renewal refused: the price ${price} is above their ceiling.`);
        continue;
      }
      try {
        const { request } = await publicClient.simulateContract({
          ...contract,
          functionName: "renew",
          args: [viewer],
          account: wallet.account,
        });
        const hash = await wallet.writeContract(request);
        const receipt = await publicClient.waitForTransactionReceipt({ hash });
        if (receipt.status !== "success") throw new Error(`renewal transaction ${hash} reverted`);
        await db.query("DELETE FROM renewal_failures WHERE viewer = $1", [viewer.toLowerCase()]);
        result.renewed.push(viewer);
        log(`keeper: renewed ${viewer} at ${price}.`);
      } catch (error) {
        const reason = error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message) : String(error);
        await recordFailure(viewer, dueAt, price, /allowance|balance/i.test(reason) ? `no-funds: ${reason}` : reason, now);
        result.failed.push(viewer);
        log(`keeper: ${viewer}'s renewal failed: ${reason}`);
      }
    }
    return result;
  };

  return {
    tick,
    start(intervalMs) {
      let stopped = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const loop = async () => {
        await tick().catch((error: unknown) =>
          log(`keeper: pass failed (${error instanceof Error ? error.message : error}); next in ${intervalMs} ms.`),
        );
        if (!stopped) timer = setTimeout(loop, intervalMs);
      };
      timer = setTimeout(loop, 0);
      return () => {
        stopped = true;
        clearTimeout(timer);
      };
    },
  };
}

/** The latest recorded failure of `viewer`'s renewal, for the account page (null: none). */
export async function latestRenewalFailure(db: Queryable, viewer: Address): Promise<RenewalFailure | null> {
  const [row] = await db.query<{
    viewer: string;
    due_at: string;
    attempts: number;
    reason: string;
    price: string;
    last_attempt_at: string;
  }>(
    "SELECT viewer, due_at, attempts, reason, price, last_attempt_at FROM renewal_failures WHERE viewer = $1 ORDER BY due_at DESC LIMIT 1",
    [viewer.toLowerCase()],
  );
  if (!row) return null;
  return {
    viewer,
    dueAt: BigInt(row.due_at),
    attempts: Number(row.attempts),
    reason: row.reason,
    price: BigInt(row.price),
    lastAttemptAt: BigInt(row.last_attempt_at),
  };
}
