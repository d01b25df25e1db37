// The oracle's side of split method 2: what each subscriber paid towards a period (spread like the
// contract spreads a subscription over its periods), and tally files that name their method and
// carry a reserve, checked against themselves.
import { expect } from "chai";
import { splitLeaves, DEFAULT_CAP_BPS } from "@ai-films/core/domain";
import { buildTallyFile, paymentsInPeriod, selfCheck, splitMethodOf, type TallyContext } from "@ai-films/core/oracle";

const clock = { genesis: 1_000, periodLength: 100 };
const [a, b] = ["0x" + "a".repeat(40), "0x" + "b".repeat(40)];

describe("Split method 2 in the oracle", () => {
  it("spreads each payment over the periods it covers by seconds, rounding by running totals", () => {
    const payments = [
      { subscriber: a.toUpperCase().replace("0X", "0x"), paid: 91n, start: 1_050, end: 1_150 }, // half in period 0, half in 1
      { subscriber: b, paid: 10n, start: 1_000, end: 1_200 }, // two whole periods
      { subscriber: a, paid: 7n, start: 1_150, end: 1_250 }, // renewal: half in 1, half in 2
    ];
    expect(paymentsInPeriod(payments, clock, 0)).to.deep.equal(
      new Map([
        [a, 45n],
        [b, 5n],
      ]),
    );
    // Period 1 gets 91 − 45 of the first payment (the running total's rest) and 3 of the renewal.
    expect(paymentsInPeriod(payments, clock, 1)).to.deep.equal(
      new Map([
        [a, 46n + 3n],
        [b, 5n],
      ]),
    );
    expect(paymentsInPeriod(payments, clock, 2)).to.deep.equal(new Map([[a, 4n]]));
    expect(paymentsInPeriod(payments, clock, 3)).to.deep.equal(new Map());
  });

  const context: TallyContext = {
    chainId: 31337,
    market: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    period: 0,
    revision: 0,
    periodStart: 1_000,
    periodEnd: 1_100,
    viewWeightBps: 5_000,
    pool: 90_000_000n,
  };
  // One of ten payers watched: most of the pool is a reserve.
  const split = splitLeaves(
    { version: 2, capBps: DEFAULT_CAP_BPS },
    {
      counts: [{ viewer: a, filmId: 7n, views: 1n, seconds: 600n }],
      payments: new Map([[a, 10_000_000n]]),
      pool: 90_000_000n,
      viewWeightBps: 5_000,
    },
  );

  it("names the method and its cap, and carries the reserve in its totals", () => {
    const file = buildTallyFile(context, split, { version: 2, capBps: DEFAULT_CAP_BPS });
    expect(file.method).to.include({
      version: 2,
      name: "scaled-user-prop",
      capBps: DEFAULT_CAP_BPS,
      unitScale: split.unitScale.toString(),
    });
    expect(splitMethodOf(file)).to.deep.equal({ version: 2, capBps: DEFAULT_CAP_BPS });
    expect(BigInt(file.totals.reserve!.seconds)).to.be.greaterThan(0n);
    expect(selfCheck(file)).to.deep.equal([]);
  });

  it("reads files written before methods were versioned as method 1", () => {
    const file = buildTallyFile(context, [{ filmId: 7n, views: 1n, seconds: 600n }]);
    const legacy = {
      ...file,
      method: { version: 1, ledgerRules: 1, leafEncoding: file.method.leafEncoding, formula: file.method.formula },
    };
    expect(splitMethodOf(legacy)).to.deep.equal({ version: 1 });
    expect(selfCheck(legacy)).to.deep.equal([]);
  });

  it("refuses a file whose reserve, method or cap was altered", () => {
    const file = buildTallyFile(context, split, { version: 2, capBps: DEFAULT_CAP_BPS });
    const moreReserve = { ...file, totals: { ...file.totals, reserve: { views: file.totals.reserve!.views, seconds: "1" } } };
    expect(selfCheck(moreReserve).join()).to.match(/total seconds .* differ from the leaves' sum and reserve/);
    expect(selfCheck({ ...file, method: { ...file.method, capBps: 10_001 } }).join()).to.match(/split method is not valid/);
    const asMethod1 = { ...file, method: { ...file.method, version: 1 } };
    expect(selfCheck(asMethod1).join()).to.match(/method 1 tally carries a reserve/);
  });
});
