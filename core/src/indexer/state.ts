/**
 * The indexer's bookkeeping row (which chain, which contracts, how far) and the chain clock the
 * read models derive from it: the market's period clock and an estimate of the chain's "now" that
 * never asks the chain.
 */
import type { Queryable } from "../db/index.ts";
import { estimateChainNow as estimateFromReading } from "../domain/chainTime.ts";
import type { PeriodClock } from "../domain/periods.ts";

export interface IndexerState {
  chainId: number;
  market: string;
  listings: string;
  paymentToken: string;
  clock: PeriodClock;
  fromBlock: number;
  /** Last block fully indexed; fromBlock − 1 before the first batch. */
  lastBlock: number;
  lastBlockHash: string | null;
  lastBlockTime: number | null;
  /** Wall-clock unix seconds at which lastBlock was first indexed. */
  observedAt: number | null;
  updatedAt: number;
}

interface StateRow {
  chain_id: string;
  market: string;
  listings: string;
  payment_token: string;
  genesis: string;
  period_length: string;
  from_block: string;
  last_block: string;
  last_block_hash: string | null;
  last_block_time: string | null;
  observed_at: string | null;
  updated_at: string;
}

const STATE_COLUMNS = `chain_id::text AS chain_id, market, listings, payment_token, genesis::text AS genesis,
  period_length::text AS period_length, from_block::text AS from_block, last_block::text AS last_block,
  last_block_hash, last_block_time::text AS last_block_time, observed_at::text AS observed_at,
  updated_at::text AS updated_at`;

const num = (value: string | null) => (value === null ? null : Number(value));

function fromRow(row: StateRow): IndexerState {
  return {
    chainId: Number(row.chain_id),
    market: row.market,
    listings: row.listings,
    paymentToken: row.payment_token,
    clock: { genesis: Number(row.genesis), periodLength: Number(row.period_length) },
    fromBlock: Number(row.from_block),
    lastBlock: Number(row.last_block),
    lastBlockHash: row.last_block_hash,
    lastBlockTime: num(row.last_block_time),
    observedAt: num(row.observed_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The indexer's state, or null before the first run (or right after a wipe). */
export async function readIndexerState(db: Queryable, options: { forUpdate?: boolean } = {}): Promise<IndexerState | null> {
  const rows = await db.query<StateRow>(`SELECT ${STATE_COLUMNS} FROM indexer_state WHERE id = 1${options.forUpdate ? " FOR UPDATE" : ""}`);
  return rows.length ? fromRow(rows[0]) : null;
}

export const wallClock = () => Math.floor(Date.now() / 1000);

/**
 * The chain's time now, estimated (domain/chainTime.ts) from the last indexed block and the
 * wall-clock time it was indexed at; the wall clock before anything was indexed.
 */
export function estimateChainNow(state: IndexerState | null, wallNow: number = wallClock()): number {
  if (!state || state.lastBlockTime === null || state.observedAt === null) return wallNow;
  return estimateFromReading({ blockTime: state.lastBlockTime, observedAt: state.observedAt }, wallNow);
}
