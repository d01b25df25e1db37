// The playback-token route's logic (`POST /api/films/<id>/playback-token`, mounted by the web app)
// end to end below the framework: listings minted on Hardhat's chain with metadata in the media
// pipeline's Livepeer shape, indexed into a PGlite ledger (the catalogue's records of which film
// names which playback id), sessions from real SIWE sign-ins, entitlement from the contract, and a
// signing key created through the Livepeer Studio stand-in. 401 / 400 / 404 / 403 / 200. Also the
// migration that fills in the playback ids of metadata indexed before it.
import { expect } from "chai";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { importSPKI, jwtVerify } from "jose";
import { connectProvider, type ChainContext } from "@ai-films/core/chain";
import { filmOfLivepeerPlayback, getFilm, indexOnce, livepeerPlaybackOfFilm } from "@ai-films/core/indexer";
import { DEFAULT_MIGRATIONS_DIR, loadMigrations, openDatabase, type Database } from "@ai-films/core/db";
import { buildMetadata, parseListing } from "@ai-films/core/media";
import type { FilmFacts } from "@ai-films/core/media/metadata";
import {
  createAuth,
  createLivepeerClient,
  createPlaybackTokens,
  IAT_LEEWAY_SECONDS,
  LIVEPEER_ISSUER,
  loadOrCreateSigningKey,
  memoryAuthStore,
  type Auth,
} from "@ai-films/core/serving";
import { deployMarket, FILM_PRICE, PASS_WINDOW, type Deployment } from "../contracts/fixture.ts";
import { startLivepeerStudioServer, type LivepeerStudioServer } from "../helpers/livepeer-studio-server.ts";
import { DOMAIN, ORIGIN, signInAs } from "./helpers.ts";

const connection = await network.create();
const { provider } = connection;

const PAID = "paidfilm1playback";
const FREE = "freefilm2playback";
const HLS = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";

/** Metadata as the media pipeline writes it: the Livepeer path, or the local AES path. */
function metadata(title: string, film: Partial<FilmFacts>) {
  return buildMetadata(parseListing({ title }), {
    hlsCid: HLS,
    durationSeconds: 600,
    renditions: [720, 480, 360],
    previewSeconds: 30,
    ...film,
  });
}

describe("serving: Livepeer playback-token route on a real deployment and index", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "ai-films-playback-route-"));
  let d: Deployment;
  let ctx: ChainContext;
  let db: Database;
  let auth: Auth;
  let studio: LivepeerStudioServer;
  let publicKey: string;
  let tokens: ReturnType<typeof createPlaybackTokens>;
  const cookies = new Map<string, string>();

  const cookieOf = async (signer: { address: string; signMessage(m: string): Promise<string> }) => {
    if (!cookies.has(signer.address)) cookies.set(signer.address, await signInAs(auth, signer, ctx.chainId));
    return cookies.get(signer.address)!;
  };
  const ask = (filmId: string, cookie?: string, method = "POST") =>
    tokens.filmToken(new Request(`${ORIGIN}/api/films/${filmId}/playback-token`, { method, headers: cookie ? { cookie } : {} }), filmId);
  async function expectRefused(response: Response, status: number, error: string) {
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).to.equal(status);
    expect(body.error).to.equal(error);
    expect(body.message).to.be.a("string").and.not.equal("");
    expect(body).not.to.have.property("token");
    expect(response.headers.get("cache-control")).to.equal("no-store");
  }
  async function expectToken(response: Response, playbackId: string, filmId: string) {
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).to.equal(200);
    expect(response.headers.get("cache-control")).to.equal("private, no-store");
    const key = await importSPKI(Buffer.from(publicKey, "base64").toString("utf8"), "ES256");
    const { payload, protectedHeader } = await jwtVerify(body.token, key, {
      algorithms: ["ES256"],
      issuer: LIVEPEER_ISSUER,
      subject: playbackId,
    });
    expect(protectedHeader.alg).to.equal("ES256");
    expect(payload).to.include({ sub: playbackId, action: "pull", pub: publicKey, video: "none" });
    // Valid for the TTL from now; issued IAT_LEEWAY_SECONDS earlier, for a clock running ahead of Livepeer's edge.
    expect(payload.exp! - payload.iat!).to.equal(600 + IAT_LEEWAY_SECONDS);
    expect(payload.iat!).to.be.at.most(Math.floor(Date.now() / 1000) - IAT_LEEWAY_SECONDS);
    expect(body).to.deep.equal({ token: body.token, playbackId, filmId, expiresAt: payload.exp });
  }

  before(async () => {
    d = await deployMarket(connection);
    // Film 4: a local-path (AES) film, no Livepeer playback id.
    await d.listings.connect(d.creatorB).mint("ipfs://bafyfilm4", 60, 0);
    ctx = await connectProvider(provider, { market: await d.market.getAddress() });

    // Film 1 (creator A, priced) and film 2 (creator A, free) play from Livepeer; film 3 (creator B)
    // copies film 1's playback id into its own metadata.
    const byUri: Record<string, unknown> = {
      "ipfs://bafyfilm1": metadata("Paid", { livepeer: { playbackId: PAID, assetId: "asset-1" } }),
      "ipfs://bafyfilm2": metadata("Free", { livepeer: { playbackId: FREE, assetId: "asset-2", ipfsCid: HLS } }),
      "ipfs://bafyfilm3": metadata("Copycat", { livepeer: { playbackId: PAID, assetId: "asset-1" } }),
      "ipfs://bafyfilm4": metadata("Local", { keyId: "0123456789abcdef0123456789abcdef" }),
    };
    db = await openDatabase({ dataDir: join(dir, "ledger") });
    const indexed = await indexOnce(ctx, db, { fromBlock: 0, fetchMetadata: async (uri) => byUri[uri], log: () => undefined });
    expect(indexed.metadata).to.deep.equal({ fetched: 4, unavailable: 0, invalid: 0 });

    auth = createAuth({
      domain: DOMAIN,
      chainId: ctx.chainId,
      publicClient: ctx.publicClient,
      store: memoryAuthStore(),
      sessionSecret: new TextEncoder().encode("playback-route-test-secret-0123456789abcdef"),
    });
    studio = await startLivepeerStudioServer();
    const client = createLivepeerClient({ apiKey: studio.apiKey, baseUrl: studio.url });
    const signer = await loadOrCreateSigningKey(client, join(dir, "livepeer-signing-key.json"));
    publicKey = signer.publicKey;
    tokens = createPlaybackTokens({
      readSession: (request) => auth.readSession(request),
      chain: ctx,
      signer,
      // The key store's bindings: creator A ingested both films that play from Livepeer.
      filmOfPlayback: (playbackId) => filmOfLivepeerPlayback(db, playbackId, [PAID, FREE].includes(playbackId) ? d.creatorA.address : null),
      playbackOfFilm: (filmId) => livepeerPlaybackOfFilm(db, filmId),
      ttlSeconds: 600,
    });
  });

  after(async () => {
    await studio?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("indexes the playback id a listing's metadata names; only the ingesting wallet's listing owns it", async () => {
    expect((await getFilm(db, 1n))!.livepeerPlaybackId).to.equal(PAID);
    expect((await getFilm(db, 2n))!.livepeerPlaybackId).to.equal(FREE);
    expect((await getFilm(db, 4n))!.livepeerPlaybackId).to.equal(null);
    expect((await getFilm(db, 4n))!.keyId).to.equal("0123456789abcdef0123456789abcdef");
    expect(await filmOfLivepeerPlayback(db, PAID, d.creatorA.address)).to.equal(1n);
    expect(await filmOfLivepeerPlayback(db, PAID, null)).to.equal(1n); // unbound: the first listing naming it
    // Bound to creator B (had B ingested it and A front-run the mint), B's copy-looking listing is the one.
    expect(await filmOfLivepeerPlayback(db, PAID, d.creatorB.address)).to.equal(3n);
    expect(await filmOfLivepeerPlayback(db, PAID, d.viewer1.address)).to.equal(null);
    expect(await filmOfLivepeerPlayback(db, "nobody", d.creatorA.address)).to.equal(null);
    expect(await livepeerPlaybackOfFilm(db, 3n)).to.equal(PAID);
    expect(await livepeerPlaybackOfFilm(db, 99n)).to.equal(null);
  });

  it("fills in the playback id of metadata indexed before the column existed (migration 004)", async () => {
    const older = join(dir, "migrations-003");
    mkdirSync(older);
    for (const m of loadMigrations().filter((m) => m.version <= 3)) copyFileSync(join(DEFAULT_MIGRATIONS_DIR, m.name), join(older, m.name));
    const dataDir = join(dir, "ledger-upgrade");
    const before = await openDatabase({ dataDir, migrationsDir: older });
    const insert = `INSERT INTO films (film_id, creator, owner, metadata_uri, duration_seconds, price_per_view, minted_block, minted_at,
                                       minted_tx, metadata_status, metadata)
                    VALUES ($1, $2, $2, 'ipfs://x', 600, 0, 1, 1, '0x', $3, $4::jsonb)`;
    const creator = d.creatorA.address.toLowerCase();
    await before.query(insert, [1, creator, "ok", JSON.stringify(metadata("Old", { livepeer: { playbackId: PAID, assetId: "a" } }))]);
    await before.query(insert, [2, creator, "ok", JSON.stringify(metadata("Old AES", { keyId: "k" }))]);
    await before.query(insert, [3, creator, "ok", JSON.stringify({ name: "Odd", properties: { livepeer: { playbackId: "../../etc" } } })]);
    await before.close();
    const after = await openDatabase({ dataDir });
    try {
      expect(await after.query("SELECT film_id::text AS id, livepeer_playback_id AS p FROM films ORDER BY film_id")).to.deep.equal([
        { id: "1", p: PAID },
        { id: "2", p: null },
        { id: "3", p: null },
      ]);
    } finally {
      await after.close();
    }
  });

  it("401 without a session, before anything about the film is looked up", async () => {
    for (const id of ["1", "2", "99", "not-a-film"]) await expectRefused(await ask(id), 401, "no-session");
  });

  it("403 for a signed-in wallet the chain does not entitle to the film", async () => {
    await expectRefused(await ask("1", await cookieOf(d.viewer1)), 403, "not-entitled");
    await expectRefused(await ask("1", await cookieOf(d.creatorB)), 403, "not-entitled");
  });

  it("200 for the owner: a JWT that verifies with the signing key's public key and names the film's playback id", async () => {
    await expectToken(await ask("1", await cookieOf(d.creatorA)), PAID, "1");
  });

  it("200 once a viewer has bought a view, and for anyone signed in on a free film", async () => {
    const viewer = await cookieOf(d.viewer1);
    await d.market.connect(d.viewer1).buyView(1n, FILM_PRICE, PASS_WINDOW);
    await expectToken(await ask("1", viewer), PAID, "1");
    await expectToken(await ask("2", await cookieOf(d.viewer2)), FREE, "2");
  });

  it("404 for a film that copies another listing's playback id, a local-path film, or no film at all", async () => {
    // Creator B owns film 3, whose metadata names film 1's playback id: no token for film 1's video.
    await expectRefused(await ask("3", await cookieOf(d.creatorB)), 404, "playback-unknown");
    await expectRefused(await ask("4", await cookieOf(d.creatorB)), 404, "playback-unknown");
    await expectRefused(await ask("99", await cookieOf(d.creatorB)), 404, "playback-unknown");
  });

  it("400 for a malformed film id, 405 for other methods", async () => {
    const cookie = await cookieOf(d.viewer1);
    for (const id of ["0", "01", "1.5", "-1", "x".repeat(10)]) await expectRefused(await ask(id, cookie), 400, "malformed");
    const put = await ask("1", cookie, "PUT");
    expect(put.status).to.equal(405);
    expect(put.headers.get("allow")).to.equal("POST, GET");
  });
});
