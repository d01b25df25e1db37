// Gas benchmark of the money paths: `npm run bench:gas` prints a table; `-- --json` also prints one
// JSON object on its last line. Each figure is the gasUsed of one transaction on Hardhat's
// in-process chain, with the state a real user would meet (token approved, balances non-zero).
// The latest output is kept in gas-snapshot.json so a change in cost shows in the diff.
import { writeFileSync } from "node:fs";
import { network } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { ContractTransactionResponse } from "ethers";
import type { FilmMarket } from "../../types/ethers-contracts/index.ts";

const json = process.argv.includes("--json");
const { ethers, networkHelpers } = await network.create();
const signers = await ethers.getSigners();
const [admin, treasury, creator, viewer, other] = signers;
const USD = 1_000_000n;
const PERIOD = 30 * 86_400;
const oracles = Array.from({ length: 5 }, (_, i) => new ethers.Wallet(ethers.keccak256(ethers.toUtf8Bytes(`bench-oracle-${i}`))));
const log = (msg: string) => {
  if (!json) process.stderr.write(msg + "\n");
};

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  return Number(receipt!.gasUsed);
}

async function deploy(signerCount: number, threshold: number) {
  const token = await ethers.deployContract("TestDollar");
  const listings = await ethers.deployContract("FilmListings");
  const market = await ethers.deployContract("FilmMarket", [
    {
      paymentToken: await token.getAddress(),
      listings: await listings.getAddress(),
      admin: admin.address,
      guardian: admin.address,
      treasury: treasury.address,
      feeBps: 1_000,
      viewWeightBps: 5_000,
      monthlyPrice: 10n * USD,
      passWindow: 2 * 86_400,
      challengeWindow: 86_400,
      genesis: 0,
      periodLength: PERIOD,
      oracleSigners: oracles.slice(0, signerCount).map((o) => o.address),
      oracleThreshold: threshold,
    },
  ]);
  for (const v of [viewer, other]) {
    await token.connect(v).faucet(10_000n * USD);
    await token.connect(v).approve(await market.getAddress(), ethers.MaxUint256);
  }
  return { token, listings, market };
}

async function signTally(market: FilmMarket, tally: object, wallets: typeof oracles) {
  const domain = { name: "AI Films", version: "1", chainId: 31337, verifyingContract: await market.getAddress() };
  const types = {
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
  const sorted = [...wallets].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
  return Promise.all(sorted.map((w) => w.signTypedData(domain, types, tally)));
}

/** A tally leaf: film id, views, seconds. */
type Leaf = [bigint, bigint, bigint];

/** A tree of `n` leaves; film `1..films` are real listings, the rest stand for other creators' films. */
function tallyFor(period: bigint, n: number) {
  const leaves: Leaf[] = [];
  for (let i = 1; i <= n; i++) leaves.push([BigInt(i), BigInt(1 + (i % 7)), BigInt(600 + (i % 1000) * 3)]);
  const tree = StandardMerkleTree.of(leaves, ["uint256", "uint64", "uint64"]);
  const tally = {
    period,
    revision: 0,
    root: tree.root,
    leafCount: n,
    viewWeightBps: 5_000,
    dataCid: "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
    totalViews: leaves.reduce((s, l) => s + l[1], 0n),
    totalSeconds: leaves.reduce((s, l) => s + l[2], 0n),
  };
  return { tree, tally, leaves };
}

const claimOf = (tree: StandardMerkleTree<Leaf>, period: bigint, leaf: Leaf) => ({
  period,
  filmId: leaf[0],
  views: leaf[1],
  seconds_: leaf[2],
  proof: tree.getProof(leaf),
});

const results: Record<string, number> = {};
const notes: Record<string, string> = {};

// ---- listings and purchases
{
  const { listings, market } = await deploy(5, 3);
  await listings.connect(creator).mint("ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", 600, 2n * USD);
  results.mint = await gasOf(
    listings.connect(creator).mint("ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", 900, 3n * USD),
  );
  results.setPrice = await gasOf(listings.connect(creator).setPrice(2n, 4n * USD));
  // The creator already has earnings and the treasury fees from an earlier sale: the usual state.
  await market.connect(other).buyView(1n, 2n * USD);
  results.buyView = await gasOf(market.connect(viewer).buyView(1n, 2n * USD));
  notes.buyView = "first pass of this viewer for this film";

  const token = await ethers.getContractAt("TestDollar", await market.paymentToken());
  const fresh = signers[6];
  await token.connect(fresh).faucet(100n * USD);
  const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
  const nonce = await token.nonces(fresh.address);
  const sig = ethers.Signature.from(
    await fresh.signTypedData(
      { name: "Test Dollar", version: "1", chainId: 31337, verifyingContract: await token.getAddress() },
      {
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      },
      { owner: fresh.address, spender: await market.getAddress(), value: 4n * USD, nonce, deadline },
    ),
  );
  results.buyViewWithPermit = await gasOf(market.connect(fresh).buyViewWithPermit(2n, 4n * USD, deadline, sig.v, sig.r, sig.s));

  await market.connect(other).subscribe(1, 10n * USD);
  results.subscribe1 = await gasOf(market.connect(viewer).subscribe(1, 10n * USD));
  notes.subscribe1 = "new subscriber; spans two periods";
  await token.connect(signers[7]).faucet(200n * USD);
  await token.connect(signers[7]).approve(await market.getAddress(), ethers.MaxUint256);
  results.subscribe12 = await gasOf(market.connect(signers[7]).subscribe(12, 10n * USD));
  notes.subscribe12 = "new subscriber; spans 13 periods";
}

// ---- posting tallies: the cost does not depend on the number of films
for (const [key, signerCount, threshold, leaves] of [
  ["postTally1of1", 1, 1, 10],
  ["postTally3of5", 5, 3, 10],
  ["postTally3of5_10leaves", 5, 3, 10],
  ["postTally3of5_100000leaves", 5, 3, 100_000],
] as const) {
  const { market } = await deploy(signerCount, threshold);
  await market.connect(viewer).subscribe(1, 10n * USD);
  await networkHelpers.time.increase(PERIOD);
  log(`building a ${leaves}-leaf tree for ${key}…`);
  const { tally } = tallyFor(0n, leaves);
  const sigs = await signTally(market, tally, oracles.slice(0, threshold));
  results[key] = await gasOf(market.postTally(tally, sigs));
}

// ---- claims in trees of 10, 1,000 and 100,000 films
for (const n of [10, 1_000, 100_000]) {
  const { listings, market } = await deploy(5, 3);
  await listings.connect(creator).mint("ipfs://bafyfilm", 600, 0);
  await listings.connect(creator).mint("ipfs://bafyfilm", 600, 0);
  await market.connect(viewer).subscribe(1, 10n * USD);
  await market.connect(other).subscribe(1, 10n * USD);
  await networkHelpers.time.increase(PERIOD);
  log(`building a ${n}-leaf tree for claim_${n}…`);
  const { tree, tally, leaves } = tallyFor(0n, n);
  await market.postTally(tally, await signTally(market, tally, oracles.slice(0, 3)));
  await networkHelpers.time.increase(86_400);
  // First claim of the period opens its claimed-bitmap word (a zero-to-non-zero store);
  // the second, the figure reported, is what nearly every other claim costs (255 of 256 share a word).
  results[`claim_${n}_firstOfPeriod`] = await gasOf(market.claim(claimOf(tree, 0n, leaves[0])));
  results[`claim_${n}`] = await gasOf(market.claim(claimOf(tree, 0n, leaves[1])));
}
notes.claim_100000 = "one film's claim; claim_*_firstOfPeriod is the first claim of the period";

// ---- batch: ten films of one owner claimed at once
{
  const { listings, market } = await deploy(5, 3);
  for (let i = 0; i < 10; i++) await listings.connect(creator).mint("ipfs://bafyfilm", 600, 0);
  await market.connect(viewer).subscribe(1, 10n * USD);
  await networkHelpers.time.increase(PERIOD);
  const { tree, tally, leaves } = tallyFor(0n, 1_000);
  await market.postTally(tally, await signTally(market, tally, oracles.slice(0, 3)));
  await networkHelpers.time.increase(86_400);
  const gas = await gasOf(market.claimBatch(leaves.slice(0, 10).map((l) => claimOf(tree, 0n, l))));
  results.claimBatch10PerFilm = Math.round(gas / 10);
  notes.claimBatch10PerFilm = "1,000-leaf tree, ten films of one owner, per film";
}

const targets: Record<string, number> = {
  buyView: 80_000,
  subscribe1: 90_000,
  postTally3of5: 130_000,
  postTally3of5_10leaves: 130_000,
  postTally3of5_100000leaves: 130_000,
  claim_100000: 65_000,
  claimBatch10PerFilm: 25_000,
};
const rows = Object.entries(results).map(([k, v]) => ({
  operation: k,
  gas: v,
  target: targets[k] ?? "",
  ok: targets[k] ? (v <= targets[k] ? "yes" : "NO") : "",
  note: notes[k] ?? "",
}));
if (!json) console.table(rows);
writeFileSync(new URL("../../gas-snapshot.json", import.meta.url), JSON.stringify(results, null, 2) + "\n");
if (json) console.log(JSON.stringify(results));
else console.log("written gas-snapshot.json");
