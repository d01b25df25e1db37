import { expect } from "chai";
import fc from "fast-check";
import { BPS, shareOf } from "@ai-films/core/domain";

describe("domain: the payout formula (Settlement._share)", () => {
  // Three films, 6 views and 4 400 s in all, half the weight on views.
  const leaves: [bigint, bigint][] = [
    [3n, 1_500n],
    [1n, 200n],
    [2n, 2_700n],
  ];
  const pool = 27_000_000n;

  it("splits the pool by w·views/V + (1 − w)·seconds/S, rounded down once", () => {
    // 27e6 × (5000·3·4400 + 5000·1500·6) / (10000·6·4400) = 27e6 × 111e6 / 264e6
    expect(shareOf(pool, 3n, 1_500n, 6n, 4_400n, 5_000n)).to.equal((pool * 111_000_000n) / 264_000_000n);
    expect(shareOf(pool, 3n, 1_500n, 6n, 4_400n, 5_000n)).to.equal(11_352_272n);
  });

  it("leaves less than one unit per film in the pool", () => {
    const paid = leaves.reduce((sum, [v, s]) => sum + shareOf(pool, v, s, 6n, 4_400n, 5_000n), 0n);
    expect(paid <= pool).to.equal(true);
    expect(pool - paid < BigInt(leaves.length)).to.equal(true);
  });

  it("puts the whole pool on watch time when the period has no views", () => {
    expect(shareOf(1_000n, 0n, 250n, 0n, 1_000n, 7_000n)).to.equal(250n);
  });

  it("shares nothing without watch time", () => {
    expect(shareOf(1_000n, 5n, 0n, 5n, 0n, 5_000n)).to.equal(0n);
  });

  it("follows views only at a weight of 10 000 bps and seconds only at 0", () => {
    expect(shareOf(900n, 1n, 0n, 3n, 100n, BPS)).to.equal(300n);
    expect(shareOf(900n, 3n, 10n, 3n, 100n, 0n)).to.equal(90n);
  });

  it("refuses inputs the contract's unsigned types and weight check exclude", () => {
    expect(() => shareOf(-1n, 0n, 0n, 0n, 1n, 0n)).to.throw(RangeError);
    expect(() => shareOf(1n, 0n, 0n, 0n, 1n, BPS + 1n)).to.throw(RangeError, /view weight/);
  });

  it("never pays out more than the pool over a whole tally (random tallies)", () => {
    const tally = fc
      .array(fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 1n, max: 2n ** 64n - 1n })), {
        minLength: 1,
        maxLength: 20,
      })
      .chain((leaves) =>
        fc.record({ leaves: fc.constant(leaves), pool: fc.bigInt({ min: 0n, max: 2n ** 96n - 1n }), w: fc.bigInt({ min: 0n, max: BPS }) }),
      );
    fc.assert(
      fc.property(tally, ({ leaves, pool, w }) => {
        const V = leaves.reduce((s, [v]) => s + v, 0n);
        const S = leaves.reduce((s, [, sec]) => s + sec, 0n);
        const paid = leaves.reduce((sum, [v, s]) => sum + shareOf(pool, v, s, V, S, w), 0n);
        return paid <= pool && pool - paid < BigInt(leaves.length);
      }),
    );
  });
});
