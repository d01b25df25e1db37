/**
 * What the pages' read models share: the films columns and their row type, the audience counters,
 * argument checks, and the chain's clock as the index knows it. The read models (catalogue.ts,
 * playback.ts, account.ts, creator.ts, payouts.ts, status.ts) use the indexer's tables and the
 * view ledger only: no query calls the chain, so a page costs a few indexed SQL statements.
 *
 * Decisions the pages inherit:
 * - Views and watch time shown anywhere ("this period" on cards, the film page, the studio) are
 *   the audience's: every entitlement (subscription, pass, free) except the owner watching their
 *   own film, so an owner cannot lift their film by watching it (audienceByFilm). The studio also
 *   gets the subscription-only part, which is what the monthly pool pays on.
 * - Periods and "now" are the chain's: the market's genesis and period length stored by the
 *   indexer, and a chain time estimated from the last indexed block (estimateChainNow).
 * - Token amounts are decimal strings of token units (6 decimals for the test dollar); counts
 *   and seconds are numbers; times are unix seconds.
 */
import type { Queryable } from "../../db/index.ts";
import { normaliseAddress } from "../../domain/addresses.ts";
import { toFilmId } from "../../domain/ids.ts";
import { ageOfRating, isAgeRating, type AgeRating } from "../../domain/moderation.ts";
import { clampedPeriodOf, type PeriodClock } from "../../domain/periods.ts";
import { estimateChainNow, readIndexerState, type IndexerState } from "../state.ts";
import { AiFilmsError } from "../../errors.ts";

export type MetadataStatus = "pending" | "ok" | "unavailable" | "invalid";

/** A films row as FILM_COLUMNS selects it, with the audience counters the query joins in. */
export interface FilmRow {
  film_id: string;
  title: string | null;
  creator: string;
  creator_name: string | null;
  creator_avatar: string | null;
  owner: string;
  image: string | null;
  duration_seconds: string;
  price_per_view: string;
  genre: string | null;
  ai_tools: string[];
  views: string;
  seconds: string;
  minted_at: string;
  sales_paused: boolean;
  metadata_status: MetadataStatus;
  /** Minimum age from the metadata's ageRating (0 = all ages); null = unrated. */
  age_rating: number | null;
}

/**
 * The films columns of FilmRow, from `films f`. The creator's name is their signed profile's
 * (creator_profiles, migration 015) when they published one, else the metadata's; the avatar only
 * ever comes from the profile.
 */
export const FILM_COLUMNS = `f.film_id::text AS film_id, f.title, f.creator,
  COALESCE((SELECT cp.name FROM creator_profiles cp WHERE cp.address = f.creator), f.creator_name) AS creator_name,
  (SELECT cp.avatar_cid FROM creator_profiles cp WHERE cp.address = f.creator) AS creator_avatar, f.owner, f.image,
  f.duration_seconds::text AS duration_seconds, f.price_per_view::text AS price_per_view, f.genre, f.ai_tools,
  f.minted_at::text AS minted_at, f.sales_paused, f.metadata_status, f.age_rating`;

/**
 * The audience's views and seconds by film over the ledger counters matching `where`: every
 * entitlement except the owner's own watching.
 */
export const audienceByFilm = (where: string) => `SELECT film_id,
    count(*) FILTER (WHERE view_counted AND view_entitlement <> 'owner') AS views,
    sum(seconds - seconds_owner) AS seconds
  FROM view_counters WHERE ${where} GROUP BY film_id`;

/** Listings `a` and `b` name the same media: HLS directory, AES key or Livepeer playback id. */
const SAME_MEDIA = (a: string, b: string) =>
  `(${a}.hls_cid = ${b}.hls_cid OR ${a}.key_id = ${b}.key_id OR ${a}.livepeer_playback_id = ${b}.livepeer_playback_id)`;

/**
 * True when listing `f` is a copy: its media is bound to another wallet than the one that minted
 * it, or (media with no binding) an earlier listing already names the same media. The original is
 * never a copy, whether it was minted first or front-run.
 */
export const IS_COPY = `(CASE WHEN f.media_ingester IS NOT NULL THEN f.creator <> f.media_ingester
  ELSE EXISTS (SELECT 1 FROM films o WHERE o.film_id < f.film_id AND o.metadata_status = 'ok' AND ${SAME_MEDIA("o", "f")}) END)`;

/** The listing `f` copies (its id as text), when `f` is a copy and the original is minted; else NULL. */
export const COPY_OF = `(SELECT o.film_id::text FROM films o
  WHERE ${IS_COPY} AND o.film_id <> f.film_id AND o.metadata_status = 'ok' AND ${SAME_MEDIA("o", "f")}
    AND (CASE WHEN f.media_ingester IS NOT NULL THEN o.creator = f.media_ingester ELSE o.film_id < f.film_id END)
  ORDER BY o.film_id LIMIT 1)`;

/** Hidden from this front-end by a guardian (table hidden_films, migration 016). */
export const IS_HIDDEN = `EXISTS (SELECT 1 FROM hidden_films h WHERE h.film_id = f.film_id)`;

/**
 * Listed in the catalogue (`films f`): metadata read, sales on, not a copy of another listing's
 * film, and not hidden by a guardian.
 */
export const CATALOGUE_VISIBLE = `f.metadata_status = 'ok' AND NOT f.sales_paused AND NOT ${IS_COPY} AND NOT ${IS_HIDDEN}`;

/**
 * Within a viewer's age limit (the SQL of domain/moderation.ts's allowedByAgeLimit): `limit` is
 * the SQL of the limit's minimum age (a parameter). Unrated films show at limits of 16 and above.
 */
export const WITHIN_AGE_LIMIT = (limit: string) => `(CASE WHEN f.age_rating IS NULL THEN ${limit} >= 16 ELSE f.age_rating <= ${limit} END)`;

/** A viewer's age limit as the minimum age the SQL compares (default 18: everything). */
export function ageLimitParam(limit: AgeRating | undefined): number {
  if (limit === undefined) return 18;
  if (!isAgeRating(limit)) throw new QueryInputError('maxAgeRating must be one of "all", "12", "16", "18"');
  return ageOfRating(limit);
}

/** The title a page shows: the metadata's name, or "Film #<id>" while the metadata is not read. */
export const displayTitle = (title: string | null, filmId: string) => title ?? `Film #${filmId}`;

/** A bad argument from the caller (a route handler maps it to 400). */
export class QueryInputError extends AiFilmsError<"indexer"> {
  override name = "QueryInputError";

  constructor(message: string) {
    super("indexer", "INVALID_QUERY", message);
  }
}

export function address(value: string, field: string): string {
  const lowercase = normaliseAddress(value);
  if (lowercase === null) throw new QueryInputError(`${field} must be a 0x-prefixed 20-byte hex address`);
  return lowercase;
}

/** A film id in canonical decimal, or null if it is not one (the caller answers "unknown film"). */
export function filmIdText(value: string | number | bigint): string | null {
  return toFilmId(value)?.toString() ?? null;
}

/** A paging or period argument: `fallback` when absent, capped at `max`. */
export function nonNegativeInt(value: number | undefined, field: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new QueryInputError(`${field} must be a non-negative integer`);
  return Math.min(value, max);
}

export interface ChainView {
  state: IndexerState | null;
  clock: PeriodClock | null;
  now: number;
  currentPeriod: number;
}

/** The index's state with "now" (given, or estimated from the last indexed block) and its period. */
export async function chainView(db: Queryable, nowSeconds?: number): Promise<ChainView> {
  const state = await readIndexerState(db);
  const now = nowSeconds ?? estimateChainNow(state);
  return { state, clock: state?.clock ?? null, now, currentPeriod: state ? clampedPeriodOf(state.clock, now) : 0 };
}

/** The market period at `nowSeconds` (default: the chain time estimated from the index); 0 before indexing. */
export async function currentPeriod(db: Queryable, nowSeconds?: number): Promise<number> {
  return (await chainView(db, nowSeconds)).currentPeriod;
}
