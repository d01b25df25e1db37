// The local platform's oracle on Hardhat's in-process chain with a real ledger (PGlite) and a
// real IPFS node: nothing happens before a period ends; once it has, one pass tallies (sealing the
// receipts archive to the local operators), publishes, recomputes from the archive and the chain,
// signs with the threshold of registered local keys and posts — exactly what the oracle CLI would
// post — and later passes never post twice; an empty period with a pool gets an empty tally so it
// can roll over; one with nothing at all is left alone; without enough local signers it says so.
import { expect } from "chai";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { connectProvider, type ChainContext } from "@ai-films/core/chain";
import { openIpfs, type IpfsStore } from "@ai-films/core/ipfs";
import { aggregatePeriod } from "@ai-films/core/ledger";
import { openDatabase, type Database } from "@ai-films/core/db";
import {
  periodClock,
  readTally,
  tallyPostings,
  buildTallyFile,
  commitViewerLines,
  parseTallyFile,
  periodSplit,
  runVerify,
  verifyViewerLine,
  viewerSaltKey,
  TALLY_FORMAT,
} from "@ai-films/core/oracle";
import { viewerFilmCounts } from "@ai-films/core/ledger/viewerCounts";
import { DEFAULT_CAP_BPS, type SplitMethod } from "@ai-films/core/domain";
import { createLocalOracle } from "@ai-films/core/platform";
import type { FilmMarket } from "../../types/ethers-contracts/index.ts";
import { beatTimes, signedPlayer } from "../helpers/signed-beats.ts";

const METHOD_2: SplitMethod = { version: 2, capBps: DEFAULT_CAP_BPS };

const USD = 1_000_000n;
const PERIOD = 30 * 86_400;

const connection = await network.create();
const { ethers, networkHelpers, provider } = connection;

describe("Local oracle (the platform settles ended periods)", function () {
  this.timeout(120_000);
  const keys = [generatePrivateKey(), generatePrivateKey(), generatePrivateKey()];
  const operators = keys.map((k) => privateKeyToAccount(k));
  let ctx: ChainContext;
  let db: Database;
  let store: IpfsStore;
  let tmp: string;
  let market: FilmMarket;
  let viewer: HardhatEthersSigner;

  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), "local-oracle-"));
    const [admin, treasury, creator, v1] = await ethers.getSigners();
    viewer = v1;
    const token = await ethers.deployContract("TestDollar");
    const listings = await ethers.deployContract("FilmListings");
    market = await ethers.deployContract("FilmMarket", [
      {
        paymentToken: await token.getAddress(),
        listings: await listings.getAddress(),
        admin: admin.address,
        guardian: admin.address,
        treasury: treasury.address,
        feeBps: 1_000,
        viewWeightBps: 5_000,
        monthlyPrice: 10n * USD,
        passWindow: 86_400,
        challengeWindow: 3_600,
        genesis: 0,
        periodLength: PERIOD,
        // The first two operators are registered; the third key is not a signer.
        oracleSigners: operators.slice(0, 2).map((o) => o.address),
        oracleThreshold: 2,
      },
    ]);
    for (const o of operators) await admin.sendTransaction({ to: o.address, value: ethers.parseEther("1") });
    await listings.connect(creator).mint("ipfs://bafyfilm1", 600, 2n * USD);
    await token.connect(v1).faucet(1_000n * USD);
    await token.connect(v1).approve(await market.getAddress(), ethers.MaxUint256);
    await market.connect(v1).subscribe(1, 10n * USD); // a month from now: pro rata into periods 0 and 1
    ctx = await connectProvider(provider, { market: await market.getAddress() });
    db = await openDatabase({ dataDir: "memory://" });
    store = await openIpfs({ dataDir: path.join(tmp, "ipfs") });
  });

  after(async () => {
    await db?.close();
    await store?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  const oracle = (operatorKeys = keys) =>
    createLocalOracle({ ctx, ledger: db, store, keys: operatorKeys, filesRoot: path.join(tmp, "oracle") });

  it("does nothing while the period is open", async () => {
    const clock = await periodClock(ctx);
    // Signed beats, as the heartbeat route records them: the receipts archive holds them.
    const player = await signedPlayer(db, ctx.chainId, clock, viewer, clock.genesis + 600);
    await player.watch(1n, "s1", beatTimes(clock.genesis + 600, clock.genesis + 720), "subscription", 600);
    expect(await oracle().settleEnded()).to.deep.equal([]);
    expect((await readTally(ctx, 0)).status).to.equal("none");
  });

  it("refuses to settle without the threshold of registered local keys, and says why", async () => {
    const [, end] = await market.periodBounds(0);
    await networkHelpers.time.increaseTo(end + 120n);
    // Only the unregistered third key and one signer: 1 of the 2 needed.
    const outcomes = await oracle([keys[0], keys[2]]).settleEnded();
    expect(outcomes).to.deep.equal([{ period: 0, status: "skipped", reason: "only 1 of the 2 signers needed are local" }]);
    expect((await readTally(ctx, 0)).status).to.equal("none");
  });

  it("tallies, publishes, signs with the registered keys and posts the ended period once", async () => {
    const local = oracle();
    const outcomes = await local.settleEnded();
    expect(outcomes).to.deep.equal([{ period: 0, status: "posted", leaves: 1, signers: 2 }]);
    const onChain = await readTally(ctx, 0);
    expect(onChain.status).to.equal("posted");
    // The posted root is the one the ledger gives, and the published file is on IPFS under the CID in the event.
    const [pool] = await market.poolOf(0);
    const [start, end] = await market.periodBounds(0);
    const expected = buildTallyFile(
      {
        chainId: ctx.chainId,
        market: ctx.market,
        period: 0,
        revision: 0,
        periodStart: Number(start),
        periodEnd: Number(end),
        viewWeightBps: 5_000,
        pool,
      },
      // New periods are split with method 2 (ScaledUserProp) at the default cap.
      await periodSplit(ctx, db, 0, METHOD_2, { pool, viewWeightBps: 5_000 }),
      METHOD_2,
    );
    expect(expected.totals.leafCount).to.equal((await aggregatePeriod(db, 0)).length);
    expect(onChain.root).to.equal(expected.root);
    const [posting] = await tallyPostings(ctx, 0);
    const published = parseTallyFile(new TextDecoder().decode(await store.catBytes(posting.dataCid)));
    expect(published.root).to.equal(expected.root);
    // It names the receipts archive sealed to the local operators, and was signed only after the
    // recomputation from that archive and the chain alone reproduced it, viewer root included.
    expect(published.receiptsCid).to.be.a("string");
    const recomputation = JSON.parse(
      await readFile(path.join(tmp, "oracle", `chain-${ctx.chainId}`, "period-0", "recomputation.json"), "utf8"),
    );
    expect(recomputation).to.include({ matches: true, root: expected.root, receiptsCid: published.receiptsCid });
    expect(recomputation.receipts).to.deep.include({ total: 13, verified: 13 });
    expect(recomputation.viewerRoot)
      .to.equal(published.viewers?.root)
      .and.to.match(/^0x[0-9a-f]{64}$/);
    // The file commits to the viewer lines' salted root (format 3) and names no wallet; the lines,
    // salts and proofs are in the platform's database, and the viewer's line proves into that root.
    expect(published.format).to.equal(TALLY_FORMAT);
    const key = await viewerSaltKey(ctx.chainId, path.join(tmp, "oracle"));
    const place = { chainId: ctx.chainId, market: ctx.market, period: 0, revision: 0 };
    const commitment = commitViewerLines(await viewerFilmCounts(db, 0), key, place);
    expect(published.viewers).to.deep.equal(commitment.summary);
    expect(JSON.stringify(published).toLowerCase()).to.not.include(viewer.address.slice(2).toLowerCase());
    const rows = await db.query<{
      viewer: string;
      film_id: string;
      seconds: string;
      views: number;
      salt: `0x${string}`;
      proof: string;
      viewer_root: string;
    }>(
      "SELECT viewer, film_id::text AS film_id, seconds::text AS seconds, views::int AS views, salt, proof, viewer_root FROM viewer_tally_lines WHERE period = 0 AND tally_root = $1",
      [expected.root.toLowerCase()],
    );
    expect(rows.map((r) => [r.viewer, r.film_id, r.viewer_root])).to.deep.equal([
      [viewer.address.toLowerCase(), "1", published.viewers!.root],
    ]);
    const [row] = rows;
    const proof = row.proof ? (row.proof.split(",") as `0x${string}`[]) : [];
    const line = { viewer: row.viewer, filmId: row.film_id, seconds: row.seconds, views: String(row.views), salt: row.salt, proof };
    expect(Number(line.seconds)).to.be.greaterThan(0);
    expect(verifyViewerLine(published.viewers!.root, line)).to.equal(true);
    // An operator with the ledger and the salt key recomputes the viewer root; another key does not give it.
    const verified = await runVerify(ctx, { period: 0, store, ledger: db, viewerSaltKey: key });
    expect(verified.checks.find((c) => c.name === "viewer root matches the ledger")?.ok).to.equal(true);
    expect(verified.ok).to.equal(true);
    const otherKey = await runVerify(ctx, { period: 0, store, ledger: db, viewerSaltKey: new Uint8Array(32).fill(1) });
    expect(otherKey.checks.find((c) => c.name === "viewer root matches the ledger")?.ok).to.equal(false);
    // Later passes (this instance or a restarted one) post nothing more.
    expect(await local.settleEnded()).to.deep.equal([]);
    const again = await oracle().settleEnded();
    expect(again).to.deep.equal([{ period: 0, status: "skipped", reason: "already posted" }]);
    expect(await tallyPostings(ctx, 0)).to.have.length(1);
  });

  it("gives an ended period with a pool but no watching an empty tally, and leaves one with neither alone", async () => {
    // Period 1 holds the rest of the month's subscription and nobody watched; period 2 has nothing.
    expect((await market.poolOf(1))[0]).to.be.greaterThan(0n);
    expect((await market.poolOf(2))[0]).to.equal(0n);
    const [, end2] = await market.periodBounds(2);
    await networkHelpers.time.increaseTo(end2 + 120n);
    const outcomes = await oracle().settleEnded();
    expect(outcomes).to.deep.equal([
      { period: 0, status: "skipped", reason: "already posted" },
      { period: 1, status: "posted", leaves: 0, signers: 2 },
      { period: 2, status: "skipped", reason: "nothing to settle" },
    ]);
    const empty = await readTally(ctx, 1);
    expect(empty.status).to.equal("posted");
    expect(empty.leafCount).to.equal(0);
    expect((await readTally(ctx, 2)).status).to.equal("none");
  });
});
