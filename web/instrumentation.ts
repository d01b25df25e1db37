/**
 * Runs once when a server process starts, before it answers its first request (`next start` runs
 * it on that request, which waits): start the background work if this process has that role
 * (background.ts: the indexer, and on the local platform the local oracle); resume (or end as
 * failed, files removed) the media jobs a crash interrupted — any process may, one taker wins per
 * job; then wait for the index to reach the chain's head (bounded), so the first page already
 * lists every film.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startBackgroundTasks } = await import("./lib/server/background");
  startBackgroundTasks();
  const { startJobRecovery } = await import("./lib/server/studio");
  startJobRecovery().catch((error: unknown) => {
    console.warn(`media jobs: recovery not run (${error instanceof Error ? error.message : error}); it retries every 30 s.`);
  });
  const { indexCaughtUp } = await import("./lib/server/catalog");
  await indexCaughtUp();
}
