/**
 * What pages read about films: the indexer's tables (never the chain per request), with this
 * period's views and watch time from the ledger. The web server also runs the indexer itself
 * (it owns the PGlite ledger, which allows one process), started when the server starts; the
 * catalogue waits for its first pass, so a fresh start never shows a catalogue behind the chain.
 */
import "server-only";
import { deploymentBlock, startIndexer, type StopIndexer } from "@ai-films/core/indexer/indexer";
import * as queries from "@ai-films/core/indexer/queries";
import { chainNow } from "./chainTime";
import { getChain, getDb, getIpfs, setKeyFilmLookup } from "./services";

export type { AccountOverview, FilmDetail, FilmSummary } from "@ai-films/core/indexer/queries";

/** A running indexer, and when its first pass (up to the chain's head at start) is over. */
interface RunningIndexer {
  stop: StopIndexer;
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
    const fromBlock = await deploymentBlock(chain.chainId, chain.market);
    const log = (message: string) => console.log(message.startsWith("indexer") ? message : `indexer: ${message}`);
    let passed!: () => void;
    const firstPass = new Promise<void>((resolve) => (passed = resolve));
    void firstPass.then(() => (g.__aiFilmsIndexCaughtUp = true));
    const stop = startIndexer(chain, db, {
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

export async function listFilms(options: Omit<queries.ListFilmsOptions, "nowSeconds" | "period">) {
  await indexCaughtUp();
  return queries.listFilms(await getDb(), { ...options, nowSeconds: await now() });
}

export async function getFilm(filmId: bigint | string) {
  await indexCaughtUp();
  return queries.getFilm(await getDb(), filmId, { nowSeconds: await now() });
}

export async function accountOverview(address: string, nowSeconds: number) {
  return queries.accountOverview(await getDb(), address, nowSeconds);
}

export async function genres() {
  return queries.genres(await getDb());
}

export async function aiTools() {
  return queries.aiTools(await getDb());
}

/** Which film a content key unlocks: the listing whose metadata names that key id. */
setKeyFilmLookup(async (keyId) => {
  const rows = await (await getDb()).query<{ film_id: string }>(
    "SELECT film_id::text AS film_id FROM films WHERE key_id = $1 ORDER BY film_id LIMIT 1",
    [keyId],
  );
  return rows[0] ? BigInt(rows[0].film_id) : null;
});
