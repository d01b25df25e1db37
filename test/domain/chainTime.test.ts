import { expect } from "chai";
import { chainLead, estimateChainNow } from "@ai-films/core/domain";

describe("domain: chain time", () => {
  const WALL = 1_700_000_000;

  it("is the wall clock before anything was read", () => {
    expect(estimateChainNow(null, WALL)).to.equal(WALL);
  });

  it("follows a chain moved ahead of the wall clock, advancing with it", () => {
    const reading = { blockTime: WALL + 3_600, observedAt: WALL };
    expect(chainLead(reading)).to.equal(3_600);
    expect(estimateChainNow(reading, WALL)).to.equal(WALL + 3_600);
    expect(estimateChainNow(reading, WALL + 25)).to.equal(WALL + 3_625);
  });

  it("is never behind the wall clock: an idle chain's last block is simply old", () => {
    const idle = { blockTime: WALL - 600, observedAt: WALL };
    expect(chainLead(idle)).to.equal(0);
    expect(estimateChainNow(idle, WALL)).to.equal(WALL);
    expect(estimateChainNow(idle, WALL + 10)).to.equal(WALL + 10);
  });

  it("keeps a reading's lead even when the wall clock is read before it was taken", () => {
    const reading = { blockTime: WALL + 100, observedAt: WALL };
    expect(estimateChainNow(reading, WALL - 5)).to.equal(WALL + 100);
  });
});
