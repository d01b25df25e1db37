// Copies of listings: anyone can mint a listing naming another film's metadata, HLS directory, key
// or playback id. The catalogue must list only the original — the listing minted by the wallet the
// media is bound to (the key store's binding), even when a copy front-ran it — and the film page of
// a copy must say whose film it copies.
import { expect } from "chai";
import { rm } from "node:fs/promises";
import { network } from "hardhat";
import { openDatabase, type Database } from "@ai-films/core/db";
import type { IpfsStore } from "@ai-films/core/ipfs";
import { getFilm, indexOnce, listFilms } from "@ai-films/core/indexer";
import { USD, deployWorld, metadataJson, openTempIpfs, type World } from "./helpers.ts";

describe("Indexer: copies of listings", function () {
  this.timeout(120_000);
  let world: World;
  let store: IpfsStore;
  let tmp: string;
  let db: Database;
  /** The key store's bindings in this world: key id → the wallet that ingested the film. */
  const bindings = new Map<string, string>();

  const spec = (title: string) => ({ title, genre: "Drama", aiTools: ["Sora"], duration: 120, price: USD });
  const uriOf = async (filmId: bigint) => world.listings.tokenURI(filmId);
  const mintUri = async (who: World["creatorA"], uri: string) => {
    await (await world.listings.connect(who).mint(uri, 120, USD)).wait();
    return world.listings.totalListings();
  };
  /** Metadata like the pipeline's, added to IPFS without minting (what an ingest hands its creator). */
  const ingest = async (title: string, overrides: Record<string, unknown> = {}) => {
    const hlsCid = await store.addBytes(new TextEncoder().encode(`hls of ${title}`));
    const json = metadataJson(spec(title), hlsCid);
    const cid = await store.addBytes(new TextEncoder().encode(JSON.stringify({ ...json, ...overrides })));
    return { uri: `ipfs://${cid}`, keyId: json.properties.keyId, json };
  };

  before(async () => {
    ({ store, dir: tmp } = await openTempIpfs("indexer-copies-"));
    world = await deployWorld(await network.create(), store);
    const { creatorA: a, creatorB: b } = world;

    // 1: A's film, its key bound to A. 2: B mints film 1's exact metadata URI.
    const original = await ingest("Mandelbrot Descent");
    bindings.set(original.keyId, a.address);
    await mintUri(a, original.uri);
    await mintUri(b, await uriOf(1n));
    // 3: B sees A's mint coming and mints A's freshly ingested film first; 4: A's own mint.
    const frontRun = await ingest("Rule 30");
    bindings.set(frontRun.keyId, a.address);
    await mintUri(b, frontRun.uri);
    await mintUri(a, frontRun.uri);
    // 5: a film whose key has no binding (ingested elsewhere); 6: B's copy of it.
    await world.mint(a, spec("Unbound Tides"));
    await mintUri(b, await uriOf(5n));
    // 7: B re-titles film 1's metadata (new metadata CID, same HLS directory and key).
    const retitled = await store.addBytes(new TextEncoder().encode(JSON.stringify({ ...original.json, name: "Totally New Film" })));
    await mintUri(b, `ipfs://${retitled}`);
    // 8: B's own film, nothing shared.
    const own = await ingest("B's Own Film");
    bindings.set(own.keyId, b.address);
    await mintUri(b, own.uri);

    db = await openDatabase({ dataDir: "memory://" });
    await indexOnce(world.ctx, db, {
      fromBlock: world.deployBlock,
      ipfs: store,
      log: () => undefined,
      mediaIngester: async ({ keyId }) => (keyId === null ? null : (bindings.get(keyId) ?? null)),
    });
  });

  after(async () => {
    await db?.close();
    await store?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it("lists only originals: the bound wallet's listing, even when a copy was minted first", async () => {
    const listed = (await listFilms(db, { sort: "new", period: 0 })).map((f) => f.filmId);
    expect(listed).to.deep.equal(["8", "5", "4", "1"]);
    const search = (await listFilms(db, { sort: "new", period: 0, search: "Mandelbrot" })).map((f) => f.filmId);
    expect(search).to.deep.equal(["1"]);
  });

  it("says on a copy's page whose film it copies, and nothing on an original's", async () => {
    const a = world.creatorA.address.toLowerCase();
    const copyOf = async (id: bigint) => (await getFilm(db, id))!.copy;
    for (const id of [1n, 4n, 5n, 8n]) expect(await copyOf(id), `film ${id}`).to.equal(null);
    expect(await copyOf(2n)).to.deep.equal({ of: { filmId: "1", title: "Mandelbrot Descent", creator: a, creatorName: null } });
    expect((await copyOf(3n))?.of?.filmId, "the front-run copy points at the later original").to.equal("4");
    expect((await copyOf(6n))?.of?.filmId, "unbound media: the first listing is the original").to.equal("5");
    expect((await copyOf(7n))?.of?.filmId, "a new title over the same media is still a copy").to.equal("1");
  });

  it("hides a listing whose media is bound to another wallet before the original is minted", async () => {
    const pending = await ingest("Not Minted Yet");
    bindings.set(pending.keyId, world.creatorA.address);
    const id = await mintUri(world.creatorB, pending.uri);
    await indexOnce(world.ctx, db, {
      ipfs: store,
      log: () => undefined,
      mediaIngester: async ({ keyId }) => (keyId === null ? null : (bindings.get(keyId) ?? null)),
    });
    expect((await getFilm(db, id))!.copy).to.deep.equal({ of: null });
    expect((await listFilms(db, { sort: "new", period: 0 })).map((f) => f.filmId)).to.not.include(String(id));
  });
});
