/**
 * What pages read about films: the indexer's tables (never the chain per request), with this
 * period's views and watch time from the ledger. The web server also runs the indexer itself
 * (it owns the PGlite ledger, which allows one process), started on first use.
 */
import "server-only";
import { deploymentBlock, startIndexer, type StopIndexer } from "@ai-films/core/indexer/indexer";
import * as queries from "@ai-films/core/indexer/queries";
import { chainNow } from "./chainTime";
import { getChain, getDb, getIpfs, setKeyFilmLookup } from "./services";

export type { AccountOverview, FilmDetail, FilmSummary } from "@ai-films/core/indexer/queries";

const g = globalThis as typeof globalThis & { __aiFilmsIndexer?: Promise<StopIndexer> };

/** Starts following the chain into the database, once per process; retried if the chain is down. */
export function ensureIndexer(): Promise<StopIndexer> {
  if (g.__aiFilmsIndexer) return g.__aiFilmsIndexer;
  const started = (async () => {
    const [chain, db, ipfs] = await Promise.all([getChain(), getDb(), getIpfs()]);
    const fromBlock = await deploymentBlock(chain.chainId, chain.market);
    return startIndexer(chain, db, {
      ipfs,
      fromBlock,
      intervalMs: 2_000,
      log: (message) => console.log(message.startsWith("indexer") ? message : `indexer: ${message}`),
    });
  })();
  g.__aiFilmsIndexer = started;
  started.catch(() => {
    if (g.__aiFilmsIndexer === started) g.__aiFilmsIndexer = undefined;
  });
  return started;
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
  void ensureIndexer().catch(() => undefined);
  return queries.listFilms(await getDb(), { ...options, nowSeconds: await now() });
}

export async function getFilm(filmId: bigint | string) {
  void ensureIndexer().catch(() => undefined);
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
