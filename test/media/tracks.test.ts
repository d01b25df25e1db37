/**
 * Captions and dubs: track names are checked (language codes, labels, duplicates), WebVTT is
 * validated by the W3C parser, and the pipeline writes segmented subtitles and encrypted dubs as
 * HLS renditions (full film and preview) — or refuses bad tracks with a code, leaving nothing behind.
 */
import { createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { openIpfs, type IpfsStore } from "@ai-films/core/ipfs";
import {
  ingestFile,
  isMediaError,
  JobRegistry,
  KeyStore,
  normaliseTracks,
  parseCaptions,
  parseMasterMedia,
  parseMasterPlaylist,
  parseMediaPlaylist,
  parseTrackArg,
  type FilmMetadata,
  type IngestOptions,
  type IngestResult,
} from "@ai-films/core/media";
import { runFfmpeg } from "@ai-films/core/media/tools";
import { ffprobe, makeClip, rejection, tempDir } from "./helpers.ts";

const EN_VTT = [
  "WEBVTT",
  "",
  "NOTE made by hand",
  "",
  "first",
  "00:00:00.500 --> 00:00:02.000 line:80%",
  "Hello <b>world</b>",
  "",
  "00:00:03.000 --> 00:00:05.000",
  "Across a segment",
  "boundary",
  "",
  "00:00:06.000 --> 00:00:07.900",
  "The end",
  "",
].join("\n");

const FR_VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nBonjour\n";

function expectCode(error: Error, code: string): void {
  expect(isMediaError(error), `${error.name}: ${error.message}`).to.equal(true);
  expect((error as { code?: string }).code, error.message).to.equal(code);
}

async function makeDub(path: string, seconds: number): Promise<string> {
  await runFfmpeg([
    "-nostdin",
    "-y",
    "-v",
    "error",
    "-f",
    "lavfi",
    "-i",
    `sine=frequency=660:sample_rate=44100:duration=${seconds}`,
    "-ac",
    "1",
    "-c:a",
    "aac",
    `file:${path}`,
  ]);
  return path;
}

describe("media tracks: names", function () {
  it("reads LANGUAGE=FILE and LANGUAGE:LABEL=FILE", function () {
    expect(parseTrackArg("captions", "en=film.en.vtt")).to.deep.equal({ language: "en", path: "film.en.vtt" });
    expect(parseTrackArg("audio", "pt-BR:Português (Brasil)=dir/a=b.m4a")).to.deep.equal({
      language: "pt-BR",
      label: "Português (Brasil)",
      path: "dir/a=b.m4a",
    });
    expectCode(
      captured(() => parseTrackArg("captions", "film.vtt")),
      "INVALID_CAPTIONS",
    );
    expectCode(
      captured(() => parseTrackArg("audio", "es=")),
      "INVALID_AUDIO_TRACK",
    );
  });

  it("canonicalises language codes and labels a track with its language's own name by default", function () {
    const [en, es] = normaliseTracks("captions", [
      { language: "en-us", path: "a" },
      { language: "es", path: "b" },
    ]);
    expect(en).to.deep.include({ language: "en-US" });
    expect(es).to.deep.equal({ language: "es", label: "Español", path: "b" });
  });

  it("refuses bad codes, a language twice, quotes in labels and too many tracks", function () {
    for (const language of ["english", "e", "../en", "en_US", "", "en-"]) {
      expectCode(
        captured(() => normaliseTracks("captions", [{ language, path: "a" }])),
        "INVALID_CAPTIONS",
      );
    }
    const twice = captured(() =>
      normaliseTracks("audio", [
        { language: "es", path: "a" },
        { language: "ES", path: "b" },
      ]),
    );
    expectCode(twice, "INVALID_AUDIO_TRACK");
    expectCode(
      captured(() => normaliseTracks("captions", [{ language: "en", label: 'Say "hi"', path: "a" }])),
      "INVALID_CAPTIONS",
    );
    expectCode(
      captured(() => normaliseTracks("captions", [{ language: "en", label: "a\u0007b", path: "a" }])),
      "INVALID_CAPTIONS",
    );
    const many = Array.from({ length: 9 }, (_, i) => ({ language: `a${String.fromCharCode(97 + i)}`, path: "x" }));
    expectCode(
      captured(() => normaliseTracks("audio", many)),
      "INVALID_AUDIO_TRACK",
    );
  });
});

describe("media tracks: WebVTT validation", function () {
  it("keeps each cue's block, settings and markup included, and skips notes", function () {
    const cues = parseCaptions(EN_VTT, 8);
    expect(cues.map((c) => [c.startSeconds, c.endSeconds])).to.deep.equal([
      [0.5, 2],
      [3, 5],
      [6, 7.9],
    ]);
    expect(cues[0].block).to.equal("first\n00:00:00.500 --> 00:00:02.000 line:80%\nHello <b>world</b>");
  });

  it("refuses malformed WebVTT with the line, an empty file and a cue past the film's end", function () {
    const noHeader = captured(() => parseCaptions("1\n00:00:01.000 --> 00:00:02.000\nHi\n", 8));
    expectCode(noHeader, "INVALID_CAPTIONS");
    expect(noHeader.message).to.match(/line 1/);
    const backwards = captured(() => parseCaptions("WEBVTT\n\n00:00:03.000 --> 00:00:02.000\nHi\n", 8));
    expectCode(backwards, "INVALID_CAPTIONS");
    expect(backwards.message).to.match(/line 3/);
    expectCode(
      captured(() => parseCaptions("WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nHi\n", 8)),
      "INVALID_CAPTIONS",
    );
    expectCode(
      captured(() => parseCaptions("WEBVTT\n", 8)),
      "INVALID_CAPTIONS",
    );
    const late = captured(() => parseCaptions("WEBVTT\n\n00:00:07.000 --> 00:00:09.000\nToo late\n", 8));
    expectCode(late, "INVALID_CAPTIONS");
    expect(late.message).to.match(/after the film/);
    // Within half a second of the end: rounding in subtitle tools.
    expect(parseCaptions("WEBVTT\n\n00:00:07.000 --> 00:00:08.400\nJust\n", 8)).to.have.length(1);
  });
});

function captured(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}

function decrypt(sealed: Buffer, key: Buffer, iv: Buffer): Buffer {
  const decipher = createDecipheriv("aes-128-cbc", key, iv);
  return Buffer.concat([decipher.update(sealed), decipher.final()]);
}

describe("media tracks: ingest with captions and a dub", function () {
  this.timeout(180_000);
  const tmp = tempDir("tracks");
  let ipfs: IpfsStore;
  let keyStore: KeyStore;
  let clip: string;
  let dub: string;
  let shortDub: string;
  let result: IngestResult;
  let outDir: string;
  let key: Buffer;
  const workDir = () => join(tmp.path, "work");
  const keysDir = () => join(tmp.path, "keys");

  const options = (extra: Partial<IngestOptions> = {}): IngestOptions => ({
    ipfs,
    keyStore,
    jobs: new JobRegistry(join(tmp.path, "jobs")),
    workDir: workDir(),
    preset: "ultrafast",
    ...extra,
  });

  before(async function () {
    clip = await makeClip(join(tmp.path, "clip.mp4"), { seconds: 8 });
    dub = await makeDub(join(tmp.path, "dub es.m4a"), 8.3);
    shortDub = await makeDub(join(tmp.path, "short.m4a"), 3);
    writeFileSync(join(tmp.path, "en.vtt"), EN_VTT);
    writeFileSync(join(tmp.path, "fr.vtt"), "\uFEFF" + FR_VTT.replace(/\n/g, "\r\n"));
    ipfs = await openIpfs({ dataDir: join(tmp.path, "ipfs") });
    keyStore = new KeyStore({ dir: keysDir(), masterKey: randomBytes(32) });
    result = await ingestFile(
      clip,
      { title: "Tracks" },
      options({
        keepOutput: true,
        captions: [
          { language: "en", path: join(tmp.path, "en.vtt") },
          { language: "fr", label: "Français (CC)", path: join(tmp.path, "fr.vtt") },
        ],
        audio: [{ language: "es", path: dub }],
      }),
    );
    outDir = result.outputDir!;
    key = await keyStore.get(result.keyId!);
  });

  after(async function () {
    await ipfs?.close();
    tmp.remove();
  });

  it("lists the captions and the dub in the master playlist and points every variant at their groups", function () {
    const master = readFileSync(join(outDir, "master.m3u8"), "utf8");
    const media = parseMasterMedia(master);
    expect(media).to.deep.equal([
      { TYPE: "AUDIO", "GROUP-ID": "audio", NAME: "Original", DEFAULT: "YES", AUTOSELECT: "YES" },
      {
        TYPE: "AUDIO",
        "GROUP-ID": "audio",
        NAME: "Español",
        LANGUAGE: "es",
        DEFAULT: "NO",
        AUTOSELECT: "YES",
        URI: "audio/es/index.m3u8",
      },
      {
        TYPE: "SUBTITLES",
        "GROUP-ID": "subs",
        NAME: "English",
        LANGUAGE: "en",
        DEFAULT: "NO",
        AUTOSELECT: "YES",
        FORCED: "NO",
        URI: "subs/en/index.m3u8",
      },
      {
        TYPE: "SUBTITLES",
        "GROUP-ID": "subs",
        NAME: "Français (CC)",
        LANGUAGE: "fr",
        DEFAULT: "NO",
        AUTOSELECT: "YES",
        FORCED: "NO",
        URI: "subs/fr/index.m3u8",
      },
    ]);
    for (const v of parseMasterPlaylist(master)) {
      expect(v.attributes.AUDIO).to.equal("audio");
      expect(v.attributes.SUBTITLES).to.equal("subs");
    }
  });

  it("segments the captions on the video's boundaries, each segment mapped to the video's first timestamp", async function () {
    const video = parseMediaPlaylist(readFileSync(join(outDir, "360p", "index.m3u8"), "utf8"));
    const subs = parseMediaPlaylist(readFileSync(join(outDir, "subs", "en", "index.m3u8"), "utf8"));
    expect(subs.segments.map((s) => s.durationSeconds)).to.deep.equal(video.segments.map((s) => s.durationSeconds));
    expect(video.segments.length).to.equal(2); // 4 s segments of an 8 s film
    const [first, second] = subs.segments.map((s) => readFileSync(join(outDir, "subs", "en", s.uri), "utf8"));
    expect(first).to.match(/^WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:(\d+),LOCAL:00:00:00\.000\n/);
    expect(first).to.include("Hello <b>world</b>").and.include("line:80%").and.include("Across a segment");
    expect(first).to.not.include("The end").and.not.include("NOTE");
    expect(second).to.include("Across a segment").and.include("The end").and.not.include("Hello");
    // The map's MPEGTS is the first (plain) video segment's start: the preview's copy is plain.
    const probed = await ffprobe(join(outDir, "preview", "360p", video.segments[0].uri));
    const startTime = Number((probed.format as { start_time?: string }).start_time);
    expect(Number(/MPEGTS:(\d+)/.exec(first)![1])).to.equal(Math.round(startTime * 90_000));
    // A BOM and CRLF line ends are accepted.
    expect(readFileSync(join(outDir, "subs", "fr", "seg_00000.vtt"), "utf8")).to.include("Bonjour");
  });

  it("encrypts the dub with the film's key scheme; decrypted, it is AAC stereo lasting the film", async function () {
    const text = readFileSync(join(outDir, "audio", "es", "index.m3u8"), "utf8");
    const playlist = parseMediaPlaylist(text);
    const keys = [...text.matchAll(/#EXT-X-KEY:METHOD=AES-128,URI="([^"]+)",IV=0x([0-9a-f]{32})/g)];
    expect(keys).to.have.length(playlist.segments.length);
    const videoKeyUri = /URI="([^"]+)"/.exec(readFileSync(join(outDir, "360p", "index.m3u8"), "utf8"))![1];
    expect(new Set(keys.map((k) => k[1]))).to.deep.equal(new Set([videoKeyUri]));
    const videoIvs = [...readFileSync(join(outDir, "360p", "index.m3u8"), "utf8").matchAll(/IV=0x([0-9a-f]{32})/g)].map((m) => m[1]);
    for (const k of keys) expect(videoIvs).to.not.include(k[2]);
    const total = playlist.segments.reduce((sum, s) => sum + s.durationSeconds, 0);
    expect(Math.abs(total - 8)).to.be.at.most(0.1); // cut to the film's length
    const plain = Buffer.concat(
      playlist.segments.map((s, i) => decrypt(readFileSync(join(outDir, "audio", "es", s.uri)), key, Buffer.from(keys[i][2], "hex"))),
    );
    expect(plain[0]).to.equal(0x47);
    const decrypted = join(tmp.path, "dub-decrypted.ts");
    writeFileSync(decrypted, plain);
    const probed = await ffprobe(decrypted);
    expect(probed.streams.map((s) => [s.codec_type, s.codec_name])).to.deep.equal([["audio", "aac"]]);
    expect((probed.streams[0] as { channels?: number }).channels).to.equal(2);
    // Without the key a segment is noise.
    expect(readFileSync(join(outDir, "audio", "es", playlist.segments[0].uri))[0]).to.not.equal(0x47);
  });

  it("gives the free preview the captions but not the paid dub", function () {
    const master = readFileSync(join(outDir, "preview", "master.m3u8"), "utf8");
    expect(parseMasterMedia(master).map((m) => [m.TYPE, m.LANGUAGE, m.URI])).to.deep.equal([
      ["SUBTITLES", "en", "subs/en/index.m3u8"],
      ["SUBTITLES", "fr", "subs/fr/index.m3u8"],
    ]);
    const video = parseMediaPlaylist(readFileSync(join(outDir, "preview", "360p", "index.m3u8"), "utf8"));
    const subs = parseMediaPlaylist(readFileSync(join(outDir, "preview", "subs", "en", "index.m3u8"), "utf8"));
    expect(subs.segments.length).to.equal(video.segments.length);
    for (const s of subs.segments) expect(existsSync(join(outDir, "preview", "subs", "en", s.uri))).to.equal(true);
    expect(existsSync(join(outDir, "preview", "audio"))).to.equal(false);
  });

  it("lists the tracks in the metadata", async function () {
    const metadata = JSON.parse(Buffer.from(await ipfs.catBytes(result.metadataCid)).toString("utf8")) as FilmMetadata;
    expect(metadata.properties.captions).to.deep.equal([
      { language: "en", label: "English", playlist: "subs/en/index.m3u8" },
      { language: "fr", label: "Français (CC)", playlist: "subs/fr/index.m3u8" },
    ]);
    expect(metadata.properties.audioTracks).to.deep.equal([{ language: "es", label: "Español" }]);
    expect(result.captions).to.deep.equal(["en", "fr"]);
    expect(result.audio).to.deep.equal(["es"]);
  });

  const refusals: Array<[string, () => Partial<IngestOptions>, string, RegExp]> = [
    [
      "malformed WebVTT",
      () => {
        writeFileSync(join(tmp.path, "bad.vtt"), "WEBVTT\n\n00:00:01.000 --> soon\nHi\n");
        return { captions: [{ language: "en", path: join(tmp.path, "bad.vtt") }] };
      },
      "INVALID_CAPTIONS",
      /not valid WebVTT: line 3/,
    ],
    [
      "a cue past the film's end",
      () => {
        writeFileSync(join(tmp.path, "late.vtt"), "WEBVTT\n\n00:00:05.000 --> 00:00:20.000\nLate\n");
        return { captions: [{ language: "de", path: join(tmp.path, "late.vtt") }] };
      },
      "INVALID_CAPTIONS",
      /ends after the film/,
    ],
    ["a dub of the wrong length", () => ({ audio: [{ language: "es", path: shortDub }] }), "INVALID_AUDIO_TRACK", /lasts 3\.0 s/],
    ["a dub that is not audio", () => ({ audio: [{ language: "es", path: join(tmp.path, "en.vtt") }] }), "INVALID_AUDIO_TRACK", /audio/],
  ];
  for (const [what, extra, code, message] of refusals) {
    it(`refuses ${what} with ${code}, before transcoding, leaving no key, work files or metadata`, async function () {
      const keysBefore = existsSync(keysDir()) ? readdirSync(keysDir()).length : 0;
      const jobs = new JobRegistry(join(tmp.path, "jobs-refused"));
      let stages: string[] = [];
      const job = jobs.create<IngestResult>("refused");
      job.on("update", (s: { stage: string | null }) => {
        if (s.stage && !stages.includes(s.stage)) stages = [...stages, s.stage];
      });
      const error = await rejection(ingestFile(clip, { title: "Refused" }, options({ job, ...extra() })));
      expectCode(error, code);
      expect(error.message).to.match(message);
      expect(error.message).to.not.include(tmp.path); // no server paths reach the creator
      expect(stages).to.not.include("transcode");
      expect(job.snapshot().state).to.equal("failed");
      expect(existsSync(join(workDir(), job.id))).to.equal(false);
      expect(existsSync(keysDir()) ? readdirSync(keysDir()).length : 0).to.equal(keysBefore);
    });
  }
});
