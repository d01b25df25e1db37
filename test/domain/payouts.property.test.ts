// The TypeScript payout formula against the contract it ports. fast-check draws pools, tallies,
// leaves and view weights; each run sets the price and the weight through the timelock in period 0
// (a weight applies from the next period on), funds period 1 by subscriptions, posts a signed tally for it
// on Hardhat's in-process chain and compares domain `shareOf` with FilmMarket.shareOf for every
// leaf, then reverts the chain, so every run (and every shrink) starts from the same state. A
// second property compares it with `_share` itself (through the test harness) over the whole
// range of the contract's types, which pools funded by real subscriptions cannot reach.
//
// Reproduce a failure with FC_SEED=<seed> (and FC_PATH=<path>) printed by fast-check; FC_RUNS
// changes the budget.
import { expect } from "chai";
import { network } from "hardhat";
import fc from "fast-check";
import { shareOf } from "@ai-films/core/domain";
import { deployMarket, endPeriod, govern, signTally, USD, type Deployment, type TallyInput } from "../contracts/fixture.ts";

const { networkHelpers } = await network.create();
const { loadFixture, takeSnapshot } = networkHelpers;

const RUNS = Number(process.env.FC_RUNS ?? 100);
const replay = {
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
  ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
};

const PERIOD = 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const FAUCET_LIMIT = 10_000n * USD;

/** The settled period's inputs: who subscribes in it (funding its pool), its tally and the leaves asked about. */
const periodScenario = fc.record({
  // Twelve months at the highest price stay within one faucet call.
  monthlyPrice: fc.bigInt({ min: 1n, max: FAUCET_LIMIT / 12n }),
  subscriptions: fc.array(fc.record({ viewer: fc.integer({ min: 0, max: 3 }), months: fc.integer({ min: 1, max: 12 }) }), {
    minLength: 1,
    maxLength: 4,
  }),
  viewWeightBps: fc.oneof(fc.constantFrom(0, 10_000), fc.integer({ min: 0, max: 10_000 })),
  // An empty tally (no films, zero totals) now and then; otherwise the contract wants watch time.
  totals: fc.option(
    fc.record({
      totalViews: fc.oneof({ arbitrary: fc.constant(0n), weight: 1 }, { arbitrary: fc.bigInt({ min: 0n, max: UINT64_MAX }), weight: 4 }),
      totalSeconds: fc.bigInt({ min: 1n, max: UINT64_MAX }),
      leafCount: fc.integer({ min: 1, max: 2 ** 32 - 1 }),
    }),
    { freq: 8 },
  ),
  // Each leaf as fractions of the totals (views, seconds).
  leaves: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), {
    minLength: 1,
    maxLength: 6,
  }),
});
type PeriodScenario = typeof periodScenario extends fc.Arbitrary<infer T> ? T : never;

/** A leaf within the totals: a fraction of each, with the extremes (all of it, none of it) likely. */
function leafWithin(totalViews: bigint, totalSeconds: bigint, [fv, fs]: [number, number]): [bigint, bigint] {
  const part = (total: bigint, f: number) => (f > 0.95 ? total : (total * BigInt(Math.floor(f * 1e6))) / 1_000_000n);
  return [part(totalViews, fv), part(totalSeconds, fs)];
}

/** Funds and settles `PERIOD` as `s` says, then compares both formulas on each of its leaves. */
async function settleAndCompare(d: Deployment, s: PeriodScenario): Promise<void> {
  const viewers = [d.viewer1, d.viewer2, d.viewer3, d.outsider];
  await govern(d, [
    ["setMonthlyPrice", [s.monthlyPrice]],
    ["setViewWeight", [s.viewWeightBps]],
  ]);
  await endPeriod(d, PERIOD - 1n);
  for (const { viewer, months } of s.subscriptions) {
    await d.token.connect(viewers[viewer]).faucet(s.monthlyPrice * BigInt(months));
    await d.market.connect(viewers[viewer]).subscribe(months, s.monthlyPrice);
  }
  await endPeriod(d, PERIOD);

  const totals = s.totals ?? { totalViews: 0n, totalSeconds: 0n, leafCount: 0 };
  const tally: TallyInput = {
    period: PERIOD,
    revision: 0,
    root: `0x${"11".repeat(32)}`,
    ...totals,
    viewWeightBps: s.viewWeightBps,
    dataCid: "bafyproperty",
  };
  await d.market.postTally(tally, await signTally(d.market, tally, d.oracles.slice(0, 3)));
  const [pool] = await d.market.poolOf(PERIOD);

  for (const fractions of s.leaves) {
    const [views, seconds] = leafWithin(totals.totalViews, totals.totalSeconds, fractions);
    const onChain = await d.market.shareOf(PERIOD, views, seconds);
    const domain = shareOf(pool, views, seconds, totals.totalViews, totals.totalSeconds, BigInt(s.viewWeightBps));
    expect(
      domain,
      `pool ${pool}, leaf (${views}, ${seconds}) of (${totals.totalViews}, ${totals.totalSeconds}), w ${s.viewWeightBps}`,
    ).to.equal(onChain);
  }
}

describe("domain: shareOf against the deployed FilmMarket", function () {
  this.timeout(600_000);

  it("pays what the contract's shareOf pays, for random pools, tallies, leaves and view weights", async () => {
    const d = await loadFixture(deployMarket);
    await fc.assert(
      fc.asyncProperty(periodScenario, async (s) => {
        const before = await takeSnapshot();
        try {
          await settleAndCompare(d, s);
        } finally {
          await before.restore();
        }
      }),
      { numRuns: RUNS, ...replay },
    );
  });

  it("computes what Settlement._share computes over the whole range of its inputs", async () => {
    const d = await loadFixture(deployMarket);
    const harness = await d.ethers.deployContract("FilmMarketHarness", [d.config]);
    const uint64 = fc.bigInt({ min: 0n, max: UINT64_MAX });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          pool: fc.bigInt({ min: 0n, max: 2n ** 96n - 1n }),
          views: uint64,
          seconds: uint64,
          totalViews: uint64,
          totalSeconds: uint64,
          w: fc.bigInt({ min: 0n, max: 10_000n }),
        }),
        async ({ pool, views, seconds, totalViews, totalSeconds, w }) => {
          const onChain = await harness.exposedShare(pool, views, seconds, totalViews, totalSeconds, w);
          expect(shareOf(pool, views, seconds, totalViews, totalSeconds, w)).to.equal(onChain);
        },
      ),
      { numRuns: RUNS * 10, ...replay },
    );
  });
});
