// The production web tier as several processes on one port. Next's server is one Node process,
// and one process uses one core; node:cluster forks WEB_WORKERS copies of `next start` that
// share the listening socket (the primary hands out connections round-robin). The web servers
// keep nothing between requests that another worker needs (sessions are signed cookies, the
// ledger, the index and rate state live in the database), so any worker can answer any request.
//
// Background work (the chain indexer, the local oracle) must run once, not once per worker: the
// primary gives that role to worker slot 0 only (BACKGROUND_TASKS=1, the others 0), and a slot
// that dies is forked again with the same role. Across machines, on PostgreSQL, the holder of the
// background role also takes an advisory lock (web/lib/server/background.ts).
import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import { AiFilmsError } from "../errors.ts";

export class WebWorkersSettingError extends AiFilmsError<"platform"> {
  override name = "WebWorkersSettingError";
  constructor(raw: string) {
    super(
      "platform",
      "INVALID_SETTING",
      `WEB_WORKERS must be a whole number from 1 to ${MAX_WEB_WORKERS} or "auto" (one per core), got "${raw}"`,
    );
  }
}

export const MAX_WEB_WORKERS = 64;

/** WEB_WORKERS: unset or "" → 1; "auto" → one per core; else a whole number 1…64. */
export function parseWebWorkers(raw: string | undefined, cores: number = availableParallelism()): number {
  const text = raw?.trim() ?? "";
  if (text === "") return 1;
  if (text === "auto") return Math.min(MAX_WEB_WORKERS, Math.max(1, cores));
  if (!/^\d+$/.test(text)) throw new WebWorkersSettingError(text);
  const n = Number(text);
  if (n < 1 || n > MAX_WEB_WORKERS) throw new WebWorkersSettingError(text);
  return n;
}

export interface WebClusterOptions {
  /** next's CLI (node_modules/next/dist/bin/next). */
  nextBin: string;
  /** The app's directory (web/). */
  appDir: string;
  port: number;
  workers: number;
  /** Added to each worker's environment. */
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface WebCluster {
  /** Resolves with the exit code the primary should end with, once every worker is gone for good. */
  readonly done: Promise<number>;
  /** Stops every worker (SIGTERM, then SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
}

/** A worker that dies this soon after it started counts as failing to start. */
const EARLY_EXIT_MS = 15_000;
/** Failed starts in a row after which a slot is given up, and the cluster with it. */
const MAX_EARLY_EXITS = 3;

/** Must run in the primary process. Forks the workers and keeps each slot filled until stop(). */
export function startWebCluster(options: WebClusterOptions): WebCluster {
  if (!cluster.isPrimary) throw new Error("startWebCluster runs in the cluster's primary process");
  const log = options.log ?? ((line: string) => console.log(line));
  // The workers run next's CLI as it is: no tsx loader or other flags of this process.
  cluster.setupPrimary({ exec: options.nextBin, args: ["start", options.appDir, "-p", String(options.port)], execArgv: [] });

  const slots = new Map<Worker, { slot: number; startedAt: number }>();
  const earlyExits = new Array<number>(options.workers).fill(0);
  let stopping = false;
  let exitCode = 0;
  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));

  const fork = (slot: number) => {
    const worker = cluster.fork({
      ...options.env,
      WEB_WORKER_SLOT: String(slot),
      BACKGROUND_TASKS: slot === 0 ? (options.env?.BACKGROUND_TASKS ?? "1") : "0",
    });
    slots.set(worker, { slot, startedAt: Date.now() });
  };

  const onExit = (worker: Worker, code: number | null, signal: string | null) => {
    const entry = slots.get(worker);
    if (!entry) return;
    slots.delete(worker);
    if (stopping) {
      if (slots.size === 0) finish(exitCode);
      return;
    }
    const early = Date.now() - entry.startedAt < EARLY_EXIT_MS;
    earlyExits[entry.slot] = early ? earlyExits[entry.slot] + 1 : 0;
    if (earlyExits[entry.slot] >= MAX_EARLY_EXITS) {
      log(`web: worker ${entry.slot} failed to start ${MAX_EARLY_EXITS} times in a row (last exit ${code ?? signal}); stopping`);
      exitCode = 1;
      void stop();
      return;
    }
    log(`web: worker ${entry.slot} (pid ${worker.process.pid}) exited (${code ?? signal}); starting it again`);
    fork(entry.slot);
  };
  cluster.on("exit", onExit);

  const stop = async (timeoutMs = 10_000) => {
    stopping = true;
    const workers = [...slots.keys()];
    if (workers.length === 0) {
      finish(exitCode);
      return;
    }
    const gone = Promise.all(
      workers.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once("exit", () => resolve())))),
    );
    for (const w of workers) w.process.kill("SIGTERM");
    const timer = setTimeout(() => {
      for (const w of workers) if (!w.isDead()) w.process.kill("SIGKILL");
    }, timeoutMs);
    await gone;
    clearTimeout(timer);
  };

  for (let slot = 0; slot < options.workers; slot++) fork(slot);
  log(`web: ${options.workers} worker${options.workers === 1 ? "" : "s"} on port ${options.port} (background tasks in worker 0)`);
  return { done, stop };
}
