// Studio's transcode profiles must be at least 128 px wide and high; the ladder for a source whose
// short side is 64–255 px steps below that. Every small source must still get profiles Studio
// (its published schema, as the stand-in checks it) accepts.
import { expect } from "chai";
import { chooseLadder, livepeerProfiles } from "@ai-films/core/media";
import { createLivepeerClient, type LivepeerClient } from "@ai-films/core/serving";
import { startLivepeerStudioServer, type LivepeerStudioServer } from "../helpers/livepeer-studio-server.ts";

describe("media: Livepeer profiles within Studio's limits", function () {
  this.timeout(60_000);
  let studio: LivepeerStudioServer;
  let client: LivepeerClient;

  before(async () => {
    studio = await startLivepeerStudioServer();
    client = createLivepeerClient({ apiKey: studio.apiKey, baseUrl: studio.url });
  });
  after(() => studio?.close());

  it("the raw ladder of a 356×200 source has a rung Studio refuses (422): why the profiles are bounded", async () => {
    const ladder = chooseLadder({ width: 356, height: 200, frameRate: 30 });
    expect(Math.min(...ladder.map((r) => r.height))).to.be.below(128);
    const raw = ladder.map((r) => ({ name: `${r.rung}p`, width: r.width, height: r.height, bitrate: r.maxrateKbps * 1000 }));
    await client.requestUpload("raw ladder", { ipfs: false, profiles: raw }).then(
      () => expect.fail("Studio took a profile below 128 px"),
      (error: Error) => expect(error.message).to.match(/422/),
    );
  });

  it("keeps every rung at least 128 px for short sides 64–256, landscape and portrait, and Studio accepts them", async () => {
    for (let short = 64; short <= 256; short += 12) {
      for (const [width, height] of [
        [Math.round((short * 16) / 9), short],
        [short, Math.round((short * 16) / 9)],
        [short, short],
      ]) {
        const profiles = livepeerProfiles(chooseLadder({ width, height, frameRate: 30 }));
        const label = `${width}×${height}`;
        expect(profiles.length, label).to.be.greaterThan(0);
        for (const p of profiles) {
          expect(Math.min(p.width, p.height), label).to.be.at.least(128);
          expect((p.width % 2) + (p.height % 2), `${label}: even sides`).to.equal(0);
        }
        await client.requestUpload(label, { ipfs: false, profiles });
      }
    }
  });

  it("drops only the rungs below 128 px and leaves a standard ladder as it was", () => {
    expect(livepeerProfiles(chooseLadder({ width: 356, height: 200, frameRate: 30 })).map((p) => p.height)).to.deep.equal([200, 132]);
    expect(livepeerProfiles(chooseLadder({ width: 1280, height: 720, frameRate: 30 })).map((p) => p.name)).to.deep.equal([
      "720p",
      "480p",
      "360p",
      "240p",
    ]);
    // Under 128 px on the short side: one rendition, scaled up to Studio's smallest.
    expect(livepeerProfiles(chooseLadder({ width: 112, height: 64, frameRate: 30 }))).to.deep.equal([
      { name: "128p", width: 224, height: 128, bitrate: 100_000 },
    ]);
  });
});
