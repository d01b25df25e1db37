/** The signed-in viewer's own rows (continue watching, watchlist) and the watchlist's writes, at chain-aligned "now". */
import "server-only";
import * as indexer from "@ai-films/core/indexer";
import { chainNow } from "./chainTime";
import { indexCaughtUp } from "./catalog";
import { requestAgeLimit } from "./ageLimit";
import { getDb } from "./services";

export const MAX_WATCHLIST = indexer.MAX_WATCHLIST;

async function now(): Promise<number | undefined> {
  return chainNow().catch(() => undefined);
}

export async function viewerRows(
  viewer: string,
): Promise<{ continueWatching: indexer.ContinueWatchingFilm[]; watchlist: indexer.FilmSummary[] }> {
  await indexCaughtUp();
  const db = await getDb();
  const nowSeconds = await now();
  const maxAgeRating = await requestAgeLimit();
  const [continueWatching, watchlist] = await Promise.all([
    indexer.continueWatchingFilms(db, viewer, { nowSeconds, maxAgeRating }),
    indexer.watchlistFilms(db, viewer, { nowSeconds, maxAgeRating }),
  ]);
  return { continueWatching, watchlist };
}

export async function watchlistIds(viewer: string): Promise<string[]> {
  return (await indexer.watchlistFilms(await getDb(), viewer, { limit: 200, nowSeconds: await now() })).map((f) => f.filmId);
}

export async function onWatchlist(viewer: string, filmId: string): Promise<boolean> {
  return indexer.isOnWatchlist(await getDb(), viewer, filmId);
}

export async function setOnWatchlist(viewer: string, filmId: bigint, on: boolean): Promise<indexer.WatchlistChange> {
  const db = await getDb();
  if (!on) return indexer.removeFromWatchlist(db, viewer, filmId);
  await indexCaughtUp(); // a film minted a moment ago is known
  return indexer.addToWatchlist(db, viewer, filmId, (await now()) ?? Math.floor(Date.now() / 1000));
}
