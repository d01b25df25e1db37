/**
 * Runs once when the server starts: begin following the chain into the database, so the
 * catalogue is current before the first visitor (it retries by itself while the chain is down),
 * and on the local platform start the local oracle that settles ended periods.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { ensureIndexer } = await import("./lib/server/catalog");
  ensureIndexer().catch((error: unknown) => {
    console.warn(`indexer: not started yet (${error instanceof Error ? error.message : error}); it starts with the first page view.`);
  });
  const { ensureLocalOracle } = await import("./lib/server/localOracle");
  ensureLocalOracle().catch((error: unknown) => {
    console.warn(`local oracle: not started (${error instanceof Error ? error.message : error}); restart the platform to retry.`);
  });
}
