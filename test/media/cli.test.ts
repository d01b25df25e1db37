/**
 * The CLI as a user runs it (a separate process): `media ingest <file> --title … --json` prints
 * one JSON object on its last line; bad input exits non-zero with one line of explanation;
 * `media status <jobId>` reads a job another process ran.
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect } from "chai";
import { makeClip, tempDir } from "./helpers.ts";

const execFileAsync = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = join(ROOT, "scripts", "media.ts");
/** The wallet that will mint: the film's key is bound to it. */
const CREATOR = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

describe("media CLI", function () {
  this.timeout(120_000);
  const tmp = tempDir("cli");
  const env = {
    ...process.env,
    IPFS_DATA_DIR: join(tmp.path, "ipfs"),
    IPFS_API_URL: "",
    MEDIA_KEYS_DIR: join(tmp.path, "keys"),
    MEDIA_WORK_DIR: join(tmp.path, "work"),
    MEDIA_JOBS_DIR: join(tmp.path, "jobs"),
    MEDIA_X264_PRESET: "ultrafast",
  };

  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await execFileAsync(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: ROOT, env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  const lastJson = (stdout: string) => JSON.parse(stdout.trimEnd().split("\n").at(-1)!);

  after(() => tmp.remove());

  it("ingests a clip and prints the result as JSON on its last line", async function () {
    const clip = await makeClip(join(tmp.path, "my clip ü.mp4"), { seconds: 6 });
    const run = await cli([
      "ingest",
      clip,
      "--title",
      "CLI <film>",
      "--creator",
      CREATOR,
      "--genre",
      "Sci-Fi",
      "--ai-tools",
      "Sora,Runway",
      "--json",
    ]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout.trimEnd().split("\n")).to.have.length(1); // --json: nothing else on stdout
    const result = lastJson(run.stdout);
    expect(result.metadataCid).to.match(/^baf/);
    expect(result.hlsCid).to.match(/^bafy/);
    expect(Math.abs(result.durationSeconds - 6), "result.durationSeconds ≈ 6").to.be.at.most(0.1);
    expect(result.renditions).to.deep.equal([360, 240, 144]);
    expect(Math.abs(result.previewSeconds - 6), "result.previewSeconds ≈ 6").to.be.at.most(0.1);
    const record = JSON.parse(readFileSync(join(tmp.path, "keys", `${result.keyId}.json`), "utf8"));
    expect(record.ingester, "the key is bound to --creator").to.equal(CREATOR.toLowerCase());

    const status = await cli(["status", result.jobId, "--json"]);
    expect(status.code).to.equal(0);
    expect(lastJson(status.stdout)).to.deep.include({ state: "done", percent: 100 });
  });

  it("exits 2 with one clear line for bad input", async function () {
    const empty = join(tmp.path, "empty.mp4");
    writeFileSync(empty, "");
    const run = await cli(["ingest", empty, "--title", "x", "--creator", CREATOR, "--json"]);
    expect(run.code).to.equal(2);
    expect(lastJson(run.stdout)).to.deep.equal({ error: { code: "EMPTY_FILE", message: "The file is empty (0 bytes)." } });
    expect(run.stderr.trim()).to.equal("media: The file is empty (0 bytes).");

    const noTitle = await cli(["ingest", empty]);
    expect(noTitle.code).to.equal(2);
    expect(noTitle.stderr).to.include("--title is required");

    for (const creator of [[], ["--creator", "0x1234"]]) {
      const unbound = await cli(["ingest", empty, "--title", "x", ...creator]);
      expect(unbound.code).to.equal(2);
      expect(unbound.stderr).to.include("--creator ADDRESS is required");
    }
  });

  it("takes --captions and --audio tracks, and refuses bad ones with their code (exit 2)", async function () {
    const clip = await makeClip(join(tmp.path, "tracks.mp4"), { seconds: 5 });
    writeFileSync(join(tmp.path, "en.vtt"), "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n");
    writeFileSync(join(tmp.path, "bad.vtt"), "WEBVTT\n\n00:00:01.000 --> 00:00:09.000\nToo long\n");
    const run = await cli([
      "ingest",
      clip,
      "--title",
      "Tracks",
      "--creator",
      CREATOR,
      "--captions",
      `en=${join(tmp.path, "en.vtt")}`,
      "--audio",
      `es:Doblaje=${clip}`,
      "--json",
    ]);
    expect(run.code, run.stderr).to.equal(0);
    expect(lastJson(run.stdout)).to.deep.include({ captions: ["en"], audio: ["es"] });

    const bad = await cli([
      "ingest",
      clip,
      "--title",
      "Tracks",
      "--creator",
      CREATOR,
      "--captions",
      `en=${join(tmp.path, "bad.vtt")}`,
      "--json",
    ]);
    expect(bad.code).to.equal(2);
    expect(lastJson(bad.stdout).error.code).to.equal("INVALID_CAPTIONS");
    const malformed = await cli(["ingest", clip, "--title", "Tracks", "--creator", CREATOR, "--audio", "dub.m4a", "--json"]);
    expect(malformed.code).to.equal(2);
    expect(lastJson(malformed.stdout).error.code).to.equal("INVALID_AUDIO_TRACK");
  });
});
