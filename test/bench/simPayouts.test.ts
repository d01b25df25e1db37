// The payout simulation at a small size: method 1 lets a bot farm profit, method 2 never does, and
// the same seed gives the same figures (the docs' charts are reproducible).
import { expect } from "chai";
import { runPayoutSim, gini, topShare, median } from "@ai-films/core/sim";

describe("Payout simulation (small)", function () {
  this.timeout(60_000);
  const small = { subscribers: 600, creators: 30, films: 200, farmSizes: [1, 10, 100] };

  it("shows method 1's farms profiting and method 2's never", () => {
    const result = runPayoutSim(small);
    const [m1, m2] = result.methods;
    expect(m1.roiMax).to.be.greaterThan(1);
    expect(m2.roiMax).to.be.lessThan(1);
    for (const roi of m2.roi) expect(roi).to.be.lessThan(1);
    expect(m2.reservePct).to.be.lessThan(0.01);
    expect(runPayoutSim(small)).to.deep.equal(result);
  });

  it("measures concentration the usual way", () => {
    expect(gini([1, 1, 1, 1])).to.equal(0);
    expect(gini([0, 0, 0, 4])).to.equal(0.75);
    expect(topShare([5, 3, 2], 1)).to.equal(0.5);
    expect(median([3, 1, 2, 10])).to.equal(2.5);
  });
});
