// `oracle status`: every period so far with its pool, subscribers, tally and claims.
import type { ChainContext } from "../chain/context.ts";
import { currentPeriod, readPeriod, type PeriodState } from "./chainReads.ts";

export type PeriodPhase = "open" | "ended" | "posted" | "disputed" | "claimable" | "fully claimed";

export function phaseOf(p: PeriodState): PeriodPhase {
  if (!p.ended) return "open";
  if (p.tally.status === "none") return "ended";
  if (p.tally.status === "disputed") return "disputed";
  if (p.chainTime < p.tally.claimableAt) return "posted";
  if (p.claimedCount >= p.tally.leafCount && p.paid === p.pool) return "fully claimed";
  return "claimable";
}

export async function runStatus(ctx: ChainContext, options: { from?: number; to?: number } = {}) {
  const now = await currentPeriod(ctx);
  const from = Math.max(0, options.from ?? now - 11);
  const to = Math.min(now, options.to ?? now);
  const periods: (PeriodState & { phase: PeriodPhase })[] = [];
  for (let p = from; p <= to; p++) {
    const state = await readPeriod(ctx, p);
    periods.push({ ...state, phase: phaseOf(state) });
  }
  return { currentPeriod: now, periods };
}
