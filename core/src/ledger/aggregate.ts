/**
 * Turning a period's counters into the tally's leaves. Only subscription watching is paid from the
 * pool, so only it is aggregated; the other entitlements stay in the ledger for stats.
 */
import type { Queryable } from "../db/index.ts";
import { COUNTED_ENTITLEMENT } from "./rules.ts";

/** One film's line in a tally: the Merkle leaf `(filmId, views, seconds)`. */
export interface TallyLeaf {
  filmId: bigint;
  views: bigint;
  seconds: bigint;
}

export interface PeriodTotals {
  totalViews: bigint;
  totalSeconds: bigint;
  leafCount: number;
}

/**
 * The leaves for `period`, sorted by film id, omitting films with no counted seconds (a leaf with
 * nothing to share would only grow the tree). Deterministic: the same ledger gives the same leaves.
 */
export async function aggregatePeriod(db: Queryable, period: number): Promise<TallyLeaf[]> {
  if (!Number.isSafeInteger(period) || period < 0) throw new RangeError(`period must be a non-negative integer, got ${period}`);
  const column = `seconds_${COUNTED_ENTITLEMENT}`;
  const rows = await db.query<{ film_id: string; views: string; seconds: string }>(
    `SELECT film_id::text AS film_id,
            count(*) FILTER (WHERE view_entitlement = $2)::text AS views,
            sum(${column})::text AS seconds
     FROM view_counters
     WHERE period = $1
     GROUP BY film_id
     HAVING sum(${column}) > 0`,
    [period, COUNTED_ENTITLEMENT],
  );
  // Sorted here rather than trusting SQL ORDER BY, so the order is bigint order by construction.
  return rows
    .map((row) => ({ filmId: BigInt(row.film_id), views: BigInt(row.views), seconds: BigInt(row.seconds) }))
    .sort((a, b) => (a.filmId < b.filmId ? -1 : a.filmId > b.filmId ? 1 : 0));
}

/** Sums leaves; the tally's totals must be exactly these, so they are derived, never queried apart. */
export function totalsOf(leaves: readonly TallyLeaf[]): PeriodTotals {
  let totalViews = 0n;
  let totalSeconds = 0n;
  for (const leaf of leaves) {
    totalViews += leaf.views;
    totalSeconds += leaf.seconds;
  }
  return { totalViews, totalSeconds, leafCount: leaves.length };
}

export async function periodTotals(db: Queryable, period: number): Promise<PeriodTotals> {
  return totalsOf(await aggregatePeriod(db, period));
}
