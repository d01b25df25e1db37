// The chain indexer on Hardhat's in-process chain, a PGlite ledger on disk and an embedded IPFS
// store holding the listings' real metadata JSON: every contract event ends up in the tables and
// the read models, re-indexing changes nothing, a restart resumes, a reset chain is re-indexed.
import { expect } from "chai";
import { rm } from "node:fs/promises";
import path from "node:path";
import { network } from "hardhat";
import { openDatabase, type Database } from "@ai-films/core/db";
import { aggregatePeriod } from "@ai-films/core/ledger";
import type { IpfsStore } from "@ai-films/core/ipfs";
import {
  indexOnce,
  ipfsMetadataFetcher,
  refreshMetadata,
  startIndexer,
  type IndexOptions,
  accountOverview,
  creatorOverview,
  getFilm,
  listFilms,
  marketParameters,
  periodClaims,
  periodsOverview,
  indexerStatus,
} from "@ai-films/core/indexer";
import { postgresSkipped, startPostgresOnce } from "../helpers/postgres.ts";
import { buildTally, claimRequest, signTally, type Leaf } from "../contracts/fixture.ts";
import {
  CHALLENGE_WINDOW,
  DAY,
  MONTHLY,
  PASS_WINDOW,
  PERIOD,
  USD,
  WEIGHT,
  deployWorld,
  dumpTables,
  latestTime,
  openTempIpfs,
  watch,
  type World,
} from "./helpers.ts";

describe("Chain indexer", function () {
  this.timeout(180_000);
  let world: World;
  let db: Database;
  let store: IpfsStore;
  let tmp: string;
  let dataDir: string;
  const logs: string[] = [];
  let options: IndexOptions;
  const films: Record<string, bigint> = {};

  before(async () => {
    const ipfs = await openTempIpfs("indexer-");
    store = ipfs.store;
    tmp = ipfs.dir;
    dataDir = path.join(tmp, "ledger");
    db = await openDatabase({ dataDir });
    world = await deployWorld(await network.create(), store);
    options = { fromBlock: world.deployBlock, ipfs: store, log: (m) => logs.push(m) };
  });

  after(async () => {
    await db?.close();
    await store?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  const market = () => world.market;
  const addr = (signer: { address: string }) => signer.address.toLowerCase();

  /** Every period's pool as the contract has it, and as indexed. */
  async function comparePools(periods: number) {
    const overview = await periodsOverview(db, { nowSeconds: (await latestTime(world)) + periods * PERIOD });
    for (let p = 0; p < periods; p++) {
      const [amount, paid, subscribers, claimedCount] = await market().poolOf(p);
      const row = overview.find((o) => o.period === p)!;
      expect({ p, pool: row.pool, paid: row.paid, subscribers: row.subscribers, claimedCount: row.claimedCount }).to.deep.equal({
        p,
        pool: amount.toString(),
        paid: paid.toString(),
        subscribers: Number(subscribers),
        claimedCount: Number(claimedCount),
      });
    }
  }

  it("indexes listings with their IPFS metadata, from the deployment block", async () => {
    films.neon = await world.mint(world.creatorA, {
      title: "Neon Tides",
      genre: "Sci-Fi",
      aiTools: ["Sora", "Suno"],
      duration: 600,
      price: 2n * USD,
      creatorName: "Ada",
    });
    films.paper = await world.mint(world.creatorA, { title: "Paper Moon", genre: "Drama", aiTools: ["Runway"], duration: 300, price: 0n });
    films.glass = await world.mint(world.creatorB, {
      title: "Glass Garden",
      genre: "Documentary",
      aiTools: ["Kling"],
      duration: 1_200,
      price: USD,
    });

    const result = await indexOnce(world.ctx, db, options);
    expect(result.reset).to.equal(null);
    expect(result.fromBlock).to.equal(world.deployBlock);
    expect(result.lastBlock).to.equal(Number(await world.ethers.provider.getBlockNumber()));
    expect(result.metadata).to.deep.equal({ fetched: 3, unavailable: 0, invalid: 0 });

    const neon = await getFilm(db, films.neon, { period: 0 });
    const block = (await world.ethers.provider.getBlock(
      Number((await world.listings.queryFilter(world.listings.filters.ListingMinted(films.neon)))[0].blockNumber),
    ))!;
    const uri = await world.listings.tokenURI(films.neon);
    const json = JSON.parse(new TextDecoder().decode(await store.catBytes(uri.slice("ipfs://".length))));
    const hlsCid = json.animation_url.slice("ipfs://".length, -"/master.m3u8".length);
    expect(neon).to.deep.equal({
      filmId: "1",
      title: "Neon Tides",
      creator: addr(world.creatorA),
      creatorName: "Ada",
      creatorAvatar: null,
      owner: addr(world.creatorA),
      posterUri: `ipfs://${hlsCid}/poster.jpg`,
      durationSeconds: 600,
      pricePerView: "2000000",
      genre: "Sci-Fi",
      aiTools: ["Sora", "Suno"],
      views: 0,
      watchSeconds: 0,
      mintedAt: block.timestamp,
      salesPaused: false,
      metadataStatus: "ok",
      ageRating: null,
      description: "Neon Tides, a short film.",
      metadataUri: uri,
      metadataError: null,
      animationUrl: `ipfs://${hlsCid}/master.m3u8`,
      hlsCid,
      keyId: "key-neon-tides",
      livepeerPlaybackId: null,
      previewUri: `ipfs://${hlsCid}/preview/master.m3u8`,
      previewSeconds: 20,
      renditions: [720, 480, 360],
      copy: null,
      hidden: null,
      period: 0,
      thisPeriod: { views: 0, watchSeconds: 0 },
      allTime: { views: 0, watchSeconds: 0, passesSold: 0 },
    });
    expect((await listFilms(db, { sort: "new", period: 0 })).map((f) => f.title)).to.deep.equal([
      "Glass Garden",
      "Paper Moon",
      "Neon Tides",
    ]);

    // The constructor's parameter events give the parameters; the signers come from theirs.
    expect(await marketParameters(db)).to.deep.include({
      chainId: world.ctx.chainId,
      market: world.ctx.market.toLowerCase(),
      feeBps: 1_000,
      viewWeightBps: WEIGHT,
      monthlyPrice: MONTHLY.toString(),
      passWindow: PASS_WINDOW,
      challengeWindow: CHALLENGE_WINDOW,
      treasury: addr(world.treasury),
      purchasesPaused: false,
      oracleThreshold: 2,
      oracleSigners: world.oracles.map((o) => o.address.toLowerCase()).sort(),
      genesis: world.clock.genesis,
      periodLength: PERIOD,
    });
  });

  it("follows price changes, paused sales and transfers", async () => {
    await (await world.listings.connect(world.creatorA).setPrice(films.neon, 3n * USD)).wait();
    await (await world.listings.connect(world.creatorA).setSalesPaused(films.paper, true)).wait();
    await (await world.listings.connect(world.creatorB).transferFrom(addr(world.creatorB), addr(world.creatorA), films.glass)).wait();
    await indexOnce(world.ctx, db, options);

    const neon = (await getFilm(db, films.neon))!;
    const paper = (await getFilm(db, films.paper))!;
    const glass = (await getFilm(db, films.glass))!;
    expect(neon.pricePerView).to.equal("3000000");
    expect(paper.salesPaused).to.equal(true);
    expect([glass.creator, glass.owner]).to.deep.equal([addr(world.creatorB), addr(world.creatorA)]);
    const transfers = await db.query<{ from_address: string; to_address: string }>(
      "SELECT from_address, to_address FROM film_transfers WHERE film_id = $1 ORDER BY block_number",
      [films.glass.toString()],
    );
    expect(transfers).to.deep.equal([
      { from_address: "0x0000000000000000000000000000000000000000", to_address: addr(world.creatorB) },
      { from_address: addr(world.creatorB), to_address: addr(world.creatorA) },
    ]);
    // Paused films leave the catalogue; their page and the studio still have them.
    expect((await listFilms(db, { sort: "new", period: 0 })).map((f) => f.filmId)).to.deep.equal(["3", "1"]);
    expect((await creatorOverview(db, world.creatorA.address)).films.map((f) => [f.filmId, f.salesPaused])).to.deep.equal([
      ["3", false],
      ["2", true],
      ["1", false],
    ]);
  });

  it("records view passes and subscriptions, with pools exactly as the contract funds them", async () => {
    await (
      await market()
        .connect(world.buyer)
        .buyView(films.neon, 3n * USD, PASS_WINDOW)
    ).wait();
    const boughtAt = await latestTime(world);
    await (await market().connect(world.v1).subscribe(1, MONTHLY)).wait();
    await (await market().connect(world.v2).subscribe(3, MONTHLY)).wait();
    await world.networkHelpers.time.increase(10 * DAY);
    await (await market().connect(world.v1).subscribe(2, MONTHLY)).wait(); // extends from its current end
    await indexOnce(world.ctx, db, options);

    const [purchase] = await db.query<Record<string, unknown>>(
      "SELECT film_id::text AS film_id, viewer, payee, price::text AS price, fee::text AS fee, expires_at::text AS expires_at FROM purchases",
    );
    expect(purchase).to.deep.equal({
      film_id: "1",
      viewer: addr(world.buyer),
      payee: addr(world.creatorA),
      price: "3000000",
      fee: "300000",
      expires_at: (await market().passExpiry(films.neon, world.buyer.address)).toString(),
    });
    expect((await db.query("SELECT 1 FROM subscriptions")).length).to.equal(3);
    await comparePools(5);

    const now = await latestTime(world);
    const buyer = await accountOverview(db, world.buyer.address, boughtAt);
    expect(buyer.subscriptionEnd).to.equal(null);
    expect(buyer.passes.map((p) => [p.filmId, p.title, p.expiresAt, p.secondsLeft])).to.deep.equal([
      ["1", "Neon Tides", Number(await market().passExpiry(films.neon, world.buyer.address)), PASS_WINDOW],
    ]);
    expect((await accountOverview(db, world.buyer.address, now)).passes).to.deep.equal([]); // 10 days later
    const v1 = await accountOverview(db, world.v1.address, now);
    expect(v1.subscriptionEnd).to.equal(Number(await market().subscriptionEnd(world.v1.address)));
    expect(v1.subscribed).to.equal(true);
    expect(v1.passes).to.deep.equal([]);
  });

  it("changes nothing when run again, or when a committed range is processed again", async () => {
    const before = await dumpTables(db);
    const again = await indexOnce(world.ctx, db, options);
    expect([again.batches, again.events, again.fromBlock]).to.deep.equal([0, 0, null]);
    expect(await dumpTables(db)).to.deep.equal(before);

    // As if a crash had lost the record of progress but not the data: every event is seen again.
    const start = (await world.ethers.provider.getBlock(world.deployBlock - 1))!;
    await db.query("UPDATE indexer_state SET last_block = $1, last_block_hash = $2", [start.number, start.hash]);
    const replay = await indexOnce(world.ctx, db, { ...options, batchSize: 7 });
    expect(replay.batches).to.be.greaterThan(1);
    expect(replay.reset).to.equal(null);
    expect(replay.events).to.equal(0);
    expect(await dumpTables(db)).to.deep.equal(before);
  });

  let leaves: Leaf[] = [];

  it("indexes tallies, a dispute and its replacement, claims, the roll-over and withdrawals", async () => {
    const t0 = world.clock.genesis + 3_600;
    await watch(db, world, world.v1.address, films.neon, 600, t0);
    await watch(db, world, world.v2.address, films.glass, 300, t0 + 5_000);
    await watch(db, world, world.buyer.address, films.neon, 100, t0, { entitlement: "pass" });
    leaves = (await aggregatePeriod(db, 0)).map((l) => [l.filmId, l.views, l.seconds]);
    expect(leaves).to.have.length(2);

    const [, end] = await market().periodBounds(0);
    await world.networkHelpers.time.increaseTo(end + 120n);
    const first = buildTally(0n, leaves, WEIGHT, "bafy-first-tally");
    await (await market().postTally(first.tally, await signTally(market(), first.tally, world.oracles.slice(0, 2)))).wait();
    await (await market().connect(world.guardian).dispute(0, "published file does not match")).wait();
    const second = buildTally(0n, leaves, WEIGHT, "bafy-second-tally", 1);
    await (await market().postTally(second.tally, await signTally(market(), second.tally, world.oracles.slice(1, 3)))).wait();
    await indexOnce(world.ctx, db, options);

    let [p0] = (await periodsOverview(db, { nowSeconds: await latestTime(world) })).filter((p) => p.period === 0);
    expect(p0.status).to.equal("posted");
    expect(p0.tally).to.deep.include({
      root: second.tally.root,
      totalViews: Number(second.tally.totalViews),
      totalSeconds: Number(second.tally.totalSeconds),
      leafCount: 2,
      viewWeightBps: WEIGHT,
      dataCid: "bafy-second-tally",
      status: "posted",
      dispute: null,
    });
    const signers = world.oracles
      .slice(1, 3)
      .map((o) => o.address.toLowerCase())
      .sort((a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : 1));
    expect(p0.tally!.signers).to.deep.equal(signers);
    expect(p0.tally!.claimableAt).to.equal(Number((await market().tallyOf(0)).claimableAt));
    expect(p0.replacedTallies).to.have.length(1);
    expect(p0.replacedTallies[0]).to.deep.include({ dataCid: "bafy-first-tally", status: "disputed" });
    expect(p0.replacedTallies[0].dispute).to.deep.include({ by: addr(world.guardian), reason: "published file does not match" });
    expect(p0.ledger).to.deep.equal({ views: Number(second.tally.totalViews), watchSeconds: Number(second.tally.totalSeconds) });

    await world.networkHelpers.time.increase(CHALLENGE_WINDOW);
    await indexOnce(world.ctx, db, options);
    [p0] = (await periodsOverview(db, { nowSeconds: await latestTime(world) })).filter((p) => p.period === 0);
    expect(p0.status).to.equal("claimable");

    for (const leaf of leaves) await (await market().claim(claimRequest(second.tree, 0n, leaf))).wait();
    const [pool, paid] = await market().poolOf(0);
    expect(pool - paid).to.be.greaterThan(0n); // rounding dust, moved on below
    await (await market().rollOver(0)).wait();
    const earned = await market().earningsOf(world.creatorA.address);
    expect((await indexOnce(world.ctx, db, options)).events).to.be.greaterThan(0);
    expect((await creatorOverview(db, world.creatorA.address)).totals.ppvBalance).to.equal(earned.toString());
    await (await market().connect(world.creatorA).withdrawEarnings(world.creatorA.address)).wait();
    await (await market().connect(world.treasury).withdrawFees()).wait();
    await indexOnce(world.ctx, db, options);

    [p0] = (await periodsOverview(db, { nowSeconds: await latestTime(world) })).filter((p) => p.period === 0);
    expect(p0.status).to.equal("settled");
    const claimed = await market().queryFilter(market().filters.Claimed());
    expect((await periodClaims(db, 0)).map((c) => [c.filmId, c.payee, c.amount])).to.deep.equal(
      claimed.map((e) => [e.args.filmId.toString(), e.args.payee.toLowerCase(), e.args.amount.toString()]),
    );
    expect(p0.claimedAmount).to.equal(claimed.reduce((s: bigint, e) => s + e.args.amount, 0n).toString());
    const rolled = await market().queryFilter(market().filters.RemainderRolledOver());
    expect(rolled).to.have.length(1);
    expect(p0.rolledOver).to.deep.equal({ intoPeriod: Number(rolled[0].args.intoPeriod), amount: rolled[0].args.amount.toString() });
    await comparePools(5);

    // Both films are creator A's now (film 3 was transferred), so both shares are theirs.
    const studio = await creatorOverview(db, world.creatorA.address, { nowSeconds: await latestTime(world) });
    expect(studio.totals.poolEarnings).to.equal(p0.claimedAmount);
    expect(studio.totals.ppvWithdrawn).to.equal(earned.toString());
    expect(studio.totals.ppvBalance).to.equal((await market().earningsOf(world.creatorA.address)).toString());
    expect(studio.periods[0]).to.deep.include({
      period: 0,
      views: 3,
      watchSeconds: 600 + 300 + 100,
      subscriptionViews: 2,
      subscriptionSeconds: 900,
      ppvRevenue: "2700000",
      passesSold: 1,
      poolEarnings: p0.claimedAmount,
    });
    const withdrawals = await db.query<{ kind: string; account: string; amount: string }>(
      "SELECT kind, account, amount::text AS amount FROM withdrawals ORDER BY block_number",
    );
    expect(withdrawals).to.deep.equal([
      { kind: "earnings", account: addr(world.creatorA), amount: earned.toString() },
      { kind: "fees", account: addr(world.treasury), amount: withdrawals[1].amount },
    ]);
    expect(BigInt(withdrawals[1].amount)).to.be.greaterThan(0n);
  });

  it("follows governance: parameters, pause, signers", async () => {
    const m = market();
    await (await m.setFee(500)).wait();
    await (await m.setViewWeight(6_000)).wait();
    await (await m.setMonthlyPrice(12n * USD)).wait();
    await (await m.setPassWindow(3 * DAY)).wait();
    await (await m.setChallengeWindow(7_200)).wait();
    await (await m.setTreasury(world.v3.address)).wait();
    await (await m.removeOracleSigner(world.oracles[0].address)).wait();
    await (await m.pause()).wait();
    await indexOnce(world.ctx, db, options);
    expect(await marketParameters(db)).to.deep.include({
      feeBps: 500,
      viewWeightBps: 6_000,
      monthlyPrice: (12n * USD).toString(),
      passWindow: 3 * DAY,
      challengeWindow: 7_200,
      treasury: addr(world.v3),
      purchasesPaused: true,
      oracleSigners: world.oracles
        .slice(1)
        .map((o) => o.address.toLowerCase())
        .sort(),
    });
    await (await m.unpause()).wait();
    await indexOnce(world.ctx, db, options);
    expect((await marketParameters(db))!.purchasesPaused).to.equal(false);
  });

  it("resumes from the stored block after a restart: new events in, old ones not twice", async () => {
    const [{ n: before }] = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM chain_events");
    const { lastBlock } = (await indexerStatus(db))!;
    await db.close();
    films.fourth = await world.mint(world.creatorB, { title: "Fourth Wall", genre: "Comedy", aiTools: ["Sora"], duration: 90, price: USD });
    db = await openDatabase({ dataDir });
    const result = await indexOnce(world.ctx, db, options);
    expect(result.fromBlock).to.equal(lastBlock + 1);
    expect(result.reset).to.equal(null);
    expect(result.events).to.equal(2); // ListingMinted + Transfer
    const [{ n: after }] = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM chain_events");
    expect(Number(after)).to.equal(Number(before) + 2);
    expect((await getFilm(db, films.fourth))!.title).to.equal("Fourth Wall");
  });

  it("detects a chain reset to before an indexed block, wipes and re-indexes", async () => {
    const provider = world.ethers.provider;
    const snapshot = await provider.send("evm_snapshot", []);
    const before = await dumpTables(db);
    await world.mint(world.creatorA, { title: "Lost Reel", genre: "Drama", aiTools: [], duration: 60, price: 0n });
    await indexOnce(world.ctx, db, options);
    expect((await getFilm(db, 5))!.title).to.equal("Lost Reel");

    // Back to before film 5: the chain is now shorter than what was indexed.
    await provider.send("evm_revert", [snapshot]);
    logs.length = 0;
    const shorter = await indexOnce(world.ctx, db, options);
    expect(shorter.reset).to.match(/chain is shorter than the last indexed block/);
    expect(logs.join("\n")).to.match(/wiping the indexed tables/);
    expect(await getFilm(db, 5)).to.equal(null);
    expect(await dumpTables(db)).to.deep.equal(before);

    // Same height, other blocks: the stored hash no longer matches.
    const again = await provider.send("evm_snapshot", []);
    await world.mint(world.creatorA, { title: "Take One", genre: "Drama", aiTools: [], duration: 60, price: 0n });
    await indexOnce(world.ctx, db, options);
    await provider.send("evm_revert", [again]);
    await world.mint(world.creatorB, { title: "Take Two", genre: "Drama", aiTools: [], duration: 60, price: 0n });
    const rehashed = await indexOnce(world.ctx, db, options);
    expect(rehashed.reset).to.match(/has another hash than the one indexed/);
    const five = (await getFilm(db, 5))!;
    expect([five.title, five.creator]).to.deep.equal(["Take Two", addr(world.creatorB)]);
    await comparePools(5);
  });

  it("starts over on a fresh network (a restarted node) with the same addresses", async () => {
    const fresh = await deployWorld(await network.create(), store);
    expect(fresh.ctx.market).to.equal(world.ctx.market);
    const result = await indexOnce(fresh.ctx, db, { ...options, fromBlock: fresh.deployBlock });
    expect(result.reset).to.match(/chain is shorter|another hash/);
    expect(await listFilms(db, { sort: "new", period: 0 })).to.deep.equal([]);
    expect((await db.query("SELECT 1 FROM purchases")).length).to.equal(0);
    world = fresh;
  });

  it("records a metadata fetch failure, hides the film, and retries until it succeeds", async () => {
    const id = await world.mint(world.creatorA, { title: "Late Bloom", genre: "Drama", aiTools: ["Veo"], duration: 120, price: USD });
    const real = ipfsMetadataFetcher(store);
    let failures = 0;
    const flaky = async (uri: string) => {
      if (failures++ < 1) throw new Error("gateway timed out");
      return real(uri);
    };
    const first = await indexOnce(world.ctx, db, { ...options, fetchMetadata: flaky });
    expect(first.metadata).to.deep.equal({ fetched: 0, unavailable: 1, invalid: 0 });
    const film = (await getFilm(db, id, { period: 0 }))!;
    expect([film.metadataStatus, film.title, film.metadataError]).to.deep.equal([
      "unavailable",
      `Film #${id}`,
      "metadata unavailable: gateway timed out",
    ]);
    expect(await listFilms(db, { sort: "new", period: 0 })).to.deep.equal([]);

    // Not retried before its back-off is over…
    expect((await indexOnce(world.ctx, db, { ...options, fetchMetadata: flaky })).metadata).to.deep.equal({
      fetched: 0,
      unavailable: 0,
      invalid: 0,
    });
    // …then retried, and listed.
    const later = Math.floor(Date.now() / 1000) + 31;
    expect(await refreshMetadata(db, flaky, { now: later })).to.deep.equal({ fetched: 1, unavailable: 0, invalid: 0 });
    expect((await listFilms(db, { sort: "new", period: 0 })).map((f) => f.title)).to.deep.equal(["Late Bloom"]);

    // A CID whose content is not listing metadata is "invalid", for good.
    const junk = await store.addBytes(new TextEncoder().encode("[1, 2, 3]"));
    await (await world.listings.connect(world.creatorA).mint(`ipfs://${junk}`, 60, 0)).wait();
    const bad = await indexOnce(world.ctx, db, options);
    expect(bad.metadata).to.deep.equal({ fetched: 0, unavailable: 0, invalid: 1 });
    const junkFilm = (await getFilm(db, id + 1n))!;
    expect([junkFilm.metadataStatus, junkFilm.metadataError]).to.deep.equal(["invalid", "metadata is not a JSON object"]);
    expect((await indexOnce(world.ctx, db, options)).metadata).to.deep.equal({ fetched: 0, unavailable: 0, invalid: 0 });
  });
});

describe("startIndexer", function () {
  this.timeout(120_000);

  it("follows new blocks until stopped, and two indexers on one database never double anything", async () => {
    const { store, dir } = await openTempIpfs("indexer-loop-");
    const db = await openDatabase({ dataDir: "memory://" });
    try {
      const world = await deployWorld(await network.create(), store);
      const results: number[] = [];
      const errors: unknown[] = [];
      const common = {
        fromBlock: world.deployBlock,
        ipfs: store,
        log: () => undefined,
        intervalMs: 20,
        onError: (e: unknown) => errors.push(e),
      };
      const stopA = startIndexer(world.ctx, db, { ...common, onIndexed: (r) => results.push(r.events) });
      const stopB = startIndexer(world.ctx, db, { ...common, batchSize: 3 });
      const until = async (check: () => Promise<boolean>) => {
        for (let i = 0; i < 500 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
      };
      await world.mint(world.creatorA, { title: "Loop One", genre: "Drama", aiTools: [], duration: 60, price: USD });
      await until(async () => (await getFilm(db, 1))?.metadataStatus === "ok");
      await (await world.market.connect(world.v1).subscribe(1, MONTHLY)).wait();
      await world.mint(world.creatorB, { title: "Loop Two", genre: "Drama", aiTools: [], duration: 60, price: USD });
      await until(async () => (await getFilm(db, 2))?.metadataStatus === "ok");
      await stopA();
      await stopB();
      expect(errors).to.deep.equal([]);
      expect(results.length).to.be.greaterThan(1);
      expect((await listFilms(db, { sort: "new", period: 0 })).map((f) => f.title)).to.deep.equal(["Loop Two", "Loop One"]);
      expect((await db.query("SELECT 1 FROM subscriptions")).length).to.equal(1);
      const [pool] = await world.market.poolOf(0);
      expect((await periodsOverview(db, { nowSeconds: await latestTime(world) }))[0].pool).to.equal(pool.toString());

      // Stopped means stopped: nothing is indexed after.
      const { lastBlock } = (await indexerStatus(db))!;
      await world.mint(world.creatorA, { title: "After Stop", genre: "Drama", aiTools: [], duration: 60, price: 0n });
      await new Promise((r) => setTimeout(r, 100));
      expect((await indexerStatus(db))!.lastBlock).to.equal(lastBlock);
    } finally {
      await db.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  // Not registered on a machine that opted out of PostgreSQL (LEDGER_SKIP_POSTGRES=1; never in CI).
  if (!postgresSkipped())
    it("on PostgreSQL, indexers racing over one database commit each batch once", async function () {
      const { store, dir } = await openTempIpfs("indexer-race-");
      const server = await startPostgresOnce();
      const alone = await openDatabase({ databaseUrl: await server.createDatabase() });
      const shared = await openDatabase({ databaseUrl: await server.createDatabase(), poolSize: 4 });
      try {
        const world = await deployWorld(await network.create(), store);
        for (let i = 0; i < 4; i++)
          await world.mint(world.creatorA, { title: `Race ${i}`, genre: "Drama", aiTools: [], duration: 60, price: USD });
        await (await world.market.connect(world.v1).subscribe(2, MONTHLY)).wait();
        const opts = { fromBlock: world.deployBlock, ipfs: store, log: () => undefined, batchSize: 2 };
        await indexOnce(world.ctx, alone, opts); // the reference: one indexer alone
        await Promise.all([indexOnce(world.ctx, shared, opts), indexOnce(world.ctx, shared, opts), indexOnce(world.ctx, shared, opts)]);
        await indexOnce(world.ctx, shared, opts); // whoever lost a race finishes here
        expect(await dumpTables(shared)).to.deep.equal(await dumpTables(alone));
      } finally {
        await Promise.all([alone.close(), shared.close()]);
        await store.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
});
