/** Read-only views of the ledger for the web app: film stats and a viewer's watch history. */
import type { Queryable } from "../db/index.ts";
import { ENTITLEMENTS, type Entitlement } from "./rules.ts";
import { parseAddress, parseFilmId } from "./validate.ts";

export interface FilmStats {
  filmId: bigint;
  /** Unique views under any entitlement (each counted once, credited to one entitlement). */
  views: bigint;
  seconds: bigint;
  byEntitlement: Record<Entitlement, { views: bigint; seconds: bigint }>;
}

/**
 * Stats for every film watched in `period`, or just `filmId` (then at most one entry), by film id.
 * Films with no seconds credited are left out.
 */
export async function filmStats(db: Queryable, period: number, filmId?: bigint | number | string): Promise<FilmStats[]> {
  if (!Number.isSafeInteger(period) || period < 0) throw new RangeError(`period must be a non-negative integer, got ${period}`);
  const params: unknown[] = [period];
  let filter = "";
  if (filmId !== undefined) {
    params.push(parseFilmId(filmId).toString());
    filter = "AND film_id = $2";
  }
  // Entitlement names come from the ENTITLEMENTS constant, so they are safe to splice in.
  const perEntitlement = ENTITLEMENTS.map(
    (e) => `count(*) FILTER (WHERE view_entitlement = '${e}')::text AS views_${e},
            sum(seconds_${e})::text AS seconds_${e}`,
  ).join(",\n");
  const rows = await db.query<Record<string, string>>(
    `SELECT film_id::text AS film_id,
            count(*) FILTER (WHERE view_counted)::text AS views,
            sum(seconds)::text AS seconds,
            ${perEntitlement}
     FROM view_counters
     WHERE period = $1 ${filter}
     GROUP BY film_id
     HAVING sum(seconds) > 0`,
    params,
  );
  return rows
    .map((row) => ({
      filmId: BigInt(row.film_id),
      views: BigInt(row.views),
      seconds: BigInt(row.seconds),
      byEntitlement: Object.fromEntries(
        ENTITLEMENTS.map((e) => [e, { views: BigInt(row[`views_${e}`]), seconds: BigInt(row[`seconds_${e}`]) }]),
      ) as FilmStats["byEntitlement"],
    }))
    .sort((a, b) => (a.filmId < b.filmId ? -1 : a.filmId > b.filmId ? 1 : 0));
}

export interface HistoryEntry {
  filmId: bigint;
  firstWatchedAt: number;
  lastWatchedAt: number;
  /** Last reported playback position, or null if the player never sent one. */
  positionSeconds: number | null;
  /** Seconds credited for this film over all periods and entitlements (after caps). */
  watchedSeconds: bigint;
}

/** Films `viewer` has watched, most recent first: the "continue watching" row. */
export async function viewerHistory(db: Queryable, viewer: string, options: { limit?: number } = {}): Promise<HistoryEntry[]> {
  const address = parseAddress(viewer);
  const limit = options.limit ?? 100;
  if (!Number.isSafeInteger(limit) || limit <= 0) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const rows = await db.query<{
    film_id: string;
    first_watched_at: string;
    last_watched_at: string;
    position_seconds: number | null;
    watched: string;
  }>(
    `SELECT f.film_id::text AS film_id,
            f.first_watched_at::text AS first_watched_at,
            f.last_watched_at::text AS last_watched_at,
            f.position_seconds,
            COALESCE((SELECT sum(c.seconds) FROM view_counters c
                      WHERE c.viewer = f.viewer AND c.film_id = f.film_id), 0)::text AS watched
     FROM viewer_films f
     WHERE f.viewer = $1
     ORDER BY f.last_watched_at DESC, f.film_id
     LIMIT $2`,
    [address, limit],
  );
  return rows.map((row) => ({
    filmId: BigInt(row.film_id),
    firstWatchedAt: Number(row.first_watched_at),
    lastWatchedAt: Number(row.last_watched_at),
    positionSeconds: row.position_seconds,
    watchedSeconds: BigInt(row.watched),
  }));
}
