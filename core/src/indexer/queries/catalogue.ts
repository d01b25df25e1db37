/**
 * The catalogue and the film page: search, filters, trending or newest first, and one film with
 * everything its page and player need.
 *
 * - "Trending" ranks the current period's films the way the pool would split if everyone were a
 *   subscriber: w × views/totalViews + (1 − w) × seconds/totalSeconds, with w the market's current
 *   view weight; ties go to more watch time, then the newer film. Films nobody watched this period
 *   follow, newest first.
 * - The catalogue (listFilms, genres, aiTools) lists only films whose metadata was read and whose
 *   sales are on: with sales paused the contract lets nobody new watch (only the owner and passes
 *   already sold), so a card would only lead to a dead end. getFilm still returns such films
 *   (pass holders follow links to them) and the studio shows them with their state.
 */
import type { Queryable } from "../../db/index.ts";
import {
  CATALOGUE_VISIBLE,
  COPY_OF,
  FILM_COLUMNS,
  IS_COPY,
  QueryInputError,
  address,
  audienceByFilm,
  currentPeriod,
  displayTitle,
  filmIdText,
  nonNegativeInt,
  type FilmRow,
  WITHIN_AGE_LIMIT,
  ageLimitParam,
  type MetadataStatus,
} from "./shared.ts";
import { ratingOfAge, type AgeRating } from "../../domain/moderation.ts";

export interface FilmSummary {
  filmId: string;
  /** The metadata's name; "Film #<id>" while the metadata is not read. */
  title: string;
  /** Lowercase address that minted the listing. */
  creator: string;
  /** A display name: the creator's signed profile's, else the metadata's, else null. */
  creatorName: string | null;
  /** The CID of the creator's profile avatar (an image in this platform's store), or null. */
  creatorAvatar: string | null;
  /** Lowercase address owning the listing now: the payee. */
  owner: string;
  /** The poster, `ipfs://…`, or null if unknown. */
  posterUri: string | null;
  durationSeconds: number;
  /** Token units; "0" is a free film. */
  pricePerView: string;
  genre: string | null;
  aiTools: string[];
  /** Unique views this period by the audience (all entitlements but the owner's). */
  views: number;
  /** Seconds watched this period by the audience, after the ledger's caps. */
  watchSeconds: number;
  mintedAt: number;
  salesPaused: boolean;
  metadataStatus: MetadataStatus;
  /** From the metadata's properties.ageRating; null for an unrated film. */
  ageRating: AgeRating | null;
}

export interface FilmDetail extends FilmSummary {
  description: string;
  metadataUri: string;
  /** Why the metadata could not be read, while metadataStatus is "unavailable" or "invalid". */
  metadataError: string | null;
  animationUrl: string | null;
  /** The HLS directory's CID (animation_url is ipfs://<hlsCid>/master.m3u8). */
  hlsCid: string | null;
  keyId: string | null;
  /** Set when the full film plays from Livepeer Studio (JWT playback); hlsCid then holds only poster and preview. */
  livepeerPlaybackId: string | null;
  previewUri: string | null;
  previewSeconds: number | null;
  /** Rendition heights, highest first. */
  renditions: number[];
  /**
   * Set when this listing copies another's film (the same HLS directory, key or playback id): it
   * unlocks nothing and the catalogue hides it. `of` is the original, once it is minted.
   */
  copy: { of: { filmId: string; title: string; creator: string; creatorName: string | null } | null } | null;
  /**
   * Set while a guardian has hidden the film from this front-end's catalogue: the public reason,
   * who decided and when (the listing itself stays on-chain).
   */
  hidden: { reason: string; guardian: string; decidedAt: number } | null;
  period: number;
  thisPeriod: { views: number; watchSeconds: number };
  allTime: { views: number; watchSeconds: number; passesSold: number };
}

export interface ListFilmsOptions {
  /** Case-insensitive, in the title, the creator's address or display name. */
  search?: string;
  /** Case-insensitive exact genre. */
  genre?: string;
  /** Case-insensitive exact AI tool. */
  aiTool?: string;
  /** Only films owned by this address (a creator's public page). */
  owner?: string;
  /**
   * "audience" (a creator's page): this period's unique viewers (the audience's views), ties by
   * watch time, then newest.
   */
  sort: "trending" | "new" | "audience";
  /** The viewer's age limit: films rated above it (and unrated ones below 16) are left out. Default: everything. */
  maxAgeRating?: AgeRating;
  /** The period whose views and watch time are shown and ranked (default: the current one). */
  period?: number;
  /** "Now" for the current period (default: the chain time estimated from the index). */
  nowSeconds?: number;
  /** Default 24, at most 200. */
  limit?: number;
  offset?: number;
}

/** A films row (FILM_COLUMNS + audience figures) as a catalogue card. */
export function toSummary(row: FilmRow): FilmSummary {
  return {
    filmId: row.film_id,
    title: displayTitle(row.title, row.film_id),
    creator: row.creator,
    creatorName: row.creator_name,
    creatorAvatar: row.creator_avatar ?? null,
    owner: row.owner,
    posterUri: row.image,
    durationSeconds: Number(row.duration_seconds),
    pricePerView: row.price_per_view,
    genre: row.genre,
    aiTools: row.ai_tools ?? [],
    views: Number(row.views ?? 0),
    watchSeconds: Number(row.seconds ?? 0),
    mintedAt: Number(row.minted_at),
    salesPaused: row.sales_paused,
    metadataStatus: row.metadata_status,
    ageRating: ratingOfAge(row.age_rating),
  };
}

/** LIKE pattern matching `text` anywhere, with the user's % _ \ taken literally. */
const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The catalogue: search, filters, trending or newest first. */
export async function listFilms(db: Queryable, options: ListFilmsOptions): Promise<FilmSummary[]> {
  const period = options.period ?? (await currentPeriod(db, options.nowSeconds));
  if (!Number.isSafeInteger(period) || period < 0) throw new QueryInputError("period must be a non-negative integer");
  if (!["trending", "new", "audience"].includes(options.sort)) throw new QueryInputError('sort must be "trending", "new" or "audience"');
  const limit = nonNegativeInt(options.limit, "limit", 24, 200);
  const offset = nonNegativeInt(options.offset, "offset", 0);

  const params: unknown[] = [period, ageLimitParam(options.maxAgeRating)];
  const where = [CATALOGUE_VISIBLE, WITHIN_AGE_LIMIT("$2::int")];
  const search = options.search?.trim();
  if (search) {
    params.push(containsPattern(search));
    const p = `$${params.length}`;
    where.push(`(f.title ILIKE ${p} OR f.creator LIKE lower(${p}) OR f.creator_name ILIKE ${p})`);
  }
  if (options.genre?.trim()) {
    params.push(options.genre.trim());
    where.push(`lower(f.genre) = lower($${params.length})`);
  }
  if (options.aiTool?.trim()) {
    params.push(options.aiTool.trim());
    where.push(`EXISTS (SELECT 1 FROM unnest(f.ai_tools) AS tool WHERE lower(tool) = lower($${params.length}))`);
  }
  if (options.owner !== undefined) {
    params.push(address(options.owner, "owner"));
    where.push(`f.owner = $${params.length}`);
  }
  const order =
    options.sort === "new"
      ? "f.minted_at DESC, f.film_id DESC"
      : options.sort === "audience"
        ? "COALESCE(s.views, 0) DESC, COALESCE(s.seconds, 0) DESC, f.minted_at DESC, f.film_id DESC"
        : `(COALESCE(s.views, 0) > 0 OR COALESCE(s.seconds, 0) > 0) DESC,
       (COALESCE(mp.view_weight_bps, 5000)::float8 * COALESCE(s.views, 0) / NULLIF(t.views, 0)
        + (10000 - COALESCE(mp.view_weight_bps, 5000))::float8 * COALESCE(s.seconds, 0) / NULLIF(t.seconds, 0)) DESC NULLS LAST,
       COALESCE(s.seconds, 0) DESC, COALESCE(s.views, 0) DESC, f.minted_at DESC, f.film_id DESC`;
  params.push(limit, offset);
  const rows = await db.query<FilmRow>(
    `WITH s AS (${audienceByFilm("period = $1")}),
          t AS (SELECT sum(views) AS views, sum(seconds) AS seconds FROM s)
     SELECT ${FILM_COLUMNS}, COALESCE(s.views, 0)::text AS views, COALESCE(s.seconds, 0)::text AS seconds
     FROM films f
     LEFT JOIN s ON s.film_id = f.film_id
     CROSS JOIN t
     LEFT JOIN market_params mp ON mp.id = 1
     WHERE ${where.join(" AND ")}
     ORDER BY ${order}
     LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return rows.map(toSummary);
}

/**
 * A listed film's length in whole seconds, or null if there is no such film: what a heartbeat
 * needs, without the audience sums getFilm adds up over every counter of the film.
 */
export async function filmDurationSeconds(db: Queryable, filmId: string | number | bigint): Promise<number | null> {
  const id = filmIdText(filmId);
  if (id === null) return null;
  const rows = await db.query<{ duration_seconds: string }>(
    "SELECT duration_seconds::text AS duration_seconds FROM films WHERE film_id = $1",
    [id],
  );
  return rows.length === 0 ? null : Number(rows[0].duration_seconds);
}

/** One film, listed or not, with everything the film page and player need; null if unknown. */
export async function getFilm(
  db: Queryable,
  filmId: string | number | bigint,
  options: { period?: number; nowSeconds?: number } = {},
): Promise<FilmDetail | null> {
  const id = filmIdText(filmId);
  if (id === null) return null;
  const period = options.period ?? (await currentPeriod(db, options.nowSeconds));
  const rows = await db.query<
    FilmRow & {
      description: string | null;
      metadata_uri: string;
      metadata_error: string | null;
      animation_url: string | null;
      hls_cid: string | null;
      key_id: string | null;
      livepeer_playback_id: string | null;
      preview_uri: string | null;
      preview_seconds: number | null;
      renditions: number[];
      all_views: string;
      all_seconds: string;
      passes_sold: string;
      is_copy: boolean;
      copy_of: string | null;
      hidden_reason: string | null;
      hidden_by: string | null;
      hidden_at: string | null;
    }
  >(
    `SELECT ${FILM_COLUMNS}, f.description, f.metadata_uri, f.metadata_error, f.animation_url, f.hls_cid, f.key_id,
            f.livepeer_playback_id, f.preview_uri, f.preview_seconds, f.renditions,
            COALESCE(s.views, 0)::text AS views, COALESCE(s.seconds, 0)::text AS seconds,
            COALESCE(a.views, 0)::text AS all_views, COALESCE(a.seconds, 0)::text AS all_seconds,
            (SELECT count(*) FROM purchases p WHERE p.film_id = f.film_id)::text AS passes_sold,
            ${IS_COPY} AS is_copy, ${COPY_OF} AS copy_of,
            d.reason AS hidden_reason, d.guardian AS hidden_by, d.decided_at::text AS hidden_at
     FROM films f
     LEFT JOIN hidden_films h ON h.film_id = f.film_id
     LEFT JOIN moderation_decisions d ON d.decision_id = h.decision_id
     LEFT JOIN (${audienceByFilm("period = $1 AND film_id = $2")}) s ON s.film_id = f.film_id
     LEFT JOIN (${audienceByFilm("film_id = $2")}) a ON a.film_id = f.film_id
     WHERE f.film_id = $2`,
    [period, id],
  );
  if (rows.length === 0) return null;
  const row = rows[0];
  const summary = toSummary(row);
  let copy: FilmDetail["copy"] = null;
  if (row.is_copy) {
    const original =
      row.copy_of === null ? [] : await db.query<FilmRow>(`SELECT ${FILM_COLUMNS} FROM films f WHERE f.film_id = $1`, [row.copy_of]);
    copy = {
      of: original[0]
        ? {
            filmId: original[0].film_id,
            title: displayTitle(original[0].title, original[0].film_id),
            creator: original[0].creator,
            creatorName: original[0].creator_name,
          }
        : null,
    };
  }
  return {
    ...summary,
    description: row.description ?? "",
    metadataUri: row.metadata_uri,
    metadataError: row.metadata_error,
    animationUrl: row.animation_url,
    hlsCid: row.hls_cid,
    keyId: row.key_id,
    livepeerPlaybackId: row.livepeer_playback_id,
    previewUri: row.preview_uri,
    previewSeconds: row.preview_seconds,
    renditions: row.renditions ?? [],
    copy,
    hidden:
      row.hidden_reason !== null && row.hidden_by !== null
        ? { reason: row.hidden_reason, guardian: row.hidden_by, decidedAt: Number(row.hidden_at) }
        : null,
    period,
    thisPeriod: { views: summary.views, watchSeconds: summary.watchSeconds },
    allTime: { views: Number(row.all_views), watchSeconds: Number(row.all_seconds), passesSold: Number(row.passes_sold) },
  };
}

/** Genres of the films in the catalogue, alphabetical (one spelling per case-insensitive value). */
export async function genres(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ genre: string }>(
    `SELECT min(f.genre) AS genre FROM films f WHERE ${CATALOGUE_VISIBLE} AND f.genre IS NOT NULL
     GROUP BY lower(f.genre) ORDER BY lower(min(f.genre))`,
  );
  return rows.map((r) => r.genre);
}

/** AI tools named by the films in the catalogue, alphabetical (also the studio's tag suggestions). */
export async function aiTools(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ tool: string }>(
    `SELECT min(tool) AS tool FROM films f, unnest(f.ai_tools) AS tool WHERE ${CATALOGUE_VISIBLE}
     GROUP BY lower(tool) ORDER BY lower(min(tool))`,
  );
  return rows.map((r) => r.tool);
}
