/**
 * A seeded synthetic platform for comparing split methods (npm run sim:payouts): honest subscribers
 * watching a heavy-tailed catalogue day by day under the ledger's caps, plus bot farms whose wallets
 * each pay the subscription and stream only their farmer's films up to every cap. Each platform is
 * split by the real method module (domain/split.ts) and paid by the contract's formula (shareOf),
 * so the figures are what the oracle and FilmMarket would pay.
 */
import { BPS, shareOf } from "../domain/payouts.ts";
import { splitLeaves, type SplitMethod, type ViewerFilmCount } from "../domain/split.ts";
import { DAILY_CAP_SECONDS, filmCapSeconds, viewThresholdSeconds } from "../ledger/rules.ts";

export interface SimConfig {
  seed: number;
  subscribers: number;
  creators: number;
  films: number;
  /** Bot farm sizes (wallets) to try, each on its own against the same honest platform. */
  farmSizes: number[];
  /** Films the farmer lists (each 120 min): enough for a bot to spend its daily cap on them. */
  farmerFilms: number;
  monthlyPrice: bigint;
  feeBps: number;
  viewWeightBps: number;
  /** Share of paying subscribers who watch nothing in the month. */
  idleShare: number;
  days: number;
  methods: SplitMethod[];
}

export const DEFAULT_SIM: SimConfig = {
  seed: 14,
  subscribers: 20_000,
  creators: 600,
  films: 5_000,
  farmSizes: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000],
  farmerFilms: 40,
  monthlyPrice: 5_000_000n,
  feeBps: 1_000,
  viewWeightBps: 5_000,
  idleShare: 0.04,
  days: 30,
  methods: [{ version: 1 }, { version: 2, capBps: 9_750 }],
};

export interface MethodFigures {
  method: SplitMethod;
  /** Farm payout ÷ subscriptions the farm paid, per farm size (same order as farmSizes). */
  roi: number[];
  roiMax: number;
  /** Per farm size: median change of honest creators' payouts vs method 1 without any farm, in %. */
  honestChangeWithFarmPct: number[];
  /** Creators' payouts without a farm. */
  gini: number;
  top10Share: number;
  /** Median over honest creators (paid under method 1) of the change vs method 1, in %. */
  medianChangePct: number;
  /** Per decile of creators by method 1 payout (lowest first): change of the decile's total vs method 1, in %. */
  decileShiftPct: number[];
  /** Part of the pool nobody could direct (rolls over), without a farm, in %. */
  reservePct: number;
}

export interface SimResult {
  config: Omit<SimConfig, "monthlyPrice" | "methods"> & { monthlyPrice: string };
  platform: { rows: number; activeSubscribers: number; watchedHours: number; poolUsd: number };
  methods: MethodFigures[];
}

/** Deterministic PRNG (mulberry32): the same seed gives the same platform on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

const address = (i: number) => "0x" + i.toString(16).padStart(40, "0");

interface Platform {
  counts: ViewerFilmCount[];
  payments: Map<string, bigint>;
  owner: Map<bigint, number>;
  activeSubscribers: number;
  watchedSeconds: number;
}

/** The honest platform: catalogue, owners, and a month of watching under the ledger's caps. */
function honestPlatform(c: SimConfig): Platform {
  const rand = prng(c.seed);
  const duration: number[] = [];
  const owner = new Map<bigint, number>();
  // Creators' catalogue sizes are heavy-tailed too: film i goes to a creator drawn by Zipf weight.
  const creatorCdf = cumulative(Array.from({ length: c.creators }, (_, k) => 1 / Math.pow(k + 1, 0.8)));
  for (let f = 0; f < c.films; f++) {
    duration.push(60 * (1 + Math.floor(rand() * 120)));
    owner.set(BigInt(f + 1), pick(creatorCdf, rand()));
  }
  // Popularity: Zipf (s = 1) over a random order of the catalogue.
  const order = Array.from({ length: c.films }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const filmCdf = cumulative(order.map((_, rank) => 1 / (rank + 1)));
  const counts: ViewerFilmCount[] = [];
  const payments = new Map<string, bigint>();
  let active = 0;
  let watched = 0;
  for (let u = 0; u < c.subscribers; u++) {
    const viewer = address(u + 1);
    payments.set(viewer, c.monthlyPrice);
    if (rand() < c.idleShare) continue;
    active++;
    // How often and how long this subscriber watches: most a few evenings a week, some every day.
    const dayChance = 0.15 + 0.8 * rand();
    const dailyMinutes = Math.min(8 * 60, Math.exp(Math.log(50) + 0.8 * normal(rand)));
    const perFilm = new Map<number, { seconds: number }>();
    for (let day = 0; day < c.days; day++) {
      if (rand() > dayChance) continue;
      let budget = Math.min(DAILY_CAP_SECONDS, Math.round(dailyMinutes * 60 * (0.5 + rand())));
      while (budget > 0) {
        const film = order[pick(filmCdf, rand())];
        const got = perFilm.get(film) ?? { seconds: 0 };
        const room = filmCapSeconds(duration[film]) - got.seconds;
        // Finish most films, abandon some early.
        const want = Math.round(duration[film] * (rand() < 0.7 ? 1 : rand()));
        const seconds = Math.min(room, want, budget);
        budget -= Math.max(seconds, 60);
        if (seconds <= 0) continue;
        got.seconds += seconds;
        perFilm.set(film, got);
      }
    }
    for (const [film, { seconds }] of perFilm) {
      watched += seconds;
      const filmId = BigInt(film + 1);
      counts.push({ viewer, filmId, views: seconds >= viewThresholdSeconds(duration[film]) ? 1n : 0n, seconds: BigInt(seconds) });
    }
  }
  return { counts, payments, owner, activeSubscribers: active, watchedSeconds: watched };
}

/** The farmer (creator id = creators) lists 120-minute films; each bot streams them to the daily and per-film caps. */
function withFarm(base: Platform, c: SimConfig, bots: number): Platform {
  const counts = [...base.counts];
  const payments = new Map(base.payments);
  const owner = new Map(base.owner);
  const FILM_SECONDS = 120 * 60;
  const firstFilm = BigInt(c.films + 1);
  for (let f = 0; f < c.farmerFilms; f++) owner.set(firstFilm + BigInt(f), c.creators);
  const perBot = Math.min(DAILY_CAP_SECONDS * c.days, filmCapSeconds(FILM_SECONDS) * c.farmerFilms);
  for (let b = 0; b < bots; b++) {
    const viewer = address(1_000_000 + b);
    payments.set(viewer, c.monthlyPrice);
    let left = perBot;
    for (let f = 0; f < c.farmerFilms && left > 0; f++) {
      const seconds = Math.min(left, filmCapSeconds(FILM_SECONDS));
      left -= seconds;
      counts.push({ viewer, filmId: firstFilm + BigInt(f), views: 1n, seconds: BigInt(seconds) });
    }
  }
  return { ...base, counts, payments, owner };
}

function poolOf(p: Platform, c: SimConfig): bigint {
  let paid = 0n;
  for (const amount of p.payments.values()) paid += amount - (amount * BigInt(c.feeBps)) / BPS;
  return paid;
}

/** Payout per creator id under `method`, and the part of the pool left unclaimed. */
function payoutsByCreator(p: Platform, c: SimConfig, method: SplitMethod): { byCreator: Map<number, bigint>; left: bigint; pool: bigint } {
  const pool = poolOf(p, c);
  const split = splitLeaves(method, { counts: p.counts, payments: p.payments, pool, viewWeightBps: c.viewWeightBps });
  const byCreator = new Map<number, bigint>();
  let paid = 0n;
  for (const leaf of split.leaves) {
    const amount = shareOf(pool, leaf.views, leaf.seconds, split.totals.views, split.totals.seconds, BigInt(c.viewWeightBps));
    const creator = p.owner.get(leaf.filmId)!;
    byCreator.set(creator, (byCreator.get(creator) ?? 0n) + amount);
    paid += amount;
  }
  return { byCreator, left: pool - paid, pool };
}

export function runPayoutSim(config: Partial<SimConfig> = {}): SimResult {
  const c: SimConfig = { ...DEFAULT_SIM, ...config };
  const base = honestPlatform(c);
  const baseline = new Map(c.methods.map((m) => [m.version, payoutsByCreator(base, c, m)]));
  const reference = baseline.get(1) ?? payoutsByCreator(base, c, { version: 1 });
  const honest = [...Array(c.creators).keys()];
  const refPayout = honest.map((k) => Number(reference.byCreator.get(k) ?? 0n));
  const ranked = honest.filter((k) => refPayout[k] > 0).sort((a, b) => refPayout[a] - refPayout[b]);

  const methods = c.methods.map((method): MethodFigures => {
    const own = baseline.get(method.version)!;
    const payout = honest.map((k) => Number(own.byCreator.get(k) ?? 0n));
    const changes = ranked.map((k) => (100 * (payout[k] - refPayout[k])) / refPayout[k]);
    const deciles = Array.from({ length: 10 }, (_, d) => {
      const members = ranked.slice(Math.floor((d * ranked.length) / 10), Math.floor(((d + 1) * ranked.length) / 10));
      const before = members.reduce((s, k) => s + refPayout[k], 0);
      const after = members.reduce((s, k) => s + payout[k], 0);
      return before === 0 ? 0 : (100 * (after - before)) / before;
    });
    const farms = c.farmSizes.map((bots) => {
      const farmed = payoutsByCreator(withFarm(base, c, bots), c, method);
      const honestChange = median(ranked.map((k) => (100 * (Number(farmed.byCreator.get(k) ?? 0n) - refPayout[k])) / refPayout[k]));
      return { roi: Number(farmed.byCreator.get(c.creators) ?? 0n) / Number(c.monthlyPrice * BigInt(bots)), honestChange };
    });
    const roi = farms.map((f) => f.roi);
    return {
      method,
      roi,
      roiMax: Math.max(...roi),
      honestChangeWithFarmPct: farms.map((f) => f.honestChange),
      gini: gini(payout),
      top10Share: topShare(payout, 10),
      medianChangePct: median(changes),
      decileShiftPct: deciles,
      reservePct: (100 * Number(own.left)) / Number(own.pool),
    };
  });
  const { methods: _methods, monthlyPrice, ...rest } = c;
  void _methods;
  return {
    config: { ...rest, monthlyPrice: monthlyPrice.toString() },
    platform: {
      rows: base.counts.length,
      activeSubscribers: base.activeSubscribers,
      watchedHours: Math.round(base.watchedSeconds / 3600),
      poolUsd: Number(poolOf(base, c)) / 1e6,
    },
    methods,
  };
}

function cumulative(weights: number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let s = 0;
  weights.forEach((w, i) => (out[i] = s += w));
  for (let i = 0; i < out.length; i++) out[i] /= s;
  return out;
}

/** Index of the first cumulative weight above u (binary search). */
function pick(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function gini(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const total = sorted.reduce((s, v) => s + v, 0);
  if (n === 0 || total === 0) return 0;
  let weighted = 0;
  sorted.forEach((v, i) => (weighted += (2 * (i + 1) - n - 1) * v));
  return weighted / (n * total);
}

export function topShare(values: number[], k: number): number {
  const sorted = [...values].sort((a, b) => b - a);
  const total = sorted.reduce((s, v) => s + v, 0);
  return total === 0 ? 0 : sorted.slice(0, k).reduce((s, v) => s + v, 0) / total;
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
