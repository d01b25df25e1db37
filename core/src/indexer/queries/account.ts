/** The account page: a viewer's subscription, passes with time left, watch history and what to continue. */
import type { Queryable } from "../../db/index.ts";
import { viewerHistory } from "../../ledger/stats.ts";
import { QueryInputError, address, displayTitle } from "./shared.ts";
import { leftPartWay } from "./viewerRows.ts";

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
  title: displayTitle(row.title, row.film_id),
  posterUri: row.image,
  durationSeconds: row.duration_seconds === null ? null : Number(row.duration_seconds),
});

/** The account page: subscription, passes with time left, watch history, continue watching. */
export async function accountOverview(db: Queryable, viewer: string, nowSeconds: number): Promise<AccountOverview> {
  const who = address(viewer, "address");
  if (!Number.isSafeInteger(nowSeconds)) throw new QueryInputError("nowSeconds must be integer unix seconds");
  const [sub] = await db.query<{ end_at: string | null }>("SELECT max(end_at)::text AS end_at FROM subscriptions WHERE subscriber = $1", [
    who,
  ]);
  const passes = await db.query<{
    film_id: string;
    title: string | null;
    image: string | null;
    duration_seconds: string | null;
    expires_at: string;
  }>(
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
  const continueWatching = history.filter((h) => byId.has(h.filmId) && leftPartWay(h.positionSeconds, h.durationSeconds));
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
