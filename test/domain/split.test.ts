// The split methods on small cases worked by hand: method 1 is the ledger's per-film sums, method 2
// caps a heavy streamer at 97.5 % of what they paid and gives the rest of the pool to what the
// others watched (the example /payouts shows), and a part nobody can absorb becomes a reserve.
import { expect } from "chai";
import {
  BPS,
  DEFAULT_CAP_BPS,
  influenceOf,
  parseSplitMethod,
  shareOf,
  splitLeaves,
  type SplitInput,
  type SplitResult,
  type ViewerFilmCount,
} from "@ai-films/core/domain";

const USD = 1_000_000n;
const HOUR = 3_600n;
const [alice, bob, bot] = ["0x" + "a".repeat(40), "0x" + "b".repeat(40), "0x" + "f".repeat(40)];

/** Three subscribers at 10 USD with a 10 % fee: a 27 USD pool. Films 1 and 2 are honest, 9 is the farmer's. */
function example(viewWeightBps = 0): SplitInput {
  const counts: ViewerFilmCount[] = [
    { viewer: alice, filmId: 1n, views: 1n, seconds: HOUR },
    { viewer: bob, filmId: 2n, views: 1n, seconds: HOUR },
    { viewer: bot, filmId: 9n, views: 1n, seconds: 240n * HOUR },
  ];
  return { counts, pool: 27n * USD, viewWeightBps, payments: new Map([alice, bob, bot].map((a) => [a, 10n * USD])) };
}

function payouts(result: SplitResult, input: SplitInput): Map<bigint, bigint> {
  return new Map(
    result.leaves.map((l) => [
      l.filmId,
      shareOf(input.pool, l.views, l.seconds, result.totals.views, result.totals.seconds, BigInt(input.viewWeightBps)),
    ]),
  );
}

describe("Split methods", () => {
  it("method 1 gives each film its raw subscription views and seconds, leaving out films without seconds", () => {
    const input = example(5_000);
    input.counts = [
      ...input.counts,
      { viewer: alice, filmId: 2n, views: 0n, seconds: 30n },
      { viewer: bob, filmId: 3n, views: 0n, seconds: 0n },
    ];
    const result = splitLeaves({ version: 1 }, input);
    expect(result.leaves).to.deep.equal([
      { filmId: 1n, views: 1n, seconds: HOUR },
      { filmId: 2n, views: 1n, seconds: HOUR + 30n },
      { filmId: 9n, views: 1n, seconds: 240n * HOUR },
    ]);
    expect(result.totals).to.deep.equal({ views: 3n, seconds: 242n * HOUR + 30n });
    expect(result.reserve).to.deep.equal({ views: 0n, seconds: 0n });
  });

  it("method 1 lets one wallet's 240 hours take 99 % of the pool", () => {
    const input = example();
    const paid = payouts(splitLeaves({ version: 1 }, input), input);
    expect(paid.get(9n)).to.equal((27n * USD * 240n) / 242n); // 26.78 USD for a 10 USD subscription
  });

  it("method 2 caps the heavy streamer at 97.5 % of its payment and splits the rest by the others' watching", () => {
    const input = example();
    const result = splitLeaves({ version: 2, capBps: DEFAULT_CAP_BPS }, input);
    const paid = payouts(result, input);
    // Bot: 9.75 USD. Alice and Bob share the remaining 17.25 USD in proportion to their hours.
    expect(Number(paid.get(9n))).to.be.closeTo(9.75e6, 1);
    expect(Number(paid.get(1n))).to.be.closeTo(8.625e6, 1);
    expect(Number(paid.get(2n))).to.be.closeTo(8.625e6, 1);
    const total = [...paid.values()].reduce((s, v) => s + v, 0n);
    expect(27n * USD - total).to.be.lessThanOrEqual(3n);
    expect(result.totals.seconds).to.equal(242n * HOUR * result.unitScale);
  });

  it("method 2 applies the cap to both parts of the formula: the view part and the watch-time part", () => {
    const input = example(5_000);
    const influence = influenceOf({ version: 2, capBps: DEFAULT_CAP_BPS }, input);
    expect(influence.get(bot)!).to.be.at.most(9.75e6 + 1);
    // The bot has one view like the others, so its view part is uncapped: 4.5 USD; its watch-time part is capped at 4.875 USD.
    expect(influence.get(bot)!).to.be.closeTo(4.5e6 + 4.875e6, 2);
  });

  it("method 2 keeps what no active subscriber may direct as a reserve that rolls over", () => {
    // Ten payers, one of whom watched: the pool is 90 USD but the watcher may direct at most 9.75 USD.
    const input: SplitInput = {
      counts: [{ viewer: alice, filmId: 1n, views: 1n, seconds: HOUR }],
      pool: 90n * USD,
      viewWeightBps: 0,
      payments: new Map([[alice, 10n * USD]]),
    };
    const result = splitLeaves({ version: 2, capBps: DEFAULT_CAP_BPS }, input);
    expect(result.reserve.seconds).to.be.greaterThan(0n);
    const paid = payouts(result, input);
    expect(Number(paid.get(1n))).to.be.closeTo(9.75e6, 1);
  });

  it("method 2 gives nothing for a viewer with no recorded payment", () => {
    const input = example();
    input.payments = new Map([
      [alice, 10n * USD],
      [bob, 10n * USD],
    ]);
    const result = splitLeaves({ version: 2, capBps: DEFAULT_CAP_BPS }, input);
    expect(result.leaves.map((l) => l.filmId)).to.deep.equal([1n, 2n]);
  });

  it("names and checks its parameters", () => {
    expect(parseSplitMethod({ version: 2, capBps: 9_750 })).to.deep.equal({ version: 2, capBps: 9_750 });
    expect(parseSplitMethod({ version: 1 })).to.deep.equal({ version: 1 });
    expect(() => parseSplitMethod({ version: 2, capBps: 10_001 })).to.throw(/capBps/);
    expect(() => parseSplitMethod({ version: 3 })).to.throw(/unknown split method/);
    void BPS;
  });
});
