/**
 * The ingest pipeline end to end on a generated 8 s 640x360 clip: the output plays (ffmpeg decodes
 * every rendition through a stand-in origin that serves the key), segments decrypt with the key and
 * only with it, the key never reaches the output, the preview is free and plain, and CIDs are stable.
 */
import { createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { openIpfs, type IpfsStore } from "@ai-films/core/ipfs";
import {
  JobRegistry,
  readJobStatus,
  KeyStore,
  type FilmMetadata,
  ingestFile,
  type IngestOptions,
  type IngestResult,
  parseMasterPlaylist,
  parseMediaPlaylist,
} from "@ai-films/core/media";
import { containsBytes, decodeAll, ffprobe, makeClip, rejection, serveOrigin, tempDir } from "./helpers.ts";

const META = {
  title: "The Test Pattern <script>alert(1)</script>",
  description: "A film about colour bars & tones.\nSecond line.",
  genre: "Documentary",
  aiTools: ["Sora", "Runway Gen-3"],
};

interface KeyLine {
  uri: string;
  iv: Buffer;
}

/** EXT-X-KEY lines in playlist order, one per segment. */
function keyLines(playlist: string): KeyLine[] {
  return [...playlist.matchAll(/#EXT-X-KEY:METHOD=AES-128,URI="([^"]+)",IV=0x([0-9a-f]{32})/g)].map((m) => ({
    uri: m[1],
    iv: Buffer.from(m[2], "hex"),
  }));
}

function decrypt(sealed: Buffer, key: Buffer, iv: Buffer): Buffer {
  const decipher = createDecipheriv("aes-128-cbc", key, iv);
  return Buffer.concat([decipher.update(sealed), decipher.final()]);
}

function isMpegTs(bytes: Buffer): boolean {
  if (bytes.length === 0 || bytes.length % 188 !== 0) return false;
  for (let i = 0; i < bytes.length; i += 188) if (bytes[i] !== 0x47) return false;
  return true;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

const INGESTER = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

describe("media pipeline: ingest end to end", function () {
  this.timeout(120_000);
  const tmp = tempDir("pipeline");
  let ipfs: IpfsStore;
  let keyStore: KeyStore;
  let jobs: JobRegistry;
  let clip: string;
  let result: IngestResult;
  let outDir: string;
  let key: Buffer;

  const options = (extra: Partial<IngestOptions> = {}): IngestOptions => ({
    ipfs,
    keyStore,
    jobs,
    workDir: join(tmp.path, "work"),
    preset: "ultrafast",
    keepOutput: true,
    ...extra,
  });

  before(async function () {
    clip = await makeClip(join(tmp.path, "clip.mp4"), { seconds: 8 });
    ipfs = await openIpfs({ dataDir: join(tmp.path, "ipfs") });
    keyStore = new KeyStore({ dir: join(tmp.path, "keys"), masterKey: randomBytes(32) });
    jobs = new JobRegistry(join(tmp.path, "jobs"));
    result = await ingestFile(clip, META, options({ ingester: INGESTER }));
    outDir = result.outputDir!;
    key = await keyStore.get(result.keyId!);
  });

  after(async function () {
    await ipfs?.close();
    tmp.remove();
  });

  it("returns CIDs, duration, at least three renditions and the preview length", function () {
    expect(result.metadataCid).to.match(/^baf/);
    expect(result.hlsCid).to.match(/^bafy/);
    expect(Math.abs(result.durationSeconds - 8), "result.durationSeconds ≈ 8").to.be.at.most(0.1);
    expect(result.renditions).to.deep.equal([360, 240, 144]);
    expect(Math.abs(result.previewSeconds - 8), "result.previewSeconds ≈ 8").to.be.at.most(0.1); // the film is shorter than 30 s
    expect(result.posterPath).to.equal("poster.jpg");
  });

  it("never upscales and writes a master playlist with one variant per rendition", function () {
    const variants = parseMasterPlaylist(readFileSync(join(outDir, "master.m3u8"), "utf8"));
    expect(variants).to.have.length(3);
    for (const v of variants) {
      const [w, h] = v.attributes.RESOLUTION.split("x").map(Number);
      expect(w).to.be.at.most(640);
      expect(h).to.be.at.most(360);
      expect(v.attributes.CODECS).to.match(/^avc1\.64[0-9a-f]{4},mp4a\.40\.2$/);
      expect(Number(v.attributes.BANDWIDTH)).to.be.greaterThan(0);
    }
  });

  it("cuts every rendition into 2–6 s segments (only the last may be shorter), keyframe-aligned", function () {
    const perRendition = result.renditions.map((h) =>
      parseMediaPlaylist(readFileSync(join(outDir, `${h}p`, "index.m3u8"), "utf8")).segments.map((s) => s.durationSeconds),
    );
    for (const durations of perRendition) {
      durations.slice(0, -1).forEach((d) => expect(d).to.be.within(2, 6));
      expect(durations.at(-1)).to.be.within(0.01, 6);
      expect(durations).to.deep.equal(perRendition[0]); // same cut points in every rendition
    }
  });

  it("plays: ffmpeg decodes every rendition through an origin that serves the key", async function () {
    const origin = await serveOrigin(outDir, (id) => (id === result.keyId ? key : null));
    try {
      for (const h of result.renditions) {
        const url = `${origin.url}/${h}p/index.m3u8`;
        const probed = await ffprobe(url);
        const video = probed.streams.find((s) => s.codec_type === "video")!;
        expect(video.codec_name).to.equal("h264");
        expect(video.height).to.equal(h);
        expect(probed.streams.some((s) => s.codec_type === "audio" && s.codec_name === "aac")).to.equal(true);
        const decoded = await decodeAll(url);
        expect(decoded.code, decoded.stderr).to.equal(0);
        expect(decoded.stderr).to.not.match(/error|invalid/i);
      }
    } finally {
      await origin.close();
    }
  });

  it("does not play when the key server refuses the key", async function () {
    const origin = await serveOrigin(outDir, () => null);
    try {
      const decoded = await decodeAll(`${origin.url}/${result.renditions[0]}p/index.m3u8`);
      expect(decoded.code !== 0 || /error|invalid|403|forbidden/i.test(decoded.stderr)).to.equal(true);
    } finally {
      await origin.close();
    }
  });

  it("encrypts each segment with AES-128 under the film key, with the key URI on our origin", async function () {
    const rendition = `${result.renditions[0]}p`;
    const text = readFileSync(join(outDir, rendition, "index.m3u8"), "utf8");
    const playlist = parseMediaPlaylist(text);
    const keys = keyLines(text);
    expect(keys).to.have.length(playlist.segments.length);
    expect(new Set(keys.map((k) => k.uri))).to.deep.equal(new Set([`/api/keys/${result.keyId}`]));
    expect(new Set(keys.map((k) => k.iv.toString("hex"))).size).to.equal(keys.length); // no IV reuse

    const sealed = readFileSync(join(outDir, rendition, playlist.segments[0].uri));
    expect(isMpegTs(sealed)).to.equal(false);
    const plain = decrypt(sealed, key, keys[0].iv);
    expect(plain[0]).to.equal(0x47);
    expect(isMpegTs(plain)).to.equal(true);
    const segmentFile = join(tmp.path, "decrypted.ts");
    writeFileSync(segmentFile, plain);
    const probed = await ffprobe(`file:${segmentFile}`);
    expect(probed.format.format_name).to.equal("mpegts");
    expect(probed.streams.map((s) => s.codec_name).sort()).to.deep.equal(["aac", "h264"]);
  });

  it("does not decrypt without the key", function () {
    const rendition = `${result.renditions[0]}p`;
    const text = readFileSync(join(outDir, rendition, "index.m3u8"), "utf8");
    const sealed = readFileSync(join(outDir, rendition, parseMediaPlaylist(text).segments[0].uri));
    const iv = keyLines(text)[0].iv;
    for (let attempt = 0; attempt < 5; attempt++) {
      let plain: Buffer | undefined;
      try {
        plain = decrypt(sealed, randomBytes(16), iv);
      } catch {
        continue; // bad padding: the usual outcome
      }
      expect(isMpegTs(plain)).to.equal(false);
    }
  });

  it("never writes the key into the output directory or IPFS", async function () {
    const forms = [
      key,
      Buffer.from(key.toString("hex")),
      Buffer.from(key.toString("base64")),
      Buffer.from(key.toString("hex").toUpperCase()),
    ];
    for (const file of walk(outDir)) {
      const bytes = readFileSync(file);
      for (const form of forms) expect(containsBytes(bytes, form), file).to.equal(false);
    }
    // And in what IPFS actually holds under the film's CID.
    const visit = async (cid: string, path: string): Promise<number> => {
      let files = 0;
      for (const entry of await ipfs.ls(cid, path || undefined)) {
        const inner = path ? `${path}/${entry.name}` : entry.name;
        if (entry.type === "directory") files += await visit(cid, inner);
        else {
          const bytes = Buffer.from(await ipfs.catBytes(cid, inner));
          for (const form of forms) expect(containsBytes(bytes, form), inner).to.equal(false);
          files++;
        }
      }
      return files;
    };
    expect(await visit(result.hlsCid, "")).to.equal(walk(outDir).length);
    // No plaintext copy of the full film is left in the work directory either.
    expect(existsSync(join(outDir, "..", "plain"))).to.equal(false);
  });

  it("keeps the key encrypted at rest, bound to its id", async function () {
    const recordText = readFileSync(join(keyStore.dir, `${result.keyId}.json`), "utf8");
    for (const form of [key.toString("hex"), key.toString("base64")]) expect(recordText).to.not.include(form);
    const record = await keyStore.record(result.keyId!);
    expect(record.metadataCid).to.equal(result.metadataCid);
    expect(record.hlsCid).to.equal(result.hlsCid);
    const otherMaster = new KeyStore({ dir: keyStore.dir, masterKey: randomBytes(32) });
    expect((await rejection(otherMaster.get(result.keyId!))).message).to.match(/wrong master key|tampered/);
  });

  it("binds the key to the wallet that ingested the film; refuses a malformed wallet before any work", async function () {
    expect(await keyStore.ingesterOf(result.keyId!)).to.equal(INGESTER.toLowerCase());
    expect(await keyStore.ingesterOf("0".repeat(32))).to.equal(null);
    expect(await keyStore.ingesterOf("../etc/passwd")).to.equal(null);
    const keysBefore = readdirSync(keyStore.dir).length;
    const bad = await rejection(ingestFile(clip, META, options({ ingester: "0x1234" })));
    expect(bad).to.have.property("code", "INVALID_METADATA");
    expect(bad.message).to.match(/wallet address/);
    expect(readdirSync(keyStore.dir).length, "no key left behind").to.equal(keysBefore);
  });

  it("binds a Livepeer playback id to its ingesting wallet, once written, and reads nothing for a malformed id", async function () {
    await keyStore.bindPlayback("abcd1234efgh", INGESTER);
    expect(await keyStore.playbackIngester("abcd1234efgh")).to.equal(INGESTER.toLowerCase());
    expect(await keyStore.playbackIngester("other")).to.equal(null);
    expect(await keyStore.playbackIngester("../abcd1234efgh")).to.equal(null);
    expect((await rejection(keyStore.bindPlayback("a/b", INGESTER))).message).to.match(/Malformed playback id/);
    expect((await rejection(keyStore.bindPlayback("abcd", "not-an-address"))).message).to.match(/wallet address/);
  });

  it("makes a poster JPEG at the top rendition's size", async function () {
    const poster = readFileSync(join(outDir, "poster.jpg"));
    expect(poster.subarray(0, 2).toString("hex")).to.equal("ffd8");
    const probed = await ffprobe(`file:${join(outDir, "poster.jpg")}`);
    expect(probed.streams[0]).to.include({ codec_name: "mjpeg", width: 640, height: 360 });
  });

  it("publishes a free preview: plain HLS, playable with no key at all", async function () {
    const master = readFileSync(join(outDir, "preview", "master.m3u8"), "utf8");
    expect(parseMasterPlaylist(master)).to.have.length(3);
    const origin = await serveOrigin(outDir, () => null);
    try {
      for (const h of result.renditions) {
        const text = readFileSync(join(outDir, "preview", `${h}p`, "index.m3u8"), "utf8");
        expect(text).to.not.include("EXT-X-KEY");
        const seg = readFileSync(join(outDir, "preview", `${h}p`, parseMediaPlaylist(text).segments[0].uri));
        expect(isMpegTs(seg)).to.equal(true);
        const decoded = await decodeAll(`${origin.url}/preview/${h}p/index.m3u8`);
        expect(decoded.code, decoded.stderr).to.equal(0);
      }
    } finally {
      await origin.close();
    }
  });

  it("writes ERC-721 metadata to IPFS, keeping HTML as plain text", async function () {
    const metadata = JSON.parse(Buffer.from(await ipfs.catBytes(result.metadataCid)).toString("utf8")) as FilmMetadata;
    expect(metadata.name).to.equal(META.title);
    expect(metadata.name).to.include("<script>alert(1)</script>");
    expect(metadata.description).to.equal(META.description);
    expect(metadata.image).to.equal(`ipfs://${result.hlsCid}/poster.jpg`);
    expect(metadata.animation_url).to.equal(`ipfs://${result.hlsCid}/master.m3u8`);
    expect(metadata.properties).to.deep.include({
      genre: "Documentary",
      aiTools: ["Sora", "Runway Gen-3"],
      renditions: [360, 240, 144],
      previewSeconds: result.previewSeconds,
      keyId: result.keyId,
      durationSeconds: result.durationSeconds,
    });
    const names = (await ipfs.ls(result.hlsCid)).map((e) => e.name);
    expect(names).to.include.members(["master.m3u8", "poster.jpg", "preview", "360p", "240p", "144p"]);
  });

  it("reports the finished job in memory and in its status file", async function () {
    const status = await readJobStatus(result.jobId, jobs.dir);
    expect(status?.state).to.equal("done");
    expect(status?.percent).to.equal(100);
    expect((status?.result as IngestResult).metadataCid).to.equal(result.metadataCid);
    expect(jobs.get(result.jobId)?.snapshot().state).to.equal("done");
  });

  it("gives the same CIDs when the same film is ingested again with its key", async function () {
    const again = await ingestFile(clip, META, options({ keyId: result.keyId }));
    expect(again.hlsCid).to.equal(result.hlsCid);
    expect(again.metadataCid).to.equal(result.metadataCid);
    expect(await keyStore.has(result.keyId!)).to.equal(true);
  });

  it("with a new key, only the encrypted part changes: the preview's CID stays the same", async function () {
    const fresh = await ingestFile(clip, META, options());
    expect(fresh.keyId).to.not.equal(result.keyId);
    expect(fresh.hlsCid).to.not.equal(result.hlsCid);
    const previewCid = async (cid: string) => (await ipfs.stat(cid, "preview")).cid;
    expect(await previewCid(fresh.hlsCid)).to.equal(await previewCid(result.hlsCid));
    const posterCid = async (cid: string) => (await ipfs.stat(cid, "poster.jpg")).cid;
    expect(await posterCid(fresh.hlsCid)).to.equal(await posterCid(result.hlsCid));
  });

  it("adds a silent AAC track to a film without audio, and honours a shorter preview", async function () {
    const silent = await makeClip(join(tmp.path, "silent.mp4"), { seconds: 8, audio: false });
    const r = await ingestFile(silent, { title: "Silent" }, options({ previewSeconds: 4 }));
    expect(Math.abs(r.previewSeconds - 4), "r.previewSeconds ≈ 4").to.be.at.most(0.05);
    const plain = readFileSync(join(r.outputDir!, "preview", "360p", "seg_00000.ts"));
    const file = join(tmp.path, "silent-seg.ts");
    writeFileSync(file, plain);
    const probed = await ffprobe(`file:${file}`);
    expect(probed.streams.map((s) => s.codec_name).sort()).to.deep.equal(["aac", "h264"]);
    expect(parseMediaPlaylist(readFileSync(join(r.outputDir!, "preview", "360p", "index.m3u8"), "utf8")).segments).to.have.length(1);
  });
});
