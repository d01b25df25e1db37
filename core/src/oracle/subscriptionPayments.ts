// What each subscriber paid towards a period, from the market's Subscribed events: the caps of
// split method 2. A payment covers [start, end) and is spread over the periods it spans exactly as
// Subscriptions._fundPools spreads its pooled part (rounded-down running totals), but counted
// before the fee: the cap is about what the subscriber spent.
import { filmMarketAbi, type ChainContext } from "../chain/context.ts";
import type { PeriodClock } from "../domain/periods.ts";

export interface SubscriptionPayment {
  subscriber: string;
  paid: bigint;
  start: number;
  end: number;
}

/** The part of each payment that falls in `period`, summed per subscriber (lowercase addresses). */
export function paymentsInPeriod(payments: readonly SubscriptionPayment[], clock: PeriodClock, period: number): Map<string, bigint> {
  const periodStart = clock.genesis + period * clock.periodLength;
  const periodEnd = periodStart + clock.periodLength;
  const out = new Map<string, bigint>();
  for (const p of payments) {
    if (p.end <= periodStart || p.start >= periodEnd || p.end <= p.start) continue;
    const span = BigInt(p.end - p.start);
    const covered = (until: number) => BigInt(Math.min(Math.max(Math.min(until, p.end) - p.start, 0), p.end - p.start));
    const part = (p.paid * covered(periodEnd)) / span - (p.paid * covered(periodStart)) / span;
    const who = p.subscriber.toLowerCase();
    out.set(who, (out.get(who) ?? 0n) + part);
  }
  return out;
}

/** Every Subscribed event of the market, oldest first. */
export async function subscriptionPayments(ctx: ChainContext): Promise<SubscriptionPayment[]> {
  const logs = await ctx.publicClient.getContractEvents({
    address: ctx.market,
    abi: filmMarketAbi,
    eventName: "Subscribed",
    fromBlock: 0n,
    toBlock: "latest",
    strict: true,
  });
  return logs.map((log) => ({
    subscriber: log.args.subscriber,
    paid: log.args.paid,
    start: Number(log.args.start),
    end: Number(log.args.end),
  }));
}
