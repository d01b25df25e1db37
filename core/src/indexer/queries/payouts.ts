/**
 * The open payouts page: every period's pool, subscribers, tally and status, the claims paid for
 * a period, and the market's parameters ("how the split works").
 */
import type { Queryable } from "../../db/index.ts";
import { periodStart } from "../../domain/periods.ts";
import { readIndexerState } from "../state.ts";
import { chainView, displayTitle, nonNegativeInt } from "./shared.ts";

export type PeriodStatus = "open" | "awaiting-tally" | "posted" | "disputed" | "claimable" | "settled";

export interface TallyInfo {
  root: string;
  totalViews: number;
  totalSeconds: number;
  leafCount: number;
  viewWeightBps: number;
  /** CID of the published tally file (every leaf, totals, method). */
  dataCid: string;
  /** The oracle signers whose signatures were accepted, lowercase. */
  signers: string[];
  claimableAt: number;
  postedAt: number;
  postedBlock: number;
  txHash: string;
  status: "posted" | "disputed";
  dispute: { by: string; at: number; reason: string; txHash: string } | null;
}

export interface PeriodOverview {
  period: number;
  start: number;
  end: number;
  /**
   * open: not ended; awaiting-tally: ended, nothing posted; posted: inside the challenge window;
   * disputed: the latest tally was disputed (pays nothing until replaced); claimable: window over,
   * films still to claim; settled: every film of the tally claimed.
   */
  status: PeriodStatus;
  /** The pool in token units (subscriptions less fees, plus remainders rolled in). */
  pool: string;
  /** Claimed plus rolled over. */
  paid: string;
  unpaid: string;
  rolledIn: string;
  rolledOver: { intoPeriod: number; amount: string } | null;
  subscribers: number;
  claimedCount: number;
  claimedAmount: string;
  /** The tally in force: the latest posted (possibly disputed) one. */
  tally: TallyInfo | null;
  /** Earlier tallies of the period that were disputed and replaced. */
  replacedTallies: TallyInfo[];
  /** What the ledger holds for the period from subscribers (what a tally attests), for comparison. */
  ledger: { views: number; watchSeconds: number };
}

interface TallyRow {
  period: string;
  root: string;
  total_views: string;
  total_seconds: string;
  leaf_count: string;
  view_weight_bps: number;
  data_cid: string;
  signers: string[];
  claimable_at: string;
  block_time: string;
  block_number: string;
  tx_hash: string;
  status: "posted" | "disputed";
  disputed_by: string | null;
  disputed_at: string | null;
  dispute_reason: string | null;
  dispute_tx: string | null;
}

const toTally = (t: TallyRow): TallyInfo => ({
  root: t.root,
  totalViews: Number(t.total_views),
  totalSeconds: Number(t.total_seconds),
  leafCount: Number(t.leaf_count),
  viewWeightBps: t.view_weight_bps,
  dataCid: t.data_cid,
  signers: t.signers,
  claimableAt: Number(t.claimable_at),
  postedAt: Number(t.block_time),
  postedBlock: Number(t.block_number),
  txHash: t.tx_hash,
  status: t.status,
  dispute:
    t.disputed_by === null
      ? null
      : { by: t.disputed_by, at: Number(t.disputed_at), reason: t.dispute_reason ?? "", txHash: t.dispute_tx ?? "" },
});

/** Every period from 0 to the current one, newest first: pool, subscribers, tally, status. */
export async function periodsOverview(db: Queryable, options: { nowSeconds?: number; limit?: number } = {}): Promise<PeriodOverview[]> {
  const view = await chainView(db, options.nowSeconds);
  if (!view.clock) return [];
  const limit = nonNegativeInt(options.limit, "limit", 120, 10_000);
  const last = view.currentPeriod;
  const first = Math.max(0, last - limit + 1);
  const [pools, tallies, rollovers, claims, ledger] = await Promise.all([
    db.query<{ period: string; amount: string; paid: string; subscribers: number; claimed_count: number; rolled_in: string }>(
      `SELECT period::text AS period, amount::text AS amount, paid::text AS paid, subscribers, claimed_count,
              rolled_in::text AS rolled_in
       FROM period_pools WHERE period BETWEEN $1 AND $2`,
      [first, last],
    ),
    db.query<TallyRow>(
      `SELECT period::text AS period, root, total_views::text AS total_views, total_seconds::text AS total_seconds,
              leaf_count::text AS leaf_count, view_weight_bps, data_cid, signers, claimable_at::text AS claimable_at,
              block_time::text AS block_time, block_number::text AS block_number, tx_hash, status, disputed_by,
              disputed_at::text AS disputed_at, dispute_reason, dispute_tx
       FROM tallies WHERE period BETWEEN $1 AND $2 ORDER BY period, block_number DESC, log_index DESC`,
      [first, last],
    ),
    db.query<{ period: string; into_period: string; amount: string }>(
      `SELECT period::text AS period, into_period::text AS into_period, amount::text AS amount
       FROM rollovers WHERE period BETWEEN $1 AND $2`,
      [first, last],
    ),
    db.query<{ period: string; amount: string }>(
      `SELECT period::text AS period, sum(amount)::text AS amount FROM claims WHERE period BETWEEN $1 AND $2 GROUP BY period`,
      [first, last],
    ),
    db.query<{ period: string; views: string; seconds: string }>(
      `SELECT period::text AS period,
              count(*) FILTER (WHERE view_counted AND view_entitlement = 'subscription')::text AS views,
              sum(seconds_subscription)::text AS seconds
       FROM view_counters WHERE period BETWEEN $1 AND $2 GROUP BY period`,
      [first, last],
    ),
  ]);
  const poolOf = new Map(pools.map((p) => [Number(p.period), p]));
  const talliesOf = new Map<number, TallyRow[]>();
  for (const t of tallies) talliesOf.set(Number(t.period), [...(talliesOf.get(Number(t.period)) ?? []), t]);
  const rolloverOf = new Map(rollovers.map((r) => [Number(r.period), r]));
  const claimedOf = new Map(claims.map((c) => [Number(c.period), c.amount]));
  const ledgerOf = new Map(ledger.map((l) => [Number(l.period), l]));

  const result: PeriodOverview[] = [];
  for (let period = last; period >= first; period--) {
    const start = periodStart(view.clock, period);
    const end = start + view.clock.periodLength;
    const pool = poolOf.get(period);
    const [current, ...replaced] = talliesOf.get(period) ?? [];
    const tally = current ? toTally(current) : null;
    const claimedCount = pool?.claimed_count ?? 0;
    let status: PeriodStatus;
    if (view.now < end) status = "open";
    else if (!tally) status = "awaiting-tally";
    else if (tally.status === "disputed") status = "disputed";
    else if (view.now < tally.claimableAt) status = "posted";
    else if (claimedCount < tally.leafCount) status = "claimable";
    else status = "settled";
    const amount = BigInt(pool?.amount ?? 0);
    const paid = BigInt(pool?.paid ?? 0);
    const rolled = rolloverOf.get(period);
    const l = ledgerOf.get(period);
    result.push({
      period,
      start,
      end,
      status,
      pool: amount.toString(),
      paid: paid.toString(),
      unpaid: (amount - paid).toString(),
      rolledIn: pool?.rolled_in ?? "0",
      rolledOver: rolled ? { intoPeriod: Number(rolled.into_period), amount: rolled.amount } : null,
      subscribers: pool?.subscribers ?? 0,
      claimedCount,
      claimedAmount: claimedOf.get(period) ?? "0",
      tally,
      replacedTallies: replaced.map(toTally),
      ledger: { views: Number(l?.views ?? 0), watchSeconds: Number(l?.seconds ?? 0) },
    });
  }
  return result;
}

export interface PeriodClaim {
  filmId: string;
  title: string;
  payee: string;
  amount: string;
  claimedAt: number;
  txHash: string;
}

/** The claims paid for one period, by film: the payouts page's per-film table joins these with the tally file. */
export async function periodClaims(db: Queryable, period: number): Promise<PeriodClaim[]> {
  nonNegativeInt(period, "period", 0);
  const rows = await db.query<{
    film_id: string;
    title: string | null;
    payee: string;
    amount: string;
    block_time: string;
    tx_hash: string;
  }>(
    `SELECT c.film_id::text AS film_id, f.title, c.payee, c.amount::text AS amount, c.block_time::text AS block_time, c.tx_hash
     FROM claims c LEFT JOIN films f ON f.film_id = c.film_id WHERE c.period = $1 ORDER BY c.film_id`,
    [period],
  );
  return rows.map((r) => ({
    filmId: r.film_id,
    title: displayTitle(r.title, r.film_id),
    payee: r.payee,
    amount: r.amount,
    claimedAt: Number(r.block_time),
    txHash: r.tx_hash,
  }));
}

export interface MarketParameters {
  chainId: number;
  market: string;
  listings: string;
  paymentToken: string;
  genesis: number;
  periodLength: number;
  feeBps: number | null;
  viewWeightBps: number | null;
  monthlyPrice: string | null;
  passWindow: number | null;
  challengeWindow: number | null;
  treasury: string | null;
  purchasesPaused: boolean;
  oracleThreshold: number | null;
  oracleSigners: string[];
  /** Block the parameters are as of. */
  asOfBlock: number;
}

/** The market's current parameters as indexed ("how the split works" on the payouts page); null before indexing. */
export async function marketParameters(db: Queryable): Promise<MarketParameters | null> {
  const state = await readIndexerState(db);
  if (!state) return null;
  const [params] = await db.query<{
    fee_bps: number | null;
    view_weight_bps: number | null;
    monthly_price: string | null;
    pass_window: string | null;
    challenge_window: string | null;
    treasury: string | null;
    purchases_paused: boolean;
    oracle_threshold: number | null;
  }>(
    `SELECT fee_bps, view_weight_bps, monthly_price::text AS monthly_price, pass_window::text AS pass_window,
            challenge_window::text AS challenge_window, treasury, purchases_paused, oracle_threshold
     FROM market_params WHERE id = 1`,
  );
  const signers = await db.query<{ signer: string }>("SELECT signer FROM oracle_signers WHERE active ORDER BY signer");
  const n = (v: string | null | undefined) => (v == null ? null : Number(v));
  return {
    chainId: state.chainId,
    market: state.market,
    listings: state.listings,
    paymentToken: state.paymentToken,
    genesis: state.clock.genesis,
    periodLength: state.clock.periodLength,
    feeBps: params?.fee_bps ?? null,
    viewWeightBps: params?.view_weight_bps ?? null,
    monthlyPrice: params?.monthly_price ?? null,
    passWindow: n(params?.pass_window),
    challengeWindow: n(params?.challenge_window),
    treasury: params?.treasury ?? null,
    purchasesPaused: params?.purchases_paused ?? false,
    oracleThreshold: params?.oracle_threshold ?? null,
    oracleSigners: signers.map((s) => s.signer),
    asOfBlock: state.lastBlock,
  };
}
