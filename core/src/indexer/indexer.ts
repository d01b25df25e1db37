/**
 * The chain indexer: follows every event of FilmListings and FilmMarket into the database, so the
 * web app's pages read tables instead of scanning the chain.
 *
 * `indexOnce` goes from the last indexed block + 1 to the chain's head in batches; each batch's
 * events and the new "last block" commit in one transaction, so a crash never leaves half a batch
 * and a restart resumes where the last commit left off. Before each run it checks that the block
 * it stopped at is still the chain's (same hash) and that the chain and market are the same; if
 * not — a `hardhat node` restarted, a snapshot reverted, a redeploy, a reorg — it wipes the indexed
 * tables and indexes again from the start, saying why. `startIndexer` runs it on an interval.
 */
import path from "node:path";
import { getAddress } from "viem";
import type { ChainContext } from "../chain/context.ts";
import type { Database, Queryable } from "../db/index.ts";
import { INDEXED_TABLES, applyEvent } from "./apply.ts";
import { readBlockRange } from "./events.ts";
import {
  ipfsMetadataFetcher,
  refreshMetadata,
  type FetchMetadata,
  type MediaIngesterLookup,
  type MetadataRefreshResult,
} from "./metadata.ts";
import { readIndexerState, wallClock, type IndexerState } from "./state.ts";
import { AiFilmsError, isAiFilmsError } from "../errors.ts";
import { DEPLOYMENTS_DIR } from "../paths.ts";

export interface IndexOptions {
  /** First block to index on a fresh start: the contracts' deployment block (default 0). */
  fromBlock?: number;
  /** Blocks per batch and transaction (default 2,000). */
  batchSize?: number;
  /** Stay this many blocks behind the head, out of reach of shallow reorgs (default 0). */
  confirmations?: number;
  /** Stop after this many batches in one run (default: until the head). */
  maxBatches?: number;
  /** How listing metadata is fetched; null skips metadata. Default: `ipfs` if given, else none. */
  fetchMetadata?: FetchMetadata | null;
  /** The app's IPFS store, read for metadata when no fetchMetadata is given. */
  ipfs?: { catBytes(cid: string, path?: string, range?: { offset: number; length?: number }): Promise<Uint8Array> };
  /** Passed to refreshMetadata (retry back-off, batch size). */
  metadata?: { limit?: number; retryBaseSeconds?: number; concurrency?: number };
  /** The key store's bindings: which wallet ingested a listing's media (tells originals from copies). */
  mediaIngester?: MediaIngesterLookup;
  /** Progress and reset messages (default console.log). */
  log?: (message: string) => void;
}

export interface IndexResult {
  /** Range indexed by this run, or null if already at the head. */
  fromBlock: number | null;
  toBlock: number | null;
  batches: number;
  /** Events recorded by this run (already-recorded ones are not counted). */
  events: number;
  /** Why the indexed tables were wiped first, if they were. */
  reset: string | null;
  /** The last block indexed after this run. */
  lastBlock: number;
  /** True if the head is further than this run went (maxBatches). */
  behind: boolean;
  metadata: MetadataRefreshResult | null;
}

/** Another indexer committed the batch this one was about to commit: not an error, just stop. */
class LostRace extends AiFilmsError<"indexer"> {
  constructor() {
    super("indexer", "LOST_RACE", "Another indexer committed this batch first.");
  }
}

/** Why the stored index no longer describes this chain, or null if it still does. */
async function resetReason(ctx: ChainContext, state: IndexerState, head: number): Promise<string | null> {
  if (state.chainId !== ctx.chainId) return `the chain id changed from ${state.chainId} to ${ctx.chainId}`;
  if (state.market !== ctx.market.toLowerCase()) return `the market address changed from ${state.market} to ${ctx.market.toLowerCase()}`;
  if (state.lastBlock < 0 || state.lastBlockHash === null) return null;
  if (head < state.lastBlock) {
    return `the chain is shorter than the last indexed block (${head} < ${state.lastBlock}): the node was reset`;
  }
  const block = await ctx.publicClient.getBlock({ blockNumber: BigInt(state.lastBlock) });
  if (block.hash !== state.lastBlockHash) {
    return `block ${state.lastBlock} has another hash than the one indexed (${block.hash} ≠ ${state.lastBlockHash}): the chain was reset or reorganised`;
  }
  return null;
}

/** Empties every indexed table (in one transaction). */
export async function wipeIndex(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    for (const table of INDEXED_TABLES) await tx.query(`DELETE FROM ${table}`);
  });
}

async function createState(ctx: ChainContext, db: Database, fromBlock: number): Promise<IndexerState> {
  const [genesis, periodLength] = await Promise.all([ctx.contracts.market.read.genesis(), ctx.contracts.market.read.periodLength()]);
  await db.query(
    `INSERT INTO indexer_state (id, chain_id, market, listings, payment_token, genesis, period_length, from_block,
                                last_block, updated_at)
     VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
    [
      ctx.chainId,
      ctx.market.toLowerCase(),
      ctx.listings.toLowerCase(),
      ctx.paymentToken.toLowerCase(),
      genesis.toString(),
      periodLength.toString(),
      fromBlock,
      fromBlock - 1,
      wallClock(),
    ],
  );
  return (await readIndexerState(db))!;
}

/**
 * Starting after the deployment block, the constructor's parameter events are out of range: take
 * the parameters as of the batch's last block instead (the batch's own events, applied after it in
 * chain order, end at those same values). Oracle signers are only known from their events.
 */
async function snapshotParams(ctx: ChainContext, tx: Queryable, blockNumber: number): Promise<void> {
  const at = BigInt(blockNumber);
  // Not deployed yet by that block: its constructor's events are still ahead.
  const code = await ctx.publicClient.getCode({ address: ctx.market, blockNumber: at });
  if (!code || code === "0x") return;
  const { read } = ctx.contracts.market;
  const asOf = { blockNumber: at };
  const [fee, weight, monthly, pass, challenge, treasury, paused, threshold] = await Promise.all([
    read.feeBps(asOf),
    read.viewWeightBps(asOf),
    read.monthlyPrice(asOf),
    read.passWindow(asOf),
    read.challengeWindow(asOf),
    read.treasury(asOf),
    read.paused(asOf),
    read.oracleThreshold(asOf),
  ]);
  return void (await tx.query(
    `INSERT INTO market_params (id, fee_bps, view_weight_bps, monthly_price, pass_window, challenge_window, treasury,
                                purchases_paused, oracle_threshold, updated_block)
     VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
    [
      Number(fee),
      Number(weight),
      monthly.toString(),
      Number(pass),
      Number(challenge),
      treasury.toLowerCase(),
      paused,
      Number(threshold),
      blockNumber,
    ],
  ));
}

/** Indexes from the last indexed block + 1 to the head (less confirmations), then fetches due metadata. */
export async function indexOnce(ctx: ChainContext, db: Database, options: IndexOptions = {}): Promise<IndexResult> {
  const log = options.log ?? ((message: string) => console.log(message));
  const batchSize = options.batchSize ?? 2_000;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const fromBlockOption = options.fromBlock ?? 0;
  if (!Number.isSafeInteger(fromBlockOption) || fromBlockOption < 0)
    throw new RangeError(`fromBlock must be a block number, got ${fromBlockOption}`);

  // viem caches the block number for a few seconds by default; the head must be fresh.
  const head = Number(await ctx.publicClient.getBlockNumber({ cacheTime: 0 }));
  const target = head - (options.confirmations ?? 0);

  let state = await readIndexerState(db);
  let reset: string | null = null;
  if (state) {
    reset = await resetReason(ctx, state, head);
    if (reset) {
      log(`indexer: ${reset}; wiping the indexed tables and indexing again from block ${fromBlockOption}.`);
      await wipeIndex(db);
      state = null;
    }
  }
  state ??= await createState(ctx, db, fromBlockOption);

  const result: IndexResult = {
    fromBlock: null,
    toBlock: null,
    batches: 0,
    events: 0,
    reset,
    lastBlock: state.lastBlock,
    behind: false,
    metadata: null,
  };
  let from = state.lastBlock + 1;
  while (from <= target) {
    if (options.maxBatches !== undefined && result.batches >= options.maxBatches) {
      result.behind = true;
      break;
    }
    const to = Math.min(from + batchSize - 1, target);
    const range = await readBlockRange(ctx, from, to);
    if (range.undecoded) log(`indexer: ${range.undecoded} log(s) in blocks ${from}-${to} match no known event; skipped.`);
    const clock = state.clock;
    let recorded = 0;
    try {
      await db.transaction(async (tx) => {
        // Lock the state row: two indexers on one database (several web servers) take turns,
        // and the one that finds its batch already committed stops.
        const current = await readIndexerState(tx, { forUpdate: true });
        if (!current || current.lastBlock !== from - 1 || current.market !== state!.market) throw new LostRace();
        if (current.fromBlock > 0 && (await tx.query("SELECT 1 FROM market_params")).length === 0) {
          await snapshotParams(ctx, tx, to);
        }
        for (const event of range.events) if (await applyEvent(tx, event, clock)) recorded++;
        await tx.query(
          `UPDATE indexer_state SET last_block = $1, last_block_hash = $2, last_block_time = $3, observed_at = $4, updated_at = $4
           WHERE id = 1`,
          [to, range.toBlockHash, range.toBlockTime, wallClock()],
        );
      });
    } catch (error) {
      if (isAiFilmsError(error, "indexer.LOST_RACE")) break;
      throw error;
    }
    result.fromBlock ??= from;
    result.toBlock = to;
    result.batches++;
    result.events += recorded;
    result.lastBlock = to;
    state = { ...state, lastBlock: to };
    from = to + 1;
  }
  if (result.batches > 1 || result.reset) log(`indexer: indexed blocks ${result.fromBlock}-${result.toBlock} (${result.events} events).`);

  const fetchMetadata =
    options.fetchMetadata === undefined ? (options.ipfs ? ipfsMetadataFetcher(options.ipfs) : null) : options.fetchMetadata;
  if (fetchMetadata) {
    result.metadata = await refreshMetadata(db, fetchMetadata, { log, mediaIngester: options.mediaIngester, ...options.metadata });
  }
  return result;
}

export interface StartIndexerOptions extends IndexOptions {
  /** Time between runs (default 2,000 ms). A run that is still going is never overlapped. */
  intervalMs?: number;
  /** Called with each run's result. */
  onIndexed?: (result: IndexResult) => void;
  /** Called when a run fails; the next run is still scheduled (default: log it). */
  onError?: (error: unknown) => void;
}

/** Stops the loop and waits for a run in progress to finish. */
export type StopIndexer = () => Promise<void>;

/**
 * Runs indexOnce now and then every `intervalMs` until stopped. Without fetchMetadata or ipfs, it
 * opens the app's IPFS store (core/src/ipfs, `openIpfs()`) for metadata and closes it on stop.
 */
export function startIndexer(ctx: ChainContext, db: Database, options: StartIndexerOptions = {}): StopIndexer {
  const intervalMs = options.intervalMs ?? 2_000;
  const log = options.log ?? ((message: string) => console.log(message));
  const onError = options.onError ?? ((error: unknown) => log(`indexer: run failed: ${(error as Error)?.message ?? error}`));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let ownStore: { close(): Promise<void> } | undefined;

  const runOptions = (async (): Promise<IndexOptions> => {
    if (options.fetchMetadata !== undefined || options.ipfs) return options;
    const { openIpfs } = await import("../ipfs/index.ts");
    const store = await openIpfs();
    ownStore = store;
    return { ...options, ipfs: store };
  })();

  const tick = () => {
    running = (async () => {
      try {
        const result = await indexOnce(ctx, db, await runOptions);
        options.onIndexed?.(result);
      } catch (error) {
        if (!stopped) onError(error);
      }
      if (!stopped) timer = setTimeout(tick, intervalMs);
    })();
  };
  tick();

  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
    await runOptions.catch(() => undefined);
    await ownStore?.close();
  };
}

/** The deployment block of the market (and listings) from deployments/<chainId>.json, if recorded. */
export async function deploymentBlock(chainId: number, market?: string): Promise<number | undefined> {
  const { readFile } = await import("node:fs/promises");
  try {
    const file = JSON.parse(await readFile(path.join(DEPLOYMENTS_DIR, `${chainId}.json`), "utf8"));
    const contracts = file.contracts ?? {};
    if (market && getAddress(contracts.FilmMarket?.address ?? "0x0000000000000000000000000000000000000000") !== getAddress(market)) {
      return undefined;
    }
    const blocks = [contracts.FilmMarket?.deployBlock, contracts.FilmListings?.deployBlock].filter((b): b is number =>
      Number.isSafeInteger(b),
    );
    return blocks.length ? Math.min(...blocks) : undefined;
  } catch {
    return undefined;
  }
}
