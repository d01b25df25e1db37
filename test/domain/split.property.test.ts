// Properties of split method 2 (ScaledUserProp) over random platforms: honest subscribers with random
// payments and watching, a bot farm of any size paying the same subscription and streaming only the
// farmer's film, any view weight, fee and roll-over. Payouts are the contract's formula (`shareOf`) on
// the leaves, rounded as the contract rounds.
//
// Reproduce a failure with FC_SEED=<seed> (and FC_PATH=<path>) printed by fast-check; FC_RUNS
// changes the budget.
import { expect } from "chai";
import fc from "fast-check";
import {
  BPS,
  DEFAULT_CAP_BPS,
  influenceOf,
  shareOf,
  splitLeaves,
  type SplitInput,
  type SplitMethod,
  type ViewerFilmCount,
} from "@ai-films/core/domain";

const RUNS = Number(process.env.FC_RUNS ?? 200);
const replay = {
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
  ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
};
const FARMER_FILM = 1_000n;
const address = (i: number) => "0x" + i.toString(16).padStart(40, "0");

const platform = fc.record({
  price: fc.bigInt({ min: 1_000_000n, max: 50_000_000n }),
  feeBps: fc.integer({ min: 1, max: 2_000 }),
  capBps: fc.oneof(fc.constant(DEFAULT_CAP_BPS), fc.integer({ min: 1, max: 9_999 })),
  viewWeightBps: fc.oneof(fc.constantFrom(0, 5_000, 10_000), fc.integer({ min: 0, max: 10_000 })),
  rollover: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 100_000_000n })),
  /** Subscribers who paid and watched nothing. */
  idle: fc.integer({ min: 0, max: 5 }),
  honest: fc.array(
    fc.array(
      fc.record({
        film: fc.integer({ min: 1, max: 6 }),
        views: fc.bigInt({ min: 0n, max: 1n }),
        seconds: fc.bigInt({ min: 1n, max: 200_000n }),
        // Some honest subscribers watch the farmer's film too.
        farmer: fc.boolean(),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    { minLength: 1, maxLength: 8 },
  ),
  bots: fc.integer({ min: 1, max: 30 }),
  botSeconds: fc.bigInt({ min: 1n, max: 864_000n }),
});
type Platform = typeof platform extends fc.Arbitrary<infer T> ? T : never;

function build(p: Platform, withFarm: boolean): SplitInput {
  const counts: ViewerFilmCount[] = [];
  const payments = new Map<string, bigint>();
  p.honest.forEach((rows, i) => {
    payments.set(address(i + 1), p.price);
    const seen = new Set<bigint>();
    for (const r of rows) {
      const filmId = r.farmer ? FARMER_FILM : BigInt(r.film);
      if (seen.has(filmId)) continue;
      seen.add(filmId);
      counts.push({ viewer: address(i + 1), filmId, views: r.views, seconds: r.seconds });
    }
  });
  for (let i = 0; i < p.idle; i++) payments.set(address(500 + i), p.price);
  const bots = withFarm ? p.bots : 0;
  for (let i = 0; i < bots; i++) {
    payments.set(address(10_000 + i), p.price);
    counts.push({ viewer: address(10_000 + i), filmId: FARMER_FILM, views: 1n, seconds: p.botSeconds });
  }
  const net = p.price - (p.price * BigInt(p.feeBps)) / BPS;
  return { counts, payments, pool: net * BigInt(payments.size) + p.rollover, viewWeightBps: p.viewWeightBps };
}

function payoutOf(method: SplitMethod, input: SplitInput, filmId: bigint): bigint {
  const r = splitLeaves(method, input);
  const leaf = r.leaves.find((l) => l.filmId === filmId);
  if (!leaf) return 0n;
  return shareOf(input.pool, leaf.views, leaf.seconds, r.totals.views, r.totals.seconds, BigInt(input.viewWeightBps));
}

describe("Split method 2, properties", function () {
  this.timeout(120_000);

  it("no bot farm of any size profits: the farmer gains less than the farm's subscriptions", () => {
    fc.assert(
      fc.property(platform, (p) => {
        const method: SplitMethod = { version: 2, capBps: p.capBps };
        const gain = payoutOf(method, build(p, true), FARMER_FILM) - payoutOf(method, build(p, false), FARMER_FILM);
        const cost = p.price * BigInt(p.bots);
        const net = p.price - (p.price * BigInt(p.feeBps)) / BPS;
        // Bots direct at most their cap; what they add to the pool beyond it only goes back to honest
        // subscribers. Two units of slack for the contract's rounding of the two payouts.
        const capped = (BigInt(p.bots) * p.price * BigInt(p.capBps)) / BPS;
        const pooled = BigInt(p.bots) * net;
        const bound = capped > pooled ? capped : pooled;
        expect(gain <= bound + 2n, `gain ${gain} over bound ${bound}`).to.equal(true);
        expect(gain < cost, `gain ${gain} not below cost ${cost}`).to.equal(true);
      }),
      { numRuns: RUNS, ...replay },
    );
  });

  it("method 1 lets a farm profit on the same platforms (so the property above is not vacuous)", () => {
    const p = { price: 10_000_000n, feeBps: 1_000, capBps: DEFAULT_CAP_BPS, viewWeightBps: 5_000, rollover: 0n, idle: 0 };
    const honest = Array.from({ length: 8 }, (_, i) => [{ film: (i % 6) + 1, views: 1n, seconds: 36_000n, farmer: false }]);
    const q = { ...p, honest, bots: 5, botSeconds: 864_000n } as Platform;
    const gain = payoutOf({ version: 1 }, build(q, true), FARMER_FILM) - payoutOf({ version: 1 }, build(q, false), FARMER_FILM);
    expect(gain > q.price * 5n).to.equal(true);
  });

  it("no subscriber directs more than capBps of what they paid", () => {
    fc.assert(
      fc.property(platform, fc.boolean(), (p, farm) => {
        const input = build(p, farm);
        const influence = influenceOf({ version: 2, capBps: p.capBps }, input);
        for (const [viewer, amount] of influence) {
          const cap = (Number(input.payments.get(viewer) ?? 0n) * p.capBps) / 10_000;
          expect(amount, viewer).to.be.at.most(cap * (1 + 1e-9) + 1e-6);
        }
      }),
      { numRuns: RUNS, ...replay },
    );
  });

  it("divides the pool exactly: claims never exceed it, and what is left is the reserve plus at most a unit per film", () => {
    fc.assert(
      fc.property(
        platform,
        fc.boolean(),
        fc.constantFrom<SplitMethod>({ version: 1 }, { version: 2, capBps: DEFAULT_CAP_BPS }),
        (p, farm, method) => {
          const input = build(p, farm);
          const r = splitLeaves(method, input);
          const w = r.totals.views === 0n ? 0n : BigInt(input.viewWeightBps);
          let paid = 0n;
          for (const l of r.leaves)
            paid += shareOf(input.pool, l.views, l.seconds, r.totals.views, r.totals.seconds, BigInt(input.viewWeightBps));
          expect(paid <= input.pool).to.equal(true);
          // The reserve's worth, rounded down once like a claim.
          const reserve =
            r.totals.seconds === 0n
              ? 0n
              : (input.pool * (w * r.reserve.views * r.totals.seconds + (BPS - w) * r.reserve.seconds * (r.totals.views || 1n))) /
                (BPS * (r.totals.views || 1n) * r.totals.seconds);
          const left = input.pool - paid - reserve;
          expect(left >= 0n && left <= BigInt(r.leaves.length) + 1n, `left ${left} with ${r.leaves.length} leaves`).to.equal(true);
          if (method.version === 1) expect(r.reserve).to.deep.equal({ views: 0n, seconds: 0n });
          for (const l of r.leaves) expect(l.views < 2n ** 64n && l.seconds < 2n ** 64n).to.equal(true);
          expect(r.totals.views < 2n ** 64n && r.totals.seconds < 2n ** 64n).to.equal(true);
        },
      ),
      { numRuns: RUNS, ...replay },
    );
  });

  it("is deterministic and does not depend on the order of the ledger's rows", () => {
    fc.assert(
      fc.property(platform, (p) => {
        const input = build(p, true);
        const a = splitLeaves({ version: 2, capBps: p.capBps }, input);
        const b = splitLeaves({ version: 2, capBps: p.capBps }, { ...input, counts: [...input.counts].reverse() });
        expect(b).to.deep.equal(a);
      }),
      { numRuns: 50, ...replay },
    );
  });
});
