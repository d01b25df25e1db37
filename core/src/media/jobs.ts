/**
 * Jobs: the progress and outcome of one ingest, readable while it runs.
 *
 * A job walks the stages upload → probe → transcode → encrypt → ipfs → metadata and ends "done"
 * (with its result) or "failed" (with a code and one sentence). On the Livepeer path (see
 * livepeerIngest.ts) the same stages carry different work: transcode is the local preview, the
 * upload to Livepeer and its transcoding (`detail` says which step), encrypt is empty (Livepeer's
 * JWT playback policy gates the film), ipfs is Livepeer's export (free films only) and the add of
 * the preview; so progress views need not know which path ran. Its status lives in memory for the
 * process running it (listeners get every update, for a progress bar or server-sent events), and
 * is mirrored to `.data/media/jobs/<id>.json`, written atomically, so another process — the web
 * server polling for a CLI-started ingest, or the reverse — can read it without sharing memory.
 *
 * Cancelling aborts the job's AbortSignal: whatever stage is running sees it (ffmpeg is killed),
 * and the pipeline cleans up and marks the job failed with code CANCELLED.
 */
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { JOB_STAGES, type JobStage, type JobState } from "../domain/jobStages.ts";
import { MediaError, type MediaErrorCode } from "./errors.ts";
import { dataPath } from "../paths.ts";

/** The stages in order; the list is the domain's, shared with the upload page. */
export const STAGES = JOB_STAGES;
export type Stage = JobStage;
export type { JobState };

/** Share of the overall percent per stage, roughly the time each takes on a typical film. */
const WEIGHTS: Record<Stage, number> = { upload: 10, probe: 2, transcode: 70, encrypt: 4, ipfs: 12, metadata: 2 };
const TOTAL_WEIGHT = STAGES.reduce((sum, s) => sum + WEIGHTS[s], 0);

export const DEFAULT_JOBS_DIR = dataPath("media", "jobs");

/** Progress updates are frequent (ffmpeg reports twice a second); the file is rewritten at most this often. */
const FILE_WRITE_INTERVAL_MS = 250;

export interface StageStatus {
  percent: number;
  /** Wall-clock seconds spent in the stage, once it ended. */
  seconds?: number;
}

export interface JobStatus<Result = unknown> {
  id: string;
  state: JobState;
  /** The stage running now (or where it failed); null before the first and after success. */
  stage: Stage | null;
  /** 0–100 over all stages, weighted. */
  percent: number;
  /** What the current stage is doing, when it has steps of its own (e.g. "livepeer: processing"). */
  detail?: string;
  stages: Record<Stage, StageStatus>;
  error?: { code: MediaErrorCode; message: string };
  result?: Result;
  /** Free text for humans, e.g. the source file's name. Never used as a path. */
  label?: string;
  createdAt: string;
  updatedAt: string;
}

const JOB_ID = /^[0-9a-f]{32}$/;

export function isJobId(value: string): boolean {
  return JOB_ID.test(value);
}

export class Job<Result = unknown> extends EventEmitter {
  readonly id: string;
  private readonly controller = new AbortController();
  private readonly statusPath: string | undefined;
  private status: JobStatus<Result>;
  private stageStartedAt = 0;
  private lastWrite = 0;

  constructor(options: { id?: string; dir?: string | null; label?: string } = {}) {
    super();
    this.id = options.id ?? randomBytes(16).toString("hex");
    if (!isJobId(this.id)) throw new MediaError("INTERNAL", `Malformed job id: ${this.id}.`);
    this.statusPath = options.dir === null ? undefined : join(options.dir ?? DEFAULT_JOBS_DIR, `${this.id}.json`);
    const now = new Date().toISOString();
    this.status = {
      id: this.id,
      state: "running",
      stage: null,
      percent: 0,
      stages: Object.fromEntries(STAGES.map((s) => [s, { percent: 0 }])) as Record<Stage, StageStatus>,
      label: options.label,
      createdAt: now,
      updatedAt: now,
    };
    this.publish(true);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get state(): JobState {
    return this.status.state;
  }

  /** A copy of the current status. */
  snapshot(): JobStatus<Result> {
    return structuredClone(this.status);
  }

  /** Enters a stage; stages before it count as complete. */
  startStage(stage: Stage): void {
    this.throwIfCancelled();
    this.endStage();
    for (const s of STAGES.slice(0, STAGES.indexOf(stage))) this.status.stages[s].percent = 100;
    this.status.stage = stage;
    delete this.status.detail;
    this.stageStartedAt = performance.now();
    this.publish(true);
  }

  /** Percent (0–100) within the current stage; `detail` names the step, when it changes. */
  progress(percent: number, detail?: string): void {
    const stage = this.status.stage;
    if (stage === null || this.status.state !== "running") return;
    this.status.stages[stage].percent = clamp(percent);
    const changed = detail !== undefined && detail !== this.status.detail;
    if (changed) this.status.detail = detail;
    this.publish(changed);
  }

  complete(result: Result): void {
    this.endStage();
    for (const s of STAGES) this.status.stages[s].percent = 100;
    this.status.stage = null;
    delete this.status.detail;
    this.status.state = "done";
    this.status.result = result;
    this.publish(true);
  }

  fail(error: MediaError): void {
    if (this.status.state !== "running") return;
    this.status.state = "failed";
    this.endStage();
    this.status.error = { code: error.code, message: error.message };
    this.publish(true);
  }

  /** Stops the job: the running stage is aborted (ffmpeg killed) and the job ends failed/CANCELLED. */
  cancel(): void {
    if (this.status.state === "running") this.controller.abort(new MediaError("CANCELLED", "The job was cancelled."));
  }

  throwIfCancelled(): void {
    if (this.controller.signal.aborted) throw new MediaError("CANCELLED", "The job was cancelled.");
  }

  /** Seconds per finished stage, for the benchmark and logs. */
  stageSeconds(): Partial<Record<Stage, number>> {
    const out: Partial<Record<Stage, number>> = {};
    for (const s of STAGES) if (this.status.stages[s].seconds !== undefined) out[s] = this.status.stages[s].seconds;
    return out;
  }

  private endStage(): void {
    const stage = this.status.stage;
    if (stage === null) return;
    const current = this.status.stages[stage];
    current.seconds = Math.round(performance.now() - this.stageStartedAt) / 1000;
    if (this.status.state === "running" && this.status.error === undefined) current.percent = 100;
  }

  private publish(force: boolean): void {
    this.status.percent =
      Math.round((STAGES.reduce((sum, s) => sum + (WEIGHTS[s] * this.status.stages[s].percent) / 100, 0) / TOTAL_WEIGHT) * 1000) / 10;
    this.status.updatedAt = new Date().toISOString();
    this.emit("update", this.snapshot());
    const now = performance.now();
    if (this.statusPath !== undefined && (force || now - this.lastWrite >= FILE_WRITE_INTERVAL_MS)) {
      this.lastWrite = now;
      writeStatusFile(this.statusPath, this.status);
    }
  }
}

/** Synchronous temp-file-and-rename: readers see the old or the new status, never half of one. */
function writeStatusFile(path: string, status: JobStatus<unknown>): void {
  const dir = join(path, "..");
  mkdirSync(dir, { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(status, null, 2) + "\n");
  renameSync(temp, path);
}

/** The in-memory jobs of this process, by id. */
export class JobRegistry {
  private readonly jobs = new Map<string, Job<unknown>>();
  /** `statusFiles: false` mirrors no status files (a job store in the database keeps the jobs instead). */
  constructor(
    readonly dir: string = process.env.MEDIA_JOBS_DIR ?? DEFAULT_JOBS_DIR,
    private readonly options: { statusFiles?: boolean } = {},
  ) {}

  private get statusDir(): string | null {
    return this.options.statusFiles === false ? null : this.dir;
  }

  /** A new job; `id` reruns a job under the id it had (a job resumed after a restart). */
  create<Result>(label?: string, id?: string): Job<Result> {
    const job = new Job<Result>({ dir: this.statusDir, label, id });
    this.jobs.set(job.id, job as Job<unknown>);
    return job;
  }

  get(id: string): Job<unknown> | undefined {
    return this.jobs.get(id);
  }

  /** The status of any job: from memory when it runs here, from its status file otherwise. */
  async status(id: string): Promise<JobStatus | undefined> {
    return this.jobs.get(id)?.snapshot() ?? (this.statusDir === null ? undefined : readJobStatus(id, this.statusDir));
  }
}

/** Reads a job's status file (written by whichever process runs it); undefined when unknown. */
export async function readJobStatus(
  id: string,
  dir: string = process.env.MEDIA_JOBS_DIR ?? DEFAULT_JOBS_DIR,
): Promise<JobStatus | undefined> {
  if (!isJobId(id)) return undefined;
  try {
    return JSON.parse(await readFile(join(dir, `${id}.json`), "utf8")) as JobStatus;
  } catch {
    return undefined;
  }
}

function clamp(percent: number): number {
  return Number.isFinite(percent) ? Math.min(100, Math.max(0, Math.round(percent * 10) / 10)) : 0;
}
