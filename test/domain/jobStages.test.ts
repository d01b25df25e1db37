import { expect } from "chai";
import { JOB_STAGES } from "@ai-films/core/domain";
import { STAGES } from "@ai-films/core/media";

describe("domain: media job stages", () => {
  it("are the pipeline's stages, in the order a job walks them", () => {
    expect(JOB_STAGES).to.deep.equal(["upload", "probe", "transcode", "encrypt", "ipfs", "metadata"]);
    expect(STAGES).to.equal(JOB_STAGES);
  });
});
