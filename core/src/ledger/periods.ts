/**
 * Periods are the contract's periods, never the ledger's own: the caller reads genesis and
 * period length from the chain, so a beat lands in the same period the contract will settle.
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

/** The period containing unix time `at` (seconds). Periods are half-open: [start, end). */
export function periodOf(clock: PeriodClock, at: number): number {
  checkClock(clock);
  if (!Number.isSafeInteger(at)) throw new RangeError(`time must be integer unix seconds, got ${at}`);
  if (at < clock.genesis) {
    throw new RangeError(`time ${at} is before the period clock's genesis ${clock.genesis}`);
  }
  return Math.floor((at - clock.genesis) / clock.periodLength);
}

/** Start (inclusive) and end (exclusive) of period `p`, in unix seconds. */
export function periodBounds(clock: PeriodClock, p: number): { start: number; end: number } {
  checkClock(clock);
  if (!Number.isSafeInteger(p) || p < 0) throw new RangeError(`period must be a non-negative integer, got ${p}`);
  const start = clock.genesis + p * clock.periodLength;
  return { start, end: start + clock.periodLength };
}
