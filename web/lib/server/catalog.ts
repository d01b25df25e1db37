/**
 * What pages read about films: the indexer's tables (never the chain per request), with this
 * period's views and watch time from the ledger. One process of the web tier also runs the
 * indexer (background.ts decides which); every worker's pages wait, once after it starts, until
 * the index has reached the chain's head as it was then, so a fresh start never shows a catalogue
 * behind the chain, whichever worker answers.
 */
import "server-only";
import * as indexer from "@ai-films/core/indexer";
import { chainNow } from "./chainTime";
import { requestAgeLimit } from "./ageLimit";
import { getChain, getDb, getIpfs, keyStore } from "./services";

export type { AccountOverview, FilmDetail, FilmSummary } from "@ai-films/core/indexer";

/** How long a page waits for the index to catch up after a start before it renders what the index holds. */
const CATCH_UP_WAIT_MS = 30_000;
const CATCH_UP_POLL_MS = 250;

const g = globalThis as typeof globalThis & { __aiFilmsIndexCaughtUp?: boolean; __aiFilmsCatchingUp?: Promise<void> };

/** Follows the chain into the database from this process (background.ts calls it in one process only); resolves with its stop function. */
export async function startBackgroundIndexer(): Promise<() => Promise<void>> {
  const [chain, db, ipfs] = await Promise.all([getChain(), getDb(), getIpfs()]);
  const fromBlock = await indexer.deploymentBlock(chain.chainId, chain.market);
  const log = (message: string) => console.log(message.startsWith("indexer") ? message : `indexer: ${message}`);
  return indexer.startIndexer(chain, db, {
    ipfs,
    fromBlock,
    // Which wallet ingested a listing's media: its listing is the original, any other a copy.
    mediaIngester: (media) => keyStore().mediaIngester(media),
    intervalMs: 2_000,
    log,
    onError: (error) => log(`indexer: run failed: ${(error as Error)?.message ?? error}`),
  });
}

/** Resolves when the index holds every block up to `head` (or the wait is over). */
async function waitForIndex(head: number, deadline: number): Promise<void> {
  const db = await getDb();
  while (Date.now() < deadline) {
    const state = await indexer.readIndexerState(db).catch(() => null);
    if (state && state.lastBlock >= head) {
      g.__aiFilmsIndexCaughtUp = true;
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, CATCH_UP_POLL_MS));
  }
}

/**
 * Resolves once the index has reached the chain's head as it was when this worker first asked,
 * so the first pages after a start list every film already minted; at most CATCH_UP_WAIT_MS, and
 * nothing once caught up, so steady-state requests never wait.
 */
export async function indexCaughtUp(): Promise<void> {
  if (g.__aiFilmsIndexCaughtUp) return;
  g.__aiFilmsCatchingUp ??= (async () => {
    const deadline = Date.now() + CATCH_UP_WAIT_MS;
    try {
      const head = Number(await (await getChain()).publicClient.getBlockNumber());
      await waitForIndex(head, deadline);
    } catch {
      // The chain is not answering: pages show what the index holds, and the next one tries again.
    } finally {
      g.__aiFilmsCatchingUp = undefined;
    }
  })();
  await g.__aiFilmsCatchingUp;
}

/** Chain-aligned now (see chainTime.ts); the index's own estimate when the chain is not answering. */
async function now(): Promise<number | undefined> {
  try {
    return await chainNow();
  } catch {
    return undefined;
  }
}

/** The catalogue; without `maxAgeRating`, the age limit of the viewer behind this request (moderation.ts). */
export async function listFilms(options: Omit<indexer.ListFilmsOptions, "nowSeconds" | "period">) {
  await indexCaughtUp();
  const maxAgeRating = options.maxAgeRating ?? (await requestAgeLimit());
  return indexer.listFilms(await getDb(), { ...options, maxAgeRating, nowSeconds: await now() });
}

export async function getFilm(filmId: bigint | string) {
  await indexCaughtUp();
  return indexer.getFilm(await getDb(), filmId, { nowSeconds: await now() });
}

/** Film lengths for heartbeats, per process: a listing's duration never changes, and one beat per viewer every 10 s would otherwise each read it. */
const DURATION_TTL_MS = 60_000;
const durations = ((
  globalThis as typeof globalThis & { __aiFilmsDurations?: Map<string, { seconds: number; until: number }> }
).__aiFilmsDurations ??= new Map());

/** The film's length in seconds for a heartbeat, or null if there is no such film (no audience sums). Unknown films are not cached: a film minted a moment ago is found on its first beat. */
export async function filmDurationSeconds(filmId: bigint): Promise<number | null> {
  const key = filmId.toString();
  const hit = durations.get(key);
  if (hit && hit.until > Date.now()) return hit.seconds;
  await indexCaughtUp();
  const seconds = await indexer.filmDurationSeconds(await getDb(), filmId);
  if (seconds !== null) {
    if (durations.size >= 100_000) durations.clear();
    durations.set(key, { seconds, until: Date.now() + DURATION_TTL_MS });
  }
  return seconds;
}

export async function accountOverview(address: string, nowSeconds: number) {
  return indexer.accountOverview(await getDb(), address, nowSeconds);
}

export async function genres() {
  return indexer.genres(await getDb());
}

export async function aiTools() {
  return indexer.aiTools(await getDb());
}
