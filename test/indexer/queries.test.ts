// The read models the web app's pages call, over an indexed chain and a ledger of heartbeats:
// catalogue search, filters, "new" and "trending" (from the audience's views and watch time, the
// owner's own watching left out), the film page, the key server's film lookup, the account page,
// the creator studio and the payouts overview. The same suite runs on PGlite and on a real
// PostgreSQL server.
import { expect } from "chai";
import { rm } from "node:fs/promises";
import { network } from "hardhat";
import { openDatabase, type Database } from "@ai-films/core/db";
import type { IpfsStore } from "@ai-films/core/ipfs";
import {
  QueryInputError,
  accountOverview,
  addToWatchlist,
  aiTools,
  continueWatchingFilms,
  isOnWatchlist,
  removeFromWatchlist,
  watchlistFilms,
  MAX_WATCHLIST,
  creatorOverview,
  currentPeriod,
  filmDurationSeconds,
  filmOfContentKey,
  genres,
  getFilm,
  indexOnce,
  listFilms,
  periodsOverview,
  type ListFilmsOptions,
} from "@ai-films/core/indexer";
import { postgresSkipped, startPostgresOnce } from "../helpers/postgres.ts";
import { MONTHLY, PASS_WINDOW, PERIOD, USD, deployWorld, openTempIpfs, watch, type World } from "./helpers.ts";

const backends: Array<{ name: string; open: () => Promise<Database> }> = [
  { name: "pglite", open: () => openDatabase({ dataDir: "memory://" }) },
];
if (!postgresSkipped()) {
  backends.push({ name: "postgres", open: async () => openDatabase({ databaseUrl: await (await startPostgresOnce()).createDatabase() }) });
}

describe("Indexer read models", function () {
  this.timeout(120_000);
  let world: World;
  let store: IpfsStore;
  let tmp: string;
  let t0: number;
  /** Times inside period 0 and period 1, for queries pinned to a moment. */
  let inPeriod0: number;
  let inPeriod1: number;

  before(async () => {
    ({ store, dir: tmp } = await openTempIpfs("indexer-queries-"));
    world = await deployWorld(await network.create(), store);
    const { creatorA: a, creatorB: b } = world;
    await world.mint(a, {
      title: "Neon Tides",
      genre: "Sci-Fi",
      aiTools: ["Sora", "Suno"],
      duration: 600,
      price: 2n * USD,
      creatorName: "Lumière Studio",
    });
    await world.mint(a, { title: "Paper Moon", genre: "Drama", aiTools: ["Runway"], duration: 300, price: 0n });
    await world.mint(b, { title: "Glass Garden", genre: "Documentary", aiTools: ["Kling", "sora"], duration: 1_200, price: USD });
    await world.mint(b, { title: "100% Synthetic_Dreams", genre: "sci-fi", aiTools: ["Midjourney"], duration: 900, price: USD });
    await world.mint(a, { title: "Quiet Hours", genre: "Drama", aiTools: ["Veo"], duration: 60, price: 0n });
    await (await world.listings.connect(a).setSalesPaused(5n, true)).wait();
    await (await world.market.connect(world.v1).subscribe(2, MONTHLY)).wait();
    await (await world.market.connect(world.buyer).buyView(1n, 2n * USD, PASS_WINDOW)).wait();
    t0 = world.clock.genesis + 3_600;
    inPeriod0 = world.clock.genesis + PERIOD / 2;
    inPeriod1 = world.clock.genesis + PERIOD + PERIOD / 2;
  });

  after(async () => {
    await store?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  for (const backend of backends) {
    describe(`[${backend.name}]`, () => {
      let db: Database;
      const ids = (films: Array<{ filmId: string }>) => films.map((f) => f.filmId);
      const list = async (options: Partial<ListFilmsOptions>) => ids(await listFilms(db, { sort: "new", period: 0, ...options }));

      before(async () => {
        db = await backend.open();
        await indexOnce(world.ctx, db, { fromBlock: world.deployBlock, ipfs: store, log: () => undefined });
        const { v1, v2, v3, buyer, creatorB } = world;
        await watch(db, world, v1.address, 3n, 600, t0, { position: 600 });
        await watch(db, world, v2.address, 3n, 300, t0 + 1_000);
        await watch(db, world, v1.address, 1n, 120, t0 + 2_000, { position: 120 });
        await watch(db, world, buyer.address, 1n, 60, t0 + 3_000, { entitlement: "pass" });
        await watch(db, world, v3.address, 2n, 40, t0 + 4_000, { entitlement: "free" });
        await watch(db, world, creatorB.address, 4n, 900, t0 + 5_000, { entitlement: "owner" });
        await watch(db, world, v2.address, 4n, 20, t0 + 7_000);
        // Period 1: v1 finishes Paper Moon.
        await watch(db, world, v1.address, 2n, 300, world.clock.genesis + PERIOD + 100, { position: 300 });
      });
      after(() => db?.close());

      it("lists the catalogue newest first, without paused films, with paging", async () => {
        expect(await list({})).to.deep.equal(["4", "3", "2", "1"]);
        expect(await list({ limit: 2, offset: 1 })).to.deep.equal(["3", "2"]);
        const [card] = await listFilms(db, { sort: "new", period: 0, limit: 1 });
        expect(card).to.deep.include({
          filmId: "4",
          title: "100% Synthetic_Dreams",
          creator: world.creatorB.address.toLowerCase(),
          genre: "sci-fi",
          aiTools: ["Midjourney"],
          durationSeconds: 900,
          pricePerView: "1000000",
          views: 0,
          watchSeconds: 20,
        });
        expect(card.posterUri).to.match(/^ipfs:\/\/\w+\/poster\.jpg$/);
      });

      it("ranks trending by the period's audience views and watch time, the owner's own watching left out", async () => {
        // Period 0: Glass Garden 2 views / 900 s; Neon Tides 2 / 180 (a pass viewer counts);
        // Paper Moon 1 / 40 (free); Synthetic Dreams 0 / 20 — its owner's 900 s do not count.
        const trending = await listFilms(db, { sort: "trending", period: 0 });
        expect(trending.map((f) => [f.filmId, f.views, f.watchSeconds])).to.deep.equal([
          ["3", 2, 900],
          ["1", 2, 180],
          ["2", 1, 40],
          ["4", 0, 20],
        ]);
        // Period 1: only Paper Moon was watched; the rest follow newest first.
        expect(ids(await listFilms(db, { sort: "trending", period: 1 }))).to.deep.equal(["2", "4", "3", "1"]);
        // Without a period: the one containing nowSeconds.
        expect(ids(await listFilms(db, { sort: "trending", nowSeconds: inPeriod1 }))).to.deep.equal(["2", "4", "3", "1"]);
        expect(await currentPeriod(db, inPeriod0)).to.equal(0);
      });

      it("searches titles and creators case-insensitively, taking % and _ literally", async () => {
        expect(await list({ search: "neon" })).to.deep.equal(["1"]);
        expect(await list({ search: "  GLASS garden " })).to.deep.equal(["3"]);
        expect(await list({ search: "lumi" })).to.deep.equal(["1"]); // the metadata's creator name
        const b = world.creatorB.address;
        expect(await list({ search: b.slice(0, 12).toUpperCase().replace("0X", "0x") })).to.deep.equal(["4", "3"]);
        expect(await list({ search: b })).to.deep.equal(["4", "3"]);
        expect(await list({ search: "%" })).to.deep.equal(["4"]);
        expect(await list({ search: "_" })).to.deep.equal(["4"]);
        expect(await list({ search: "quiet" })).to.deep.equal([]); // paused
        expect(await list({ search: "nothing like this" })).to.deep.equal([]);
      });

      it("filters by genre and AI tool, case-insensitively, and lists the values for the filters", async () => {
        expect(await list({ genre: "SCI-FI" })).to.deep.equal(["4", "1"]);
        expect(await list({ aiTool: "sora" })).to.deep.equal(["3", "1"]);
        expect(await list({ aiTool: "Sora", genre: "documentary" })).to.deep.equal(["3"]);
        expect(await list({ aiTool: "Veo" })).to.deep.equal([]); // only on the paused film
        expect(await genres(db)).to.deep.equal(["Documentary", "Drama", "Sci-Fi"]);
        expect(await aiTools(db)).to.deep.equal(["Kling", "Midjourney", "Runway", "Sora", "Suno"]);
      });

      it("refuses bad arguments with QueryInputError", async () => {
        for (const bad of [{ sort: "hot" }, { limit: -1 }, { period: 1.5 }, { owner: "0x123" }] as Array<Partial<ListFilmsOptions>>) {
          const error = await listFilms(db, { sort: "new", ...bad } as ListFilmsOptions).catch((e) => e);
          expect(error, JSON.stringify(bad)).to.be.instanceOf(QueryInputError);
        }
        expect(await getFilm(db, "abc")).to.equal(null);
        expect(await getFilm(db, 99)).to.equal(null);
      });

      it("gives a heartbeat the film's length, the same as the film page's, and null for no film", async () => {
        for (const id of [1, "3", 5n]) expect(await filmDurationSeconds(db, id)).to.equal((await getFilm(db, id))!.durationSeconds);
        expect(await filmDurationSeconds(db, 99)).to.equal(null);
        expect(await filmDurationSeconds(db, "abc")).to.equal(null);
      });

      it("gives the film page this period's and all-time numbers, also for a paused film", async () => {
        const glass = (await getFilm(db, 3, { period: 0 }))!;
        expect([glass.thisPeriod, glass.allTime]).to.deep.equal([
          { views: 2, watchSeconds: 900 },
          { views: 2, watchSeconds: 900, passesSold: 0 },
        ]);
        const paper = (await getFilm(db, "2", { nowSeconds: inPeriod1 }))!;
        expect([paper.period, paper.thisPeriod, paper.allTime]).to.deep.equal([
          1,
          { views: 1, watchSeconds: 300 },
          { views: 2, watchSeconds: 340, passesSold: 0 },
        ]);
        const quiet = (await getFilm(db, 5))!;
        expect([quiet.title, quiet.salesPaused, quiet.aiTools]).to.deep.equal(["Quiet Hours", true, ["Veo"]]);
      });

      it("finds the film a content key unlocks: the listing the ingesting wallet minted, or for an unbound key the first", async () => {
        const a = world.creatorA.address;
        const b = world.creatorB.address;
        expect(await filmOfContentKey(db, "key-neon-tides", a)).to.equal(1n);
        expect(await filmOfContentKey(db, "key-glass-garden", b)).to.equal(3n);
        expect(await filmOfContentKey(db, "key-nobody", a)).to.equal(null);
        // A listing by another wallet than the one the key is bound to unlocks nothing.
        expect(await filmOfContentKey(db, "key-neon-tides", b)).to.equal(null);
        expect(await filmOfContentKey(db, "key-neon-tides", "0x000000000000000000000000000000000000dEaD")).to.equal(null);
        // Unbound (a key made before ingests were bound): the first listing naming it.
        expect(await filmOfContentKey(db, "key-neon-tides", null)).to.equal(1n);
        // Film 3 (creator B) names film 1's key id too (rolled back afterwards): the copy never takes
        // the key over, and if B's key were the one copied by A's earlier mint (a front-run), B's
        // listing would still be the one it unlocks.
        const found = await db
          .transaction(async (tx) => {
            await tx.query("UPDATE films SET key_id = $1 WHERE film_id = 3", ["key-neon-tides"]);
            const result = {
              boundToA: await filmOfContentKey(tx, "key-neon-tides", a),
              boundToB: await filmOfContentKey(tx, "key-neon-tides", b),
              unbound: await filmOfContentKey(tx, "key-neon-tides", null),
            };
            throw Object.assign(new Error("roll back"), { result });
          })
          .catch((e: { result?: unknown }) => e.result);
        expect(found).to.deep.equal({ boundToA: 1n, boundToB: 3n, unbound: 1n });
        expect(await filmOfContentKey(db, "key-glass-garden", b)).to.equal(3n);
      });

      it("builds the account page: subscription, passes, history and continue watching", async () => {
        const v1 = await accountOverview(db, world.v1.address, inPeriod0);
        expect(v1.subscriptionEnd).to.equal(Number(await world.market.subscriptionEnd(world.v1.address)));
        expect(v1.subscribed).to.equal(true);
        expect(v1.history.map((h) => [h.filmId, h.title, h.positionSeconds, h.watchedSeconds])).to.deep.equal([
          ["2", "Paper Moon", 300, 300],
          ["1", "Neon Tides", 120, 120],
          ["3", "Glass Garden", 600, 600],
        ]);
        expect(v1.continueWatching.map((h) => h.filmId)).to.deep.equal(["1", "3"]); // Paper Moon was finished
        const buyer = await accountOverview(db, world.buyer.address.toUpperCase().replace("0X", "0x"), inPeriod0 - PERIOD / 2 + 3_600);
        expect(buyer.address).to.equal(world.buyer.address.toLowerCase());
        expect(buyer.passes.map((p) => [p.filmId, p.title])).to.deep.equal([["1", "Neon Tides"]]);
        expect(buyer.subscriptionEnd).to.equal(null);
        const nobody = await accountOverview(db, "0x" + "ab".repeat(20), inPeriod0);
        expect(nobody).to.deep.equal({
          address: "0x" + "ab".repeat(20),
          subscriptionEnd: null,
          subscribed: false,
          passes: [],
          history: [],
          continueWatching: [],
        });
      });

      it("gives a signed-in viewer's catalogue rows: continue watching from the ledger's positions", async () => {
        const rows = await continueWatchingFilms(db, world.v1.address, { nowSeconds: inPeriod0 });
        expect(rows.map((f) => [f.filmId, f.title, f.positionSeconds])).to.deep.equal([
          ["1", "Neon Tides", 120],
          ["3", "Glass Garden", 600],
        ]); // Paper Moon was finished: not in the row
        expect(await continueWatchingFilms(db, "0x" + "ab".repeat(20), { nowSeconds: inPeriod0 })).to.deep.equal([]); // never watched
        expect(ids(await continueWatchingFilms(db, world.v1.address, { nowSeconds: inPeriod0, limit: 1 }))).to.deep.equal(["1"]);
      });

      it("keeps a watchlist per viewer: add (idempotent), remove, newest first, listed films only", async () => {
        const viewer = world.v3.address;
        expect(await addToWatchlist(db, viewer, "3", 100)).to.equal("added");
        expect(await addToWatchlist(db, viewer, 1n, 200)).to.equal("added");
        expect(await addToWatchlist(db, viewer, "1", 300)).to.equal("already");
        expect(await addToWatchlist(db, viewer, "5", 400)).to.equal("added"); // paused: kept, but not shown
        expect(await addToWatchlist(db, viewer, "999", 500)).to.equal("unknown-film");
        expect(ids(await watchlistFilms(db, viewer, { nowSeconds: inPeriod0 }))).to.deep.equal(["1", "3"]);
        expect(await isOnWatchlist(db, viewer.toUpperCase().replace("0X", "0x"), "3")).to.equal(true);
        expect(await isOnWatchlist(db, world.v1.address, "3")).to.equal(false); // another viewer's list is theirs
        expect(await removeFromWatchlist(db, viewer, "3")).to.equal("removed");
        expect(await removeFromWatchlist(db, viewer, "3")).to.equal("absent");
        expect(ids(await watchlistFilms(db, viewer, { nowSeconds: inPeriod0 }))).to.deep.equal(["1"]);
        for (const bad of ["0", "-1", "abc", "1e3"]) {
          expect(await addToWatchlist(db, viewer, bad, 1).catch((e) => e), bad).to.be.instanceOf(QueryInputError);
        }
        expect(await addToWatchlist(db, "not an address", "1", 1).catch((e) => e)).to.be.instanceOf(QueryInputError);
      });

      it("caps a watchlist at MAX_WATCHLIST films", async () => {
        const viewer = "0x" + "cd".repeat(20);
        await db.query("INSERT INTO watchlist (viewer, film_id, added_at) SELECT $1, 1000 + g, g FROM generate_series(1, $2::int) g", [
          viewer,
          MAX_WATCHLIST,
        ]);
        expect(await addToWatchlist(db, viewer, "1", 1)).to.equal("full");
        await removeFromWatchlist(db, viewer, "1001");
        expect(await addToWatchlist(db, viewer, "1", 1)).to.equal("added");
      });

      it("builds the creator studio: films with their numbers and per-period series", async () => {
        const a = await creatorOverview(db, world.creatorA.address, { nowSeconds: inPeriod1 });
        expect(a.currentPeriod).to.equal(1);
        expect(a.films.map((f) => [f.filmId, f.salesPaused, f.views, f.watchSeconds, f.passesSold, f.ppvRevenue])).to.deep.equal([
          ["5", true, 0, 0, 0, "0"],
          ["2", false, 2, 340, 0, "0"],
          ["1", false, 2, 180, 1, "1800000"],
        ]);
        expect(
          a.periods.map((p) => [
            p.period,
            p.views,
            p.watchSeconds,
            p.subscriptionViews,
            p.subscriptionSeconds,
            p.ppvRevenue,
            p.poolEarnings,
          ]),
        ).to.deep.equal([
          [0, 3, 220, 1, 120, "1800000", "0"],
          [1, 1, 300, 1, 300, "0", "0"],
        ]);
        expect(a.totals).to.deep.equal({
          views: 4,
          watchSeconds: 520,
          ppvRevenue: "1800000",
          poolEarnings: "0",
          earnings: "1800000",
          ppvWithdrawn: "0",
          ppvBalance: (await world.market.earningsOf(world.creatorA.address)).toString(),
        });
        const b = await creatorOverview(db, world.creatorB.address, { nowSeconds: inPeriod0 });
        expect(b.films.map((f) => [f.filmId, f.views, f.watchSeconds])).to.deep.equal([
          ["4", 0, 20],
          ["3", 2, 900],
        ]);
        expect(ids(await listFilms(db, { sort: "new", period: 0, owner: world.creatorB.address }))).to.deep.equal(["4", "3"]);
      });

      it("gives the payouts page each period's pool, subscribers and status", async () => {
        const during = await periodsOverview(db, { nowSeconds: inPeriod0 });
        expect(during.map((p) => [p.period, p.status])).to.deep.equal([[0, "open"]]);
        const after = await periodsOverview(db, { nowSeconds: inPeriod1 });
        expect(after.map((p) => [p.period, p.status, p.subscribers])).to.deep.equal([
          [1, "open", 1],
          [0, "awaiting-tally", 1],
        ]);
        const [pool0] = await world.market.poolOf(0);
        expect(after[1].pool).to.equal(pool0.toString());
        expect(after[1].ledger).to.deep.equal({ views: 3, watchSeconds: 1_040 }); // subscribers only: what a tally attests
        expect([after[1].start, after[1].end]).to.deep.equal([world.clock.genesis, world.clock.genesis + PERIOD]);
      });
    });
  }
});
