/**
 * The market's periods (Subscriptions.sol): fixed-length epochs from `genesis`; period p is
 * [genesis + p × length, genesis + (p + 1) × length). Callers read genesis and length from the
 * chain, so a beat, a pool and a tally all land in the period the contract settles.
 */

export type PeriodClock = {
  /** Unix seconds at which period 0 starts. */
  genesis: number;
  /** Length of every period, in seconds. */
  periodLength: number;
};

function checkClock(clock: PeriodClock): void {
  if (!Number.isSafeInteger(clock.genesis) || clock.genesis < 0) {
    throw new RangeError(`period clock genesis must be a non-negative integer, got ${clock.genesis}`);
  }
  if (!Number.isSafeInteger(clock.periodLength) || clock.periodLength <= 0) {
    throw new RangeError(`period length must be a positive integer, got ${clock.periodLength}`);
  }
}

/**
 * The period containing unix time `at` (seconds). Like the contract's `periodAt`, a time before
 * genesis has no period: it throws.
 */
export function periodOf(clock: PeriodClock, at: number): number {
  checkClock(clock);
  if (!Number.isSafeInteger(at)) throw new RangeError(`time must be integer unix seconds, got ${at}`);
  if (at < clock.genesis) {
    throw new RangeError(`time ${at} is before the period clock's genesis ${clock.genesis}`);
  }
  return Math.floor((at - clock.genesis) / clock.periodLength);
}

/**
 * The period of an estimated "now", which may fall before genesis (a caller's own guess of the
 * time, a clock behind the chain's): period 0 then, the first one there is.
 */
export function clampedPeriodOf(clock: PeriodClock, at: number): number {
  return periodOf(clock, Math.max(at, clock.genesis));
}

/** Start (inclusive) and end (exclusive) of period `p`, in unix seconds. */
export function periodBounds(clock: PeriodClock, p: number): { start: number; end: number } {
  checkClock(clock);
  if (!Number.isSafeInteger(p) || p < 0) throw new RangeError(`period must be a non-negative integer, got ${p}`);
  const start = clock.genesis + p * clock.periodLength;
  return { start, end: start + clock.periodLength };
}

/** Start (inclusive) of period `p`, in unix seconds. */
export function periodStart(clock: PeriodClock, p: number): number {
  return periodBounds(clock, p).start;
}
