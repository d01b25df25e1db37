/**
 * The payout formula of Settlement._share (contracts/market/Settlement.sol), in bigint so it
 * rounds exactly as the contract does:
 *
 *     share = pool × (w·views/totalViews + (1 − w)·seconds/totalSeconds), rounded down once,
 *
 * with w = viewWeightBps / 10 000. With no views in the period the whole pool follows watch time;
 * with no watch time there is nothing to share. test/domain/payouts.property.test.ts checks it
 * against the deployed contract's `shareOf`.
 */

/** Basis points in one: the denominator of `viewWeightBps`. */
export const BPS = 10_000n;

/** A film's share of a period's pool, in payment-token units. */
export function shareOf(
  pool: bigint,
  views: bigint,
  seconds: bigint,
  totalViews: bigint,
  totalSeconds: bigint,
  viewWeightBps: bigint,
): bigint {
  if (pool < 0n || views < 0n || seconds < 0n || totalViews < 0n || totalSeconds < 0n) {
    throw new RangeError("shareOf: amounts and counts are unsigned");
  }
  if (viewWeightBps < 0n || viewWeightBps > BPS) throw new RangeError(`shareOf: view weight ${viewWeightBps} is outside 0…${BPS} bps`);
  if (totalSeconds === 0n) return 0n;
  let w = viewWeightBps;
  let V = totalViews;
  if (V === 0n) [w, V] = [0n, 1n];
  // One division of the exact product, as Math.mulDiv does: a single rounding down.
  return (pool * (w * views * totalSeconds + (BPS - w) * seconds * V)) / (BPS * V * totalSeconds);
}
