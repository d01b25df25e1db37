/**
 * A period's counted watching per (subscriber, film): what a split method needs to know who
 * watched what (aggregate.ts has only the per-film sums). Same counting as the tally's leaves:
 * subscription seconds, and the unique view when a subscription beat made it.
 */
import type { Queryable } from "../db/index.ts";
import type { ViewerFilmCount } from "../domain/split.ts";
import { COUNTED_ENTITLEMENT } from "./rules.ts";

/** Rows with counted seconds or a counted view, sorted by viewer then film (deterministic). */
export async function viewerFilmCounts(db: Queryable, period: number): Promise<ViewerFilmCount[]> {
  if (!Number.isSafeInteger(period) || period < 0) throw new RangeError(`period must be a non-negative integer, got ${period}`);
  const column = `seconds_${COUNTED_ENTITLEMENT}`;
  const rows = await db.query<{ viewer: string; film_id: string; views: number; seconds: string }>(
    `SELECT viewer, film_id::text AS film_id,
            (CASE WHEN view_entitlement = $2 THEN 1 ELSE 0 END)::int AS views,
            ${column}::text AS seconds
     FROM view_counters
     WHERE period = $1 AND (${column} > 0 OR view_entitlement = $2)`,
    [period, COUNTED_ENTITLEMENT],
  );
  return rows
    .map((row) => ({ viewer: row.viewer, filmId: BigInt(row.film_id), views: BigInt(row.views), seconds: BigInt(row.seconds) }))
    .sort((a, b) => (a.viewer < b.viewer ? -1 : a.viewer > b.viewer ? 1 : a.filmId < b.filmId ? -1 : a.filmId > b.filmId ? 1 : 0));
}
