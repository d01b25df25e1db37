/**
 * The signed-in viewer's own catalogue rows: "Continue watching" (films left part-way, from the
 * ledger's last positions in viewer_films) and "Watchlist" (films they saved, table watchlist,
 * migration 012), and the watchlist's writes. Both rows show only films the catalogue shows
 * (metadata read, sales not paused), with this period's audience figures like every other row.
 */
import type { Queryable } from "../../db/index.ts";
import { toSummary, type FilmSummary } from "./catalogue.ts";
import {
  CATALOGUE_VISIBLE,
  FILM_COLUMNS,
  QueryInputError,
  address,
  audienceByFilm,
  currentPeriod,
  filmIdText,
  nonNegativeInt,
  WITHIN_AGE_LIMIT,
  ageLimitParam,
  type FilmRow,
} from "./shared.ts";
import type { AgeRating } from "../../domain/moderation.ts";

/** A watchlist is a shortlist: past this many films, adding asks the viewer to remove one first. */
export const MAX_WATCHLIST = 500;

export type WatchlistChange = "added" | "already" | "removed" | "absent" | "unknown-film" | "full";

/**
 * A film left part-way: past its first 10 s and short of its last 5 % (at least 10 s). The
 * account page's "continue watching" uses the same rule.
 */
export function leftPartWay(positionSeconds: number | null, durationSeconds: number | null): boolean {
  if (positionSeconds === null || durationSeconds === null) return false;
  const tail = Math.max(10, durationSeconds * 0.05);
  return positionSeconds >= 10 && positionSeconds < durationSeconds - tail;
}

function filmId(value: string | bigint): string {
  const id = filmIdText(value);
  if (id === null) throw new QueryInputError("filmId must be a positive integer");
  return id;
}

/** Adds a listed film to the viewer's watchlist (idempotent). */
export async function addToWatchlist(db: Queryable, viewer: string, film: string | bigint, nowSeconds: number): Promise<WatchlistChange> {
  const who = address(viewer, "viewer");
  const id = filmId(film);
  if (!Number.isSafeInteger(nowSeconds)) throw new QueryInputError("nowSeconds must be integer unix seconds");
  const [row] = await db.query<{ known: boolean; present: boolean; count: string }>(
    `SELECT EXISTS (SELECT 1 FROM films WHERE film_id = $2) AS known,
            EXISTS (SELECT 1 FROM watchlist WHERE viewer = $1 AND film_id = $2) AS present,
            (SELECT count(*) FROM watchlist WHERE viewer = $1)::text AS count`,
    [who, id],
  );
  if (!row.known) return "unknown-film";
  if (row.present) return "already";
  if (Number(row.count) >= MAX_WATCHLIST) return "full";
  const inserted = await db.query(
    `INSERT INTO watchlist (viewer, film_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING film_id`,
    [who, id, nowSeconds],
  );
  return inserted.length > 0 ? "added" : "already";
}

export async function removeFromWatchlist(db: Queryable, viewer: string, film: string | bigint): Promise<WatchlistChange> {
  const removed = await db.query("DELETE FROM watchlist WHERE viewer = $1 AND film_id = $2 RETURNING film_id", [
    address(viewer, "viewer"),
    filmId(film),
  ]);
  return removed.length > 0 ? "removed" : "absent";
}

export async function isOnWatchlist(db: Queryable, viewer: string, film: string | bigint): Promise<boolean> {
  const rows = await db.query("SELECT 1 FROM watchlist WHERE viewer = $1 AND film_id = $2", [address(viewer, "viewer"), filmId(film)]);
  return rows.length > 0;
}

export interface ViewerRowOptions {
  nowSeconds?: number;
  /** Default 12, at most 200. */
  limit?: number;
  /** The viewer's age limit (see ListFilmsOptions.maxAgeRating). */
  maxAgeRating?: AgeRating;
}

/** The viewer's watchlist as catalogue cards, most recently added first. */
export async function watchlistFilms(db: Queryable, viewer: string, options: ViewerRowOptions = {}): Promise<FilmSummary[]> {
  const who = address(viewer, "viewer");
  const limit = nonNegativeInt(options.limit, "limit", 12, 200);
  const period = await currentPeriod(db, options.nowSeconds);
  const rows = await db.query<FilmRow>(
    `WITH s AS (${audienceByFilm("period = $1")})
     SELECT ${FILM_COLUMNS}, COALESCE(s.views, 0)::text AS views, COALESCE(s.seconds, 0)::text AS seconds
     FROM watchlist w
     JOIN films f ON f.film_id = w.film_id
     LEFT JOIN s ON s.film_id = f.film_id
     WHERE w.viewer = $2 AND ${CATALOGUE_VISIBLE} AND ${WITHIN_AGE_LIMIT("$4::int")}
     ORDER BY w.added_at DESC, w.film_id DESC
     LIMIT $3`,
    [period, who, limit, ageLimitParam(options.maxAgeRating)],
  );
  return rows.map(toSummary);
}

export interface ContinueWatchingFilm extends FilmSummary {
  /** Where the viewer left it (seconds). */
  positionSeconds: number;
}

/** Films the viewer left part-way (leftPartWay), most recently watched first. */
export async function continueWatchingFilms(
  db: Queryable,
  viewer: string,
  options: ViewerRowOptions = {},
): Promise<ContinueWatchingFilm[]> {
  const who = address(viewer, "viewer");
  const limit = nonNegativeInt(options.limit, "limit", 12, 200);
  const period = await currentPeriod(db, options.nowSeconds);
  // Films watched to the end are filtered after the query: read a bounded window of recent ones.
  const rows = await db.query<FilmRow & { position_seconds: number | null }>(
    `WITH s AS (${audienceByFilm("period = $1")})
     SELECT ${FILM_COLUMNS}, COALESCE(s.views, 0)::text AS views, COALESCE(s.seconds, 0)::text AS seconds, v.position_seconds
     FROM viewer_films v
     JOIN films f ON f.film_id = v.film_id
     LEFT JOIN s ON s.film_id = f.film_id
     WHERE v.viewer = $2 AND v.position_seconds IS NOT NULL AND ${CATALOGUE_VISIBLE} AND ${WITHIN_AGE_LIMIT("$3::int")}
     ORDER BY v.last_watched_at DESC, v.film_id
     LIMIT 200`,
    [period, who, ageLimitParam(options.maxAgeRating)],
  );
  return rows
    .filter((row) => leftPartWay(row.position_seconds, Number(row.duration_seconds)))
    .slice(0, limit)
    .map((row) => ({ ...toSummary(row), positionSeconds: row.position_seconds! }));
}
