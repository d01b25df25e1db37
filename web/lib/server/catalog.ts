/**
 * What pages read about films: the indexer's tables (never the chain per request), with this
 * period's views and watch time from the ledger. The web server also runs the indexer itself
 * (it owns the PGlite ledger, which allows one process), started when the server starts; the
 * catalogue waits for its first pass, so a fresh start never shows a catalogue behind the chain.
 */
import "server-only";
import * as indexer from "@ai-films/core/indexer";
import { chainNow } from "./chainTime";
import { getChain, getDb, getIpfs } from "./services";

export type { AccountOverview, FilmDetail, FilmSummary } from "@ai-films/core/indexer";

/** A running indexer, and when its first pass (up to the chain's head at start) is over. */
interface RunningIndexer {
  stop: indexer.StopIndexer;
  firstPass: Promise<void>;
}

/** How long a page waits for the first pass before it renders what the index holds. */
const FIRST_PASS_WAIT_MS = 30_000;

const g = globalThis as typeof globalThis & { __aiFilmsIndexer?: Promise<RunningIndexer>; __aiFilmsIndexCaughtUp?: boolean };

/** Starts following the chain into the database, once per process; retried if the chain is down. */
export function ensureIndexer(): Promise<RunningIndexer> {
  if (g.__aiFilmsIndexer) return g.__aiFilmsIndexer;
  const started = (async () => {
    const [chain, db, ipfs] = await Promise.all([getChain(), getDb(), getIpfs()]);
    const fromBlock = await indexer.deploymentBlock(chain.chainId, chain.market);
    const log = (message: string) => console.log(message.startsWith("indexer") ? message : `indexer: ${message}`);
    let passed!: () => void;
    const firstPass = new Promise<void>((resolve) => (passed = resolve));
    void firstPass.then(() => (g.__aiFilmsIndexCaughtUp = true));
    const stop = indexer.startIndexer(chain, db, {
      ipfs,
      fromBlock,
      intervalMs: 2_000,
      log,
      onIndexed: () => passed(),
      // A failed first pass has nothing to wait for: pages show what the index holds.
      onError: (error) => {
        log(`indexer: run failed: ${(error as Error)?.message ?? error}`);
        passed();
      },
    });
    return { stop, firstPass };
  })();
  g.__aiFilmsIndexer = started;
  started.catch(() => {
    if (g.__aiFilmsIndexer === started) g.__aiFilmsIndexer = undefined;
  });
  return started;
}

/**
 * Resolves once the index has caught up with the chain after this server started (its first
 * pass), so the first pages after a start list every film already minted; at most
 * FIRST_PASS_WAIT_MS, and nothing once caught up, so steady-state requests never wait.
 */
export async function indexCaughtUp(): Promise<void> {
  if (g.__aiFilmsIndexCaughtUp) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const { firstPass } = await ensureIndexer();
    await Promise.race([firstPass, new Promise((resolve) => (timer = setTimeout(resolve, FIRST_PASS_WAIT_MS)))]);
  } catch {
    // The chain is not answering: pages show what the index holds, and the next one tries again.
  } finally {
    clearTimeout(timer);
  }
}

/** Chain-aligned now (see chainTime.ts); the index's own estimate when the chain is not answering. */
async function now(): Promise<number | undefined> {
  try {
    return await chainNow();
  } catch {
    return undefined;
  }
}

export async function listFilms(options: Omit<indexer.ListFilmsOptions, "nowSeconds" | "period">) {
  await indexCaughtUp();
  return indexer.listFilms(await getDb(), { ...options, nowSeconds: await now() });
}

export async function getFilm(filmId: bigint | string) {
  await indexCaughtUp();
  return indexer.getFilm(await getDb(), filmId, { nowSeconds: await now() });
}

/** The film's length in seconds for a heartbeat, or null if there is no such film (no audience sums). */
export async function filmDurationSeconds(filmId: bigint): Promise<number | null> {
  await indexCaughtUp();
  return indexer.filmDurationSeconds(await getDb(), filmId);
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
