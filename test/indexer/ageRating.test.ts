// Age ratings through the indexer: properties.ageRating ("all", "12", "16", "18") read from each
// listing's IPFS metadata on a real chain; a missing or unknown value (old films, "21", a number,
// a trailing space) is unrated, never a guess; the catalogue and the viewer rows apply a viewer's
// limit, with unrated films shown only at 16 and 18.
import { expect } from "chai";
import { rm } from "node:fs/promises";
import path from "node:path";
import { network } from "hardhat";
import { openDatabase, type Database } from "@ai-films/core/db";
import type { IpfsStore } from "@ai-films/core/ipfs";
import { addToWatchlist, getFilm, indexOnce, listFilms, parseFilmMetadata, watchlistFilms } from "@ai-films/core/indexer";
import { buildMetadata, parseListing } from "@ai-films/core/media";
import { USD, deployWorld, metadataJson, openTempIpfs, type World } from "./helpers.ts";

describe("Indexer: age ratings", function () {
  this.timeout(180_000);
  let world: World;
  let db: Database;
  let store: IpfsStore;
  let tmp: string;
  const ids: Record<string, string> = {};

  before(async () => {
    const ipfs = await openTempIpfs("indexer-age-");
    store = ipfs.store;
    tmp = ipfs.dir;
    db = await openDatabase({ dataDir: path.join(tmp, "ledger") });
    world = await deployWorld(await network.create(), store);
    const film = (title: string, ageRating?: unknown) => ({
      title,
      genre: "Drama",
      aiTools: ["Sora"],
      duration: 60,
      price: USD,
      ageRating,
    });
    for (const [key, rating] of [
      ["old", undefined],
      ["all", "all"],
      ["twelve", "12"],
      ["sixteen", "16"],
      ["adult", "18"],
      ["odd", "21"],
      ["number", 18],
      ["spaced", "18 "],
    ] as const) {
      ids[key] = (await world.mint(world.creatorA, film(`Film ${key}`, rating))).toString();
    }
    await indexOnce(world.ctx, db, { fromBlock: world.deployBlock, ipfs: store });
  });

  after(async () => {
    await db?.close();
    await store?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it("reads the four ratings and leaves anything else unrated", async () => {
    const rating = async (key: string) => (await getFilm(db, ids[key]))?.ageRating;
    expect(await rating("old")).to.equal(null);
    expect(await rating("all")).to.equal("all");
    expect(await rating("twelve")).to.equal("12");
    expect(await rating("sixteen")).to.equal("16");
    expect(await rating("adult")).to.equal("18");
    for (const key of ["odd", "number", "spaced"]) expect(await rating(key), key).to.equal(null);
  });

  it("applies a viewer's limit to the catalogue, search and the viewer's rows", async () => {
    const listed = async (maxAgeRating?: "all" | "12" | "16" | "18") =>
      (await listFilms(db, { sort: "new", maxAgeRating })).map((f) => f.filmId).sort();
    const unrated = [ids.old, ids.odd, ids.number, ids.spaced];
    expect(await listed()).to.have.members(Object.values(ids));
    expect(await listed("18")).to.have.members(Object.values(ids));
    expect(await listed("16")).to.have.members([ids.all, ids.twelve, ids.sixteen, ...unrated]);
    expect(await listed("12")).to.have.members([ids.all, ids.twelve]);
    expect(await listed("all")).to.have.members([ids.all]);
    const search = await listFilms(db, { sort: "new", search: "Film adult", maxAgeRating: "16" });
    expect(search).to.deep.equal([]);
    const viewer = world.v1.address;
    await addToWatchlist(db, viewer, BigInt(ids.adult), 100);
    await addToWatchlist(db, viewer, BigInt(ids.twelve), 101);
    expect((await watchlistFilms(db, viewer, { maxAgeRating: "16" })).map((f) => f.filmId)).to.deep.equal([ids.twelve]);
    expect((await watchlistFilms(db, viewer)).map((f) => f.filmId)).to.deep.equal([ids.twelve, ids.adult]);
    const refused = await listFilms(db, { sort: "new", maxAgeRating: "21" as never }).catch((error: Error) => error);
    expect(refused)
      .to.be.instanceOf(Error)
      .with.property("message")
      .that.matches(/maxAgeRating/);
  });

  it("writes properties.ageRating from the studio's and the CLI's listing, and keeps unrated metadata as before", () => {
    const facts = { hlsCid: "bafyhls", durationSeconds: 60, renditions: [360], previewSeconds: 10, keyId: "k" };
    const rated = buildMetadata(parseListing({ title: "Rated", ageRating: "16" }), facts);
    expect(rated.properties.ageRating).to.equal("16");
    expect(rated.attributes).to.deep.include({ trait_type: "Age rating", value: "16" });
    expect(parseFilmMetadata(rated).ageRating).to.equal("16");
    const unrated = buildMetadata(parseListing({ title: "Unrated" }), facts);
    expect(Object.keys(unrated.properties)).to.not.include("ageRating");
    expect(() => parseListing({ title: "Bad", ageRating: "21" })).to.throw(/ageRating must be one of/);
    expect(parseFilmMetadata(metadataJson({ title: "x", genre: "", aiTools: [], duration: 1, price: 0n }, "bafy")).ageRating).to.equal(
      null,
    );
  });
});
