/**
 * What time it is on the chain. The chain's time is the timestamp of its latest block; a caller
 * that acts on the chain right away (the oracle) reads it. Between reads, "now" is estimated from
 * the last reading: its block time plus the wall-clock time elapsed since it was read, and never
 * before the wall clock. A local chain whose time was moved forward (to end a period) runs ahead
 * of the wall clock, and the estimate follows it; an idle chain's last block is simply old, and on
 * a live network the estimate is the wall clock.
 */

/** One look at the chain's clock (unix seconds). */
export interface BlockReading {
  /** The timestamp of the block read. */
  blockTime: number;
  /** Wall-clock time at which it was read. */
  observedAt: number;
}

/** How far the chain's clock was ahead of the wall clock at the reading; never negative. */
export function chainLead(reading: BlockReading): number {
  return Math.max(0, reading.blockTime - reading.observedAt);
}

/** The chain's time at wall-clock time `wallNow`, from the last reading (the wall clock without one). */
export function estimateChainNow(reading: BlockReading | null, wallNow: number): number {
  if (!reading) return wallNow;
  return Math.max(wallNow, reading.blockTime + Math.max(0, wallNow - reading.observedAt));
}
