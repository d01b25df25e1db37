/**
 * Media jobs in the database (table media_jobs, migration 005): each job's input (the upload and
 * the listing's text), its stage and progress, its outcome, the film key it created and who runs
 * it. A job's status lives in the memory of the process running it (jobs.ts); this store follows
 * it — stage changes and the outcome at once, progress at most once a second — so the studio can
 * show a job after a restart, and a restart can find the jobs a crash interrupted.
 *
 * A running job is orphaned when its runner is gone: on this host its pid no longer runs (or is
 * this process under another runner id: a reused pid), or it stopped renewing its heartbeat
 * (another host, a hung process). `recoverJobs` takes each orphan over — one taker wins, by a
 * conditional update — removes its temporary files (work directory, a key it created) and either
 * runs it again from the start under the same id, when its input is intact, or ends it failed
 * with code INTERRUPTED and a sentence that says what happened. Nothing is left "running" forever.
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Queryable } from "../db/index.ts";
import { JOB_STAGES } from "../domain/jobStages.ts";
import { MediaError } from "./errors.ts";
import type { Job, JobState, JobStatus, Stage } from "./jobs.ts";
import type { KeyStore } from "./keys.ts";
import type { ListingInputRaw } from "./metadata.ts";
import { DEFAULT_WORK_DIR } from "./pipeline.ts";

/** This process as a job runner. */
export const THIS_RUNNER = { host: hostname(), pid: process.pid, id: randomBytes(8).toString("hex") } as const;

/** Progress is written at most this often; stage changes and the outcome at once. */
const PROGRESS_WRITE_MS = 1_000;
/** A running job's heartbeat is renewed this often... */
const HEARTBEAT_MS = 5_000;
/** ...and one not renewed for this long belongs to a runner that is gone. */
export const ORPHAN_AFTER_SECONDS = 60;
/** Writes of a job's outcome tried, a second apart, before the tracker gives up on the database. */
const MAX_OUTCOME_ATTEMPTS = 30;
/** A job interrupted this many times is not run again: it may be what takes the server down. */
export const MAX_ATTEMPTS = 3;

export interface JobInput {
  owner?: string | null;
  uploadId?: string | null;
  listing: ListingInputRaw;
  price?: bigint | null;
}

export interface JobRecord {
  id: string;
  owner: string | null;
  uploadId: string | null;
  listing: ListingInputRaw;
  price: bigint | null;
  state: JobState;
  stage: Stage | null;
  status: JobStatus;
  keyId: string | null;
  runner: { host: string; pid: number; id: string };
  /** Unix milliseconds. */
  heartbeatAt: number;
  attempts: number;
  createdAt: number;
}

interface Row {
  id: string;
  owner: string | null;
  upload_id: string | null;
  listing: ListingInputRaw | string;
  price: string | null;
  state: JobState;
  stage: Stage | null;
  status: JobStatus | string;
  key_id: string | null;
  runner_host: string;
  runner_pid: number;
  runner_id: string;
  heartbeat_ms: string;
  attempts: number;
  created_ms: string;
}

const COLUMNS = `id, owner, upload_id, listing, price::text AS price, state, stage, status, key_id, runner_host, runner_pid,
  runner_id, (extract(epoch FROM heartbeat_at) * 1000)::bigint::text AS heartbeat_ms, attempts,
  (extract(epoch FROM created_at) * 1000)::bigint::text AS created_ms`;

const json = <T>(value: T | string): T => (typeof value === "string" ? (JSON.parse(value) as T) : value);

function fromRow(row: Row): JobRecord {
  return {
    id: row.id,
    owner: row.owner,
    uploadId: row.upload_id,
    listing: json(row.listing),
    price: row.price === null ? null : BigInt(row.price),
    state: row.state,
    stage: row.stage,
    status: json(row.status),
    keyId: row.key_id,
    runner: { host: row.runner_host, pid: row.runner_pid, id: row.runner_id },
    heartbeatAt: Number(row.heartbeat_ms),
    attempts: row.attempts,
    createdAt: Number(row.created_ms),
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether a running job's runner is gone (see the module comment). */
export function isOrphaned(record: JobRecord, nowMs: number = Date.now()): boolean {
  if (record.state !== "running" || record.runner.id === THIS_RUNNER.id) return false;
  if (nowMs - record.heartbeatAt > ORPHAN_AFTER_SECONDS * 1000) return true;
  if (record.runner.host !== THIS_RUNNER.host) return false;
  return record.runner.pid === THIS_RUNNER.pid || !alive(record.runner.pid);
}

/** A fresh "running, nothing done yet" status for a job about to run (again). */
function startingStatus(id: string, label: string | undefined): JobStatus {
  const now = new Date().toISOString();
  return {
    id,
    state: "running",
    stage: null,
    percent: 0,
    stages: Object.fromEntries(JOB_STAGES.map((s) => [s, { percent: 0 }])) as JobStatus["stages"],
    label,
    createdAt: now,
    updatedAt: now,
  };
}

/** Follows one job into its row; `done` settles once its outcome is written. */
export interface JobTracker {
  /** Records a film key the job created (pass as the pipeline's onKeyCreated). */
  setKey(keyId: string): Promise<void>;
  /** Resolves when the job's final status is in the database. */
  readonly done: Promise<void>;
}

export class MediaJobStore {
  constructor(private readonly db: Queryable) {}

  /** Records a job about to run; call before its first stage, then `track` it. */
  async create(job: Job<unknown>, input: JobInput): Promise<void> {
    const status = job.snapshot();
    await this.db.query(
      `INSERT INTO media_jobs (id, owner, upload_id, listing, price, state, stage, percent, status, runner_host, runner_pid, runner_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        job.id,
        input.owner?.toLowerCase() ?? null,
        input.uploadId ?? null,
        JSON.stringify(input.listing),
        input.price?.toString() ?? null,
        status.state,
        status.stage,
        status.percent,
        JSON.stringify(status),
        THIS_RUNNER.host,
        THIS_RUNNER.pid,
        THIS_RUNNER.id,
      ],
    );
  }

  async get(id: string): Promise<JobRecord | null> {
    const rows = await this.db.query<Row>(`SELECT ${COLUMNS} FROM media_jobs WHERE id = $1`, [id]);
    return rows.length ? fromRow(rows[0]) : null;
  }

  /** A creator's most recent jobs, newest first. */
  async listByOwner(owner: string, limit = 10): Promise<JobRecord[]> {
    const rows = await this.db.query<Row>(`SELECT ${COLUMNS} FROM media_jobs WHERE owner = $1 ORDER BY created_at DESC, id LIMIT $2`, [
      owner.toLowerCase(),
      limit,
    ]);
    return rows.map(fromRow);
  }

  /** Running jobs whose runner is gone. */
  async orphaned(): Promise<JobRecord[]> {
    const rows = await this.db.query<Row>(`SELECT ${COLUMNS} FROM media_jobs WHERE state = 'running' ORDER BY created_at`);
    const now = Date.now();
    return rows.map(fromRow).filter((record) => isOrphaned(record, now));
  }

  /**
   * Takes an orphaned job over for this process (one more attempt, a fresh status); false when
   * another process took it first or it ended meanwhile.
   */
  async takeOver(record: JobRecord): Promise<boolean> {
    const status = startingStatus(record.id, record.status.label);
    const rows = await this.db.query(
      `UPDATE media_jobs SET runner_host = $3, runner_pid = $4, runner_id = $5, attempts = attempts + 1, heartbeat_at = now(),
         updated_at = now(), stage = NULL, percent = 0, status = $6
       WHERE id = $1 AND state = 'running' AND runner_id = $2 RETURNING id`,
      [record.id, record.runner.id, THIS_RUNNER.host, THIS_RUNNER.pid, THIS_RUNNER.id, JSON.stringify(status)],
    );
    return rows.length === 1;
  }

  /** Ends a job this process took over as failed, without running it: where it was stopped, and why. */
  async fail(record: JobRecord, error: MediaError): Promise<void> {
    const status: JobStatus = {
      ...record.status,
      state: "failed",
      error: { code: error.code, message: error.message },
      updatedAt: new Date().toISOString(),
    };
    await this.db.query(
      `UPDATE media_jobs SET state = 'failed', stage = $4, percent = $5, status = $2, key_id = NULL, updated_at = now()
       WHERE id = $1 AND runner_id = $3`,
      [record.id, JSON.stringify(status), THIS_RUNNER.id, status.stage, status.percent],
    );
  }

  /**
   * Writes `job`'s updates into its row while it runs (and renews its heartbeat) until it ends.
   * Write errors are logged, never thrown into the job: the job goes on, its row catches up.
   */
  track(job: Job<unknown>, log: (line: string) => void = (line) => console.warn(line)): JobTracker {
    let latest = job.snapshot();
    let written = "";
    let lastWrite = 0;
    let writing: Promise<void> | undefined;
    let outcomeAttempts = 0;
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));

    const write = async (status: JobStatus) => {
      const final = status.state !== "running";
      await this.db.query(
        `UPDATE media_jobs SET state = $2, stage = $3, percent = $4, status = $5, heartbeat_at = now(), updated_at = now()
           ${final && status.state === "failed" ? ", key_id = NULL" : ""}
         WHERE id = $1 AND runner_id = $6`,
        [job.id, status.state, status.stage, status.percent, JSON.stringify(status), THIS_RUNNER.id],
      );
    };
    // One write at a time, always of the newest status; the outcome is never skipped.
    const pump = () => {
      writing ??= (async () => {
        await null; // `writing` is set before this body can clear it
        while (JSON.stringify(latest) !== written) {
          const status = latest;
          const text = JSON.stringify(status);
          try {
            await write(status);
          } catch (error) {
            if (status.state === "running" || outcomeAttempts === 0)
              log(`media jobs: could not record job ${job.id}: ${(error as Error).message}`);
            if (status.state === "running") break;
            // The outcome is retried for a while; a database gone for good (closed, shut down) leaves
            // the row "running" with no heartbeat, and the recovery sweep of the next start ends it.
            if (++outcomeAttempts >= MAX_OUTCOME_ATTEMPTS) {
              clearInterval(heartbeat);
              job.off("update", onUpdate);
              finished();
              break;
            }
            await new Promise((r) => setTimeout(r, 1_000));
            continue;
          }
          written = text;
          lastWrite = Date.now();
        }
        writing = undefined;
        if (latest.state !== "running" && JSON.stringify(latest) === written) {
          clearInterval(heartbeat);
          job.off("update", onUpdate);
          finished();
        }
      })();
    };
    let lastStage = latest.stage;
    const onUpdate = (status: JobStatus) => {
      latest = status;
      const urgent = status.state !== "running" || status.stage !== lastStage;
      lastStage = status.stage;
      if (urgent || Date.now() - lastWrite >= PROGRESS_WRITE_MS) pump();
    };
    const heartbeat = setInterval(() => {
      // A job that ended in memory needs no heartbeat: only its outcome is left to write (pump).
      if (latest.state !== "running") return pump();
      this.db
        .query(`UPDATE media_jobs SET heartbeat_at = now() WHERE id = $1 AND runner_id = $2 AND state = 'running'`, [
          job.id,
          THIS_RUNNER.id,
        ])
        .catch((error: unknown) => log(`media jobs: heartbeat of ${job.id} failed: ${(error as Error).message}`));
      pump(); // progress that arrived inside the throttle window
    }, HEARTBEAT_MS);
    heartbeat.unref?.();
    job.on("update", onUpdate);
    if (latest.state !== "running") pump();

    return {
      setKey: async (keyId) => {
        await this.db.query(`UPDATE media_jobs SET key_id = $2 WHERE id = $1`, [job.id, keyId]);
      },
      done,
    };
  }
}

export interface RecoverOptions {
  store: MediaJobStore;
  /** Where jobs keep their temporary files, one directory per job id (default: the pipeline's). */
  workDir?: string;
  keyStore?: KeyStore;
  /**
   * Runs a taken-over job again under its id if its input is intact (returns true), or says why
   * not (returns a sentence, and the job ends failed with it). Must not throw for a missing input.
   */
  resume: (record: JobRecord) => Promise<true | string>;
  log?: (line: string) => void;
}

export interface RecoveryOutcome {
  id: string;
  outcome: "resumed" | "failed";
  reason?: string;
}

/** Finds the jobs a crash interrupted and resumes or ends each one (see the module comment). */
export async function recoverJobs(options: RecoverOptions): Promise<RecoveryOutcome[]> {
  const { store, log = (line) => console.log(line) } = options;
  const workDir = options.workDir ?? process.env.MEDIA_WORK_DIR ?? DEFAULT_WORK_DIR;
  const outcomes: RecoveryOutcome[] = [];
  for (const record of await store.orphaned()) {
    if (!(await store.takeOver(record))) continue;
    // Whatever the interrupted run left: a half-written ladder, plain segments, a key never used.
    await rm(join(/*turbopackIgnore: true*/ workDir, record.id), { recursive: true, force: true });
    if (record.keyId !== null) await options.keyStore?.delete(record.keyId).catch(() => undefined);
    let reason: string | undefined;
    if (record.attempts >= MAX_ATTEMPTS) {
      reason = `It was interrupted ${record.attempts} times; it is not run again.`;
    } else {
      try {
        const resumed = await options.resume(record);
        if (resumed !== true) reason = resumed;
      } catch (error) {
        reason = `It could not be restarted: ${(error as Error).message}`;
      }
    }
    if (reason === undefined) {
      log(`media jobs: job ${record.id} was interrupted by a restart; running it again`);
      outcomes.push({ id: record.id, outcome: "resumed" });
      continue;
    }
    const message = `The server stopped while processing this film. ${reason} Nothing was published.`;
    await store.fail(record, new MediaError("INTERRUPTED", message));
    log(`media jobs: job ${record.id} was interrupted by a restart and cannot resume: ${reason}`);
    outcomes.push({ id: record.id, outcome: "failed", reason });
  }
  return outcomes;
}
