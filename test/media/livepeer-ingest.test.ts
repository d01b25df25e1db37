/**
 * The ingest's Livepeer path, for real (ffmpeg on generated clips, an embedded IPFS store, the
 * real Livepeer client and the CLI as a separate process) against the local Livepeer Studio
 * stand-in (test/helpers/livepeer-studio-server.ts; Studio is unreachable here): what goes to
 * Livepeer (the source's bytes over tus, a JWT policy, an IPFS export only for a free film), what
 * stays with us (poster and free preview on IPFS, no AES key), the progress the studio shows, the
 * metadata the indexer reads, and the local path's guarantees on failure, timeout and cancel.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect } from "chai";
import { parseFilmMetadata } from "@ai-films/core/indexer";
import { openIpfs, type IpfsStore } from "@ai-films/core/ipfs";
import {
  isMediaError,
  JobRegistry,
  readJobStatus,
  STAGES,
  type Job,
  type JobStatus,
  KeyStore,
  livepeerIngestFromEnv,
  type LivepeerIngestOptions,
  type FilmMetadata,
  ingestFile,
  type IngestOptions,
  type IngestResult,
  parseMasterPlaylist,
  parseMediaPlaylist,
} from "@ai-films/core/media";
import { createLivepeerClient, type LivepeerClient } from "@ai-films/core/serving";
import { startLivepeerStudioServer, type LivepeerStudioServer } from "../helpers/livepeer-studio-server.ts";
import { decodeAll, makeAudioOnly, makeClip, rejection, serveOrigin, tempDir } from "./helpers.ts";

const execFileAsync = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = join(ROOT, "scripts", "media.ts");

const META = { title: "Livepeer Test Pattern", description: "Bars & tones.", genre: "Documentary", aiTools: ["Sora"] };

/** One step of the job as the studio's progress view sees it: stage, plus the step within it. */
const step = (s: JobStatus) => (s.state !== "running" ? s.state : s.detail ? `${s.stage}:${s.detail}` : String(s.stage));

/** The job's distinct steps in order, and checks that stages and percent never move backwards. */
function watch(job: Job<IngestResult>): { steps: string[]; updates: JobStatus[] } {
  const updates: JobStatus[] = [];
  const steps: string[] = [];
  job.on("update", (s: JobStatus) => {
    updates.push(s);
    if (s.state === "running" && s.stage === null) return;
    const name = step(s);
    if (steps.at(-1) !== name) steps.push(name);
  });
  return { steps, updates };
}

function expectMonotonic(updates: JobStatus[]) {
  const running = updates.filter((u) => u.state === "running" && u.stage !== null);
  const stageIndex = running.map((u) => STAGES.indexOf(u.stage!));
  expect(stageIndex, "stages in order").to.deep.equal([...stageIndex].sort((a, b) => a - b));
  const percents = running.map((u) => u.percent);
  expect(percents, "overall percent never goes back").to.deep.equal([...percents].sort((a, b) => a - b));
}

function files(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe("media pipeline: Livepeer Studio path (against a local stand-in)", function () {
  this.timeout(180_000);
  const tmp = tempDir("livepeer");
  const workDir = join(tmp.path, "work");
  let ipfs: IpfsStore;
  let keyStore: KeyStore;
  let jobs: JobRegistry;
  let studio: LivepeerStudioServer;
  let client: LivepeerClient;
  let clip: string;

  const livepeer = (extra: Partial<LivepeerIngestOptions> = {}): LivepeerIngestOptions => ({
    client,
    free: false,
    intervalMs: 5,
    chunkSize: 128 * 1024,
    ...extra,
  });
  const options = (extra: Partial<IngestOptions> = {}): IngestOptions => ({
    ipfs,
    keyStore,
    jobs,
    workDir,
    preset: "ultrafast",
    previewSeconds: 2,
    ...extra,
  });
  const requestUploads = () => studio.requests.filter((r) => r.path === "/api/asset/request-upload");
  const metadataOf = async (cid: string) => JSON.parse(Buffer.from(await ipfs.catBytes(cid)).toString("utf8")) as FilmMetadata;

  before(async function () {
    clip = await makeClip(join(tmp.path, "clip.mp4"), { seconds: 6 });
    ipfs = await openIpfs({ dataDir: join(tmp.path, "ipfs") });
    keyStore = new KeyStore({ dir: join(tmp.path, "keys"), masterKey: randomBytes(32) });
    jobs = new JobRegistry(join(tmp.path, "jobs"));
    studio = await startLivepeerStudioServer();
    client = createLivepeerClient({ apiKey: studio.apiKey, baseUrl: studio.url });
  });

  after(async function () {
    await studio?.close();
    await ipfs?.close();
    tmp.remove();
  });

  describe("a priced film", function () {
    let result: IngestResult;
    let progress: ReturnType<typeof watch>;
    let metadata: FilmMetadata;
    // Mocha runs the outer suite's tests first: count only what this ingest sent.
    let requestsBefore: number;
    let tusBefore: number;

    before(async function () {
      requestsBefore = studio.requests.length;
      tusBefore = studio.tusRequests.length;
      const job = jobs.create<IngestResult>(META.title);
      progress = watch(job);
      result = await ingestFile(clip, META, options({ job, keepOutput: true, livepeer: livepeer() }));
      metadata = await metadataOf(result.metadataCid);
    });

    it("asks Livepeer for a JWT playback policy, our ladder, and no IPFS export", function () {
      const sent = studio.requests.slice(requestsBefore).filter((r) => r.path === "/api/asset/request-upload");
      expect(sent).to.have.length(1);
      const { body, authorization } = sent[0];
      expect(authorization).to.equal(`Bearer ${studio.apiKey}`);
      // No `storage`: Studio's export would publish the paid film unencrypted under a public CID.
      expect(body).to.deep.equal({
        name: META.title,
        playbackPolicy: { type: "jwt" },
        profiles: [
          { name: "360p", width: 640, height: 360, bitrate: 800_000 },
          { name: "240p", width: 426, height: 240, bitrate: 400_000 },
          { name: "144p", width: 256, height: 144, bitrate: 200_000 },
        ],
      });
    });

    it("uploads the source file's bytes over tus", function () {
      const asset = studio.assets.get(result.livepeer!.assetId)!;
      expect(asset.uploaded!.equals(readFileSync(clip))).to.equal(true);
      expect(studio.tusRequests.slice(tusBefore).filter((m) => m === "PATCH").length, "chunked").to.be.greaterThan(1);
      expect(asset.exportToIpfs).to.equal(false);
      expect(result.livepeer).to.deep.equal({ playbackId: asset.playbackId, assetId: asset.id });
    });

    it("returns the usual result with the Livepeer asset and no key", function () {
      expect(result.keyId).to.equal(undefined);
      expect(result.metadataCid).to.match(/^baf/);
      expect(result.metadataUri).to.equal(`ipfs://${result.metadataCid}`);
      expect(result.hlsCid).to.match(/^bafy/);
      expect(Math.abs(result.durationSeconds - 6)).to.be.at.most(0.1);
      expect(result.renditions).to.deep.equal([360, 240, 144]);
      // 2 s asked for, cut at the 4 s segment boundary, as the local path does.
      expect(Math.abs(result.previewSeconds - 4)).to.be.at.most(0.05);
      expect(result.outputBytes).to.be.greaterThan(0);
    });

    it("creates no AES key and leaves no plain segments behind", function () {
      expect(files(keyStore.dir)).to.deep.equal([]);
      expect(files(workDir)).to.deep.equal([result.jobId]);
      expect(files(join(workDir, result.jobId))).to.deep.equal(["out"]); // keepOutput: the published part only
    });

    it("publishes only the poster and the free preview on IPFS, and the preview plays without a key", async function () {
      expect((await ipfs.ls(result.hlsCid)).map((e) => e.name).sort()).to.deep.equal(["poster.jpg", "preview"]);
      const outDir = result.outputDir!;
      expect(parseMasterPlaylist(readFileSync(join(outDir, "preview", "master.m3u8"), "utf8"))).to.have.length(3);
      const origin = await serveOrigin(outDir, () => null);
      try {
        for (const h of result.renditions) {
          const text = readFileSync(join(outDir, "preview", `${h}p`, "index.m3u8"), "utf8");
          expect(text).to.not.include("EXT-X-KEY");
          const seconds = parseMediaPlaylist(text).segments.reduce((sum, s) => sum + s.durationSeconds, 0);
          expect(Math.abs(seconds - 4), "only the preview's seconds were encoded").to.be.at.most(0.05);
          const decoded = await decodeAll(`${origin.url}/preview/${h}p/index.m3u8`);
          expect(decoded.code, decoded.stderr).to.equal(0);
        }
      } finally {
        await origin.close();
      }
      const poster = readFileSync(join(outDir, "poster.jpg"));
      expect(poster.subarray(0, 2).toString("hex")).to.equal("ffd8");
    });

    it("writes the usual metadata, with the preview as animation_url and the Livepeer asset", function () {
      const root = `ipfs://${result.hlsCid}`;
      expect(metadata).to.deep.include({ name: META.title, description: META.description, image: `${root}/poster.jpg` });
      expect(metadata.animation_url).to.equal(`${root}/preview/master.m3u8`);
      expect(metadata.properties).to.deep.equal({
        durationSeconds: result.durationSeconds,
        genre: "Documentary",
        aiTools: ["Sora"],
        renditions: [360, 240, 144],
        previewSeconds: result.previewSeconds,
        preview: `${root}/preview/master.m3u8`,
        livepeer: result.livepeer,
      });
      // The catalogue's reader finds the playback id, the preview and the poster, and no key.
      expect(parseFilmMetadata(metadata)).to.deep.include({
        title: META.title,
        hlsCid: result.hlsCid,
        keyId: null,
        livepeerPlaybackId: result.livepeer!.playbackId,
        previewUri: `${root}/preview/master.m3u8`,
        previewSeconds: result.previewSeconds,
        image: `${root}/poster.jpg`,
      });
    });

    it("maps Livepeer's progress onto the studio's stages", async function () {
      expect(progress.steps).to.deep.equal([
        "upload",
        "probe",
        "transcode",
        "transcode:preview",
        "transcode:livepeer: uploading",
        "transcode:livepeer: processing",
        "transcode:livepeer: ready",
        "ipfs",
        "ipfs:preview",
        "metadata",
        "done",
      ]);
      expectMonotonic(progress.updates);
      const processing = progress.updates.filter((u) => u.detail === "livepeer: processing").map((u) => u.stages.transcode.percent);
      expect(processing.length).to.be.at.least(2); // 33 % and 66 % from the stand-in's polls
      expect(processing[0]).to.be.lessThan(processing.at(-1)!);
      const status = await readJobStatus(result.jobId, jobs.dir);
      expect(status).to.deep.include({ state: "done", percent: 100 });
      expect((status!.result as IngestResult).livepeer).to.deep.equal(result.livepeer);
    });
  });

  it("a free film may be exported to IPFS by Livepeer, and says so in its metadata", async function () {
    const job = jobs.create<IngestResult>("free");
    const progress = watch(job);
    // Its own store, so the other tests' "no key written" checks hold: the playback id's binding lands here.
    const bindings = new KeyStore({ dir: join(tmp.path, "bindings"), masterKey: randomBytes(32) });
    const creator = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
    const result = await ingestFile(
      clip,
      { title: "Free Film" },
      options({ job, keyStore: bindings, ingester: creator, livepeer: livepeer({ free: true }) }),
    );
    expect(await bindings.playbackIngester(result.livepeer!.playbackId), "bound to the ingesting wallet").to.equal(creator.toLowerCase());
    const request = requestUploads().at(-1)!;
    expect(request.body).to.deep.include({ name: "Free Film", storage: { ipfs: true }, playbackPolicy: { type: "jwt" } });
    const asset = studio.assets.get(result.livepeer!.assetId)!;
    expect(asset.exportToIpfs).to.equal(true);
    expect(result.livepeer).to.deep.equal({ playbackId: asset.playbackId, assetId: asset.id, ipfsCid: asset.cid });
    expect((await metadataOf(result.metadataCid)).properties.livepeer).to.deep.equal(result.livepeer);
    // The export is the first part of the ipfs stage, then our own add of the preview.
    const exportAt = progress.steps.indexOf("ipfs:livepeer: exporting to IPFS");
    expect(exportAt).to.be.greaterThan(progress.steps.indexOf("transcode:livepeer: processing"));
    expect(progress.steps.indexOf("ipfs:preview")).to.be.greaterThan(exportAt);
    expectMonotonic(progress.updates);
    expect(files(workDir).includes(result.jobId)).to.equal(false); // no keepOutput: all removed
  });

  /** An ingest that must fail with `code`: job failed, no result, nothing left here or at Livepeer. */
  async function expectFailed(code: string, extra: Partial<IngestOptions>, path = clip) {
    const job = jobs.create<IngestResult>("failing");
    const assetsBefore = new Set(studio.assets.keys());
    const error = await rejection(ingestFile(path, { title: "Doomed" }, options({ job, ...extra })));
    expect(isMediaError(error), String(error)).to.equal(true);
    expect((error as unknown as { code: string }).code, error.message).to.equal(code);
    const status = await readJobStatus(job.id, jobs.dir);
    expect(status).to.deep.include({ state: "failed", error: { code, message: error.message } });
    expect(status!.result, "no metadata CID handed out").to.equal(undefined);
    expect(
      files(workDir).filter((d) => d === job.id),
      "no partial output",
    ).to.deep.equal([]);
    expect(files(keyStore.dir)).to.deep.equal([]);
    const created = [...studio.assets.keys()].filter((id) => !assetsBefore.has(id));
    expect(created, "the failed asset was deleted at Livepeer").to.deep.equal([]);
    return { error, status: status! };
  }

  it("a failed Livepeer asset fails the job with Livepeer's reason and leaves nothing behind", async function () {
    const deletedBefore = studio.deleted.length;
    studio.failNextAsset("Unsupported video codec");
    const { error, status } = await expectFailed("LIVEPEER_FAILED", { livepeer: livepeer() });
    expect(error.message).to.equal("Livepeer could not process the video: Unsupported video codec.");
    expect(status.stage).to.equal("transcode");
    expect(studio.deleted.length).to.equal(deletedBefore + 1);
  });

  it("a failed IPFS export of a free film fails the job the same way", async function () {
    studio.failNextExport("pinning service unavailable");
    const { error, status } = await expectFailed("LIVEPEER_FAILED", { livepeer: livepeer({ free: true }) });
    expect(error.message).to.match(/export the video to IPFS: pinning service unavailable/);
    expect(status.stage).to.equal("ipfs");
  });

  it("an asset that is not ready in time fails the job", async function () {
    const { error } = await expectFailed("LIVEPEER_FAILED", { livepeer: livepeer({ timeoutMs: 1 }) });
    expect(error.message).to.match(/was not ready in time/);
  });

  it("a refused API key fails the job before anything is uploaded", async function () {
    const wrong = createLivepeerClient({ apiKey: "wrong-key", baseUrl: studio.url });
    const tusBefore = studio.tusRequests.length;
    const { error } = await expectFailed("LIVEPEER_FAILED", { livepeer: livepeer({ client: wrong }) });
    expect(error.message).to.match(/refused POST \/asset\/request-upload \(401\)/);
    expect(studio.tusRequests.length).to.equal(tusBefore);
  });

  it("cancelling during the upload stops it, deletes the asset and reports CANCELLED", async function () {
    const job = jobs.create<IngestResult>("cancelled");
    job.on("update", (s: JobStatus) => {
      if (s.detail === "livepeer: uploading") job.cancel();
    });
    const assetsBefore = new Set(studio.assets.keys());
    const deletedBefore = studio.deleted.length;
    const error = await rejection(ingestFile(clip, { title: "Cancelled" }, options({ job, livepeer: livepeer({ chunkSize: 16 * 1024 }) })));
    expect((error as unknown as { code: string }).code).to.equal("CANCELLED");
    expect([...studio.assets.keys()].filter((id) => !assetsBefore.has(id))).to.deep.equal([]);
    expect(studio.deleted.length).to.equal(deletedBefore + 1);
    expect(files(workDir).filter((d) => d === job.id)).to.deep.equal([]);
    expect((await readJobStatus(job.id, jobs.dir))?.error?.code).to.equal("CANCELLED");
  });

  it("refuses bad input locally, exactly as today, before asking Livepeer for anything", async function () {
    const before = studio.requests.length;
    const empty = join(tmp.path, "empty.mp4");
    writeFileSync(empty, "");
    expect((await expectFailed("EMPTY_FILE", { livepeer: livepeer() }, empty)).error.message).to.equal("The file is empty (0 bytes).");
    const audio = await makeAudioOnly(join(tmp.path, "song.mp3"));
    expect((await expectFailed("NO_VIDEO", { livepeer: livepeer() }, audio)).error.message).to.match(/audio but no video/);
    expect(studio.requests.length).to.equal(before);
  });

  it("without Livepeer the local path is unchanged: AES key, full film on IPFS, nothing sent to Livepeer", async function () {
    const before = studio.requests.length;
    const result = await ingestFile(clip, META, options({ workDir: join(tmp.path, "work-local") }));
    expect(studio.requests.length).to.equal(before);
    expect(result.livepeer).to.equal(undefined);
    expect(result.keyId).to.match(/^[0-9a-f]{32}$/);
    expect(await keyStore.has(result.keyId!)).to.equal(true);
    const metadata = await metadataOf(result.metadataCid);
    expect(metadata.animation_url).to.equal(`ipfs://${result.hlsCid}/master.m3u8`);
    expect(metadata.properties).to.include({ encryption: "AES-128", keyId: result.keyId });
    expect(metadata.properties).to.not.have.property("livepeer");
    expect((await ipfs.ls(result.hlsCid)).map((e) => e.name)).to.include.members(["master.m3u8", "360p", "preview", "poster.jpg"]);
    await keyStore.delete(result.keyId!);
  });

  it("takes Livepeer from LIVEPEER_API_KEY, and refuses a bad poll interval", function () {
    expect(livepeerIngestFromEnv(false, {})).to.equal(undefined);
    expect(livepeerIngestFromEnv(false, { LIVEPEER_API_KEY: "  " })).to.equal(undefined);
    const fromEnv = livepeerIngestFromEnv(true, {
      LIVEPEER_API_KEY: "k",
      LIVEPEER_API_URL: "http://studio.test/api",
      LIVEPEER_POLL_INTERVAL_MS: "250",
    })!;
    expect(fromEnv.client.baseUrl).to.equal("http://studio.test/api");
    expect(fromEnv).to.deep.include({ free: true, intervalMs: 250 });
    expect(() => livepeerIngestFromEnv(false, { LIVEPEER_API_KEY: "k", LIVEPEER_POLL_INTERVAL_MS: "soon" })).to.throw(
      /LIVEPEER_POLL_INTERVAL_MS/,
    );
  });

  describe("the CLI", function () {
    const env = (extra: Record<string, string>) => ({
      ...process.env,
      IPFS_DATA_DIR: join(tmp.path, "cli-ipfs"),
      IPFS_API_URL: "",
      MEDIA_KEYS_DIR: join(tmp.path, "cli-keys"),
      MEDIA_WORK_DIR: join(tmp.path, "cli-work"),
      MEDIA_JOBS_DIR: join(tmp.path, "cli-jobs"),
      MEDIA_X264_PRESET: "ultrafast",
      LIVEPEER_API_URL: studio.url,
      LIVEPEER_POLL_INTERVAL_MS: "5",
      ...extra,
    });
    async function cli(args: string[], extra: Record<string, string>) {
      try {
        const { stdout, stderr } = await execFileAsync(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: ROOT, env: env(extra) });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const e = error as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    }
    const lastJson = (stdout: string) => JSON.parse(stdout.trimEnd().split("\n").at(-1)!);

    it("with LIVEPEER_API_KEY: the same JSON keys plus livepeerPlaybackId; priced unless --free", async function () {
      const run = await cli(
        [
          "ingest",
          clip,
          "--creator",
          "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
          "--title",
          "CLI via Livepeer",
          "--preview-seconds",
          "2",
          "--json",
        ],
        {
          LIVEPEER_API_KEY: studio.apiKey,
        },
      );
      expect(run.code, run.stderr).to.equal(0);
      const result = lastJson(run.stdout);
      expect(result).to.include.keys("metadataCid", "hlsCid", "durationSeconds", "renditions", "previewSeconds", "livepeerPlaybackId");
      expect(result).to.not.have.property("keyId");
      const asset = [...studio.assets.values()].find((a) => a.name === "CLI via Livepeer")!;
      expect(result.livepeerPlaybackId).to.equal(asset.playbackId);
      expect(result.renditions).to.deep.equal([360, 240, 144]);
      expect(asset.exportToIpfs).to.equal(false);
      // No content key, only the playback id's binding to the --creator wallet.
      expect(files(join(tmp.path, "cli-keys"))).to.deep.equal(["playback"]);
      expect(files(join(tmp.path, "cli-keys", "playback"))).to.deep.equal([`${asset.playbackId}.json`]);

      const free = await cli(
        ["ingest", clip, "--creator", "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "--title", "CLI free", "--free", "--json"],
        { LIVEPEER_API_KEY: studio.apiKey },
      );
      expect(free.code, free.stderr).to.equal(0);
      expect([...studio.assets.values()].find((a) => a.name === "CLI free")!.exportToIpfs).to.equal(true);

      const withKey = await cli(
        ["ingest", clip, "--creator", "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "--title", "x", "--key-id", "0".repeat(32), "--json"],
        {
          LIVEPEER_API_KEY: studio.apiKey,
        },
      );
      expect(withKey.code).to.equal(2);
      expect(lastJson(withKey.stdout).error.code).to.equal("USAGE");
    });

    it("without LIVEPEER_API_KEY: the local pipeline, and Livepeer is never called", async function () {
      const before = studio.requests.length;
      const run = await cli(["ingest", clip, "--creator", "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "--title", "CLI local", "--json"], {
        LIVEPEER_API_KEY: "",
      });
      expect(run.code, run.stderr).to.equal(0);
      const result = lastJson(run.stdout);
      expect(result.keyId).to.match(/^[0-9a-f]{32}$/);
      expect(result).to.not.have.property("livepeerPlaybackId");
      expect(studio.requests.length).to.equal(before);
    });
  });
});
