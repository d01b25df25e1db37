// Collaborator splits in the index: the SplitterFactory's SplitterCreated events fill film_splits
// and film_split_payees (migration 017), so pages can say "split among N collaborators" and the
// studio can find the split films a wallet controls or is paid by. Re-indexing changes nothing.
import { expect } from "chai";
import { rm } from "node:fs/promises";
import { network } from "hardhat";
import { openDatabase, type Database } from "@ai-films/core/db";
import type { IpfsStore } from "@ai-films/core/ipfs";
import { filmSplit, getFilm, indexOnce, listFilms, splitFilmsOf } from "@ai-films/core/indexer";
import type { ChainContext } from "@ai-films/core/chain";
import { USD, deployWorld, openTempIpfs, type World } from "./helpers.ts";

describe("Indexer: collaborator splits", function () {
  this.timeout(120_000);
  let world: World;
  let store: IpfsStore;
  let tmp: string;
  let db: Database;
  let ctx: ChainContext;
  let splitter: string;

  const spec = (title: string) => ({ title, genre: "Drama", aiTools: ["Sora"], duration: 120, price: USD });
  const lower = (a: string) => a.toLowerCase();

  before(async () => {
    ({ store, dir: tmp } = await openTempIpfs("indexer-splits-"));
    world = await deployWorld(await network.create(), store);
    const factory = await world.ethers.deployContract("SplitterFactory", [await world.market.getAddress()]);
    ctx = { ...world.ctx, splitterFactory: (await factory.getAddress()) as `0x${string}` };
    const { creatorA: a, creatorB: b, v1 } = world;
    await world.mint(a, spec("Three Hands"));
    await world.mint(a, spec("One Hand"));
    const data = world.ethers.AbiCoder.defaultAbiCoder().encode(
      ["address[]", "uint256[]"],
      [
        [a.address, b.address, v1.address],
        [5_000n, 3_000n, 2_000n],
      ],
    );
    await (
      await world.listings.connect(a)["safeTransferFrom(address,address,uint256,bytes)"](a.address, await factory.getAddress(), 1n, data)
    ).wait();
    splitter = lower(await factory.splitterOf(1n));
    db = await openDatabase({ dataDir: "memory://" });
    await indexOnce(ctx, db, { fromBlock: world.deployBlock, ipfs: store, log: () => undefined });
  });

  after(async () => {
    await db?.close();
    await store?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it("records the split: splitter, controller and payees in the creator's order", async () => {
    const { creatorA: a, creatorB: b, v1 } = world;
    expect(await filmSplit(db, 1n)).to.deep.equal({
      filmId: "1",
      splitter,
      controller: lower(a.address),
      totalShares: "10000",
      title: "Three Hands",
      payees: [
        { payee: lower(a.address), shares: "5000" },
        { payee: lower(b.address), shares: "3000" },
        { payee: lower(v1.address), shares: "2000" },
      ],
    });
    expect(await filmSplit(db, 2n)).to.equal(null);
    expect(await filmSplit(db, 99n)).to.equal(null);
  });

  it("the film page sees the split; the film stays its creator's and listed", async () => {
    const film = (await getFilm(db, 1n))!;
    expect(film.split).to.deep.equal({ splitter, collaborators: 3 });
    expect(film.creator).to.equal(lower(world.creatorA.address));
    expect(film.owner).to.equal(splitter);
    expect((await getFilm(db, 2n))!.split).to.equal(null);
    const listed = (await listFilms(db, { sort: "new", period: 0 })).map((f) => f.filmId);
    expect(listed).to.include("1");
  });

  it("finds the split films of a controller and of each payee, and none for others", async () => {
    for (const who of [world.creatorA, world.creatorB, world.v1]) {
      expect(
        (await splitFilmsOf(db, who.address)).map((s) => s.filmId),
        who.address,
      ).to.deep.equal(["1"]);
    }
    expect(await splitFilmsOf(db, world.v2.address)).to.deep.equal([]);
  });

  it("indexing the same blocks again changes nothing", async () => {
    await db.query("UPDATE indexer_state SET last_block = $1", [world.deployBlock - 1]);
    await indexOnce(ctx, db, { ipfs: store, log: () => undefined });
    const rows = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM film_split_payees");
    expect(rows[0].n).to.equal(3);
  });
});
