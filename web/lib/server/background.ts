/**
 * The platform's background work in the web tier: following the chain into the index, the
 * renewal keeper (when configured) and, on the local platform, the local oracle. It must run in exactly one process however many web
 * workers and machines serve the site:
 * - scripts/web.ts gives the role to one worker of a machine (BACKGROUND_TASKS=1; the others 0, and
 *   a web server started some other way defaults to 1);
 * - on PostgreSQL, where several machines share the database, that worker also holds an advisory
 *   lock (core/src/db/leadership.ts), so one machine's worker runs it and another takes over if
 *   it dies. BACKGROUND_TASKS=0 everywhere leaves the work to separate processes (`npm run indexer`,
 *   the oracle CLI), as docs/deploy.md describes.
 */
import "server-only";
import { holdLeadership } from "@ai-films/core/db";
import { startBackgroundIndexer } from "./catalog";
import { ensureLocalOracle } from "./localOracle";
import { startRenewalKeeper } from "./relay";

const RETRY_MS = 5_000;

export const runsBackgroundTasks = () => process.env.BACKGROUND_TASKS !== "0";

const g = globalThis as typeof globalThis & { __aiFilmsBackground?: boolean };

/** Starts the background work once per process, if this process has the role. */
export function startBackgroundTasks(): void {
  if (!runsBackgroundTasks() || g.__aiFilmsBackground) return;
  g.__aiFilmsBackground = true;
  const lead = async () => {
    const stopIndexer = await startWithRetries("indexer", startBackgroundIndexer);
    const oracle = await ensureLocalOracle().catch((error: unknown) => {
      console.warn(`local oracle: not started (${error instanceof Error ? error.message : error}); restart the platform to retry.`);
      return null;
    });
    // The renewal keeper (on by default on local chains only, see core/src/relay/config.ts).
    const stopKeeper = await startRenewalKeeper().catch((error: unknown) => {
      console.warn(`renewal keeper: not started (${error instanceof Error ? error.message : error}); restart the platform to retry.`);
      return () => undefined;
    });
    return async () => {
      stopKeeper();
      oracle?.stop();
      await stopIndexer();
    };
  };
  const databaseUrl = process.env.DATABASE_URL?.trim();
  if (databaseUrl) holdLeadership(databaseUrl, "background-tasks", lead, { log: (line) => console.log(`web: ${line}`) });
  else void lead();
}

/** Keeps trying `start` (the chain or the database may not answer yet) until it succeeds. */
async function startWithRetries(label: string, start: () => Promise<() => Promise<void>>): Promise<() => Promise<void>> {
  for (;;) {
    try {
      return await start();
    } catch (error) {
      console.warn(`${label}: not started yet (${error instanceof Error ? error.message : error}); retrying in ${RETRY_MS / 1000} s.`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}
