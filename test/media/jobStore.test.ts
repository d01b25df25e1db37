/**
 * Media jobs in the database: a job's row follows it to its outcome; after a crash (its runner
 * gone) a restart finds it, removes what it left (work directory, the key it created) and runs it
 * again when its input is intact, or ends it failed with INTERRUPTED; one taker wins; a job that
 * keeps getting interrupted is not run forever; a live runner's job is left alone.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { openDatabase, type Database } from "@ai-films/core/db";
import { openIpfs, type IpfsStore } from "@ai-films/core/ipfs";
import {
  ingestFile,
  isOrphaned,
  JobRegistry,
  KeyStore,
  MediaError,
  type Job,
  MAX_ATTEMPTS,
  MediaJobStore,
  recoverJobs,
  type IngestResult,
  type JobRecord,
} from "@ai-films/core/media";
import { makeClip, tempDir } from "./helpers.ts";

const LISTING = { title: "Crash Course", description: "", genre: "Test", aiTools: [] };
const OWNER = "0x" + "ab".repeat(20);

/** The pid of a process that has exited: a runner that was killed. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

describe("media jobs in the database", function () {
  this.timeout(120_000);
  const tmp = tempDir("jobstore");
  const workDir = join(tmp.path, "work");
  let db: Database;
  let store: MediaJobStore;
  let ipfs: IpfsStore;
  let keyStore: KeyStore;
  let jobs: JobRegistry;
  let clip: string;

  before(async function () {
    db = await openDatabase({ dataDir: "memory://" });
    store = new MediaJobStore(db);
    ipfs = await openIpfs({ dataDir: join(tmp.path, "ipfs") });
    keyStore = new KeyStore({ dir: join(tmp.path, "keys"), masterKey: randomBytes(32) });
    jobs = new JobRegistry(join(tmp.path, "jobs"), { statusFiles: false });
    clip = await makeClip(join(tmp.path, "clip.mp4"), { seconds: 3, width: 320, height: 180 });
  });

  after(async function () {
    await ipfs?.close();
    await db?.close();
    tmp.remove();
  });

  /** Runs `job` through the pipeline with its row following it. */
  async function run(job: Job<IngestResult>) {
    const tracker = store.track(job);
    const result = await ingestFile(clip, LISTING, {
      job: job as never,
      ipfs,
      keyStore,
      workDir,
      preset: "ultrafast",
      onKeyCreated: tracker.setKey,
    });
    await tracker.done;
    return result;
  }

  /** A job that was running in a process that was then killed mid-transcode, leaving files. */
  async function interrupted(options: { attempts?: number; heartbeatAgeSeconds?: number; pid?: number } = {}): Promise<JobRecord> {
    const job = jobs.create<IngestResult>(LISTING.title);
    await store.create(job, { owner: OWNER, uploadId: randomBytes(16).toString("hex"), listing: LISTING, price: 1_000_000n });
    job.startStage("transcode");
    const tracker = store.track(job);
    job.progress(40);
    const { keyId } = await keyStore.create();
    await tracker.setKey(keyId);
    mkdirSync(join(workDir, job.id, "plain"), { recursive: true });
    writeFileSync(join(workDir, job.id, "plain", "seg0.ts"), "half a film");
    await new Promise((r) => setTimeout(r, 100));
    await db.query(
      `UPDATE media_jobs SET runner_pid = $2, runner_id = 'deadbeefdeadbeef', attempts = $3,
         heartbeat_at = now() - make_interval(secs => $4) WHERE id = $1`,
      [job.id, options.pid ?? (await deadPid()), options.attempts ?? 1, options.heartbeatAgeSeconds ?? 0],
    );
    return (await store.get(job.id))!;
  }

  it("follows a job to its outcome: stage, percent and result in its row", async function () {
    const job = jobs.create<IngestResult>(LISTING.title);
    await store.create(job, { owner: OWNER, uploadId: null, listing: LISTING, price: 0n });
    const result = await run(job);
    const record = (await store.get(job.id))!;
    expect(record.state).to.equal("done");
    expect(record.status.percent).to.equal(100);
    expect((record.status.result as IngestResult).metadataCid).to.equal(result.metadataCid);
    expect(record.keyId).to.equal(result.keyId);
    expect(record.owner).to.equal(OWNER);
    expect((await store.listByOwner(OWNER)).map((r) => r.id)).to.include(job.id);
    expect(existsSync(join(workDir, job.id))).to.equal(false);
  });

  it("finds a job whose runner was killed, cleans its files and runs it again under the same id", async function () {
    const record = await interrupted();
    expect(isOrphaned(record)).to.equal(true);
    let resumed: Promise<IngestResult> | undefined;
    const outcomes = await recoverJobs({
      store,
      workDir,
      keyStore,
      log: () => undefined,
      resume: async (r) => {
        // The files of the interrupted run are gone before it starts again.
        expect(existsSync(join(workDir, r.id))).to.equal(false);
        resumed = run(jobs.create<IngestResult>(r.listing.title, r.id));
        return true;
      },
    });
    expect(outcomes).to.deep.equal([{ id: record.id, outcome: "resumed" }]);
    await keyStore.get(record.keyId!).then(
      () => expect.fail("the interrupted run's key is still there"),
      () => undefined,
    );
    const result = await resumed!;
    const after = (await store.get(record.id))!;
    expect(after.state).to.equal("done");
    expect(after.attempts).to.equal(2);
    expect((after.status.result as IngestResult).metadataCid).to.equal(result.metadataCid);
    expect(existsSync(join(workDir, record.id))).to.equal(false);
  });

  it("ends a job whose input is gone as failed (INTERRUPTED), its files removed, never left running", async function () {
    const record = await interrupted();
    const outcomes = await recoverJobs({ store, workDir, keyStore, log: () => undefined, resume: async () => "Its upload is gone." });
    expect(outcomes).to.deep.equal([{ id: record.id, outcome: "failed", reason: "Its upload is gone." }]);
    const after = (await store.get(record.id))!;
    expect(after.state).to.equal("failed");
    expect(after.status.error?.code).to.equal("INTERRUPTED");
    expect(after.status.error?.message).to.match(/server stopped while processing this film\. Its upload is gone\. Nothing was published/);
    expect(after.keyId).to.equal(null);
    expect(existsSync(join(workDir, record.id))).to.equal(false);
    await keyStore.get(record.keyId!).then(
      () => expect.fail("the key is still there"),
      () => undefined,
    );
    // A second pass finds nothing more to do.
    expect(await recoverJobs({ store, workDir, keyStore, log: () => undefined, resume: async () => true })).to.deep.equal([]);
  });

  it("does not run a job again that was interrupted too often", async function () {
    const record = await interrupted({ attempts: MAX_ATTEMPTS });
    let asked = false;
    await recoverJobs({
      store,
      workDir,
      keyStore,
      log: () => undefined,
      resume: async () => {
        asked = true;
        return true;
      },
    });
    expect(asked).to.equal(false);
    expect((await store.get(record.id))!.state).to.equal("failed");
  });

  it("leaves a live runner's job alone until its heartbeat goes stale, and lets only one process take it over", async function () {
    const live = await interrupted({ pid: process.ppid });
    expect(isOrphaned(live)).to.equal(false);
    const stale = await interrupted({ pid: process.ppid, heartbeatAgeSeconds: 600 });
    expect(isOrphaned(stale)).to.equal(true);
    expect(await store.takeOver(stale)).to.equal(true);
    expect(await store.takeOver(stale)).to.equal(false);
    await store.fail(stale, new MediaError("INTERRUPTED", "test"));
    await db.query(`UPDATE media_jobs SET state = 'failed' WHERE id = $1`, [live.id]);
  });
});
