/** The quality menu offers what the player can really reach, under the height it plays. */
import { expect } from "chai";
import { qualityChoices } from "../../web/lib/qualities.ts";

describe("player quality choices", () => {
  it("a standard ladder: one choice per rendition, labelled by its height", () => {
    expect(qualityChoices([720, 480, 360, 240]).map((c) => c.label)).to.deep.equal(["720p", "480p", "360p", "240p"]);
    expect(qualityChoices([720, 480, 360, 240]).find((c) => c.label === "480p")?.value).to.equal("480p");
  });

  it("a small film's own ladder (480×270 source: 270p, 180p, 134p) is not left with Auto alone", () => {
    const choices = qualityChoices([270, 180, 134]);
    // Livepeer picks the rendition nearest the name: 240p → 270, 144p → 134; nothing reaches 180.
    expect(choices).to.deep.equal([
      { value: "1080p", label: "270p" },
      { value: "144p", label: "134p" },
    ]);
  });

  it("without known renditions, Livepeer's names", () => {
    expect(qualityChoices([]).map((c) => c.value)).to.deep.equal(["1080p", "720p", "480p", "360p", "240p", "144p"]);
  });
});
