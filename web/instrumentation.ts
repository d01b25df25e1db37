/**
 * Runs once when a server process starts, before it answers its first request (`next start` runs
 * it on that request, which waits): start the background work if this process has that role
 * (background.ts: the indexer, and on the local platform the local oracle), then wait for the index
 * to reach the chain's head (bounded), so the first page already lists every film.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startBackgroundTasks } = await import("./lib/server/background");
  startBackgroundTasks();
  const { indexCaughtUp } = await import("./lib/server/catalog");
  await indexCaughtUp();
}
