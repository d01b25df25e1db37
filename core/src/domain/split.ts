/**
 * How a period's watching becomes the tally's leaves: the versioned split methods. Pure and exact
 * (bigint only), so every operator and every verifier derives byte-identical leaves.
 *
 * The contract pays film j `pool × (w·views_j/totalViews + (1 − w)·seconds_j/totalSeconds)`
 * (see payouts.ts). A method never changes that formula; it only chooses what the leaves carry.
 *
 * Method 1, global proportional: a leaf carries the film's raw subscription views and seconds.
 *   Every second watched weighs the same, whoever watched it, so a wallet that pays one
 *   subscription and streams up to the ledger's caps directs far more of the pool than it paid.
 *
 * Method 2, ScaledUserProp (Ghosh, Neoh, Teh, Tyrovolas, "Fraud-Proof Revenue Division on
 *   Subscription Platforms", ICML 2025), applied to each of the formula's two parts (the view
 *   part w·pool and the watch-time part (1 − w)·pool) on its own. In one part, subscriber i with
 *   engagement x_i (their views, or their seconds) directs min(γ·x_i, c_i) of the part, where
 *   c_i = (capBps / 10 000) × (what i paid for the period) × (the part's weight) is i's cap, and
 *   γ is the one number with Σ_i min(γ·x_i, c_i) = the part: light watchers direct in proportion
 *   to their watching, heavy watchers at most their cap. What i directs is spread over the films
 *   i watched in proportion to i's views (or seconds) of each. Summed over both parts, no
 *   subscriber directs more than capBps/10 000 of what they paid, so a farm of paying bots gets
 *   back at most that fraction of its subscriptions (below 1: it never profits), and adding bots
 *   never raises what honest subscribers direct to the farmer's films.
 *   If even with every active subscriber at their cap the part is not used up (many paying
 *   subscribers watched nothing), the rest is a reserve: the tally's totals exceed the sum of its
 *   leaves by it, nobody can claim it, and the contract's rollOver moves it into a later pool
 *   (rather than handing it to whoever streamed most, which is what a farm would want).
 *
 * Leaves of method 2 carry weighted counts in units of 1/unitScale of a view or a second; each
 * subscriber's weight per counted unit is rounded down to 64 fractional bits and each film's
 * weighted count is rounded down once. Rounding only ever lowers a leaf, so caps still hold and
 * the few units it leaves roll over with the reserve.
 */

/** Basis points in one. */
const BPS = 10_000n;
const FRACTION_BITS = 64n;
const ONE = 1n << FRACTION_BITS;
const UINT64_MAX = (1n << 64n) - 1n;
/** Largest weighted-unit scale; smaller when the period's counts would overflow a uint64 total. */
const MAX_UNIT_SCALE = 10n ** 12n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export const SPLIT_METHOD_GLOBAL = 1;
export const SPLIT_METHOD_SCALED_USER_PROP = 2;
/** The method new periods are tallied with. */
export const DEFAULT_SPLIT_METHOD = SPLIT_METHOD_SCALED_USER_PROP;
/**
 * A subscriber directs at most 97.5 % of what they paid. Below 100 % so a bot farm loses money
 * (2.5 % of its subscriptions at least); well above the pool's share of a payment (100 % less the
 * platform fee), so the money of subscribers who watched little goes to what active subscribers
 * watched instead of rolling over, as long as at least (pool ÷ payments) ÷ 97.5 % of the
 * payments came from subscribers who watched (92.3 % with a 10 % fee).
 */
export const DEFAULT_CAP_BPS = 9_750;

export type SplitMethod = { version: typeof SPLIT_METHOD_GLOBAL } | { version: typeof SPLIT_METHOD_SCALED_USER_PROP; capBps: number };

/** A subscriber's counted watching of one film in one period (the ledger's counter row). */
export interface ViewerFilmCount {
  viewer: string;
  filmId: bigint;
  /** 1 if this watching made a unique view, else 0. */
  views: bigint;
  seconds: bigint;
}

export interface SplitLeaf {
  filmId: bigint;
  views: bigint;
  seconds: bigint;
}

export interface SplitInput {
  counts: readonly ViewerFilmCount[];
  /** The period's pool, in payment-token units. */
  pool: bigint;
  viewWeightBps: number;
  /** What each subscriber paid towards the period (token units, fee included), by lowercase address. */
  payments: ReadonlyMap<string, bigint>;
}

export interface SplitResult {
  /** Sorted by film id; films whose leaf would be (0, 0) are left out. */
  leaves: SplitLeaf[];
  /** The totals the tally carries: the leaves' sums plus the reserve. */
  totals: { views: bigint; seconds: bigint };
  /** Units of each total that no leaf carries (they roll over); zero under method 1. */
  reserve: { views: bigint; seconds: bigint };
  /** Method 2: what the leaves' units are in (1 = raw counts). */
  unitScale: bigint;
}

/** The parameters a tally file names for `method`, as stored (numbers and decimal strings). */
export function describeSplitMethod(method: SplitMethod): { version: number; name: string; capBps?: number } {
  if (method.version === SPLIT_METHOD_GLOBAL) return { version: 1, name: "global-proportional" };
  return { version: 2, name: "scaled-user-prop", capBps: method.capBps };
}

export function parseSplitMethod(value: unknown): SplitMethod {
  const v = value as { version?: unknown; capBps?: unknown } | null;
  if (v?.version === SPLIT_METHOD_GLOBAL) return { version: 1 };
  if (v?.version === SPLIT_METHOD_SCALED_USER_PROP) {
    const capBps = v.capBps;
    if (typeof capBps !== "number" || !Number.isInteger(capBps) || capBps < 1 || capBps > Number(BPS))
      throw new RangeError(`split method 2 needs capBps between 1 and ${BPS}, got ${String(capBps)}`);
    return { version: 2, capBps };
  }
  throw new RangeError(`unknown split method ${JSON.stringify(value)}`);
}

export function splitLeaves(method: SplitMethod, input: SplitInput): SplitResult {
  checkInput(input);
  if (method.version === SPLIT_METHOD_GLOBAL) return globalSplit(input.counts);
  parseSplitMethod(method);
  return scaledUserPropSplit(input, BigInt(method.capBps));
}

function checkInput(input: SplitInput): void {
  if (input.pool < 0n) throw new RangeError("split: the pool is unsigned");
  if (!Number.isInteger(input.viewWeightBps) || input.viewWeightBps < 0 || input.viewWeightBps > Number(BPS))
    throw new RangeError(`split: view weight ${input.viewWeightBps} is outside 0…${BPS} bps`);
  for (const c of input.counts) {
    if (c.views < 0n || c.seconds < 0n || c.filmId < 0n) throw new RangeError("split: counts are unsigned");
  }
  for (const amount of input.payments.values()) if (amount < 0n) throw new RangeError("split: payments are unsigned");
}

function byFilm(a: { filmId: bigint }, b: { filmId: bigint }): number {
  return a.filmId < b.filmId ? -1 : a.filmId > b.filmId ? 1 : 0;
}

/** Method 1: each film's raw views and seconds, films with no seconds left out (as the ledger always did). */
function globalSplit(counts: readonly ViewerFilmCount[]): SplitResult {
  const films = new Map<bigint, SplitLeaf>();
  for (const c of counts) {
    const leaf = films.get(c.filmId) ?? { filmId: c.filmId, views: 0n, seconds: 0n };
    leaf.views += c.views;
    leaf.seconds += c.seconds;
    films.set(c.filmId, leaf);
  }
  const leaves = [...films.values()].filter((l) => l.seconds > 0n).sort(byFilm);
  const totals = { views: 0n, seconds: 0n };
  for (const l of leaves) {
    totals.views += l.views;
    totals.seconds += l.seconds;
  }
  return { leaves, totals, reserve: { views: 0n, seconds: 0n }, unitScale: 1n };
}

type Measure = "views" | "seconds";

/** The counts with viewers and films numbered once, so the per-measure passes index arrays. */
interface Indexed {
  viewers: string[];
  films: bigint[];
  rows: { viewer: number; film: number; views: bigint; seconds: bigint }[];
  payments: bigint[];
}

function indexCounts(counts: readonly ViewerFilmCount[], payments: ReadonlyMap<string, bigint>): Indexed {
  const viewerIndex = new Map<string, number>();
  // Keyed by number where exact (hashing bigints is slow), else by decimal string.
  const filmIndex = new Map<number | string, number>();
  const viewers: string[] = [];
  const films: bigint[] = [];
  const rows: Indexed["rows"] = [];
  for (const c of counts) {
    // Only subscribers with counted seconds take part, as only films with seconds had leaves before.
    if (c.seconds === 0n) continue;
    let viewer = viewerIndex.get(c.viewer);
    if (viewer === undefined) {
      viewer = viewers.length;
      viewers.push(c.viewer.toLowerCase());
      viewerIndex.set(c.viewer, viewer);
    }
    const key = c.filmId <= MAX_SAFE ? Number(c.filmId) : c.filmId.toString();
    let film = filmIndex.get(key);
    if (film === undefined) {
      film = films.length;
      films.push(c.filmId);
      filmIndex.set(key, film);
    }
    rows.push({ viewer, film, views: c.views, seconds: c.seconds });
  }
  // The same address written in two cases is one subscriber: merge by lowercase address.
  const canonical = new Map<string, number>();
  const remap = viewers.map((v, i) => {
    const first = canonical.get(v);
    if (first === undefined) canonical.set(v, i);
    return first ?? i;
  });
  for (const r of rows) r.viewer = remap[r.viewer];
  return { viewers, films, rows, payments: viewers.map((v) => payments.get(v) ?? 0n) };
}

/** Method 2 (see the header). */
function scaledUserPropSplit(input: SplitInput, capBps: bigint): SplitResult {
  const indexed = indexCounts(input.counts, input.payments);
  const rawTotal = { views: 0n, seconds: 0n };
  for (const r of indexed.rows) {
    rawTotal.views += r.views;
    rawTotal.seconds += r.seconds;
  }
  const largest = rawTotal.views > rawTotal.seconds ? rawTotal.views : rawTotal.seconds;
  let unitScale = MAX_UNIT_SCALE;
  while (unitScale > 1n && largest * unitScale > UINT64_MAX) unitScale /= 10n;
  if (largest * unitScale > UINT64_MAX) throw new RangeError("split: the period's counts do not fit a uint64 total");

  // With no views in the period the contract lets watch time carry the whole pool.
  const w = rawTotal.views === 0n ? 0n : BigInt(input.viewWeightBps);
  const totals = { views: rawTotal.views * unitScale, seconds: rawTotal.seconds * unitScale };
  const weighted = { views: indexed.films.map(() => 0n), seconds: indexed.films.map(() => 0n) };
  for (const [measure, weight] of [
    ["views", w],
    ["seconds", BPS - w],
  ] as const) {
    const factor = weightsPerUnit(indexed, measure, input.pool, capBps, weight, totals[measure]);
    const sums = weighted[measure];
    for (const r of indexed.rows) if (r[measure] !== 0n) sums[r.film] += factor[r.viewer] * r[measure];
    for (let f = 0; f < sums.length; f++) sums[f] >>= FRACTION_BITS;
  }
  const leaves = indexed.films
    .map((filmId, f) => ({ filmId, views: weighted.views[f], seconds: weighted.seconds[f] }))
    .filter((l) => l.views > 0n || l.seconds > 0n)
    .sort(byFilm);
  const reserve = { views: totals.views, seconds: totals.seconds };
  for (const l of leaves) {
    reserve.views -= l.views;
    reserve.seconds -= l.seconds;
  }
  return { leaves, totals, reserve, unitScale };
}

/**
 * Each subscriber's leaf units per counted unit of `measure`, in 64-bit fixed point. `total`
 * leaf units stand for the whole part (pool × weight); a subscriber directing share s of the
 * part owns s × total units, spread over their x_i counted units.
 */
function weightsPerUnit(indexed: Indexed, measure: Measure, pool: bigint, capBps: bigint, weight: bigint, total: bigint): bigint[] {
  const engagement = indexed.viewers.map(() => 0n);
  for (const r of indexed.rows) engagement[r.viewer] += r[measure];
  const factor = indexed.viewers.map(() => 0n);
  // The formula gives this part nothing: its leaf units would only be noise.
  if (weight === 0n) return factor;
  if (pool === 0n) {
    // Nothing to pay: leaves keep raw proportions, so the tally still says what was watched.
    const all = engagement.reduce((s, x) => s + x, 0n);
    return all === 0n ? factor : factor.map(() => (total * ONE) / all);
  }
  // Amounts in token units × BPS², so caps and the part are integers.
  const part = pool * weight * BPS;
  const users = engagement
    .map((x, i) => ({ i, x, cap: indexed.payments[i] * capBps * weight }))
    .filter((u) => u.x > 0n)
    // Ascending cap per unit of engagement: the order in which raising γ caps them. Ties by address, so the order is total.
    .sort((a, b) => {
      const l = a.cap * b.x;
      const r = b.cap * a.x;
      if (l !== r) return l < r ? -1 : 1;
      const [va, vb] = [indexed.viewers[a.i], indexed.viewers[b.i]];
      return va < vb ? -1 : va > vb ? 1 : 0;
    });
  let rest = users.reduce((s, u) => s + u.x, 0n);
  let capped = 0n;
  // The first k users (lowest cap per unit) are capped; γ = (part − their caps) / the rest's engagement
  // is right once it does not reach the next user's cap per unit.
  let k = 0;
  for (; k < users.length; k++) {
    const next = users[k];
    if ((part - capped) * next.x <= next.cap * rest) break;
    capped += next.cap;
    rest -= next.x;
  }
  // Uncapped: γ·total/part per unit = (part − capped)·total / (rest·part); capped: cap·total / (x·part).
  const uncapped = k < users.length ? ((part - capped) * total * ONE) / (rest * part) : 0n;
  users.forEach((u, rank) => (factor[u.i] = rank < k ? (u.cap * total * ONE) / (u.x * part) : uncapped));
  return factor;
}

/**
 * What each subscriber directs under a split, in token units (exact rationals rounded down): the
 * reference the property tests hold the caps against. `leaves` need not be given; this recomputes
 * per subscriber from the same counts.
 */
export function influenceOf(method: SplitMethod, input: SplitInput): Map<string, number> {
  const result = splitLeaves(method, input);
  const influence = new Map<string, number>();
  const w = result.totals.views === 0n ? 0 : input.viewWeightBps / 10_000;
  if (method.version === SPLIT_METHOD_GLOBAL) {
    for (const c of input.counts) {
      if (c.seconds === 0n) continue;
      const share =
        (w * Number(c.views)) / Math.max(1, Number(result.totals.views)) + ((1 - w) * Number(c.seconds)) / Number(result.totals.seconds);
      const viewer = c.viewer.toLowerCase();
      influence.set(viewer, (influence.get(viewer) ?? 0) + share * Number(input.pool));
    }
    return influence;
  }
  const indexed = indexCounts(input.counts, input.payments);
  const capBps = BigInt(method.capBps);
  const wb = result.totals.views === 0n ? 0n : BigInt(input.viewWeightBps);
  for (const [measure, weight] of [
    ["views", wb],
    ["seconds", BPS - wb],
  ] as const) {
    const total = result.totals[measure];
    if (total === 0n) continue;
    const factor = weightsPerUnit(indexed, measure, input.pool, capBps, weight, total);
    for (const r of indexed.rows) {
      const viewer = indexed.viewers[r.viewer];
      const units = Number((factor[r.viewer] * r[measure]) >> (FRACTION_BITS - 20n)) / 2 ** 20;
      const share = ((Number(weight) / 10_000) * units) / Number(total);
      influence.set(viewer, (influence.get(viewer) ?? 0) + share * Number(input.pool));
    }
  }
  return influence;
}
