/**
 * What pages read about films: the indexer's tables (never the chain per request), with this
 * period's views and watch time from the ledger. The web server also runs the indexer itself
 * (it owns the PGlite ledger, which allows one process), started on first use.
 */
import "server-only";
import * as indexer from "@ai-films/core/indexer";
import { chainNow } from "./chainTime";
import { getChain, getDb, getIpfs } from "./services";

export type { AccountOverview, FilmDetail, FilmSummary } from "@ai-films/core/indexer";

const g = globalThis as typeof globalThis & { __aiFilmsIndexer?: Promise<indexer.StopIndexer> };

/** Starts following the chain into the database, once per process; retried if the chain is down. */
export function ensureIndexer(): Promise<indexer.StopIndexer> {
  if (g.__aiFilmsIndexer) return g.__aiFilmsIndexer;
  const started = (async () => {
    const [chain, db, ipfs] = await Promise.all([getChain(), getDb(), getIpfs()]);
    const fromBlock = await indexer.deploymentBlock(chain.chainId, chain.market);
    return indexer.startIndexer(chain, db, {
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

export async function listFilms(options: Omit<indexer.ListFilmsOptions, "nowSeconds" | "period">) {
  void ensureIndexer().catch(() => undefined);
  return indexer.listFilms(await getDb(), { ...options, nowSeconds: await now() });
}

export async function getFilm(filmId: bigint | string) {
  void ensureIndexer().catch(() => undefined);
  return indexer.getFilm(await getDb(), filmId, { nowSeconds: await now() });
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
