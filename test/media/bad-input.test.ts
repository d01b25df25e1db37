/**
 * Bad input gets one clear error and leaves nothing behind: no work directory, no key, no
 * metadata CID. Also the inputs that are odd but fine: a 4K source (downscaled ladder) and file
 * names with spaces, unicode, "../" and characters ffmpeg would otherwise read as a protocol.
 */
import type { ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { openIpfs, type IpfsStore } from "@ai-films/core/ipfs";
import {
  isMediaError,
  type MediaErrorCode,
  JobRegistry,
  readJobStatus,
  KeyStore,
  ingestFile,
  type IngestOptions,
  type IngestResult,
  probeFile,
} from "@ai-films/core/media";
import { ffprobe, makeAudioOnly, makeClip, makeImage, rejection, tempDir } from "./helpers.ts";

describe("media pipeline: bad input", function () {
  this.timeout(120_000);
  const tmp = tempDir("bad");
  const workDir = join(tmp.path, "work");
  let ipfs: IpfsStore;
  let keyStore: KeyStore;
  let jobs: JobRegistry;
  let clip: string;

  const options = (extra: Partial<IngestOptions> = {}): IngestOptions => ({
    ipfs,
    keyStore,
    jobs,
    workDir,
    preset: "ultrafast",
    ...extra,
  });

  /** Runs an ingest that must fail with `code`, then checks nothing was left behind. */
  async function expectRefused(path: string, code: MediaErrorCode, extra: Partial<IngestOptions> = {}, meta = { title: "x" }) {
    const before = readdirSync(keyStore.dir).length;
    const error = await rejection(ingestFile(path, meta, options(extra)));
    expect(isMediaError(error), String(error)).to.equal(true);
    expect((error as unknown as { code: string }).code, error.message).to.equal(code);
    expect(error.message).to.not.include(tmp.path); // no server paths in creator-facing text
    expect(error.message.split("\n")).to.have.length(1);
    expect(existsSync(workDir) ? readdirSync(workDir) : []).to.deep.equal([]);
    expect(readdirSync(keyStore.dir).length).to.equal(before);
    return error;
  }

  before(async function () {
    clip = await makeClip(join(tmp.path, "clip.mp4"), { seconds: 6 });
    ipfs = await openIpfs({ dataDir: join(tmp.path, "ipfs") });
    keyStore = new KeyStore({ dir: join(tmp.path, "keys") });
    jobs = new JobRegistry(join(tmp.path, "jobs"));
    writeFileSync(join(tmp.path, "placeholder"), "");
    await keyStore.create().then(({ keyId }) => keyStore.delete(keyId)); // creates the directory
  });

  after(async function () {
    await ipfs?.close();
    tmp.remove();
  });

  it("refuses a file that is not a video", async function () {
    const text = join(tmp.path, "notes.mp4");
    writeFileSync(text, "this is not a film\n".repeat(100));
    const error = await expectRefused(text, "NOT_MEDIA");
    expect(error.message).to.match(/not a video/);
    const noise = join(tmp.path, "noise.mov");
    writeFileSync(noise, Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 251)));
    await expectRefused(noise, "NOT_MEDIA");
  });

  it("refuses an empty file", async function () {
    const empty = join(tmp.path, "empty.mp4");
    writeFileSync(empty, "");
    expect((await expectRefused(empty, "EMPTY_FILE")).message).to.equal("The file is empty (0 bytes).");
  });

  it("refuses a missing file", async function () {
    await expectRefused(join(tmp.path, "nope.mp4"), "NOT_FOUND");
  });

  it("refuses a truncated file, whether or not its index comes first", async function () {
    const faststart = await makeClip(join(tmp.path, "fast.mp4"), { seconds: 6, extra: ["-movflags", "+faststart"] });
    truncateSync(faststart, Math.floor(statSync(faststart).size * 0.6));
    expect((await expectRefused(faststart, "TRUNCATED")).message).to.match(/truncated|incomplete/);

    const plain = join(tmp.path, "cut.mp4");
    copyFileSync(clip, plain);
    truncateSync(plain, Math.floor(statSync(plain).size * 0.6));
    await expectRefused(plain, "TRUNCATED");
  });

  it("refuses a file over the size limit before reading it", async function () {
    const error = await expectRefused(clip, "TOO_LARGE", { maxBytes: 1000 });
    expect(error.message).to.match(/over the 1000 bytes limit/);
  });

  it("refuses audio only, and a still image", async function () {
    const audio = await makeAudioOnly(join(tmp.path, "song.mp3"));
    expect((await expectRefused(audio, "NO_VIDEO")).message).to.match(/audio but no video/);
    const image = await makeImage(join(tmp.path, "still.png"));
    await expectRefused(image, "NO_VIDEO");
  });

  it("refuses invalid listing text before any work", async function () {
    await expectRefused(clip, "INVALID_METADATA", {}, { title: "   " });
    await expectRefused(clip, "INVALID_METADATA", {}, { title: "x".repeat(201) });
    const error = await rejection(ingestFile(clip, { title: "ok", aiTools: Array.from({ length: 21 }, (_, i) => `t${i}`) }, options()));
    expect(error.message).to.match(/aiTools must list at most 20 tools/);
  });

  it("transcodes a 4K source into a downscaled ladder topped at 1080p", async function () {
    const uhd = await makeClip(join(tmp.path, "uhd.mp4"), { width: 3840, height: 2160, seconds: 2, rate: 5, audio: false });
    const result = await ingestFile(uhd, { title: "4K" }, options({ keepOutput: true, workDir: join(tmp.path, "work-4k") }));
    expect(result.renditions).to.deep.equal([1080, 720, 480, 360]);
    const probed = await ffprobe(`file:${join(result.outputDir!, "preview", "1080p", "seg_00000.ts")}`);
    const video = probed.streams.find((s) => s.codec_type === "video")!;
    expect([video.width, video.height]).to.deep.equal([1920, 1080]);
  });

  it("handles odd file names: spaces, unicode, '../' and protocol-like names", async function () {
    const odd = join(tmp.path, "-concat:my film ü 🎬 |x.mp4");
    copyFileSync(clip, odd);
    const result = await ingestFile(odd, { title: "Odd" }, options());
    expect(result.renditions).to.have.length(3);
    // A path that walks up and back down resolves to the file itself, and nothing is named after it.
    const probe = await probeFile(`${tmp.path}/sub/../clip.mp4`);
    expect(probe.width).to.equal(640);
    expect(existsSync(workDir) ? readdirSync(workDir) : []).to.deep.equal([]);
    for (const name of readdirSync(jobs.dir)) expect(name).to.match(/^[0-9a-f]{32}\.json$/);
  });

  it("marks the job failed and removes partial output when ffmpeg crashes mid-job", async function () {
    let ffmpeg: ChildProcess | undefined;
    const job = jobs.create<IngestResult>("crash");
    const error = await expectRefused(clip, "TRANSCODE_FAILED", {
      job,
      onSpawn: (child) => {
        ffmpeg = child;
        setTimeout(() => child.kill("SIGKILL"), 150);
      },
    });
    expect(error.message).to.match(/ffmpeg stopped mid-job \(killed by SIGKILL\)/);
    expect(ffmpeg?.signalCode).to.equal("SIGKILL");
    const status = await readJobStatus(job.id, jobs.dir);
    expect(status).to.deep.include({ state: "failed", stage: "transcode" });
    expect(status?.error?.code).to.equal("TRANSCODE_FAILED");
    expect(status?.result).to.equal(undefined);
  });

  it("kills ffmpeg and cleans up when the job is cancelled", async function () {
    let ffmpeg: ChildProcess | undefined;
    const job = jobs.create<IngestResult>("cancel");
    await expectRefused(clip, "CANCELLED", {
      job,
      onSpawn: (child) => {
        ffmpeg = child;
        setTimeout(() => job.cancel(), 150);
      },
    });
    expect(ffmpeg?.signalCode).to.equal("SIGKILL");
    const status = JSON.parse(readFileSync(join(jobs.dir, `${job.id}.json`), "utf8"));
    expect(status.state).to.equal("failed");
    expect(status.error.code).to.equal("CANCELLED");
    expect(status.result).to.equal(undefined);
  });
});
