// The oracle end to end on Hardhat's in-process chain: subscribers pay, the ledger records their
// heartbeats, the period ends, the tally is built, published to a real (embedded) IPFS node,
// signed by two of three operators, posted, disputed and replaced, and every owner claims exactly
// the formula's share; verify catches an altered leaf and a root from a rogue signer set. Tallies
// use split method 2 (ScaledUserProp, the default): one subscriber's watching is capped at 97.5 % of
// their subscription, and the leaves carry the weighted counts the contract's formula pays.
import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { privateKeyToAccount, generatePrivateKey } from "viem/accounts";
import { connectProvider, type ChainContext } from "@ai-films/core/chain";
import { openDatabase, type Database } from "@ai-films/core/db";
import { recordHeartbeat, type Heartbeat, aggregatePeriod } from "@ai-films/core/ledger";
import { openIpfs } from "@ai-films/core/ipfs";
import {
  periodClock,
  OracleError,
  runPost,
  EXIT_CONFLICT,
  claimProof,
  claimRequest,
  postedTallyFile,
  runPublish,
  runSign,
  runStatus,
  runTally,
  viewWeightForPeriod,
  buildTallyFile,
  serializeTallyFile,
  runVerify,
  periodFiles,
  leavesOf,
} from "@ai-films/core/oracle";
import { BPS, expectedShare, PASS_WINDOW, type Leaf } from "../contracts/fixture.ts";
import type { FilmListings, FilmMarket, TestDollar } from "../../types/ethers-contracts/index.ts";

const USD = 1_000_000n;
const PERIOD = 30 * 86_400;
const WINDOW = 3_600;
const WEIGHT = 5_000;
/** The view weight governance sets during period 0, for period 1 on. */
const LATER_WEIGHT = 9_000;

const connection = await network.create();
const { ethers, networkHelpers, provider } = connection;

describe("Oracle, end to end", function () {
  this.timeout(120_000);
  const operatorKeys = [generatePrivateKey(), generatePrivateKey(), generatePrivateKey()];
  const operators = operatorKeys.map((k) => privateKeyToAccount(k));
  let ctx: ChainContext;
  let db: Database;
  let store: Awaited<ReturnType<typeof openIpfs>>;
  let tmp: string;
  let d: { token: TestDollar; listings: FilmListings; market: FilmMarket } & Record<
    "admin" | "treasury" | "guardian" | "creatorA" | "creatorB" | "v1" | "v2" | "v3" | "buyer",
    HardhatEthersSigner
  >;

  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), "oracle-e2e-"));
    const [admin, treasury, guardian, creatorA, creatorB, v1, v2, v3, buyer] = await ethers.getSigners();
    const token = await ethers.deployContract("TestDollar");
    const listings = await ethers.deployContract("FilmListings");
    const market = await ethers.deployContract("FilmMarket", [
      {
        paymentToken: await token.getAddress(),
        listings: await listings.getAddress(),
        admin: admin.address,
        guardian: guardian.address,
        treasury: treasury.address,
        feeBps: 1_000,
        viewWeightBps: WEIGHT,
        monthlyPrice: 10n * USD,
        passWindow: PASS_WINDOW,
        challengeWindow: WINDOW,
        genesis: 0,
        periodLength: PERIOD,
        oracleSigners: operators.map((o) => o.address),
        oracleThreshold: 2,
      },
    ]);
    for (const o of operators) await admin.sendTransaction({ to: o.address, value: ethers.parseEther("1") });
    await listings.connect(creatorA).mint("ipfs://bafyfilm1", 600, 2n * USD); // film 1
    await listings.connect(creatorA).mint("ipfs://bafyfilm2", 20, 0); // film 2: 20 s, free
    await listings.connect(creatorB).mint("ipfs://bafyfilm3", 1_200, 1n * USD); // film 3
    for (const v of [v1, v2, v3, buyer]) {
      await token.connect(v).faucet(1_000n * USD);
      await token.connect(v).approve(await market.getAddress(), ethers.MaxUint256);
    }
    for (const v of [v1, v2, v3]) await market.connect(v).subscribe(1, 10n * USD);
    await market.connect(buyer).buyView(3n, 1n * USD, PASS_WINDOW);
    d = { admin, treasury, guardian, creatorA, creatorB, v1, v2, v3, buyer, token, listings, market };

    ctx = await connectProvider(provider, { market: await market.getAddress() });
    db = await openDatabase({ dataDir: "memory://" });
    store = await openIpfs({ dataDir: path.join(tmp, "ipfs") });
  });

  after(async () => {
    await db?.close();
    await store?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  /** A viewer plays `filmId` for `seconds`, beating every 10 s, with the entitlement the chain gives. */
  async function watch(
    viewer: HardhatEthersSigner,
    filmId: bigint,
    seconds: number,
    startAt: number,
    session: string,
    asOf?: "subscription",
  ) {
    // The server asks the chain at the time of the beat; a beat replayed later says what it was then.
    const access = Number(await d.market.accessOf(viewer.address, filmId));
    const entitlement = asOf ?? (["none", "owner", "pass", "subscription", "free"] as const)[access];
    if (entitlement === "none") throw new Error("not entitled");
    const duration = Number(await d.listings.durationOf(filmId));
    for (let t = 0; t <= seconds; t += 10) {
      const beat: Heartbeat = {
        viewer: viewer.address,
        filmId,
        sessionId: session,
        at: startAt + t,
        entitlement,
        filmDurationSeconds: duration,
      };
      await recordHeartbeat(db, await periodClock(ctx), beat, { now: startAt + t });
    }
  }

  let leaves: Leaf[] = [];

  it("records subscribers' watching through the ledger, period by the chain's clock", async () => {
    const clock = await periodClock(ctx);
    const t0 = clock.genesis + 3_600;
    await watch(d.v1, 1n, 600, t0, "s1"); // whole film 1
    await watch(d.v2, 1n, 120, t0 + 50, "s2");
    await watch(d.v2, 3n, 900, t0 + 1_000, "s3");
    await watch(d.v3, 2n, 20, t0, "s4"); // the whole 20 s free film: a view (threshold = its length)
    await watch(d.v3, 3n, 20, t0 + 200, "s5"); // 20 s of film 3: under the 30 s threshold, seconds only
    await watch(d.buyer, 3n, 300, t0, "s6"); // pay-per-view: stored, not tallied
    await watch(d.creatorA, 1n, 300, t0, "s7"); // the owner: stored, not tallied
    const got = await aggregatePeriod(db, 0);
    leaves = got.map((l) => [l.filmId, l.views, l.seconds]);
    expect(leaves).to.deep.equal([
      [1n, 2n, 720n],
      [2n, 1n, 20n],
      [3n, 1n, 920n],
    ]);
  });

  it("refuses to tally a period that has not ended", async () => {
    const err = await runTally(ctx, { period: 0, ledger: db, filesRoot: tmp }).catch((e) => e);
    expect(err).to.be.instanceOf(OracleError);
    expect(err.message).to.match(/Period 0 has not ended/);
  });

  it("reads each period's own view weight: a change made during period 0 applies from period 1", async () => {
    await (await d.market.connect(d.admin).setViewWeight(LATER_WEIGHT)).wait();
    expect(await viewWeightForPeriod(ctx, 0)).to.equal(WEIGHT);
    expect(await viewWeightForPeriod(ctx, 1)).to.equal(LATER_WEIGHT);
  });

  it("tallies deterministically, publishes to IPFS, and needs the threshold of signatures to post", async () => {
    const [, end] = await d.market.periodBounds(0);
    await networkHelpers.time.increaseTo(end + 120n);
    const first = await runTally(ctx, { period: 0, ledger: db, filesRoot: tmp });
    expect(first.written).to.equal(true);
    const again = await runTally(ctx, { period: 0, ledger: db, filesRoot: tmp });
    expect(again.written).to.equal(false);
    expect(again.text).to.equal(first.text); // byte-identical
    expect(await readFile(first.path, "utf8")).to.equal(first.text);
    expect(first.file.method).to.include({ version: 2, name: "scaled-user-prop", capBps: 9_750 });
    expect(first.file.totals.leafCount).to.equal(3);
    // v2 made 2 of the 4 views and watched 1,020 of the 1,660 seconds: under method 1 it directs
    // 6.75 + 8.3 USD of the 27 USD pool, more than its 10 USD subscription. Method 2 caps it at
    // 9.75 USD (4.875 per part), v1's 600 s at the watch-time part's cap too, and gives the rest of
    // that part to v3's 40 s: with three subscribers, one light watcher decides a lot.
    const weighted = leavesOf(first.file);
    const raw = await runTally(ctx, { period: 0, ledger: db, filesRoot: path.join(tmp, "method1"), method: { version: 1 } });
    expect(raw.file.totals).to.deep.equal({ views: "4", seconds: "1660", leafCount: 3 });
    const [pool0] = await d.market.poolOf(0);
    const paidTo = (file: typeof first.file, film: bigint) => {
      const leaf = leavesOf(file).find((l) => l.filmId === film)!;
      return expectedShare(
        pool0,
        [leaf.filmId, leaf.views, leaf.seconds],
        BigInt(file.totals.views),
        BigInt(file.totals.seconds),
        BigInt(WEIGHT),
      );
    };
    expect(paidTo(first.file, 3n)).to.be.lessThan(paidTo(raw.file, 3n)); // film 3 is mostly v2's watching
    expect(paidTo(first.file, 2n)).to.be.greaterThan(paidTo(raw.file, 2n)); // film 2 is v3's
    expect(weighted.map((l) => l.filmId)).to.deep.equal([1n, 2n, 3n]);
    // Period 0's weight, not the one in force now (period 1's), so the signatures stay good.
    expect(first.file.viewWeightBps).to.equal(WEIGHT);

    const publication = await runPublish(ctx, store, 0, tmp);
    expect(new TextDecoder().decode(await store.catBytes(publication.cid))).to.equal(first.text);
    expect((await runPublish(ctx, store, 0, tmp)).cid).to.equal(publication.cid); // same bytes, same CID

    await runSign(ctx, operators[0], 0, tmp);
    const short = await runPost(ctx, operators[0], 0, tmp).catch((e) => e);
    expect(short.message).to.match(/Threshold not met for period 0: 1 valid signature\(s\) from registered signers, 2 needed/);
    const stranger = privateKeyToAccount(generatePrivateKey());
    expect((await runSign(ctx, stranger, 0, tmp).catch((e) => e)).message).to.match(/not a registered oracle signer/);
  });

  it("posts with 2 of 3 signatures, once: re-running post changes nothing", async () => {
    await runSign(ctx, operators[1], 0, tmp);
    await runSign(ctx, operators[2], 0, tmp);
    const posted = await runPost(ctx, operators[2], 0, tmp);
    expect(posted.status).to.equal("posted");
    if (posted.status === "posted") expect(posted.signers).to.have.length(2);
    const again = await runPost(ctx, operators[0], 0, tmp);
    expect(again.status).to.equal("already-posted");
    const t = await d.market.tallyOf(0);
    expect(t.root).to.equal((await postedTallyFile(ctx, store, 0)).root);
  });

  it("verifies the posted tally against its published file and the ledger", async () => {
    const report = await runVerify(ctx, { period: 0, store, ledger: db, expectedSigners: operators.map((o) => o.address) });
    expect(report.checks.filter((c) => !c.ok)).to.deep.equal([]);
    expect(report.ok).to.equal(true);
  });

  it("refuses a locally tampered tally file before signing or posting", async () => {
    const files = periodFiles(ctx.chainId, 0, tmp);
    const original = await readFile(files.tally, "utf8");
    const seconds = JSON.parse(original).tree.values[0].value[2] as string;
    expect(original).to.include(`"${seconds}"`);
    await writeFile(files.tally, original.replace(`"${seconds}"`, `"${seconds}0"`));
    const err = await runSign(ctx, operators[0], 0, tmp).catch((e) => e);
    expect(err.message).to.match(/tampered/);
    await writeFile(files.tally, original);
  });

  it("follows the dispute path: a disputed tally pays nothing until a corrected one is posted", async () => {
    await d.market.connect(d.guardian).dispute(0, "late beats missing");
    const status = await runStatus(ctx, { from: 0, to: 0 });
    expect(status.periods[0].phase).to.equal("disputed");
    // A late beat arrives in period 0; the operators re-tally (forced: the old one was signed).
    const clock = await periodClock(ctx);
    await watch(d.v1, 3n, 40, clock.genesis + 7_200, "late", "subscription");
    const stale = await runTally(ctx, { period: 0, ledger: db, filesRoot: tmp }).catch((e) => e);
    expect(stale.message).to.match(/already signed.*--force/);
    const retally = await runTally(ctx, { period: 0, ledger: db, filesRoot: tmp, force: true });
    await runPublish(ctx, store, 0, tmp);
    const signed = await runSign(ctx, operators[0], 0, tmp);
    expect(signed.replacedStale).to.equal(true);
    await runSign(ctx, operators[1], 0, tmp);
    expect((await runPost(ctx, operators[0], 0, tmp)).status).to.equal("posted");
    expect((await d.market.tallyOf(0)).root).to.equal(retally.file.root);
    leaves = leavesOf(retally.file).map((l) => [l.filmId, l.views, l.seconds]);
    expect((await runVerify(ctx, { period: 0, store, ledger: db })).ok).to.equal(true);
  });

  it("after the window, every owner claims exactly the formula's amount and the pool is accounted for", async () => {
    await networkHelpers.time.increase(WINDOW);
    const [pool] = await d.market.poolOf(0);
    const file = await postedTallyFile(ctx, store, 0);
    const totalViews = BigInt(file.totals.views);
    const totalSeconds = BigInt(file.totals.seconds);
    const owners: Record<string, HardhatEthersSigner> = { "1": d.creatorA, "2": d.creatorA, "3": d.creatorB };
    let paid = 0n;
    for (const leaf of leaves) {
      const p = await claimProof(ctx, file, leaf[0]);
      expect(p.claimable).to.equal(true);
      const share = expectedShare(pool, leaf, totalViews, totalSeconds, BigInt(WEIGHT));
      expect(p.amount).to.equal(share);
      const owner = owners[leaf[0].toString()];
      const before = await d.token.balanceOf(owner.address);
      await (await d.market.connect(owner).claim(claimRequest(p))).wait();
      expect(await d.token.balanceOf(owner.address)).to.equal(before + share);
      expect((await claimProof(ctx, file, leaf[0])).claimed).to.equal(true);
      paid += share;
    }
    expect(paid).to.be.lessThanOrEqual(pool);
    // Every subscriber here watched, so the caps leave no reserve: only the claims' rounding is left.
    expect(file.totals.reserve).to.not.equal(undefined);
    expect(pool - paid).to.be.lessThanOrEqual(BigInt(leaves.length));
    const current = await d.market.currentPeriod();
    const [nextBefore] = await d.market.poolOf(current);
    if (pool > paid) await d.market.rollOver(0);
    const [after, afterPaid] = await d.market.poolOf(0);
    expect(afterPaid).to.equal(after); // claims + roll-over = the whole pool
    expect((await d.market.poolOf(current))[0]).to.equal(nextBefore + (pool - paid)); // dust went to the current pool
    expect((await runStatus(ctx, { from: 0, to: 0 })).periods[0].phase).to.equal("fully claimed");
    void BPS;
  });

  it("catches a published file with one altered leaf and a root posted by a rogue signer set", async () => {
    // Period 1: subscribers watch, then two rogue keys — registered by a compromised manager —
    // post a root built from a file with one leaf inflated.
    const clock = await periodClock(ctx);
    const t1 = clock.genesis + PERIOD + 3_600;
    await d.market.connect(d.v1).subscribe(1, 10n * USD);
    await watch(d.v1, 1n, 300, t1, "p1");
    const [, end1] = await d.market.periodBounds(1);
    await networkHelpers.time.increaseTo(end1 + 120n);
    const rogue = [privateKeyToAccount(generatePrivateKey()), privateKeyToAccount(generatePrivateKey())];
    for (const r of rogue) {
      await d.market.connect(d.admin).addOracleSigner(r.address);
      await d.admin.sendTransaction({ to: r.address, value: ethers.parseEther("1") });
    }
    const honest = await aggregatePeriod(db, 1);
    const inflated = honest.map((l) => ({ ...l, seconds: l.seconds * 10n }));
    const [pool1] = await d.market.poolOf(1);
    const [s1, e1] = await d.market.periodBounds(1);
    const forged = buildTallyFile(
      {
        chainId: ctx.chainId,
        market: ctx.market,
        period: 1,
        revision: 0,
        periodStart: Number(s1),
        periodEnd: Number(e1),
        viewWeightBps: LATER_WEIGHT,
        pool: pool1,
      },
      inflated,
    );
    const rogueRoot = path.join(tmp, "rogue");
    const files = periodFiles(ctx.chainId, 1, rogueRoot);
    await (await import("@ai-films/core/oracle/workdir")).writeAtomic(files.tally, serializeTallyFile(forged));
    await runPublish(ctx, store, 1, rogueRoot);
    for (const r of rogue) await runSign(ctx, r, 1, rogueRoot);
    expect((await runPost(ctx, rogue[0], 1, rogueRoot)).status).to.equal("posted");

    const report = await runVerify(ctx, { period: 1, store, ledger: db, expectedSigners: operators.map((o) => o.address) });
    expect(report.ok).to.equal(false);
    const failed = report.checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed).to.include("leaves match the ledger");
    expect(failed).to.include("signers are the expected operators");
    // Without the ledger or a list of operators, the file alone is consistent: that is why verify
    // recomputes from the ledger where it can.
    expect((await runVerify(ctx, { period: 1, store })).ok).to.equal(true);

    // The honest operators' tally conflicts with what is on-chain: post says which, and exits non-zero.
    await runTally(ctx, { period: 1, ledger: db, filesRoot: tmp });
    await runPublish(ctx, store, 1, tmp);
    await runSign(ctx, operators[0], 1, tmp);
    await runSign(ctx, operators[1], 1, tmp);
    const conflict = await runPost(ctx, operators[0], 1, tmp).catch((e) => e);
    expect(conflict).to.be.instanceOf(OracleError);
    expect(conflict.exitCode).to.equal(EXIT_CONFLICT);
    expect(conflict.message).to.match(/A different tally is on-chain for period 1/);
  });

  it("refuses an empty period unless asked, then posts an empty tally that rolls the whole pool over", async () => {
    const [, end2] = await d.market.periodBounds(2);
    await networkHelpers.time.increaseTo(end2 + 120n);
    const [pool2] = await d.market.poolOf(2);
    expect(pool2).to.be.greaterThan(0n); // period 1's subscription spilled into period 2
    const refused = await runTally(ctx, { period: 2, ledger: db, filesRoot: tmp }).catch((e) => e);
    expect(refused.message).to.match(/Period 2 is empty.*--allow-empty/);
    const empty = await runTally(ctx, { period: 2, ledger: db, filesRoot: tmp, allowEmpty: true });
    expect(empty.file.totals.leafCount).to.equal(0);
    await runPublish(ctx, store, 2, tmp);
    await runSign(ctx, operators[0], 2, tmp);
    await runSign(ctx, operators[2], 2, tmp);
    expect((await runPost(ctx, operators[1], 2, tmp)).status).to.equal("posted");
    await networkHelpers.time.increase(WINDOW);
    const into = await d.market.currentPeriod();
    await expect(d.market.rollOver(2)).to.emit(d.market, "RemainderRolledOver").withArgs(2n, into, pool2);
  });
});
