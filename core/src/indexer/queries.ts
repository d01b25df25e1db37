/**
 * Read models for the web app's pages, from the indexer's tables and the view ledger only: no
 * query here calls the chain, so a page costs a few indexed SQL statements.
 *
 * Decisions the pages inherit:
 * - Views and watch time shown anywhere ("this period" on cards, the film page, the studio) are
 *   the audience's: every entitlement (subscription, pass, free) except the owner watching their
 *   own film, so an owner cannot lift their film by watching it. The studio also gets the
 *   subscription-only part, which is what the monthly pool pays on.
 * - "Trending" ranks the current period's films the way the pool would split if everyone were a
 *   subscriber: w × views/totalViews + (1 − w) × seconds/totalSeconds, with w the market's current
 *   view weight; ties go to more watch time, then the newer film. Films nobody watched this period
 *   follow, newest first.
 * - The catalogue (listFilms, genres, aiTools) lists only films whose metadata was read and whose
 *   sales are on: with sales paused the contract lets nobody new watch (only the owner and passes
 *   already sold), so a card would only lead to a dead end. getFilm still returns such films
 *   (pass holders follow links to them) and the studio shows them with their state.
 * - Periods and "now" are the chain's: the market's genesis and period length stored by the
 *   indexer, and a chain time estimated from the last indexed block (estimateChainNow).
 * - Token amounts are decimal strings of token units (6 decimals for the test dollar); counts
 *   and seconds are numbers; times are unix seconds.
 */
import type { LedgerQueryable } from "../ledger/db.ts";
import { viewerHistory } from "../ledger/stats.ts";
import { normaliseAddress } from "../domain/addresses.ts";
import { toFilmId } from "../domain/ids.ts";
import { clampedPeriodOf, periodStart, type PeriodClock } from "../domain/periods.ts";
import { estimateChainNow, readIndexerState, type IndexerState } from "./state.ts";

export type MetadataStatus = "pending" | "ok" | "unavailable" | "invalid";

export interface FilmSummary {
  filmId: string;
  /** The metadata's name; "Film #<id>" while the metadata is not read. */
  title: string;
  /** Lowercase address that minted the listing. */
  creator: string;
  /** A display name, if the metadata has one. */
  creatorName: string | null;
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
  sort: "trending" | "new";
  /** The period whose views and watch time are shown and ranked (default: the current one). */
  period?: number;
  /** "Now" for the current period (default: the chain time estimated from the index). */
  nowSeconds?: number;
  /** Default 24, at most 200. */
  limit?: number;
  offset?: number;
}

interface FilmRow {
  film_id: string;
  title: string | null;
  creator: string;
  creator_name: string | null;
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
}

const FILM_COLUMNS = `f.film_id::text AS film_id, f.title, f.creator, f.creator_name, f.owner, f.image,
  f.duration_seconds::text AS duration_seconds, f.price_per_view::text AS price_per_view, f.genre, f.ai_tools,
  f.minted_at::text AS minted_at, f.sales_paused, f.metadata_status`;

/** Audience counters of one period by film: every entitlement except the owner's own watching. */
const AUDIENCE_STATS = `SELECT film_id,
    count(*) FILTER (WHERE view_counted AND view_entitlement <> 'owner') AS views,
    sum(seconds - seconds_owner) AS seconds
  FROM view_counters WHERE period = $1 GROUP BY film_id`;

const CATALOGUE_VISIBLE = "f.metadata_status = 'ok' AND NOT f.sales_paused";

function toSummary(row: FilmRow): FilmSummary {
  return {
    filmId: row.film_id,
    title: row.title ?? `Film #${row.film_id}`,
    creator: row.creator,
    creatorName: row.creator_name,
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
  };
}

/** A bad argument from the caller (a route handler maps it to 400). */
export class QueryInputError extends Error {
  override name = "QueryInputError";
}

function address(value: string, field: string): string {
  const lowercase = normaliseAddress(value);
  if (lowercase === null) throw new QueryInputError(`${field} must be a 0x-prefixed 20-byte hex address`);
  return lowercase;
}

function filmIdText(value: string | number | bigint): string | null {
  return toFilmId(value)?.toString() ?? null;
}

function nonNegativeInt(value: number | undefined, field: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new QueryInputError(`${field} must be a non-negative integer`);
  return Math.min(value, max);
}

/** LIKE pattern matching `text` anywhere, with the user's % _ \ taken literally. */
const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

interface ChainView {
  state: IndexerState | null;
  clock: PeriodClock | null;
  now: number;
  currentPeriod: number;
}

async function chainView(db: LedgerQueryable, nowSeconds?: number): Promise<ChainView> {
  const state = await readIndexerState(db);
  const now = nowSeconds ?? estimateChainNow(state);
  return { state, clock: state?.clock ?? null, now, currentPeriod: state ? clampedPeriodOf(state.clock, now) : 0 };
}

/** The market period at `nowSeconds` (default: the chain time estimated from the index); 0 before indexing. */
export async function currentPeriod(db: LedgerQueryable, nowSeconds?: number): Promise<number> {
  return (await chainView(db, nowSeconds)).currentPeriod;
}

/** The catalogue: search, filters, trending or newest first. */
export async function listFilms(db: LedgerQueryable, options: ListFilmsOptions): Promise<FilmSummary[]> {
  const period = options.period ?? (await currentPeriod(db, options.nowSeconds));
  if (!Number.isSafeInteger(period) || period < 0) throw new QueryInputError("period must be a non-negative integer");
  if (options.sort !== "trending" && options.sort !== "new") throw new QueryInputError('sort must be "trending" or "new"');
  const limit = nonNegativeInt(options.limit, "limit", 24, 200);
  const offset = nonNegativeInt(options.offset, "offset", 0);

  const params: unknown[] = [period];
  const where = [CATALOGUE_VISIBLE];
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
  const order = options.sort === "new"
    ? "f.minted_at DESC, f.film_id DESC"
    : `(COALESCE(s.views, 0) > 0 OR COALESCE(s.seconds, 0) > 0) DESC,
       (COALESCE(mp.view_weight_bps, 5000)::float8 * COALESCE(s.views, 0) / NULLIF(t.views, 0)
        + (10000 - COALESCE(mp.view_weight_bps, 5000))::float8 * COALESCE(s.seconds, 0) / NULLIF(t.seconds, 0)) DESC NULLS LAST,
       COALESCE(s.seconds, 0) DESC, COALESCE(s.views, 0) DESC, f.minted_at DESC, f.film_id DESC`;
  params.push(limit, offset);
  const rows = await db.query<FilmRow>(
    `WITH s AS (${AUDIENCE_STATS}),
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

/** One film, listed or not, with everything the film page and player need; null if unknown. */
export async function getFilm(
  db: LedgerQueryable,
  filmId: string | number | bigint,
  options: { period?: number; nowSeconds?: number } = {},
): Promise<FilmDetail | null> {
  const id = filmIdText(filmId);
  if (id === null) return null;
  const period = options.period ?? (await currentPeriod(db, options.nowSeconds));
  const rows = await db.query<FilmRow & {
    description: string | null; metadata_uri: string; metadata_error: string | null; animation_url: string | null;
    hls_cid: string | null; key_id: string | null; livepeer_playback_id: string | null; preview_uri: string | null;
    preview_seconds: number | null; renditions: number[]; all_views: string; all_seconds: string; passes_sold: string;
  }>(
    `SELECT ${FILM_COLUMNS}, f.description, f.metadata_uri, f.metadata_error, f.animation_url, f.hls_cid, f.key_id,
            f.livepeer_playback_id, f.preview_uri, f.preview_seconds, f.renditions,
            COALESCE(s.views, 0)::text AS views, COALESCE(s.seconds, 0)::text AS seconds,
            COALESCE(a.views, 0)::text AS all_views, COALESCE(a.seconds, 0)::text AS all_seconds,
            (SELECT count(*) FROM purchases p WHERE p.film_id = f.film_id)::text AS passes_sold
     FROM films f
     LEFT JOIN (SELECT film_id,
                       count(*) FILTER (WHERE view_counted AND view_entitlement <> 'owner') AS views,
                       sum(seconds - seconds_owner) AS seconds
                FROM view_counters WHERE period = $1 AND film_id = $2 GROUP BY film_id) s ON s.film_id = f.film_id
     LEFT JOIN (SELECT film_id,
                       count(*) FILTER (WHERE view_counted AND view_entitlement <> 'owner') AS views,
                       sum(seconds - seconds_owner) AS seconds
                FROM view_counters WHERE film_id = $2 GROUP BY film_id) a ON a.film_id = f.film_id
     WHERE f.film_id = $2`,
    [period, id],
  );
  if (rows.length === 0) return null;
  const row = rows[0];
  const summary = toSummary(row);
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
    period,
    thisPeriod: { views: summary.views, watchSeconds: summary.watchSeconds },
    allTime: { views: Number(row.all_views), watchSeconds: Number(row.all_seconds), passesSold: Number(row.passes_sold) },
  };
}

/**
 * The film a Livepeer playback id belongs to: the first listing whose metadata names it. Anyone
 * can mint a listing with copied metadata; a later copy never takes over the original's id (the
 * same rule as for AES key ids).
 */
export async function filmOfLivepeerPlayback(db: LedgerQueryable, playbackId: string): Promise<bigint | null> {
  const rows = await db.query<{ film_id: string }>(
    "SELECT film_id::text AS film_id FROM films WHERE livepeer_playback_id = $1 ORDER BY film_id LIMIT 1",
    [playbackId],
  );
  return rows[0] ? BigInt(rows[0].film_id) : null;
}

/** The Livepeer playback id a film's metadata names, or null (unknown film, local AES film, metadata not read yet). */
export async function livepeerPlaybackOfFilm(db: LedgerQueryable, filmId: string | number | bigint): Promise<string | null> {
  const id = filmIdText(filmId);
  if (id === null) return null;
  const rows = await db.query<{ livepeer_playback_id: string | null }>(
    "SELECT livepeer_playback_id FROM films WHERE film_id = $1",
    [id],
  );
  return rows[0]?.livepeer_playback_id ?? null;
}

/** Genres of the films in the catalogue, alphabetical (one spelling per case-insensitive value). */
export async function genres(db: LedgerQueryable): Promise<string[]> {
  const rows = await db.query<{ genre: string }>(
    `SELECT min(f.genre) AS genre FROM films f WHERE ${CATALOGUE_VISIBLE} AND f.genre IS NOT NULL
     GROUP BY lower(f.genre) ORDER BY lower(min(f.genre))`,
  );
  return rows.map((r) => r.genre);
}

/** AI tools named by the films in the catalogue, alphabetical (also the studio's tag suggestions). */
export async function aiTools(db: LedgerQueryable): Promise<string[]> {
  const rows = await db.query<{ tool: string }>(
    `SELECT min(tool) AS tool FROM films f, unnest(f.ai_tools) AS tool WHERE ${CATALOGUE_VISIBLE}
     GROUP BY lower(tool) ORDER BY lower(min(tool))`,
  );
  return rows.map((r) => r.tool);
}

// ---------------------------------------------------------------------------------- account

export interface FilmRef {
  filmId: string;
  title: string;
  posterUri: string | null;
  durationSeconds: number | null;
}

export interface AccountHistoryEntry extends FilmRef {
  firstWatchedAt: number;
  lastWatchedAt: number;
  positionSeconds: number | null;
  watchedSeconds: number;
}

export interface AccountOverview {
  address: string;
  /** When the subscription ends (unix seconds; in the past = lapsed), or null if never subscribed. */
  subscriptionEnd: number | null;
  subscribed: boolean;
  /** View passes still valid at nowSeconds, soonest to expire first. */
  passes: Array<FilmRef & { expiresAt: number; secondsLeft: number }>;
  /** Films watched, most recent first (the ledger's history). */
  history: AccountHistoryEntry[];
  /** Films left part-way: a position past the first 10 s and short of the last 5 % (at least 10 s). */
  continueWatching: AccountHistoryEntry[];
}

const filmRef = (row: { film_id: string; title: string | null; image: string | null; duration_seconds: string | null }): FilmRef => ({
  filmId: row.film_id,
  title: row.title ?? `Film #${row.film_id}`,
  posterUri: row.image,
  durationSeconds: row.duration_seconds === null ? null : Number(row.duration_seconds),
});

/** The account page: subscription, passes with time left, watch history, continue watching. */
export async function accountOverview(db: LedgerQueryable, viewer: string, nowSeconds: number): Promise<AccountOverview> {
  const who = address(viewer, "address");
  if (!Number.isSafeInteger(nowSeconds)) throw new QueryInputError("nowSeconds must be integer unix seconds");
  const [sub] = await db.query<{ end_at: string | null }>(
    "SELECT max(end_at)::text AS end_at FROM subscriptions WHERE subscriber = $1",
    [who],
  );
  const passes = await db.query<{ film_id: string; title: string | null; image: string | null; duration_seconds: string | null; expires_at: string }>(
    `SELECT p.film_id::text AS film_id, f.title, f.image, f.duration_seconds::text AS duration_seconds,
            max(p.expires_at)::text AS expires_at
     FROM purchases p LEFT JOIN films f ON f.film_id = p.film_id
     WHERE p.viewer = $1
     GROUP BY p.film_id, f.title, f.image, f.duration_seconds
     HAVING max(p.expires_at) > $2
     ORDER BY max(p.expires_at), p.film_id`,
    [who, nowSeconds],
  );
  const entries = await viewerHistory(db, who, { limit: 100 });
  const ids = entries.map((e) => e.filmId.toString());
  const films = ids.length
    ? await db.query<{ film_id: string; title: string | null; image: string | null; duration_seconds: string | null }>(
        `SELECT film_id::text AS film_id, title, image, duration_seconds::text AS duration_seconds
         FROM films WHERE film_id = ANY($1::numeric[])`,
        [ids],
      )
    : [];
  const byId = new Map(films.map((f) => [f.film_id, f]));
  const history: AccountHistoryEntry[] = entries.map((e) => {
    const id = e.filmId.toString();
    return {
      ...filmRef(byId.get(id) ?? { film_id: id, title: null, image: null, duration_seconds: null }),
      firstWatchedAt: e.firstWatchedAt,
      lastWatchedAt: e.lastWatchedAt,
      positionSeconds: e.positionSeconds,
      watchedSeconds: Number(e.watchedSeconds),
    };
  });
  const continueWatching = history.filter((h) => {
    if (h.positionSeconds === null || h.durationSeconds === null || !byId.has(h.filmId)) return false;
    const tail = Math.max(10, h.durationSeconds * 0.05);
    return h.positionSeconds >= 10 && h.positionSeconds < h.durationSeconds - tail;
  });
  const subscriptionEnd = sub?.end_at == null ? null : Number(sub.end_at);
  return {
    address: who,
    subscriptionEnd,
    subscribed: subscriptionEnd !== null && subscriptionEnd > nowSeconds,
    passes: passes.map((p) => ({
      ...filmRef(p),
      expiresAt: Number(p.expires_at),
      secondsLeft: Number(p.expires_at) - nowSeconds,
    })),
    history,
    continueWatching,
  };
}

// ---------------------------------------------------------------------------------- creators

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
export async function creatorOverview(db: LedgerQueryable, owner: string, options: { nowSeconds?: number } = {}): Promise<CreatorOverview> {
  const who = address(owner, "address");
  const view = await chainView(db, options.nowSeconds);
  const films = await db.query<FilmRow & {
    metadata_error: string | null; all_views: string; all_seconds: string; passes_sold: string; ppv: string; pool: string;
  }>(
    `SELECT ${FILM_COLUMNS}, f.metadata_error,
            COALESCE(s.views, 0)::text AS views, COALESCE(s.seconds, 0)::text AS seconds,
            COALESCE(a.views, 0)::text AS all_views, COALESCE(a.seconds, 0)::text AS all_seconds,
            COALESCE(p.sold, 0)::text AS passes_sold, COALESCE(p.revenue, 0)::text AS ppv,
            COALESCE(c.amount, 0)::text AS pool
     FROM films f
     LEFT JOIN (SELECT film_id, count(*) FILTER (WHERE view_counted AND view_entitlement <> 'owner') AS views,
                       sum(seconds - seconds_owner) AS seconds
                FROM view_counters WHERE period = $2 GROUP BY film_id) s ON s.film_id = f.film_id
     LEFT JOIN (SELECT film_id, count(*) FILTER (WHERE view_counted AND view_entitlement <> 'owner') AS views,
                       sum(seconds - seconds_owner) AS seconds
                FROM view_counters WHERE film_id IN (SELECT film_id FROM films WHERE owner = $1)
                GROUP BY film_id) a ON a.film_id = f.film_id
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
    period: string; views: string; seconds: string; sub_views: string; sub_seconds: string;
    ppv: string; sold: string; pool: string;
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
      title: row.title ?? `Film #${row.film_id}`,
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

// ---------------------------------------------------------------------------------- payouts

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
  period: string; root: string; total_views: string; total_seconds: string; leaf_count: string; view_weight_bps: number;
  data_cid: string; signers: string[]; claimable_at: string; block_time: string; block_number: string; tx_hash: string;
  status: "posted" | "disputed"; disputed_by: string | null; disputed_at: string | null; dispute_reason: string | null;
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
  dispute: t.disputed_by === null
    ? null
    : { by: t.disputed_by, at: Number(t.disputed_at), reason: t.dispute_reason ?? "", txHash: t.dispute_tx ?? "" },
});

/** Every period from 0 to the current one, newest first: pool, subscribers, tally, status. */
export async function periodsOverview(
  db: LedgerQueryable,
  options: { nowSeconds?: number; limit?: number } = {},
): Promise<PeriodOverview[]> {
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
      period, start, end, status,
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
export async function periodClaims(db: LedgerQueryable, period: number): Promise<PeriodClaim[]> {
  nonNegativeInt(period, "period", 0);
  const rows = await db.query<{ film_id: string; title: string | null; payee: string; amount: string; block_time: string; tx_hash: string }>(
    `SELECT c.film_id::text AS film_id, f.title, c.payee, c.amount::text AS amount, c.block_time::text AS block_time, c.tx_hash
     FROM claims c LEFT JOIN films f ON f.film_id = c.film_id WHERE c.period = $1 ORDER BY c.film_id`,
    [period],
  );
  return rows.map((r) => ({
    filmId: r.film_id, title: r.title ?? `Film #${r.film_id}`, payee: r.payee, amount: r.amount,
    claimedAt: Number(r.block_time), txHash: r.tx_hash,
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
export async function marketParameters(db: LedgerQueryable): Promise<MarketParameters | null> {
  const state = await readIndexerState(db);
  if (!state) return null;
  const [params] = await db.query<{
    fee_bps: number | null; view_weight_bps: number | null; monthly_price: string | null; pass_window: string | null;
    challenge_window: string | null; treasury: string | null; purchases_paused: boolean; oracle_threshold: number | null;
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

export interface IndexerStatus {
  chainId: number;
  market: string;
  lastBlock: number;
  lastBlockTime: number | null;
  /** Wall-clock time of the last commit. */
  updatedAt: number;
  chainNow: number;
  currentPeriod: number;
  films: number;
  metadata: Record<MetadataStatus, number>;
}

/** Health of the index, for a status line or /api/health; null before the first run. */
export async function indexerStatus(db: LedgerQueryable, options: { nowSeconds?: number } = {}): Promise<IndexerStatus | null> {
  const view = await chainView(db, options.nowSeconds);
  if (!view.state) return null;
  const rows = await db.query<{ metadata_status: MetadataStatus; n: string }>(
    "SELECT metadata_status, count(*)::text AS n FROM films GROUP BY metadata_status",
  );
  const metadata: Record<MetadataStatus, number> = { pending: 0, ok: 0, unavailable: 0, invalid: 0 };
  for (const r of rows) metadata[r.metadata_status] = Number(r.n);
  return {
    chainId: view.state.chainId,
    market: view.state.market,
    lastBlock: view.state.lastBlock,
    lastBlockTime: view.state.lastBlockTime,
    updatedAt: view.state.updatedAt,
    chainNow: view.now,
    currentPeriod: view.currentPeriod,
    films: Object.values(metadata).reduce((a, b) => a + b, 0),
    metadata,
  };
}
