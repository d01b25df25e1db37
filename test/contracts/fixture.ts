// Shared deployment for the contract tests: token, listings and market on Hardhat's in-process
// chain, governed as on a real network (a TimelockController holds the admin roles, `admin` is its
// proposer and executor), with oracle signers, a guardian, creators with listings and funded viewers.
import type { NetworkConnection } from "hardhat/types/network";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { FilmMarket, TestDollar, TimelockController } from "../../types/ethers-contracts/index.ts";
import { id, TypedDataEncoder, ZeroHash, type BaseWallet, type Interface, type Signer, type TypedDataDomain } from "ethers";

export const DAY = 86_400;
export const PERIOD = 30 * DAY;
export const PASS_WINDOW = 2 * DAY;
export const CHALLENGE_WINDOW = 3 * DAY;
export const USD = 1_000_000n; // 6 decimals
export const MONTHLY_PRICE = 10n * USD;
export const FEE_BPS = 1_000;
export const VIEW_WEIGHT_BPS = 5_000;
export const BPS = 10_000n;
export const FILM_PRICE = 2n * USD;
export const LEAF_TYPES = ["uint256", "uint64", "uint64"];
/** How long a governance proposal waits in the timelock before it can execute. */
export const GOVERNANCE_DELAY = 2 * DAY;
/** The lowest challenge window the market accepts (`MIN_CHALLENGE_WINDOW`). */
export const MIN_CHALLENGE_WINDOW = 3_600;

export type Leaf = [bigint, bigint, bigint]; // filmId, views, seconds

/** A token with `faucet(amount)`: TestDollar, or the test-only BlacklistToken or UsdcShapedToken. */
export type FixtureToken = "TestDollar" | "BlacklistToken" | "UsdcShapedToken";

export async function deployMarket(connection: NetworkConnection, tokenName: FixtureToken = "TestDollar") {
  const { ethers } = connection;
  const [admin, treasury, guardian, creatorA, creatorB, viewer1, viewer2, viewer3, outsider] =
    await ethers.getSigners();

  // Five oracle operators with fixed keys, three of which must sign.
  const oracles: BaseWallet[] = Array.from({ length: 5 }, (_, i) =>
    new ethers.Wallet(ethers.keccak256(ethers.toUtf8Bytes(`oracle-${i}`)), ethers.provider),
  );

  // BlacklistToken and UsdcShapedToken share TestDollar's ERC-20 + faucet surface, which is all the tests use.
  const token = (await ethers.deployContract(tokenName)) as unknown as TestDollar;
  const listings = await ethers.deployContract("FilmListings");
  const latest = await ethers.provider.getBlock("latest");
  const genesis = BigInt(latest!.timestamp);
  // The admin may propose and execute; nobody administers the timelock but the timelock itself.
  const timelock = (await ethers.deployContract("TimelockController", [
    GOVERNANCE_DELAY, [admin.address], [admin.address], ethers.ZeroAddress,
  ])) as unknown as TimelockController;
  const config = {
    paymentToken: await token.getAddress(),
    listings: await listings.getAddress(),
    admin: await timelock.getAddress(),
    guardian: guardian.address,
    treasury: treasury.address,
    feeBps: FEE_BPS,
    viewWeightBps: VIEW_WEIGHT_BPS,
    monthlyPrice: MONTHLY_PRICE,
    passWindow: PASS_WINDOW,
    challengeWindow: CHALLENGE_WINDOW,
    genesis,
    periodLength: PERIOD,
    oracleSigners: oracles.map((o) => o.address),
    oracleThreshold: 3,
  };
  const market = (await ethers.deployContract("FilmMarket", [config])) as unknown as FilmMarket;

  // Film 1: creator A, 2 tUSD, 10 min. Film 2: creator A, free. Film 3: creator B, 1 tUSD.
  await listings.connect(creatorA).mint("ipfs://bafyfilm1", 600, FILM_PRICE);
  await listings.connect(creatorA).mint("ipfs://bafyfilm2", 300, 0);
  await listings.connect(creatorB).mint("ipfs://bafyfilm3", 1_200, 1n * USD);

  for (const viewer of [viewer1, viewer2, viewer3, outsider]) {
    await token.connect(viewer).faucet(10_000n * USD);
    await token.connect(viewer).approve(await market.getAddress(), ethers.MaxUint256);
  }
  return {
    ethers, token, listings, market, timelock, config, genesis, oracles,
    admin, treasury, guardian, creatorA, creatorB, viewer1, viewer2, viewer3, outsider,
  };
}

export type Deployment = Awaited<ReturnType<typeof deployMarket>>;

export interface TallyInput {
  period: bigint;
  revision: number;
  root: string;
  totalViews: bigint;
  totalSeconds: bigint;
  leafCount: number;
  viewWeightBps: number;
  dataCid: string;
}

/** Builds the StandardMerkleTree and the tally the oracle would sign for these leaves. */
export function buildTally(
  period: bigint, leaves: Leaf[], viewWeightBps = VIEW_WEIGHT_BPS, dataCid = "bafytallydata", revision = 0,
) {
  // An empty period has no tree; its tally carries a zero root and zero totals.
  const tree = leaves.length ? StandardMerkleTree.of(leaves, LEAF_TYPES) : undefined;
  const tally: TallyInput = {
    period,
    revision,
    root: tree ? tree.root : "0x" + "00".repeat(32),
    totalViews: leaves.reduce((s, l) => s + l[1], 0n),
    totalSeconds: leaves.reduce((s, l) => s + l[2], 0n),
    leafCount: leaves.length,
    viewWeightBps,
    dataCid,
  };
  return { tree, tally };
}

export async function eip712Domain(market: FilmMarket) {
  const { chainId } = await market.runner!.provider!.getNetwork();
  return { name: "AI Films", version: "1", chainId, verifyingContract: await market.getAddress() };
}

export const TALLY_TYPES = {
  Tally: [
    { name: "period", type: "uint256" },
    { name: "revision", type: "uint32" },
    { name: "root", type: "bytes32" },
    { name: "totalViews", type: "uint64" },
    { name: "totalSeconds", type: "uint64" },
    { name: "leafCount", type: "uint32" },
    { name: "viewWeightBps", type: "uint16" },
    { name: "dataCid", type: "string" },
  ],
};
export const DISPUTE_TYPES = {
  Dispute: [
    { name: "period", type: "uint256" },
    { name: "tallyDigest", type: "bytes32" },
  ],
};

/** Signs with each wallet and returns signatures ordered by ascending signer address, as the contract requires. */
export async function signSorted(
  wallets: Array<Signer & { address: string }>,
  sign: (w: Signer) => Promise<string>,
): Promise<string[]> {
  const sorted = [...wallets].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
  return Promise.all(sorted.map(sign));
}

export async function signTally(market: FilmMarket, tally: TallyInput, wallets: Array<Signer & { address: string }>, domain?: TypedDataDomain) {
  const d = domain ?? (await eip712Domain(market));
  return signSorted(wallets, (w) => w.signTypedData(d, TALLY_TYPES, tally));
}

/** Threshold signers' signatures disputing exactly `tally` (its whole EIP-712 digest). */
export async function signDispute(market: FilmMarket, tally: TallyInput, wallets: Array<Signer & { address: string }>) {
  const d = await eip712Domain(market);
  const tallyDigest = TypedDataEncoder.hash(d, TALLY_TYPES, tally);
  return signSorted(wallets, (w) => w.signTypedData(d, DISPUTE_TYPES, { period: tally.period, tallyDigest }));
}

export function claimRequest(tree: StandardMerkleTree<Leaf> | undefined, period: bigint, leaf: Leaf) {
  return { period, filmId: leaf[0], views: leaf[1], seconds_: leaf[2], proof: tree!.getProof(leaf) };
}

/** The split formula, written independently of the contract, in integer arithmetic. */
export function expectedShare(pool: bigint, leaf: Leaf, totalViews: bigint, totalSeconds: bigint, w: bigint): bigint {
  const ts = totalSeconds;
  let tv = totalViews;
  if (ts === 0n) return 0n;
  if (tv === 0n) [w, tv] = [0n, 1n];
  return (pool * (w * leaf[1] * ts + (BPS - w) * leaf[2] * tv)) / (BPS * tv * ts);
}

/** Moves the chain past the end of `period`. */
export async function endPeriod(d: Pick<Deployment, "market" | "ethers">, period: bigint) {
  const [, end] = await d.market.periodBounds(period);
  const now = BigInt((await d.ethers.provider.getBlock("latest"))!.timestamp);
  if (now < end) await d.ethers.provider.send("evm_setNextBlockTimestamp", [Number(end)]);
  await d.ethers.provider.send("evm_mine", []);
}

/** One call the market's governance makes: a FilmMarket function name and its arguments. */
export type GovernedCall = [fn: string, args: unknown[]];

/** The calldata of a governed call to the market. */
export function encodeCall(market: FilmMarket, [fn, args]: GovernedCall): string {
  return (market.interface as Interface).encodeFunctionData(fn, args);
}

let proposalCount = 0;

/**
 * Proposes `calls` to the market through the timelock (as `admin`, its proposer) and returns the
 * scheduling transaction and `execute()`, which succeeds once the delay has passed.
 */
export async function propose(d: Pick<Deployment, "market" | "timelock" | "admin">, calls: GovernedCall[]) {
  const target = await d.market.getAddress();
  const targets = calls.map(() => target);
  const values = calls.map(() => 0n);
  const payloads = calls.map((call) => encodeCall(d.market, call));
  const salt = id(`proposal-${++proposalCount}`);
  const timelock = d.timelock.connect(d.admin);
  const scheduled = timelock.scheduleBatch(targets, values, payloads, ZeroHash, salt, GOVERNANCE_DELAY);
  await (await scheduled).wait();
  const operationId = await timelock.hashOperationBatch(targets, values, payloads, ZeroHash, salt);
  return { scheduled, operationId, execute: () => timelock.executeBatch(targets, values, payloads, ZeroHash, salt) };
}

/** Proposes `calls`, waits out the delay and executes them. Resolves to the execution's transaction. */
export async function govern(d: Pick<Deployment, "market" | "timelock" | "admin" | "ethers">, calls: GovernedCall[]) {
  const proposal = await propose(d, calls);
  await d.ethers.provider.send("evm_increaseTime", [GOVERNANCE_DELAY]);
  await d.ethers.provider.send("evm_mine", []);
  return proposal.execute();
}

/** Submits signers' dispute of `tally`. */
export function disputeBySigners(market: FilmMarket, tally: TallyInput, signatures: string[], reason: string) {
  return market.disputeWithSignatures(tally, signatures, reason);
}
