/**
 * What each contract event does to the indexed tables. Every log is first recorded in
 * chain_events under its (transaction hash, log index); its effect on the derived tables (films,
 * pools, tallies…) is applied only when that insert was new, so a block range processed twice
 * changes nothing the second time.
 */
import type { Queryable } from "../db/index.ts";
import { clampedPeriodOf, periodStart, type PeriodClock } from "../domain/periods.ts";
import { argsJson, type ChainEvent } from "./events.ts";

type Handler = (tx: Queryable, e: ChainEvent, clock: PeriodClock) => Promise<void>;

const str = (value: unknown) => String(value);
const big = (value: unknown) => BigInt(value as bigint);

/** The columns every per-event table starts with. */
const base = (e: ChainEvent) => [e.txHash, e.logIndex, e.blockNumber, e.blockTime];

async function setParams(tx: Queryable, e: ChainEvent, column: string, value: unknown): Promise<void> {
  // `column` comes from the fixed table below, never from event data.
  await tx.query(
    `INSERT INTO market_params (id, ${column}, updated_block) VALUES (1, $1, $2)
     ON CONFLICT (id) DO UPDATE SET ${column} = EXCLUDED.${column}, updated_block = EXCLUDED.updated_block`,
    [value, e.blockNumber],
  );
}

async function ensurePool(tx: Queryable, period: bigint | number): Promise<void> {
  await tx.query("INSERT INTO period_pools (period) VALUES ($1) ON CONFLICT (period) DO NOTHING", [period.toString()]);
}

/**
 * Spreads a subscription payment over the periods it covers exactly as Subscriptions._fundPools
 * does: each period gets the difference of the rounded-down running totals. A subscriber counts
 * once per period; the contract's "previous subscription already reached into the first period"
 * rule is the same as counting distinct (period, subscriber) pairs.
 */
async function fundPools(tx: Queryable, clock: PeriodClock, subscriber: string, net: bigint, start: number, end: number) {
  const span = BigInt(end - start);
  let period = clampedPeriodOf(clock, start);
  let funded = 0n;
  for (let cursor = periodStart(clock, period); cursor < end; period++) {
    cursor += clock.periodLength;
    const covered = BigInt(Math.min(cursor, end) - start);
    const fundedSoFar = (net * covered) / span;
    await ensurePool(tx, period);
    const added = await tx.query("INSERT INTO period_subscribers (period, subscriber) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1", [
      period,
      subscriber,
    ]);
    await tx.query("UPDATE period_pools SET amount = amount + $2::numeric, subscribers = subscribers + $3 WHERE period = $1", [
      period,
      (fundedSoFar - funded).toString(),
      added.length,
    ]);
    funded = fundedSoFar;
  }
}

const handlers: Record<string, Handler> = {
  // ------------------------------------------------------------------ FilmListings
  async ListingMinted(tx, e) {
    const a = e.args;
    await tx.query(
      `INSERT INTO films (film_id, creator, owner, metadata_uri, duration_seconds, price_per_view,
                          minted_block, minted_at, minted_tx)
       VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (film_id) DO NOTHING`,
      [str(a.filmId), a.creator, a.metadataURI, Number(a.durationSeconds), str(a.pricePerView), e.blockNumber, e.blockTime, e.txHash],
    );
  },
  async Transfer(tx, e) {
    const a = e.args;
    await tx.query(
      `INSERT INTO film_transfers (tx_hash, log_index, block_number, block_time, film_id, from_address, to_address)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [...base(e), str(a.tokenId), a.from, a.to],
    );
    await tx.query("UPDATE films SET owner = $2 WHERE film_id = $1", [str(a.tokenId), a.to]);
  },
  async PriceChanged(tx, e) {
    await tx.query("UPDATE films SET price_per_view = $2 WHERE film_id = $1", [str(e.args.filmId), str(e.args.newPrice)]);
  },
  async SalesPausedChanged(tx, e) {
    await tx.query("UPDATE films SET sales_paused = $2 WHERE film_id = $1", [str(e.args.filmId), Boolean(e.args.paused)]);
  },

  // ------------------------------------------------------------------ FilmMarket: money in
  async ViewPurchased(tx, e, clock) {
    const a = e.args;
    await tx.query(
      `INSERT INTO purchases (tx_hash, log_index, block_number, block_time, period, film_id, viewer, payee, price, fee, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
      [...base(e), clampedPeriodOf(clock, e.blockTime), str(a.filmId), a.viewer, a.payee, str(a.price), str(a.fee), Number(a.expiresAt)],
    );
  },
  async Subscribed(tx, e, clock) {
    const a = e.args;
    const start = Number(a.start);
    const end = Number(a.end);
    await tx.query(
      `INSERT INTO subscriptions (tx_hash, log_index, block_number, block_time, subscriber, months, paid, pooled, start_at, end_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
      [...base(e), a.subscriber, Number(a.months), str(a.paid), str(a.pooled), start, end],
    );
    await fundPools(tx, clock, a.subscriber as string, big(a.pooled), start, end);
  },

  // ------------------------------------------------------------------ FilmMarket: money out
  async EarningsWithdrawn(tx, e) {
    await tx.query(
      `INSERT INTO withdrawals (tx_hash, log_index, block_number, block_time, kind, account, to_address, amount)
       VALUES ($1, $2, $3, $4, 'earnings', $5, $6, $7) ON CONFLICT DO NOTHING`,
      [...base(e), e.args.account, e.args.to, str(e.args.amount)],
    );
  },
  async FeesWithdrawn(tx, e) {
    await tx.query(
      `INSERT INTO withdrawals (tx_hash, log_index, block_number, block_time, kind, account, to_address, amount)
       VALUES ($1, $2, $3, $4, 'fees', $5, $5, $6) ON CONFLICT DO NOTHING`,
      [...base(e), e.args.treasury, str(e.args.amount)],
    );
  },

  // ------------------------------------------------------------------ FilmMarket: settlement
  async TallyPosted(tx, e) {
    const a = e.args;
    await tx.query(
      `INSERT INTO tallies (tx_hash, log_index, block_number, block_time, period, root, total_views, total_seconds,
                            leaf_count, view_weight_bps, data_cid, signers, claimable_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING`,
      [
        ...base(e),
        str(a.period),
        a.root,
        str(a.totalViews),
        str(a.totalSeconds),
        Number(a.leafCount),
        Number(a.viewWeightBps),
        a.dataCid,
        a.signers as string[],
        Number(a.claimableAt),
      ],
    );
  },
  async TallyDisputed(tx, e) {
    const a = e.args;
    // The tally disputed is the period's latest posted one with that root.
    await tx.query(
      `UPDATE tallies SET status = 'disputed', disputed_by = $3, disputed_at = $4, dispute_reason = $5, dispute_tx = $6
       WHERE (tx_hash, log_index) = (
         SELECT tx_hash, log_index FROM tallies WHERE period = $1 AND root = $2 AND status = 'posted'
         ORDER BY block_number DESC, log_index DESC LIMIT 1)`,
      [str(a.period), a.root, a.disputer, e.blockTime, a.reason, e.txHash],
    );
  },
  async Claimed(tx, e) {
    const a = e.args;
    await tx.query(
      `INSERT INTO claims (tx_hash, log_index, block_number, block_time, period, film_id, payee, amount)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
      [...base(e), str(a.period), str(a.filmId), a.payee, str(a.amount)],
    );
    await ensurePool(tx, big(a.period));
    await tx.query("UPDATE period_pools SET paid = paid + $2::numeric, claimed_count = claimed_count + 1 WHERE period = $1", [
      str(a.period),
      str(a.amount),
    ]);
  },
  async RemainderRolledOver(tx, e) {
    const a = e.args;
    await tx.query(
      `INSERT INTO rollovers (tx_hash, log_index, block_number, block_time, period, into_period, amount)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [...base(e), str(a.period), str(a.intoPeriod), str(a.amount)],
    );
    await ensurePool(tx, big(a.period));
    await ensurePool(tx, big(a.intoPeriod));
    await tx.query("UPDATE period_pools SET paid = paid + $2::numeric WHERE period = $1", [str(a.period), str(a.amount)]);
    await tx.query("UPDATE period_pools SET amount = amount + $2::numeric, rolled_in = rolled_in + $2::numeric WHERE period = $1", [
      str(a.intoPeriod),
      str(a.amount),
    ]);
  },
  async OracleSignerAdded(tx, e) {
    await tx.query(
      `INSERT INTO oracle_signers (signer, active, changed_block) VALUES ($1, true, $2)
       ON CONFLICT (signer) DO UPDATE SET active = true, changed_block = EXCLUDED.changed_block`,
      [e.args.signer, e.blockNumber],
    );
  },
  async OracleSignerRemoved(tx, e) {
    await tx.query(
      `INSERT INTO oracle_signers (signer, active, changed_block) VALUES ($1, false, $2)
       ON CONFLICT (signer) DO UPDATE SET active = false, changed_block = EXCLUDED.changed_block`,
      [e.args.signer, e.blockNumber],
    );
  },

  // ------------------------------------------------------------------ SplitterFactory
  async SplitterCreated(tx, e) {
    const a = e.args;
    const payees = a.payees as string[];
    const shares = (a.shares as bigint[]).map(big);
    const total = shares.reduce((sum, s) => sum + s, 0n);
    const created = await tx.query(
      `INSERT INTO film_splits (film_id, splitter, controller, total_shares, created_block, created_at, created_tx)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (film_id) DO NOTHING RETURNING 1`,
      [str(a.filmId), a.splitter, a.controller, total.toString(), e.blockNumber, e.blockTime, e.txHash],
    );
    if (created.length === 0) return;
    for (const [i, payee] of payees.entries()) {
      await tx.query("INSERT INTO film_split_payees (film_id, position, payee, shares) VALUES ($1, $2, $3, $4)", [
        str(a.filmId),
        i,
        payee,
        shares[i].toString(),
      ]);
    }
  },

  // ------------------------------------------------------------------ FilmMarket: parameters
  OracleThresholdChanged: (tx, e) => setParams(tx, e, "oracle_threshold", Number(e.args.newThreshold)),
  FeeChanged: (tx, e) => setParams(tx, e, "fee_bps", Number(e.args.newFeeBps)),
  ViewWeightChanged: (tx, e) => setParams(tx, e, "view_weight_bps", Number(e.args.newViewWeightBps)),
  MonthlyPriceChanged: (tx, e) => setParams(tx, e, "monthly_price", str(e.args.newPrice)),
  PassWindowChanged: (tx, e) => setParams(tx, e, "pass_window", Number(e.args.newWindow)),
  ChallengeWindowChanged: (tx, e) => setParams(tx, e, "challenge_window", Number(e.args.newWindow)),
  TreasuryChanged: (tx, e) => setParams(tx, e, "treasury", e.args.newTreasury),
  Paused: (tx, e) => setParams(tx, e, "purchases_paused", true),
  Unpaused: (tx, e) => setParams(tx, e, "purchases_paused", false),
};

/** Records `e` and applies its effect; false if it was already recorded (nothing changed). */
export async function applyEvent(tx: Queryable, e: ChainEvent, clock: PeriodClock): Promise<boolean> {
  const inserted = await tx.query(
    `INSERT INTO chain_events (block_number, block_hash, block_time, tx_hash, log_index, contract, event, args)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) ON CONFLICT DO NOTHING RETURNING 1`,
    [e.blockNumber, e.blockHash, e.blockTime, e.txHash, e.logIndex, e.contract, e.event, argsJson(e.args)],
  );
  if (inserted.length === 0) return false;
  // ERC-721 Transfer is the only event name the two ABIs could share; it only comes from listings.
  const handler = e.contract === "listings" || e.event !== "Transfer" ? handlers[e.event] : undefined;
  if (handler) await handler(tx, e, clock);
  return true;
}

/** Tables the indexer owns, emptied together when the chain it followed is gone. */
export const INDEXED_TABLES = [
  "chain_events",
  "films",
  "film_transfers",
  "purchases",
  "subscriptions",
  "period_subscribers",
  "period_pools",
  "tallies",
  "claims",
  "rollovers",
  "withdrawals",
  "market_params",
  "oracle_signers",
  "film_split_payees",
  "film_splits",
  "indexer_state",
] as const;
