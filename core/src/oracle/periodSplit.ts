// A period's split under a given method: the ledger's per-subscriber counts, what each subscriber
// paid towards the period (chain events, method 2 only) and the pool, through domain/split.ts.
// `tally` and `verify` both call it, so a verifier recomputes exactly what the operators did.
import type { ChainContext } from "../chain/context.ts";
import type { Queryable } from "../db/index.ts";
import { splitLeaves, type SplitMethod, type SplitResult, type ViewerFilmCount } from "../domain/split.ts";
import { viewerFilmCounts } from "../ledger/viewerCounts.ts";
import { periodClock } from "./chainReads.ts";
import { paymentsInPeriod, subscriptionPayments } from "./subscriptionPayments.ts";

export async function periodSplit(
  ctx: ChainContext,
  ledger: Queryable,
  period: number,
  method: SplitMethod,
  context: { pool: bigint; viewWeightBps: number },
  /** The period's per-viewer counts when the caller already read them (tally also commits to them). */
  counts?: readonly ViewerFilmCount[],
): Promise<SplitResult> {
  counts ??= await viewerFilmCounts(ledger, period);
  const payments =
    method.version === 1 ? new Map<string, bigint>() : paymentsInPeriod(await subscriptionPayments(ctx), await periodClock(ctx), period);
  return splitLeaves(method, { counts, payments, pool: context.pool, viewWeightBps: context.viewWeightBps });
}
