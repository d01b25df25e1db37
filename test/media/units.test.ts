/**
 * The pure parts of the media pipeline, without ffmpeg: the ladder choice, listing validation,
 * playlists, the TS clean-up, the key store's rules and job progress.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import {
  isMediaError,
  Job,
  readJobStatus,
  KeyStore,
  masterKeyFromEnv,
  chooseLadder,
  buildMetadata,
  parseListing,
  serializeMetadata,
  parseMediaPlaylist,
} from "@ai-films/core/media";
import { outputFrameRate } from "@ai-films/core/media/ladder";
import { stripSdt } from "@ai-films/core/media/mpegts";
import { writeMediaPlaylist } from "@ai-films/core/media/playlist";
import { rejection, tempDir } from "./helpers.ts";

describe("media units", function () {
  describe("ladder", function () {
    const rungs = (width: number, height: number) => chooseLadder({ width, height, frameRate: 25 }).map((r) => r.rung);

    it("picks up to four standard rungs at or below the source", function () {
      expect(rungs(1920, 1080)).to.deep.equal([1080, 720, 480, 360]);
      expect(rungs(1280, 720)).to.deep.equal([720, 480, 360, 240]);
      expect(rungs(640, 360)).to.deep.equal([360, 240, 144]);
      expect(rungs(3840, 2160)).to.deep.equal([1080, 720, 480, 360]);
      expect(rungs(1080, 1920)).to.deep.equal([1080, 720, 480, 360]); // portrait: by the short side
    });

    it("still gives three renditions for a tiny source, by stepping down from its size", function () {
      const ladder = chooseLadder({ width: 160, height: 120, frameRate: 25 });
      expect(ladder).to.have.length(3);
      expect(ladder.map((r) => r.height)).to.deep.equal([120, 80, 60]);
    });

    it("never upscales and keeps dimensions even, for any source size", function () {
      for (let i = 0; i < 500; i++) {
        const width = 64 + Math.floor(Math.random() * 4000);
        const height = 64 + Math.floor(Math.random() * 2200);
        const ladder = chooseLadder({ width, height, frameRate: 30 });
        expect(ladder.length).to.be.at.least(3);
        for (const r of ladder) {
          expect(r.width, `${width}x${height}`).to.be.at.most(width + 1);
          expect(r.height, `${width}x${height}`).to.be.at.most(height + 1);
          expect(r.width % 2).to.equal(0);
          expect(r.height % 2).to.equal(0);
        }
      }
    });

    it("names a truthful H.264 level and halves frame rates above 60", function () {
      const [top, , , low] = chooseLadder({ width: 1920, height: 1080, frameRate: 30 });
      expect(top.codecs).to.equal("avc1.640028"); // High 4.0
      expect(low.codecs).to.equal("avc1.64001e"); // High 3.0
      expect(outputFrameRate(120)).to.equal(60);
      expect(outputFrameRate(0)).to.equal(30);
    });
  });

  describe("listing metadata", function () {
    it("keeps HTML as text, normalises whitespace and strips control characters", function () {
      const listing = parseListing({ title: "  <b>Bold</b>\u0007 <script>x()</script>  ", description: "a\r\nb", aiTools: [" Sora "] });
      expect(listing.title).to.equal("<b>Bold</b> <script>x()</script>");
      expect(listing.description).to.equal("a\nb");
      expect(listing.aiTools).to.deep.equal(["Sora"]);
      const json = JSON.parse(
        new TextDecoder().decode(
          serializeMetadata(
            buildMetadata(listing, {
              hlsCid: "bafy",
              durationSeconds: 1,
              renditions: [360],
              previewSeconds: 1,
              keyId: "k",
            }),
          ),
        ),
      );
      expect(json.name).to.equal("<b>Bold</b> <script>x()</script>");
    });

    it("refuses empty titles, long text and too many tools with the field's name", function () {
      const message = (input: unknown) => {
        try {
          parseListing(input);
        } catch (error) {
          expect(isMediaError(error, "INVALID_METADATA")).to.equal(true);
          return (error as Error).message;
        }
        throw new Error("accepted");
      };
      expect(message({ title: "" })).to.equal("The title is required.");
      expect(message({ title: "a", description: "x".repeat(5001) })).to.equal("The description must be at most 5000 characters.");
      expect(message({ title: "a", genre: "g".repeat(65) })).to.equal("The genre must be at most 64 characters.");
      expect(message({ title: "a", aiTools: [""] })).to.match(/aiTools\.0 must not be empty/);
    });

    it("serialises deterministically", function () {
      const film = { hlsCid: "bafy", durationSeconds: 12.3456, renditions: [720, 480, 360], previewSeconds: 8, keyId: "k" };
      const a = serializeMetadata(buildMetadata(parseListing({ title: "T", genre: "Drama" }), film));
      const b = serializeMetadata(buildMetadata(parseListing({ genre: "Drama", title: "T" }), film));
      expect(Buffer.from(a).equals(Buffer.from(b))).to.equal(true);
    });
  });

  describe("playlists and segments", function () {
    it("round-trips a media playlist with per-segment keys", function () {
      const playlist = {
        mediaSequence: 0,
        segments: [
          { uri: "seg_00000.ts", durationSeconds: 4 },
          { uri: "seg_00001.ts", durationSeconds: 1.2 },
        ],
      };
      const text = writeMediaPlaylist(playlist, (i) => ({ uri: "/api/keys/abc", iv: Buffer.alloc(16, i) }));
      expect(parseMediaPlaylist(text)).to.deep.equal(playlist);
      expect(text).to.include("#EXT-X-TARGETDURATION:4");
      expect(text.match(/#EXT-X-KEY/g)).to.have.length(2);
      expect(text.trimEnd().endsWith("#EXT-X-ENDLIST")).to.equal(true);
    });

    it("drops only the SDT packets from a transport stream", function () {
      const packet = (pid: number, fill: number) => {
        const p = Buffer.alloc(188, fill);
        p[0] = 0x47;
        p[1] = (pid >> 8) & 0x1f;
        p[2] = pid & 0xff;
        return p;
      };
      const ts = Buffer.concat([packet(0, 1), packet(0x11, 2), packet(0x100, 3), packet(0x11, 4)]);
      expect(stripSdt(ts)).to.deep.equal(Buffer.concat([packet(0, 1), packet(0x100, 3)]));
      const notTs = Buffer.from("hello");
      expect(stripSdt(notTs)).to.equal(notTs);
    });
  });

  describe("key store", function () {
    const tmp = tempDir("keys");
    after(() => tmp.remove());

    it("refuses a missing or development master key in production, and malformed ones", function () {
      expect(() => masterKeyFromEnv({ NODE_ENV: "production" })).to.throw(/must be set in production/);
      const dev = masterKeyFromEnv({});
      expect(() => masterKeyFromEnv({ NODE_ENV: "production", MEDIA_MASTER_KEY: dev.toString("hex") })).to.throw(/development key/);
      expect(() => masterKeyFromEnv({ MEDIA_MASTER_KEY: "abc" })).to.throw(/64 hex/);
      const good = randomBytes(32).toString("hex");
      expect(masterKeyFromEnv({ NODE_ENV: "production", MEDIA_MASTER_KEY: good }).toString("hex")).to.equal(good);
    });

    it("refuses path-like ids and records moved to another id", async function () {
      const store = new KeyStore({ dir: tmp.path, masterKey: randomBytes(32) });
      expect((await rejection(store.get("../../etc/passwd"))).message).to.match(/Malformed key id/);
      const a = await store.create();
      const b = await store.create();
      expect((await store.get(a.keyId)).equals(a.key)).to.equal(true);
      // Copy a's sealed key into b's record: the id is authenticated, so it no longer opens.
      const recA = JSON.parse(readFileSync(join(tmp.path, `${a.keyId}.json`), "utf8"));
      writeFileSync(join(tmp.path, `${b.keyId}.json`), JSON.stringify({ ...recA, keyId: b.keyId }));
      expect((await rejection(store.get(b.keyId))).message).to.match(/tampered/);
    });
  });

  describe("jobs", function () {
    const tmp = tempDir("jobs");
    after(() => tmp.remove());

    it("weights stage progress into one percent, readable from the status file", async function () {
      const job = new Job({ dir: tmp.path });
      job.startStage("upload");
      job.progress(100);
      job.startStage("probe");
      job.startStage("transcode");
      job.progress(50);
      const status = job.snapshot();
      expect(status.stage).to.equal("transcode");
      expect(status.percent).to.equal(47); // (10 + 2 + 35) of 100
      const fromFile = await readJobStatus(job.id, tmp.path);
      expect(fromFile?.stage).to.equal("transcode"); // stage changes are written at once
      expect(await readJobStatus("../../etc/passwd", tmp.path)).to.equal(undefined);
    });
  });
});
