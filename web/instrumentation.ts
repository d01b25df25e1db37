/**
 * Runs once when the server starts, before it answers its first request (`next start` runs it on
 * that request, which waits): follow the chain into the database and wait for the index to reach
 * the chain's head (bounded; it retries by itself while the chain is down), so the first page
 * already lists every film; on the local platform, start the local oracle that settles ended periods;
 * resume (or end as failed, files removed) the media jobs a crash interrupted.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { ensureIndexer, indexCaughtUp } = await import("./lib/server/catalog");
  const indexed = ensureIndexer().then(
    () => indexCaughtUp(),
    (error: unknown) => {
      console.warn(`indexer: not started yet (${error instanceof Error ? error.message : error}); it starts with the first page view.`);
    },
  );
  const { ensureLocalOracle } = await import("./lib/server/localOracle");
  ensureLocalOracle().catch((error: unknown) => {
    console.warn(`local oracle: not started (${error instanceof Error ? error.message : error}); restart the platform to retry.`);
  });
  const { startJobRecovery } = await import("./lib/server/studio");
  startJobRecovery().catch((error: unknown) => {
    console.warn(`media jobs: recovery not run (${error instanceof Error ? error.message : error}); it retries every 30 s.`);
  });
  await indexed;
}
