/**
 * The creator studio and a creator's public page: the films an address owns with their numbers,
 * and per-period series for the charts.
 *
 * Views and watch time cover the films the address owns now; pay-per-view revenue counts passes
 * paid to the address (the owner at purchase); pool earnings count claims paid to it, attributed
 * to the period they settle.
 */
import type { Queryable } from "../../db/index.ts";
import { periodStart } from "../../domain/periods.ts";
import { FILM_COLUMNS, address, audienceByFilm, chainView, displayTitle, type FilmRow, type MetadataStatus } from "./shared.ts";

export interface CreatorFilm {
  filmId: string;
  title: string;
  posterUri: string | null;
  durationSeconds: number;
  pricePerView: string;
  salesPaused: boolean;
  mintedAt: number;
  metadataStatus: MetadataStatus;
  metadataError: string | null;
  /** Audience views and seconds over all periods, and in the current one. */
  views: number;
  watchSeconds: number;
  thisPeriod: { views: number; watchSeconds: number };
  /** Passes sold while this address owned the film, and what they credited it (price − fee). */
  passesSold: number;
  ppvRevenue: string;
  /** Pool shares claimed for this film and paid to this address. */
  poolEarnings: string;
}

export interface CreatorPeriod {
  period: number;
  start: number;
  end: number;
  /** Audience views and seconds on the films this address owns now. */
  views: number;
  watchSeconds: number;
  /** The subscription-only part: what the period's pool is split by. */
  subscriptionViews: number;
  subscriptionSeconds: number;
  /** Pay-per-view revenue credited to this address in the period (price − fee). */
  ppvRevenue: string;
  passesSold: number;
  /** Pool shares of this period paid to this address (whenever claimed). */
  poolEarnings: string;
}

export interface CreatorOverview {
  address: string;
  currentPeriod: number;
  films: CreatorFilm[];
  /** From the first period with activity (or the current one) to the current one, oldest first. */
  periods: CreatorPeriod[];
  totals: {
    views: number;
    watchSeconds: number;
    ppvRevenue: string;
    poolEarnings: string;
    /** ppvRevenue + poolEarnings. */
    earnings: string;
    /** Pay-per-view earnings withdrawn, and what the market still owes (its earningsOf). */
    ppvWithdrawn: string;
    ppvBalance: string;
  };
}

/** The creator studio: films owned with their numbers, and per-period series for the charts. */
export async function creatorOverview(db: Queryable, owner: string, options: { nowSeconds?: number } = {}): Promise<CreatorOverview> {
  const who = address(owner, "address");
  const view = await chainView(db, options.nowSeconds);
  const films = await db.query<
    FilmRow & {
      metadata_error: string | null;
      all_views: string;
      all_seconds: string;
      passes_sold: string;
      ppv: string;
      pool: string;
    }
  >(
    `SELECT ${FILM_COLUMNS}, f.metadata_error,
            COALESCE(s.views, 0)::text AS views, COALESCE(s.seconds, 0)::text AS seconds,
            COALESCE(a.views, 0)::text AS all_views, COALESCE(a.seconds, 0)::text AS all_seconds,
            COALESCE(p.sold, 0)::text AS passes_sold, COALESCE(p.revenue, 0)::text AS ppv,
            COALESCE(c.amount, 0)::text AS pool
     FROM films f
     LEFT JOIN (${audienceByFilm("period = $2")}) s ON s.film_id = f.film_id
     LEFT JOIN (${audienceByFilm("film_id IN (SELECT film_id FROM films WHERE owner = $1)")}) a ON a.film_id = f.film_id
     LEFT JOIN (SELECT film_id, count(*) AS sold, sum(price - fee) AS revenue FROM purchases WHERE payee = $1
                GROUP BY film_id) p ON p.film_id = f.film_id
     LEFT JOIN (SELECT film_id, sum(amount) AS amount FROM claims WHERE payee = $1 GROUP BY film_id) c
            ON c.film_id = f.film_id
     WHERE f.owner = $1
     ORDER BY f.minted_at DESC, f.film_id DESC`,
    [who, view.currentPeriod],
  );

  // Per-period series: ledger counters of the films owned now, and money paid to this address.
  const series = await db.query<{
    period: string;
    views: string;
    seconds: string;
    sub_views: string;
    sub_seconds: string;
    ppv: string;
    sold: string;
    pool: string;
  }>(
    `WITH l AS (
       SELECT period, count(*) FILTER (WHERE view_counted AND view_entitlement <> 'owner') AS views,
              sum(seconds - seconds_owner) AS seconds,
              count(*) FILTER (WHERE view_counted AND view_entitlement = 'subscription') AS sub_views,
              sum(seconds_subscription) AS sub_seconds
       FROM view_counters WHERE film_id IN (SELECT film_id FROM films WHERE owner = $1) GROUP BY period),
     p AS (SELECT period, sum(price - fee) AS ppv, count(*) AS sold FROM purchases WHERE payee = $1 GROUP BY period),
     c AS (SELECT period, sum(amount) AS pool FROM claims WHERE payee = $1 GROUP BY period)
     SELECT period::text AS period,
            COALESCE(max(l.views), 0)::text AS views, COALESCE(max(l.seconds), 0)::text AS seconds,
            COALESCE(max(l.sub_views), 0)::text AS sub_views, COALESCE(max(l.sub_seconds), 0)::text AS sub_seconds,
            COALESCE(max(p.ppv), 0)::text AS ppv, COALESCE(max(p.sold), 0)::text AS sold,
            COALESCE(max(c.pool), 0)::text AS pool
     FROM l FULL JOIN p USING (period) FULL JOIN c USING (period)
     GROUP BY period`,
    [who],
  );
  const [withdrawn] = await db.query<{ amount: string }>(
    "SELECT COALESCE(sum(amount), 0)::text AS amount FROM withdrawals WHERE kind = 'earnings' AND account = $1",
    [who],
  );
  const [allPpv] = await db.query<{ amount: string }>(
    "SELECT COALESCE(sum(price - fee), 0)::text AS amount FROM purchases WHERE payee = $1",
    [who],
  );

  const byPeriod = new Map(series.map((r) => [Number(r.period), r]));
  const first = Math.min(view.currentPeriod, ...byPeriod.keys());
  const last = Math.max(view.currentPeriod, ...byPeriod.keys());
  const periods: CreatorPeriod[] = [];
  for (let period = first; period <= last; period++) {
    const r = byPeriod.get(period);
    const start = view.clock ? periodStart(view.clock, period) : 0;
    periods.push({
      period,
      start,
      end: view.clock ? start + view.clock.periodLength : 0,
      views: Number(r?.views ?? 0),
      watchSeconds: Number(r?.seconds ?? 0),
      subscriptionViews: Number(r?.sub_views ?? 0),
      subscriptionSeconds: Number(r?.sub_seconds ?? 0),
      ppvRevenue: r?.ppv ?? "0",
      passesSold: Number(r?.sold ?? 0),
      poolEarnings: r?.pool ?? "0",
    });
  }
  const ppvTotal = BigInt(allPpv.amount);
  const poolTotal = periods.reduce((sum, p) => sum + BigInt(p.poolEarnings), 0n);
  return {
    address: who,
    currentPeriod: view.currentPeriod,
    films: films.map((row) => ({
      filmId: row.film_id,
      title: displayTitle(row.title, row.film_id),
      posterUri: row.image,
      durationSeconds: Number(row.duration_seconds),
      pricePerView: row.price_per_view,
      salesPaused: row.sales_paused,
      mintedAt: Number(row.minted_at),
      metadataStatus: row.metadata_status,
      metadataError: row.metadata_error,
      views: Number(row.all_views),
      watchSeconds: Number(row.all_seconds),
      thisPeriod: { views: Number(row.views), watchSeconds: Number(row.seconds) },
      passesSold: Number(row.passes_sold),
      ppvRevenue: row.ppv,
      poolEarnings: row.pool,
    })),
    periods,
    totals: {
      views: periods.reduce((s, p) => s + p.views, 0),
      watchSeconds: periods.reduce((s, p) => s + p.watchSeconds, 0),
      ppvRevenue: ppvTotal.toString(),
      poolEarnings: poolTotal.toString(),
      earnings: (ppvTotal + poolTotal).toString(),
      ppvWithdrawn: withdrawn.amount,
      ppvBalance: (ppvTotal - BigInt(withdrawn.amount)).toString(),
    },
  };
}
