// Stateful property test of the market: fast-check generates random sequences of user, oracle,
// guardian and governance actions (timelock proposals and executions, and the proposer trying the
// market's setters directly), runs them against the real contracts on Hardhat's in-process chain
// and against a small model, predicts every revert, and checks the money invariants after each step.
//
// Reproduce a failure with FC_SEED=<seed> (and FC_PATH=<path> for the shrunk case) printed by
// fast-check; FC_RUNS and FC_MAX_COMMANDS change the budget.
import { expect } from "chai";
import { network } from "hardhat";
import fc from "fast-check";
import type { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { ErrorFragment, type BaseContract, type ContractTransactionResponse, type LogDescription } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkConnection } from "hardhat/types/network";
import type { BlacklistToken } from "../../types/ethers-contracts/index.ts";
import {
  BPS, buildTally, CHALLENGE_WINDOW, claimRequest, DAY, deployMarket, encodeCall, expectedShare, GOVERNANCE_DELAY, MIN_CHALLENGE_WINDOW,
  PASS_WINDOW, PERIOD, DAY as ONE_DAY, signDispute, signTally, USD, type Deployment, type GovernedCall, type Leaf, type TallyInput,
} from "./fixture.ts";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const RUNS = Number(process.env.FC_RUNS ?? 40);
const MAX_COMMANDS = Number(process.env.FC_MAX_COMMANDS ?? 40);
const P = BigInt(PERIOD);
/** Claims close this long after they open (FilmMarket.CLAIM_WINDOW). */
const CLAIM_WINDOW = 180n * BigInt(ONE_DAY);

// ------------------------------------------------------------------------------------ model

interface FilmM {
  id: bigint;
  owner: string;
  price: bigint;
  salesPaused: boolean;
}

interface PoolM {
  amount: bigint;
  paid: bigint;
  claimedCount: number;
  subscribers: Set<string>;
}

interface TallyM {
  period: bigint;
  status: "posted" | "disputed";
  leaves: Leaf[];
  tree: StandardMerkleTree<Leaf> | undefined;
  input: TallyInput;
  /** The signatures it was posted with (an attacker can read them from the transaction). */
  sigs: string[];
  /** The signers' dispute signatures, when signers disputed it. */
  disputeSigs?: string[];
  w: bigint;
  claimableAt: bigint;
  /** Amounts of the Claimed events, per film, as paid by the chain. */
  paidByFilm: Map<bigint, bigint>;
}

/** A scheduled timelock batch: the market calls it makes, and when it may execute. */
interface ProposalM {
  calls: GovernedCall[];
  salt: string;
  readyAt: bigint;
}

interface Model {
  now: bigint; // timestamp of the latest block we caused (or will cause next, minus one)
  genesis: bigint;
  films: FilmM[];
  earnings: Map<string, bigint>;
  fees: bigint;
  feeBps: bigint;
  monthlyPrice: bigint;
  /** The view weights set, oldest first: [first period it applies to, weight]. */
  weights: Array<[bigint, bigint]>;
  challengeWindow: bigint;
  /** Timelock proposals scheduled and not executed yet. */
  proposals: ProposalM[];
  paused: boolean;
  pools: Map<bigint, PoolM>;
  tallies: Map<bigint, TallyM>;
  claimed: Map<bigint, Set<bigint>>; // period → film ids (the contract's bitmap outlives a disputed tally)
  subEnd: Map<string, bigint>;
  passExpiry: Map<string, bigint>;
  netSubscriptions: bigint; // Σ (payment − fee) of every subscription
  rolled: bigint; // Σ amounts moved between pools by rollOver
  donated: bigint; // tokens sent to the market by plain transfer (owed to no one)
  claimedSeen: Set<string>; // every (period, film) ever observed claimed on chain
  dead: TallyM[]; // every tally ever disputed, with the signatures it was posted with
  blocked: Set<string>; // accounts the token refuses to pay (a blacklisting stablecoin)
  trace: string[];
}

interface Real {
  d: Deployment;
  market: Deployment["market"];
  listings: Deployment["listings"];
  token: BlacklistToken;
  marketAddr: string;
  admin: HardhatEthersSigner;
  guardian: HardhatEthersSigner;
  treasury: HardhatEthersSigner;
  outsider: HardhatEthersSigner;
  creators: HardhatEthersSigner[];
  viewers: HardhatEthersSigner[];
  accounts: HardhatEthersSigner[]; // every account that may ever hold earnings or receive tokens
}

const periodAt = (m: Model, t: bigint) => (t - m.genesis) / P;
const periodStart = (m: Model, p: bigint) => m.genesis + p * P;
const pool = (m: Model, p: bigint): PoolM => {
  let x = m.pools.get(p);
  if (!x) m.pools.set(p, (x = { amount: 0n, paid: 0n, claimedCount: 0, subscribers: new Set() }));
  return x;
};
const claimedSet = (m: Model, p: bigint) => {
  let s = m.claimed.get(p);
  if (!s) m.claimed.set(p, (s = new Set()));
  return s;
};
const fee = (m: Model, amount: bigint) => (amount * m.feeBps) / BPS;
/** The view weight of `period`: the last one set whose first period is not after it. */
const weightOf = (m: Model, period: bigint) => m.weights.filter(([from]) => from <= period).at(-1)![1];
const addEarnings = (m: Model, who: string, amount: bigint) => m.earnings.set(who, (m.earnings.get(who) ?? 0n) + amount);
const short = (a: string) => a.slice(0, 8);

// ------------------------------------------------------------------------------------ chain helpers

/** The next transaction is mined one second after the previous one, at a timestamp the model knows. */
async function nextTx(m: Model): Promise<bigint> {
  m.now += 1n;
  await time.setNextBlockTimestamp(m.now);
  return m.now;
}

async function mined(m: Model, txp: Promise<ContractTransactionResponse>) {
  const tx = await txp;
  const receipt = (await tx.wait())!;
  const block = await receipt.getBlock();
  expect(BigInt(block.timestamp), "transaction mined at the timestamp the model expects").to.equal(m.now);
  return receipt;
}

function hasError(contract: BaseContract, name: string) {
  return contract.interface.fragments.some((f) => ErrorFragment.isFragment(f) && f.name === name);
}

/** The first of `names` the contract's ABI declares (the pause errors differ between versions of the market). */
function errorName(contract: BaseContract, ...names: string[]): string {
  const found = names.find((n) => hasError(contract, n));
  if (!found) throw new Error(`none of the errors ${names.join(", ")} is in the ABI`);
  return found;
}

async function reverts(txp: Promise<unknown>, contract: BaseContract, error: string) {
  await expect(txp).to.be.revertedWithCustomError(contract, error);
}

async function balances(r: Real, addrs: string[]) {
  return Promise.all(addrs.map((a) => r.token.balanceOf(a) as Promise<bigint>));
}

/** The market paid in a token that can blacklist payees, so claims meet failing transfers. */
const deployBlacklistableMarket = (connection: NetworkConnection) => deployMarket(connection, "BlacklistToken");

async function setup(): Promise<{ model: Model; real: Real }> {
  const d = (await loadFixture(deployBlacklistableMarket)) as Deployment;
  const signers = await ethers.getSigners();
  const creatorC = signers[9];
  const real: Real = {
    d,
    market: d.market,
    listings: d.listings,
    token: d.token as unknown as BlacklistToken, // deployBlacklistableMarket deploys BlacklistToken
    marketAddr: await d.market.getAddress(),
    admin: d.admin,
    guardian: d.guardian,
    treasury: d.treasury,
    outsider: d.outsider,
    creators: [d.creatorA, d.creatorB, creatorC],
    viewers: [d.viewer1, d.viewer2, d.viewer3, d.outsider],
    accounts: [d.admin, d.treasury, d.guardian, d.creatorA, d.creatorB, creatorC, d.viewer1, d.viewer2, d.viewer3, d.outsider],
  };
  const n = Number(await d.listings.totalListings());
  const films: FilmM[] = [];
  for (let id = 1n; id <= BigInt(n); id++) {
    const l = await d.listings.listingOf(id);
    films.push({ id, owner: await d.listings.ownerOf(id), price: l.pricePerView, salesPaused: l.salesPaused });
  }
  const model: Model = {
    now: BigInt(await time.latest()),
    genesis: d.genesis,
    films,
    earnings: new Map(),
    fees: await d.market.accruedFees(),
    feeBps: BigInt(await d.market.feeBps()),
    monthlyPrice: await d.market.monthlyPrice(),
    weights: [[0n, BigInt(await d.market.viewWeightBps())]],
    challengeWindow: BigInt(CHALLENGE_WINDOW),
    proposals: [],
    paused: await d.market.paused(),
    pools: new Map(),
    tallies: new Map(),
    claimed: new Map(),
    subEnd: new Map(),
    passExpiry: new Map(),
    netSubscriptions: 0n,
    rolled: 0n,
    donated: 0n,
    claimedSeen: new Set(),
    dead: [],
    blocked: new Set(),
    trace: [],
  };
  expect(model.fees).to.equal(0n);
  expect(await d.token.balanceOf(real.marketAddr)).to.equal(0n);
  return { model, real };
}

// ------------------------------------------------------------------------------------ invariants

async function checkInvariants(m: Model, r: Real) {
  const { market } = r;
  const periods = [...m.pools.keys()].sort((a, b) => (a < b ? -1 : 1));
  const leafKeys: Array<[bigint, bigint]> = [];
  for (const [p, t] of m.tallies) for (const l of t.leaves) leafKeys.push([p, l[0]]);
  for (const [p, s] of m.claimed) for (const f of s) if (!leafKeys.some(([q, g]) => q === p && g === f)) leafKeys.push([p, f]);

  const [balance, fees, earnings, pools, claimedFlags] = await Promise.all([
    r.token.balanceOf(r.marketAddr) as Promise<bigint>,
    market.accruedFees(),
    Promise.all(r.accounts.map((a) => market.earningsOf(a.address))),
    Promise.all(periods.map((p) => market.poolOf(p))),
    Promise.all(leafKeys.map(([p, f]) => market.isClaimed(p, f))),
  ]);

  // The chain agrees with the model, account by account and pool by pool.
  r.accounts.forEach((a, i) => expect(earnings[i], `earningsOf(${short(a.address)})`).to.equal(m.earnings.get(a.address) ?? 0n));
  expect(fees, "accruedFees").to.equal(m.fees);
  let owedByPools = 0n;
  let funded = 0n;
  periods.forEach((p, i) => {
    const [amount, paid, subscribers, claimedCount] = pools[i];
    const mp = m.pools.get(p)!;
    expect(amount, `pool ${p} amount`).to.equal(mp.amount);
    expect(paid, `pool ${p} paid`).to.equal(mp.paid);
    expect(claimedCount, `pool ${p} claimedCount`).to.equal(BigInt(mp.claimedCount));
    expect(subscribers, `pool ${p} distinct subscribers`).to.equal(BigInt(mp.subscribers.size));
    // Invariant: a pool never pays out more than was paid into it.
    expect(paid <= amount, `pool ${p}: paid ${paid} > amount ${amount}`).to.equal(true);
    owedByPools += amount - paid;
    funded += amount;
  });

  // Invariant: the market's balance covers everything it owes (exactly, plus stray donations).
  const owed = earnings.reduce((s: bigint, e: bigint) => s + e, 0n) + fees + owedByPools;
  expect(balance >= owed, `balance ${balance} < owed ${owed}`).to.equal(true);
  expect(balance, "balance = owed + donations").to.equal(owed + m.donated);

  // Invariant: pools were funded by subscriptions (net of fee) and by roll-overs, nothing else.
  expect(funded, "Σ pool amounts = Σ net subscriptions + Σ rolled over").to.equal(m.netSubscriptions + m.rolled);

  // Invariant: each period's view weight is the one in force when it started, and the running
  // period's and the next one's are as governance set them.
  const current = periodAt(m, m.now);
  const weightPeriods = [...new Set([...periods, ...m.tallies.keys(), current, current + 1n])];
  const weights = await Promise.all(weightPeriods.map((p) => market.viewWeightForPeriod(p)));
  weightPeriods.forEach((p, i) => expect(weights[i], `viewWeightForPeriod(${p})`).to.equal(weightOf(m, p)));
  for (const [p, t] of m.tallies) expect(t.w, `period ${p}'s tally carries its period's weight`).to.equal(weightOf(m, p));
  expect(await market.challengeWindow(), "challengeWindow").to.equal(m.challengeWindow);

  // Invariant: claimed flags are monotone and match the model.
  leafKeys.forEach(([p, f], i) => {
    const key = `${p}:${f}`;
    if (m.claimedSeen.has(key)) expect(claimedFlags[i], `isClaimed(${p}, ${f}) went back to false`).to.equal(true);
    expect(claimedFlags[i], `isClaimed(${p}, ${f})`).to.equal(m.claimed.get(p)?.has(f) ?? false);
    if (claimedFlags[i]) m.claimedSeen.add(key);
  });

  // Invariant: a fully claimed period paid each film exactly its formula share, leaving < 1 unit per film.
  for (const [p, t] of m.tallies) {
    if (t.status !== "posted" || t.leaves.length === 0) continue;
    const mp = m.pools.get(p) ?? { amount: 0n, paid: 0n, claimedCount: 0 };
    if (mp.claimedCount < t.leaves.length) continue;
    let sum = 0n;
    for (const leaf of t.leaves) {
      const expected = expectedShare(mp.amount, leaf, t.input.totalViews, t.input.totalSeconds, t.w);
      expect(t.paidByFilm.get(leaf[0]), `period ${p} film ${leaf[0]} share`).to.equal(expected);
      sum += expected;
    }
    expect(mp.amount - sum < BigInt(t.leaves.length), `period ${p}: remainder ${mp.amount - sum} ≥ ${t.leaves.length} leaves`)
      .to.equal(true);
    expect(mp.amount >= sum, `period ${p}: shares ${sum} exceed pool ${mp.amount}`).to.equal(true);
  }
}

/** A second claim of every claimed leaf reverts with FilmMarketAlreadyClaimed. */
async function checkNoDoubleClaim(m: Model, r: Real, leaves: Array<[TallyM, Leaf]>) {
  for (const [t, leaf] of leaves) {
    if (m.now + 1n >= t.claimableAt + CLAIM_WINDOW) continue; // claims closed: a different refusal
    await reverts(r.market.claim.staticCall(claimRequest(t.tree, t.period, leaf)), r.market, "FilmMarketAlreadyClaimed");
  }
}

// ------------------------------------------------------------------------------------ commands

abstract class Step implements fc.AsyncCommand<Model, Real> {
  check() {
    return true;
  }
  abstract exec(m: Model, r: Real): Promise<string>;
  async run(m: Model, r: Real) {
    const before = m.trace.length;
    try {
      m.trace.push(`${this.toString()} → ${await this.exec(m, r)}`);
      await checkInvariants(m, r);
    } catch (e: unknown) {
      if (m.trace.length === before) m.trace.push(`${this.toString()} → FAILED`);
      if (e instanceof Error) e.message = `${e.message}\n  steps (resolved):\n    ${m.trace.join("\n    ")}`;
      throw e;
    }
  }
  abstract toString(): string;
}

/** Picks a film id from the model, or now and then an unknown id (0 or one past the last). */
const pickFilm = (m: Model, pick: number) =>
  pick % 8 === 0 || m.films.length === 0 ? (pick % 16 === 0 ? 0n : BigInt(m.films.length + 1)) : BigInt((pick % m.films.length) + 1);
const filmOf = (m: Model, id: bigint) => (id >= 1n && id <= BigInt(m.films.length) ? m.films[Number(id) - 1] : undefined);

/** The largest price a listing stores: 88 bits in the packed listing, 96 bits before that packing. */
const maxPrice = (r: Real) => (hasError(r.listings, "FilmListingsPriceTooHigh") ? (1n << 88n) - 1n : (1n << 96n) - 1n);

/** The chain reports the film's terms as the model has them (no truncation of the packed price). */
async function checkTerms(r: Real, f: FilmM) {
  const [owner, price, paused] = await r.listings.saleTerms(f.id);
  expect([owner, price, paused], `saleTerms(${f.id})`).to.deep.equal([f.owner, f.price, f.salesPaused]);
  const l = await r.listings.listingOf(f.id);
  expect([l.pricePerView, l.salesPaused], `listingOf(${f.id})`).to.deep.equal([f.price, f.salesPaused]);
}

class Mint extends Step {
  constructor(readonly creator: number, readonly price: bigint, readonly duration: number) { super(); }
  toString() { return `mint(creator ${this.creator}, price ${this.price}, ${this.duration}s)`; }
  async exec(m: Model, r: Real) {
    const c = r.creators[this.creator];
    await nextTx(m);
    const tx = r.listings.connect(c).mint(`ipfs://bafyprop${m.films.length + 1}`, this.duration, this.price);
    if (this.duration === 0) {
      await reverts(tx, r.listings, "FilmListingsInvalidDuration");
      return "reverted InvalidDuration";
    }
    if (this.price > maxPrice(r)) return reverts(tx, r.listings, "FilmListingsPriceTooHigh").then(() => "reverted PriceTooHigh");
    await mined(m, tx);
    const id = BigInt(m.films.length + 1);
    m.films.push({ id, owner: c.address, price: this.price, salesPaused: false });
    expect(await r.listings.ownerOf(id)).to.equal(c.address);
    await checkTerms(r, m.films[m.films.length - 1]);
    return `film ${id}`;
  }
}

class SetPrice extends Step {
  constructor(readonly film: number, readonly price: bigint | null, readonly asOwner: boolean) { super(); }
  toString() { return `setPrice(film#${this.film}, ${this.price ?? "same"}, ${this.asOwner ? "owner" : "stranger"})`; }
  async exec(m: Model, r: Real) {
    const id = pickFilm(m, this.film);
    const f = filmOf(m, id);
    const caller = !f || this.asOwner ? r.accounts.find((a) => a.address === f?.owner) ?? r.creators[0]
      : r.creators.find((c) => c.address !== f.owner)!;
    const price = this.price ?? f?.price ?? 0n;
    await nextTx(m);
    const tx = r.listings.connect(caller).setPrice(id, price);
    if (!f) return reverts(tx, r.listings, "ERC721NonexistentToken").then(() => `film ${id} unknown`);
    if (caller.address !== f.owner) return reverts(tx, r.listings, "FilmListingsNotOwner").then(() => "not owner");
    if (price === f.price) return reverts(tx, r.listings, "FilmListingsUnchanged").then(() => "unchanged");
    if (price > maxPrice(r)) return reverts(tx, r.listings, "FilmListingsPriceTooHigh").then(() => "reverted PriceTooHigh");
    await mined(m, tx);
    f.price = price;
    await checkTerms(r, f);
    return `film ${id} price ${price}`;
  }
}

class SetSalesPaused extends Step {
  constructor(readonly film: number, readonly paused: boolean, readonly asOwner: boolean) { super(); }
  toString() { return `setSalesPaused(film#${this.film}, ${this.paused}, ${this.asOwner ? "owner" : "stranger"})`; }
  async exec(m: Model, r: Real) {
    const id = pickFilm(m, this.film);
    const f = filmOf(m, id);
    const caller = !f || this.asOwner ? r.accounts.find((a) => a.address === f?.owner) ?? r.creators[0]
      : r.creators.find((c) => c.address !== f.owner)!;
    await nextTx(m);
    const tx = r.listings.connect(caller).setSalesPaused(id, this.paused);
    if (!f) return reverts(tx, r.listings, "ERC721NonexistentToken").then(() => `film ${id} unknown`);
    if (caller.address !== f.owner) return reverts(tx, r.listings, "FilmListingsNotOwner").then(() => "not owner");
    if (this.paused === f.salesPaused) return reverts(tx, r.listings, "FilmListingsUnchanged").then(() => "unchanged");
    await mined(m, tx);
    f.salesPaused = this.paused;
    await checkTerms(r, f);
    return `film ${id} salesPaused ${this.paused}`;
  }
}

class TransferListing extends Step {
  constructor(readonly film: number, readonly to: number) { super(); }
  toString() { return `transferListing(film#${this.film}, to#${this.to})`; }
  async exec(m: Model, r: Real) {
    if (m.films.length === 0) return "no films";
    const f = m.films[this.film % m.films.length];
    const candidates = r.accounts.filter((a) => a.address !== f.owner);
    const to = candidates[this.to % candidates.length];
    const owner = r.accounts.find((a) => a.address === f.owner);
    await nextTx(m);
    await mined(m, r.listings.connect(owner).transferFrom(f.owner, to.address, f.id));
    f.owner = to.address;
    await checkTerms(r, f);
    return `film ${f.id} → ${short(to.address)}`;
  }
}

class BuyView extends Step {
  /** `again`: the viewer and film of a pass bought earlier (so passes get extended or renewed). */
  constructor(readonly viewer: number, readonly film: number, readonly wrongPrice: boolean, readonly again = false) { super(); }
  toString() {
    if (this.again) return `buyViewAgain(#${this.film})`;
    return `buyView(viewer ${this.viewer}, film#${this.film}${this.wrongPrice ? ", stale price" : ""})`;
  }
  async exec(m: Model, r: Real) {
    let v = r.viewers[this.viewer];
    let id = pickFilm(m, this.film);
    if (this.again) {
      const held = [...m.passExpiry.keys()];
      if (held.length === 0) return "no pass yet";
      const [film, viewer] = held[this.film % held.length].split(":");
      [id, v] = [BigInt(film), r.viewers.find((x) => x.address === viewer)!];
    }
    const f = filmOf(m, id);
    const expectedPrice = (f?.price ?? 1n) + (this.wrongPrice ? 1n : 0n);
    const key = `${id}:${v.address}`;
    const old = await r.market.passExpiry(id, v.address);
    expect(old, "passExpiry matches the model").to.equal(m.passExpiry.get(key) ?? 0n);
    const [vb] = await balances(r, [v.address]);
    const t = await nextTx(m);
    const tx = r.market.connect(v).buyView(id, expectedPrice, PASS_WINDOW);
    let err: [BaseContract, string] | undefined;
    if (m.paused) err = [r.market, errorName(r.market, "FilmMarketPurchasesPaused", "EnforcedPause")];
    else if (!f) err = [r.listings, "FilmListingsUnknownFilm"];
    else if (f.salesPaused) err = [r.market, "FilmMarketSalesPaused"];
    else if (f.price === 0n) err = [r.market, "FilmMarketFreeFilm"];
    else if (f.price !== expectedPrice) err = [r.market, "FilmMarketViewPriceChanged"];
    else if (f.price > vb) err = [r.token, "ERC20InsufficientBalance"];
    if (err) {
      await reverts(tx, err[0], err[1]);
      expect(await r.market.passExpiry(id, v.address), "a failed purchase leaves the pass alone").to.equal(old);
      return `reverted ${err[1]}`;
    }
    await mined(m, tx);
    const cut = fee(m, f!.price);
    addEarnings(m, f!.owner, f!.price - cut);
    m.fees += cut;
    const expected = (old > t ? old : t) + BigInt(PASS_WINDOW);
    m.passExpiry.set(key, expected);
    const now = await r.market.passExpiry(id, v.address);
    // Invariant: buying again only ever extends a pass, from its current end if still valid.
    expect(now > old, `pass shrank or stayed: ${old} → ${now}`).to.equal(true);
    expect(now, "pass expiry").to.equal(expected);
    expect((await balances(r, [v.address]))[0], "viewer paid the price").to.equal(vb - f!.price);
    return `paid ${f!.price} to ${short(f!.owner)}, pass until ${expected}`;
  }
}

class Subscribe extends Step {
  constructor(readonly viewer: number, readonly months: number, readonly wrongPrice: boolean) { super(); }
  toString() { return `subscribe(viewer ${this.viewer}, ${this.months} months${this.wrongPrice ? ", stale price" : ""})`; }
  async exec(m: Model, r: Real) {
    const v = r.viewers[this.viewer];
    const price = m.monthlyPrice + (this.wrongPrice ? 1n : 0n);
    const t = await nextTx(m);
    const tx = r.market.connect(v).subscribe(this.months, price);
    let err: string | undefined;
    if (m.paused) err = errorName(r.market, "FilmMarketPurchasesPaused", "EnforcedPause");
    else if (this.months < 1 || this.months > 12) err = "FilmMarketInvalidMonths";
    else if (this.wrongPrice) err = "FilmMarketPriceChanged";
    if (err) return reverts(tx, r.market, err).then(() => `reverted ${err}`);
    await mined(m, tx);

    const total = m.monthlyPrice * BigInt(this.months);
    const cut = fee(m, total);
    const net = total - cut;
    m.fees += cut;
    m.netSubscriptions += net;
    const oldEnd = m.subEnd.get(v.address) ?? 0n;
    const start = oldEnd > t ? oldEnd : t;
    const end = start + BigInt(this.months) * P;
    m.subEnd.set(v.address, end);
    // Spread `net` pro rata by seconds over the periods of [start, end); the last takes the remainder.
    const span = end - start;
    let given = 0n;
    const last = periodAt(m, end - 1n);
    for (let p = periodAt(m, start); p <= last; p++) {
      const from = p === periodAt(m, start) ? start : periodStart(m, p);
      const to = p === last ? end : periodStart(m, p + 1n);
      const part = p === last ? net - given : (net * (to - from)) / span;
      given += part;
      const mp = pool(m, p);
      mp.amount += part;
      mp.subscribers.add(v.address);
    }
    expect(await r.market.subscriptionEnd(v.address), "subscription end").to.equal(end);
    expect(await r.market.isSubscribed(v.address)).to.equal(true);
    return `net ${net} into periods ${periodAt(m, start)}..${last}, until ${end}`;
  }
}

class Travel extends Step {
  constructor(readonly seconds: number) { super(); }
  toString() { return `travel(+${this.seconds}s)`; }
  async exec(m: Model) {
    m.now += BigInt(this.seconds);
    await time.increaseTo(m.now);
    return `now ${m.now} (period ${periodAt(m, m.now)})`;
  }
}

/** Jumps so that the next transaction lands just before, on, or just after a boundary that matters. */
class TravelToBoundary extends Step {
  constructor(readonly kind: "claimable" | "periodEnd", readonly pick: number, readonly delta: -1 | 0 | 1) { super(); }
  toString() { return `travelTo(${this.kind}#${this.pick} ${this.delta >= 0 ? "+" : ""}${this.delta})`; }
  async exec(m: Model) {
    let target: bigint;
    if (this.kind === "claimable") {
      const open = [...m.tallies.values()].filter((t) => t.status === "posted" && t.claimableAt > m.now + 1n);
      if (open.length === 0) return "no tally in its window";
      target = open[this.pick % open.length].claimableAt;
    } else {
      target = periodStart(m, periodAt(m, m.now) + 1n);
    }
    target += BigInt(this.delta);
    if (target - 1n <= m.now) return "already past";
    m.now = target - 1n;
    await time.increaseTo(m.now);
    return `next tx at ${target}`;
  }
}

interface LeafSpec { film: number; views: bigint; seconds: bigint }

class PostTally extends Step {
  constructor(readonly pick: number, readonly specs: LeafSpec[], readonly oracles: number[]) { super(); }
  toString() {
    return `postTally(#${this.pick}, [${this.specs.map((s) => `${s.film}:${s.views}/${s.seconds}`).join(" ")}], oracles ${this.oracles})`;
  }
  async exec(m: Model, r: Real) {
    const t = m.now + 1n;
    const current = periodAt(m, t);
    // Mostly an ended period without a posted tally; sometimes any period up to the current one.
    const open: bigint[] = [];
    for (let p = 0n; p < current; p++) if (m.tallies.get(p)?.status !== "posted") open.push(p);
    const period = this.pick % 6 !== 0 && open.length ? open[this.pick % open.length] : BigInt(this.pick) % (current + 1n);
    const seen = new Set<bigint>();
    const leaves: Leaf[] = [];
    if (m.films.length) {
      for (const s of this.specs) {
        const id = BigInt((s.film % m.films.length) + 1);
        if (!seen.has(id)) {
          seen.add(id);
          leaves.push([id, s.views, s.seconds]);
        }
      }
    }
    // Mostly the revision the period expects next; now and then a stale one (signed for a disputed tally).
    const previous = m.tallies.get(period);
    const expected = previous ? previous.input.revision + 1 : 0;
    const revision = this.pick % 3 === 1 && expected > 0 ? expected - 1 : expected;
    // Mostly the period's own weight; now and then the latest weight set, which an admin would pick.
    const w = this.pick % 7 === 3 ? m.weights.at(-1)![1] : weightOf(m, period);
    const { tree, tally } = buildTally(period, leaves, Number(w), "bafytallydata", revision);
    const signers = this.oracles.map((i) => r.d.oracles[i]);
    const sigs = await signTally(r.market, tally, signers);
    await nextTx(m);
    const tx = r.market.postTally(tally, sigs);
    let err: string | undefined;
    if (period >= current) err = "FilmMarketPeriodNotEnded";
    else if (m.tallies.get(period)?.status === "posted") err = "FilmMarketTallyExists";
    else if (revision !== expected) err = "FilmMarketTallyRevisionMismatch";
    else if (w !== weightOf(m, period)) err = "FilmMarketViewWeightMismatch";
    else if (leaves.length > 0 && tally.totalSeconds === 0n) err = "FilmMarketInvalidTally";
    else if (signers.length < 3) err = "FilmMarketThresholdNotMet";
    if (err) return reverts(tx, r.market, err).then(() => `period ${period}: reverted ${err}`);
    await mined(m, tx);
    const claimableAt = t + m.challengeWindow;
    m.tallies.set(period, {
      period, status: "posted", leaves, tree, input: tally, sigs, w, claimableAt, paidByFilm: new Map(),
    });
    pool(m, period); // watch this period's pool from now on
    const stored = await r.market.tallyOf(period);
    expect(stored.claimableAt).to.equal(claimableAt);
    expect(stored.leafCount).to.equal(BigInt(leaves.length));
    expect(stored.revision).to.equal(BigInt(revision));
    return `period ${period} rev ${revision}: ${leaves.length} leaves, views ${tally.totalViews}, seconds ${tally.totalSeconds}`;
  }
}

class Dispute extends Step {
  constructor(readonly pick: number, readonly who: "guardian" | "outsider" | "signers") { super(); }
  toString() { return `dispute(#${this.pick}, ${this.who})`; }
  async exec(m: Model, r: Real) {
    // Mostly a tally inside its challenge window; sometimes any period.
    const open = [...m.tallies.values()].filter((t) => t.status === "posted" && m.now + 1n < t.claimableAt).map((t) => t.period);
    const known = open.length && this.pick % 3 !== 0 ? open : [...m.tallies.keys()];
    const period = known.length && this.pick % 5 !== 0 ? known[this.pick % known.length] : BigInt(this.pick % 3);
    const tally = m.tallies.get(period);
    // Signers sign a dispute of exactly the tally they see (an empty stand-in when there is none).
    const named = tally?.input ?? buildTally(period, []).tally;
    const disputeSigs = this.who === "signers" ? await signDispute(r.market, named, r.d.oracles.slice(0, 3)) : undefined;
    const t = await nextTx(m);
    const tx = disputeSigs
      ? r.market.connect(r.outsider).disputeWithSignatures(named, disputeSigs, "property test")
      : r.market.connect(this.who === "guardian" ? r.guardian : r.outsider).dispute(period, "property test");
    let err: string | undefined;
    if (this.who === "outsider") err = "FilmMarketNotGuardian";
    else if (tally?.status !== "posted") err = "FilmMarketNoTally";
    else if (t >= tally.claimableAt) err = "FilmMarketChallengeWindowClosed";
    if (err) return reverts(tx, r.market, err).then(() => `period ${period}: reverted ${err}`);
    await mined(m, tx);
    tally!.status = "disputed";
    tally!.disputeSigs = disputeSigs;
    m.dead.push(tally!);
    expect((await r.market.tallyOf(period)).status).to.equal(2n);
    return `period ${period} disputed`;
  }
}

/** An attacker re-posts a disputed tally with the signatures of its original transaction. */
class RepostDisputed extends Step {
  constructor(readonly pick: number) { super(); }
  toString() { return `repostDisputed(#${this.pick})`; }
  async exec(m: Model, r: Real) {
    if (m.dead.length === 0) return "nothing disputed";
    const t = m.dead[this.pick % m.dead.length];
    await nextTx(m);
    // Refused either way: the replacement stands, or the period expects a later revision.
    const err = m.tallies.get(t.period)?.status === "posted" ? "FilmMarketTallyExists" : "FilmMarketTallyRevisionMismatch";
    await reverts(r.market.connect(r.outsider).postTally(t.input, t.sigs), r.market, err);
    // Its dispute signatures are about it alone: replayed against what stands now, they are refused.
    const now = m.tallies.get(t.period)!;
    if (t.disputeSigs && now.status === "posted") {
      await reverts(r.market.disputeWithSignatures.staticCall(now.input, t.disputeSigs, "replay"), r.market, "FilmMarketUnknownSigner");
      await reverts(r.market.disputeWithSignatures.staticCall(t.input, t.disputeSigs, "replay"), r.market, "FilmMarketTallyMismatch");
      return `period ${t.period}: reverted ${err}; dispute replay refused`;
    }
    return `period ${t.period}: reverted ${err}`;
  }
}

/** The token starts or stops refusing transfers to a creator (a payee of claims). */
class Blacklist extends Step {
  constructor(readonly creator: number, readonly blocked: boolean) { super(); }
  toString() { return `blacklist(creator#${this.creator}, ${this.blocked})`; }
  async exec(m: Model, r: Real) {
    const who = r.creators[this.creator % r.creators.length].address;
    await nextTx(m);
    await mined(m, r.token.setBlacklisted(who, this.blocked));
    if (this.blocked) m.blocked.add(who);
    else m.blocked.delete(who);
    return `${short(who)} ${this.blocked ? "blocked" : "unblocked"}`;
  }
}

interface ClaimPick { tally: number; leaf: number }

class Claim extends Step {
  /** `rest`: a batch of every unclaimed leaf of one claimable period (so periods get fully claimed). */
  constructor(readonly picks: ClaimPick[], readonly batch: boolean, readonly forge: boolean, readonly rest = false) { super(); }
  toString() {
    if (this.rest) return `claimRest(#${this.picks[0]?.tally ?? 0})`;
    return `${this.batch ? "claimBatch" : "claim"}([${this.picks.map((p) => `${p.tally}.${p.leaf}`).join(" ")}]${this.forge ? ", forged" : ""})`;
  }
  async exec(m: Model, r: Real) {
    const at = m.now + 1n;
    const withLeaves = [...m.tallies.values()].filter((t) => t.leaves.length > 0);
    const unclaimed = (t: TallyM) => t.leaves.filter((l) => !claimedSet(m, t.period).has(l[0]));
    // Mostly a claimable tally with unclaimed leaves; sometimes any tally, to exercise the refusals.
    const claimable = withLeaves.filter((t) => t.status === "posted" && at >= t.claimableAt && unclaimed(t).length > 0);
    const reqs: Array<{ tally: TallyM | undefined; period: bigint; leaf: Leaf; req: ReturnType<typeof claimRequest>; forged: boolean }> = [];
    const add = (t: TallyM, leaf: Leaf, forged = false) => {
      const req = claimRequest(t.tree, t.period, leaf);
      if (forged) req.views = leaf[1] + 1n;
      reqs.push({ tally: t, period: t.period, leaf, req, forged });
    };
    if (this.rest) {
      if (claimable.length === 0) return "nothing claimable";
      const t = claimable[(this.picks[0]?.tally ?? 0) % claimable.length];
      for (const leaf of unclaimed(t)) add(t, leaf);
    }
    const picks = this.rest ? [] : this.batch ? this.picks : this.picks.slice(0, 1);
    for (const [i, p] of picks.entries()) {
      if (withLeaves.length === 0) {
        // Nothing to claim yet: a request for a period without a tree (or an empty one).
        const period = BigInt(p.tally % 3);
        const leaf: Leaf = [1n, 0n, 0n];
        reqs.push({ tally: m.tallies.get(period), period, leaf, forged: true,
          req: { period, filmId: 1n, views: 0n, seconds_: 0n, proof: [] } });
        continue;
      }
      const from = claimable.length && p.tally % 4 !== 0 ? claimable : withLeaves;
      const t = from[p.tally % from.length];
      const open = unclaimed(t);
      const leaf = open.length && p.leaf % 4 !== 0 ? open[p.leaf % open.length] : t.leaves[p.leaf % t.leaves.length];
      add(t, leaf, this.forge && i === picks.length - 1);
    }

    const now = await nextTx(m);
    const tx = this.batch ? r.market.claimBatch(reqs.map((x) => x.req)) : r.market.claim(reqs[0].req);

    // Simulate the claims in order on a scratch copy; the first failure reverts the whole call, and a
    // batch skips what is already claimed.
    let err: string | undefined = reqs.length === 0 ? "FilmMarketEmptyBatch" : undefined;
    const scratchClaimed = new Map<bigint, Set<bigint>>();
    const scratchPaid = new Map<bigint, bigint>();
    const payouts: Array<{ period: bigint; film: bigint; payee: string; share: bigint }> = [];
    for (const x of reqs) {
      if (err) break;
      const t = m.tallies.get(x.period);
      if (t?.status !== "posted") { err = "FilmMarketNoTally"; break; }
      if (now < t.claimableAt) { err = "FilmMarketNotClaimable"; break; }
      if (now >= t.claimableAt + CLAIM_WINDOW) { err = "FilmMarketClaimsClosed"; break; }
      const done = scratchClaimed.get(x.period) ?? new Set(claimedSet(m, x.period));
      scratchClaimed.set(x.period, done);
      if (done.has(x.req.filmId)) {
        if (this.batch) continue;
        err = "FilmMarketAlreadyClaimed"; break;
      }
      if (x.forged || t !== x.tally) { err = "FilmMarketInvalidProof"; break; }
      done.add(x.leaf[0]);
      const mp = pool(m, x.period);
      const share = expectedShare(mp.amount, x.leaf, t.input.totalViews, t.input.totalSeconds, t.w);
      const paid = scratchPaid.get(x.period) ?? mp.paid;
      if (share > mp.amount - paid) { err = "FilmMarketPoolExceeded"; break; }
      scratchPaid.set(x.period, paid + share);
      payouts.push({ period: x.period, film: x.leaf[0], payee: m.films[Number(x.leaf[0]) - 1].owner, share });
    }
    if (err) return reverts(tx, r.market, err).then(() => `reverted ${err}`);

    const payees = [...new Set(payouts.map((p) => p.payee))];
    const before = await balances(r, [r.marketAddr, ...payees]);
    const receipt = await mined(m, tx);
    const after = await balances(r, [r.marketAddr, ...payees]);
    const events = receipt.logs
      .filter((l) => l.address === r.marketAddr)
      .map((l) => r.market.interface.parseLog(l))
      .filter((e): e is LogDescription => e?.name === "Claimed");
    expect(events.length, "one Claimed event per request").to.equal(payouts.length);
    let total = 0n;
    for (const [i, p] of payouts.entries()) {
      const e = events[i]!;
      expect([e.args.period, e.args.filmId, e.args.payee, e.args.amount], "Claimed event").to.deep.equal([
        p.period, p.film, p.payee, p.share,
      ]);
      const t = m.tallies.get(p.period)!;
      t.paidByFilm.set(p.film, e.args.amount);
      claimedSet(m, p.period).add(p.film);
      const mp = pool(m, p.period);
      mp.paid += p.share;
      mp.claimedCount += 1;
      total += p.share;
    }
    // A payee the token refuses is credited instead: one ClaimCredited per refused transfer.
    const credited = receipt.logs
      .filter((l) => l.address === r.marketAddr)
      .map((l) => r.market.interface.parseLog(l))
      .filter((e): e is LogDescription => e?.name === "ClaimCredited");
    let creditedTotal = 0n;
    payees.forEach((a, i) => {
      const due = payouts.filter((p) => p.payee === a).reduce((s, p) => s + p.share, 0n);
      if (m.blocked.has(a)) {
        const got = credited.filter((e) => e.args.payee === a).reduce((s: bigint, e) => s + (e.args.amount as bigint), 0n);
        expect(got, `payee ${short(a)} credited its shares`).to.equal(due);
        expect(after[i + 1], `blocked payee ${short(a)} received nothing`).to.equal(before[i + 1]);
        addEarnings(m, a, due);
        creditedTotal += due;
      } else {
        expect(after[i + 1], `payee ${short(a)} received its shares`).to.equal(before[i + 1] + due);
      }
    });
    expect(credited.every((e) => m.blocked.has(e.args.payee)), "only refused payees are credited").to.equal(true);
    expect(after[0], "market paid out the shares it could").to.equal(before[0] - total + creditedTotal);
    // Invariant: claiming the same leaves again reverts with FilmMarketAlreadyClaimed.
    await checkNoDoubleClaim(m, r, reqs.map((x) => [x.tally!, x.leaf]));
    return payouts.map((p) => `p${p.period} film ${p.film} → ${p.share}`).join(", ");
  }
}

class WithdrawEarnings extends Step {
  constructor(readonly account: number, readonly to: number) { super(); }
  toString() { return `withdrawEarnings(acct#${this.account}, to#${this.to})`; }
  async exec(m: Model, r: Real) {
    // Prefer accounts that hold earnings, so withdrawals actually happen.
    const holders = r.accounts.filter((a) => (m.earnings.get(a.address) ?? 0n) > 0n);
    const pool = this.account % 3 !== 0 && holders.length ? holders : r.accounts;
    const a = pool[this.account % pool.length];
    const to = r.accounts[this.to % r.accounts.length];
    const due = m.earnings.get(a.address) ?? 0n;
    await nextTx(m);
    const tx = r.market.connect(a).withdrawEarnings(to.address);
    if (due === 0n) return reverts(tx, r.market, "FilmMarketNothingToWithdraw").then(() => "nothing");
    if (m.blocked.has(to.address)) return reverts(tx, r.token, "BlacklistTokenBlocked").then(() => "reverted: recipient blocked");
    const [b] = await balances(r, [to.address]);
    await mined(m, tx);
    m.earnings.set(a.address, 0n);
    expect((await balances(r, [to.address]))[0], "recipient got the earnings").to.equal(b + due);
    return `${due} from ${short(a.address)} to ${short(to.address)}`;
  }
}

class WithdrawFees extends Step {
  constructor(readonly caller: number) { super(); }
  toString() { return `withdrawFees(caller#${this.caller})`; }
  async exec(m: Model, r: Real) {
    const caller = r.accounts[this.caller % r.accounts.length];
    await nextTx(m);
    const tx = r.market.connect(caller).withdrawFees();
    if (m.fees === 0n) return reverts(tx, r.market, "FilmMarketNothingToWithdraw").then(() => "nothing");
    const [b] = await balances(r, [r.treasury.address]);
    await mined(m, tx);
    expect((await balances(r, [r.treasury.address]))[0], "treasury got the fees").to.equal(b + m.fees);
    const sent = m.fees;
    m.fees = 0n;
    return `${sent} to treasury`;
  }
}

class RollOver extends Step {
  constructor(readonly pick: number) { super(); }
  toString() { return `rollOver(#${this.pick})`; }
  async exec(m: Model, r: Real) {
    // Mostly a settled period with something left; sometimes any period, to exercise the refusals.
    const ready = [...m.tallies.values()].filter((t) => t.status === "posted" && m.now + 1n >= t.claimableAt &&
      (pool(m, t.period).claimedCount >= t.leaves.length || m.now + 1n >= t.claimableAt + CLAIM_WINDOW) && pool(m, t.period).amount > pool(m, t.period).paid).map((t) => t.period);
    const known = ready.length && this.pick % 4 !== 0 ? ready : [...m.tallies.keys()];
    const period = known.length && this.pick % 5 !== 0 ? known[this.pick % known.length] : BigInt(this.pick % 3);
    const t = await nextTx(m);
    const tx = r.market.rollOver(period);
    const tally = m.tallies.get(period);
    const mp = pool(m, period);
    let err: string | undefined;
    if (tally?.status !== "posted") err = "FilmMarketNoTally";
    else if (t < tally.claimableAt) err = "FilmMarketNotClaimable";
    else if (mp.claimedCount < tally.leaves.length && t < tally.claimableAt + CLAIM_WINDOW) err = "FilmMarketClaimsOutstanding";
    else if (mp.amount === mp.paid) err = "FilmMarketNothingToRollOver";
    if (err) return reverts(tx, r.market, err).then(() => `period ${period}: reverted ${err}`);
    await mined(m, tx);
    const remainder = mp.amount - mp.paid;
    const into = periodAt(m, t);
    mp.paid = mp.amount;
    pool(m, into).amount += remainder;
    m.rolled += remainder;
    return `period ${period}: ${remainder} into period ${into}`;
  }
}

class Pause extends Step {
  constructor(readonly who: "guardian" | "admin" | "outsider") { super(); }
  toString() { return `pause(${this.who})`; }
  async exec(m: Model, r: Real) {
    await nextTx(m);
    const tx = r.market.connect(r[this.who]).pause();
    // The admin account only proposes to the timelock: it holds no role on the market.
    if (this.who !== "guardian") return reverts(tx, r.market, "AccessControlUnauthorizedAccount").then(() => "unauthorized");
    if (m.paused) return reverts(tx, r.market, errorName(r.market, "FilmMarketPurchasesPaused", "EnforcedPause")).then(() => "already paused");
    await mined(m, tx);
    m.paused = true;
    return "paused";
  }
}

class Unpause extends Step {
  constructor(readonly who: "guardian" | "admin") { super(); }
  toString() { return `unpause(${this.who})`; }
  async exec(m: Model, r: Real) {
    await nextTx(m);
    const tx = r.market.connect(r[this.who]).unpause();
    // Resuming goes through the timelock (an `unpause` proposal): neither the guardian nor the proposer may.
    return reverts(tx, r.market, "AccessControlUnauthorizedAccount").then(() => "unauthorized");
  }
}

/** The proposer (or an outsider) calls a governed setter directly: refused, only the timelock may. */
class DirectChange extends Step {
  constructor(readonly who: "admin" | "outsider", readonly call: GovernedCall) { super(); }
  toString() { return `direct(${this.who}: ${this.call[0]}(${this.call[1].join(", ")}))`; }
  async exec(m: Model, r: Real) {
    await nextTx(m);
    const market = r.market.connect(r[this.who]) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    await reverts(market[this.call[0]](...this.call[1]), r.market, "AccessControlUnauthorizedAccount");
    return "unauthorized";
  }
}

let saltCount = 0;

/** Schedules a batch of market calls in the timelock: the admin with the delay, or refused. */
class Propose extends Step {
  constructor(readonly calls: GovernedCall[], readonly who: "admin" | "outsider", readonly shortDelay: boolean) { super(); }
  toString() {
    return `propose(${this.who}${this.shortDelay ? ", short delay" : ""}: ${this.calls.map(([f, a]) => `${f}(${a.join(", ")})`).join("; ")})`;
  }
  async exec(m: Model, r: Real) {
    const salt = ethers.id(`invariants-${++saltCount}`);
    const target = r.marketAddr;
    const payloads = this.calls.map((call) => encodeCall(r.market, call));
    const delay = this.shortDelay ? GOVERNANCE_DELAY - 1 : GOVERNANCE_DELAY;
    const t = await nextTx(m);
    const tx = r.d.timelock.connect(r[this.who]).scheduleBatch(
      this.calls.map(() => target), this.calls.map(() => 0n), payloads, ethers.ZeroHash, salt, delay,
    );
    if (this.who === "outsider") return reverts(tx, r.d.timelock, "AccessControlUnauthorizedAccount").then(() => "unauthorized");
    if (this.shortDelay) return reverts(tx, r.d.timelock, "TimelockInsufficientDelay").then(() => "reverted short delay");
    await mined(m, tx);
    m.proposals.push({ calls: this.calls, salt, readyAt: t + BigInt(GOVERNANCE_DELAY) });
    return `ready at ${t + BigInt(GOVERNANCE_DELAY)}`;
  }
}

/** The market error a governed call meets in the model's state, or undefined if it goes through. */
function governedError([fn, args]: GovernedCall, paused: boolean): string | undefined {
  if (fn === "unpause") return paused ? undefined : "FilmMarketNotPaused";
  if (fn === "pause") return paused ? "FilmMarketPurchasesPaused" : undefined;
  const v = BigInt(args[0] as number | bigint);
  if (fn === "setFee") return v > 2_000n ? "FilmMarketFeeTooHigh" : undefined;
  if (fn === "setMonthlyPrice") return v === 0n ? "FilmMarketInvalidPrice" : undefined;
  if (fn === "setViewWeight") return v > 10_000n ? "FilmMarketInvalidViewWeight" : undefined;
  if (fn === "setChallengeWindow") {
    if (v < BigInt(MIN_CHALLENGE_WINDOW)) return "FilmMarketChallengeWindowTooShort";
    return v > 30n * BigInt(DAY) ? "FilmMarketInvalidWindow" : undefined;
  }
  throw new Error(`no model for ${fn}`);
}

/** Executes a scheduled batch: refused before its delay, all or nothing after it. */
class Execute extends Step {
  constructor(readonly pick: number, readonly when: "now" | "justBefore" | "whenReady") { super(); }
  toString() { return `execute(#${this.pick}, ${this.when})`; }
  async exec(m: Model, r: Real) {
    if (m.proposals.length === 0) return "nothing scheduled";
    const index = this.pick % m.proposals.length;
    const p = m.proposals[index];
    if (this.when === "justBefore" && p.readyAt - 2n > m.now) m.now = p.readyAt - 2n;
    if (this.when === "whenReady" && p.readyAt - 1n > m.now) m.now = p.readyAt - 1n;
    const t = await nextTx(m);
    const payloads = p.calls.map((call) => encodeCall(r.market, call));
    const send = () => r.d.timelock.connect(r.admin).executeBatch(
      p.calls.map(() => r.marketAddr), p.calls.map(() => 0n), payloads, ethers.ZeroHash, p.salt,
    );
    if (t < p.readyAt) return reverts(send(), r.d.timelock, "TimelockUnexpectedOperationState").then(() => "reverted too early");
    let paused = m.paused;
    for (const call of p.calls) {
      const err = governedError(call, paused);
      if (err) return reverts(send(), r.market, err).then(() => `reverted ${err}`);
      if (call[0] === "pause" || call[0] === "unpause") paused = call[0] === "pause";
    }
    await mined(m, send());
    m.proposals.splice(index, 1);
    const next = periodAt(m, t) + 1n;
    for (const [fn, args] of p.calls) {
      const v = BigInt((args[0] as number | bigint | undefined) ?? 0);
      if (fn === "setFee") m.feeBps = v;
      else if (fn === "setMonthlyPrice") m.monthlyPrice = v;
      else if (fn === "setChallengeWindow") m.challengeWindow = v;
      else if (fn === "setViewWeight") {
        // From the next period on; a second change before that period replaces the first.
        if (m.weights.at(-1)![0] === next) m.weights.pop();
        m.weights.push([next, v]);
      } else m.paused = fn === "pause";
    }
    return `executed ${p.calls.length} call(s)`;
  }
}

/** Someone sends tokens straight to the market: owed to no one, so the balance may exceed what is owed. */
class Donate extends Step {
  constructor(readonly amount: bigint) { super(); }
  toString() { return `donate(${this.amount})`; }
  async exec(m: Model, r: Real) {
    await nextTx(m);
    await mined(m, r.token.connect(r.outsider).transfer(r.marketAddr, this.amount));
    m.donated += this.amount;
    return "sent";
  }
}

// ------------------------------------------------------------------------------------ arbitraries

const price = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0n) },
  { weight: 5, arbitrary: fc.bigInt(1n, 10n * USD) },
  { weight: 1, arbitrary: fc.bigInt(1n, 100n) },
  // Bounds of the stored price field: too dear to buy, but they must be stored exactly or refused.
  { weight: 1, arbitrary: fc.constantFrom((1n << 88n) - 1n, 1n << 88n, (1n << 96n) - 1n) },
);
const count = fc.oneof(
  { weight: 3, arbitrary: fc.bigInt(0n, 50n) },
  { weight: 2, arbitrary: fc.bigInt(0n, 1_000_000n) },
  { weight: 1, arbitrary: fc.bigInt(0n, 1n << 58n) },
);
const leafSpec = fc.record({ film: fc.nat(40), views: count, seconds: count });
const oracleSet = fc.oneof(
  { weight: 6, arbitrary: fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 3, maxLength: 5 }) },
  { weight: 1, arbitrary: fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 2, maxLength: 2 }) },
);

/** A call only governance may make, with values inside and outside each parameter's bounds. */
const governedCall: fc.Arbitrary<GovernedCall> = fc.oneof(
  fc.integer({ min: 0, max: 2_200 }).map((v): GovernedCall => ["setFee", [v]]),
  fc.integer({ min: 0, max: 5_000 }).map((v): GovernedCall => ["setMonthlyPrice", [BigInt(v) * (USD / 100n)]]),
  fc.integer({ min: 0, max: 10_500 }).map((v): GovernedCall => ["setViewWeight", [v]]),
  fc.constantFrom(0, MIN_CHALLENGE_WINDOW - 1, MIN_CHALLENGE_WINDOW, 2 * DAY, 30 * DAY, 30 * DAY + 1)
    .map((v): GovernedCall => ["setChallengeWindow", [v]]),
  fc.constantFrom<GovernedCall>(["unpause", []], ["pause", []]),
);

const claimPicks = (min: number, max: number) =>
  fc.array(fc.record({ tally: fc.nat(10), leaf: fc.nat(10) }), { minLength: min, maxLength: max });

/** Each arbitrary with its weight: fc.commands draws uniformly from the list, so weights repeat entries. */
const weighted: Array<[number, fc.Arbitrary<Step>]> = [
  [1, fc.tuple(fc.nat(2), price, fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 7_200 }) },
    { weight: 1, arbitrary: fc.constant(0) })).map(([c, p, d]) => new Mint(c, p, d))],
  [1, fc.tuple(fc.nat(20), fc.option(price, { freq: 4 }), fc.boolean()).map(([f, p, o]) => new SetPrice(f, p, o))],
  [1, fc.tuple(fc.nat(20), fc.boolean(), fc.boolean()).map(([f, p, o]) => new SetSalesPaused(f, p, o))],
  [1, fc.tuple(fc.nat(20), fc.nat(20)).map(([f, t]) => new TransferListing(f, t))],
  [3, fc.tuple(fc.nat(3), fc.nat(47), fc.nat(7)).map(([v, f, w]) => new BuyView(v, f, w === 0))],
  [2, fc.nat(20).map((f) => new BuyView(0, f, false, true))],
  [3, fc.tuple(fc.nat(3), fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 1, max: 12 }) },
    { weight: 1, arbitrary: fc.constantFrom(0, 13) }), fc.nat(7)).map(([v, n, w]) => new Subscribe(v, n, w === 0))],
  [2, fc.oneof(fc.integer({ min: 1, max: 2 * 3_600 }), fc.integer({ min: 1, max: 40 * DAY })).map((s) => new Travel(s))],
  [3, fc.integer({ min: 20 * DAY, max: 40 * DAY }).map((s) => new Travel(s))],
  [3, fc.tuple(fc.constantFrom("claimable" as const, "periodEnd" as const), fc.nat(5),
    fc.constantFrom(-1 as const, 0 as const, 1 as const)).map(([k, p, d]) => new TravelToBoundary(k, p, d))],
  [1, fc.tuple(fc.nat(20), fc.array(leafSpec, { maxLength: 6 }), oracleSet).map(([p, l, o]) => new PostTally(p, l, o))],
  [4, fc.tuple(fc.nat(20), fc.array(leafSpec, { minLength: 1, maxLength: 6 }), oracleSet).map(([p, l, o]) => new PostTally(p, l, o))],
  [3, fc.tuple(fc.nat(20), fc.nat(5)).map(([p, g]) => new Dispute(p, g === 0 ? "outsider" : g < 3 ? "guardian" : "signers"))],
  [2, fc.nat(20).map((p) => new RepostDisputed(p))],
  [2, fc.tuple(fc.nat(2), fc.nat(2)).map(([c, b]) => new Blacklist(c, b !== 0))],
  [1, fc.integer({ min: 150 * ONE_DAY, max: 200 * ONE_DAY }).map((s) => new Travel(s))],
  [2, fc.tuple(claimPicks(1, 1), fc.nat(9)).map(([p, f]) => new Claim(p, false, f === 0))],
  [1, fc.tuple(claimPicks(0, 6), fc.nat(9)).map(([p, f]) => new Claim(p, true, f === 0))],
  [2, claimPicks(1, 6).map((p) => new Claim(p, true, false))],
  [3, claimPicks(1, 1).map((p) => new Claim(p, true, false, true))],
  [2, fc.tuple(fc.nat(20), fc.nat(20)).map(([a, t]) => new WithdrawEarnings(a, t))],
  [1, fc.nat(20).map((c) => new WithdrawFees(c))],
  [3, fc.nat(20).map((p) => new RollOver(p))],
  [1, fc.constantFrom("guardian" as const, "admin" as const, "outsider" as const).map((w) => new Pause(w))],
  [1, fc.constantFrom("admin" as const, "guardian" as const).map((w) => new Unpause(w))],
  [1, fc.tuple(fc.constantFrom("admin" as const, "outsider" as const), governedCall).map(([w, c]) => new DirectChange(w, c))],
  [2, fc.tuple(fc.array(governedCall, { minLength: 1, maxLength: 3 }), fc.nat(9)).map(([calls, k]) =>
    new Propose(calls, k === 0 ? "outsider" : "admin", k === 1))],
  [3, fc.tuple(fc.nat(5), fc.constantFrom("now" as const, "justBefore" as const, "whenReady" as const, "whenReady" as const))
    .map(([p, w]) => new Execute(p, w))],
  [1, fc.bigInt(1n, 5n * USD).map((a) => new Donate(a))],
];
/** A head start most runs get, so that settlement is reached within a short sequence: a few
 * subscriptions at genesis, then (usually) a jump into a later period. */
const warmUp = fc
  .tuple(
    fc.array(fc.tuple(fc.nat(3), fc.integer({ min: 1, max: 12 })).map(([v, n]) => new Subscribe(v, n, false)), { maxLength: 3 }),
    fc.option(fc.integer({ min: 25 * DAY, max: 45 * DAY }).map((s) => new Travel(s)), { freq: 4 }),
  )
  .map(([subs, travel]): Step[] => (travel ? [...subs, travel] : subs));

const commandArbs = weighted.flatMap(([n, arb]) => Array<fc.Arbitrary<Step>>(n).fill(arb));

// ------------------------------------------------------------------------------------ the property

describe("FilmMarket invariants (stateful property test)", function () {
  this.timeout(240_000);

  it(`keeps the market solvent, pools within their funding and each share paid exactly once over ${RUNS} random action sequences`, async () => {
    let steps = 0;
    const stats = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(warmUp, fc.commands(commandArbs, { maxCommands: MAX_COMMANDS, size: "max" }), async (warm, cmds) => {
        const s = await setup();
        await checkInvariants(s.model, s.real);
        for (const step of warm) await step.run(s.model, s.real);
        await fc.asyncModelRun(async () => s, cmds);
        steps += s.model.trace.length;
        if (process.env.FC_STATS) {
          const milestones = ["postTally", "claim", "claimBatch", "claimRest", "rollOver"]
            .filter((c) => s.model.trace.some((l) => l.startsWith(c + "(") && !/reverted|nothing/.test(l.split(" → ")[1])));
          const mk = `run reached: ${milestones.join(",") || "-"}`;
          stats.set(mk, (stats.get(mk) ?? 0) + 1);
          for (const line of s.model.trace) {
            const [cmd, outcome] = line.split(" → ");
            const k = `${cmd.replace(/\(.*$/, "")}: ${/reverted|unauthorized|nothing|unknown|not owner|unchanged|already|too high|zero|no |not paused/.test(outcome) ? outcome.replace(/^period \d+: /, "").replace(/film \d+ /, "") : "ok"}`;
            stats.set(k, (stats.get(k) ?? 0) + 1);
          }
        }
      }),
      {
        numRuns: RUNS,
        ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
        ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
      },
    );
    if (process.env.FC_STATS) console.log([...stats].sort().map(([k, v]) => `${String(v).padStart(5)}  ${k}`).join("\n"));
    expect(steps, "the runs executed commands").to.be.greaterThan(RUNS);
  });
});
