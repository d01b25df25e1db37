// The Livepeer Studio client against a local stand-in server (Studio is unreachable here): the
// whole upload → tus → ready → IPFS export flow, failures surfaced as clear errors, and playback
// JWTs that verify with the signing key's public key, carry Livepeer's claims, and are handed
// out only after the on-chain entitlement check (real deployment on Hardhat's chain).
import { expect } from "chai";
import { createHash } from "node:crypto";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { network } from "hardhat";
import { decodeProtectedHeader, importSPKI, jwtVerify } from "jose";
import { CID } from "multiformats/cid";
import { connectProvider, type ChainContext } from "@ai-films/core/chain";
import {
  createAuth,
  createLivepeerClient,
  createPlaybackTokens,
  IAT_LEEWAY_SECONDS,
  LIVEPEER_ISSUER,
  LivepeerError,
  livepeerFromEnv,
  loadOrCreateSigningKey,
  loadPlaybackSigner,
  memoryAuthStore,
  playbackSignerFromEnv,
  signPlaybackJwt,
  type Auth,
  type LivepeerClient,
  type LivepeerProgress,
  type PlaybackSigner,
} from "@ai-films/core/serving";
import { deployMarket, MONTHLY_PRICE, type Deployment } from "../contracts/fixture.ts";
import { startLivepeerStudioServer, type LivepeerStudioServer } from "../helpers/livepeer-studio-server.ts";
import { bytesOf, tempDir } from "../ipfs/helpers.ts";
import { DOMAIN, ORIGIN, signInAs } from "./helpers.ts";

const connection = await network.create();
const { provider } = connection;

async function verifyWith(publicKeyBase64: string, token: string) {
  const key = await importSPKI(Buffer.from(publicKeyBase64, "base64").toString("utf8"), "ES256");
  return jwtVerify(token, key, { algorithms: ["ES256"] });
}

describe("serving: Livepeer Studio client (against a local stand-in)", function () {
  this.timeout(60_000);
  const dir = tempDir("livepeer");
  let studio: LivepeerStudioServer;
  let client: LivepeerClient;
  const film = join(dir.path, "my film – final.mp4");
  const filmBytes = bytesOf(1_500_000, 21);

  before(async () => {
    studio = await startLivepeerStudioServer();
    client = createLivepeerClient({ apiKey: studio.apiKey, baseUrl: studio.url });
    writeFileSync(film, filmBytes);
  });
  after(async () => {
    await studio?.close();
    dir.remove();
  });

  it("uploads a film: request-upload → tus (chunked) → processing → ready → IPFS export", async () => {
    const progress: LivepeerProgress[] = [];
    const result = await client.uploadFilm(film, {
      name: "My Film",
      chunkSize: 512 * 1024,
      intervalMs: 5,
      onProgress: (p) => progress.push(p),
    });

    // The request the API reference documents, with our API key.
    const requestUpload = studio.requests.find((r) => r.path === "/api/asset/request-upload")!;
    expect(requestUpload.method).to.equal("POST");
    expect(requestUpload.authorization).to.equal(`Bearer ${studio.apiKey}`);
    expect(requestUpload.body).to.deep.equal({ name: "My Film", storage: { ipfs: true }, playbackPolicy: { type: "jwt" } });
    // The bytes went over tus in several PATCHes and arrived intact.
    expect(studio.tusRequests.filter((m) => m === "POST")).to.have.length(1);
    expect(studio.tusRequests.filter((m) => m === "PATCH").length).to.be.greaterThanOrEqual(3);
    const stored = studio.assets.get(result.assetId)!;
    expect(stored.uploaded!.equals(Buffer.from(filmBytes))).to.equal(true);

    expect(result.playbackId).to.match(/^[0-9a-f]{16}$/);
    expect(result.asset.status?.phase).to.equal("ready");
    expect(result.ipfsCid).to.be.a("string");
    const cid = CID.parse(result.ipfsCid!);
    expect(Buffer.from(cid.multihash.digest).equals(createHash("sha256").update(filmBytes).digest())).to.equal(true);

    // Progress: the upload to 100 %, then processing, exporting, ready, in that order.
    const stages = progress.map((p) => p.stage).filter((s, i, all) => s !== all[i - 1]);
    expect(stages).to.deep.equal(["uploading", "processing", "exporting", "ready"]);
    expect(progress.filter((p) => p.stage === "uploading").at(-1)!.percent).to.equal(100);
    const processing = progress.filter((p) => p.stage === "processing").map((p) => p.percent);
    expect(processing).to.deep.equal([...processing].sort((a, b) => a - b));
    expect(progress.at(-1)).to.deep.equal({ stage: "ready", percent: 100 });
  });

  it("does not wait for an IPFS export when none was asked for", async () => {
    const result = await client.uploadFilm(film, { name: "No export", ipfs: false, intervalMs: 5 });
    expect(studio.requests.at(-1)!.path).to.equal(`/api/asset/${result.assetId}`);
    const request = studio.requests.filter((r) => r.path === "/api/asset/request-upload").at(-1)!;
    expect(request.body).to.deep.equal({ name: "No export", playbackPolicy: { type: "jwt" } });
    expect(result.ipfsCid).to.equal(undefined);
  });

  it("surfaces a failed asset as a clear error with Studio's reason", async () => {
    studio.failNextAsset("Unsupported video codec: not a video file");
    const error = await client.uploadFilm(film, { name: "Broken", intervalMs: 5 }).catch((e) => e);
    expect(error).to.be.instanceOf(LivepeerError);
    expect(error.code).to.equal("asset-failed");
    expect(error.message).to.equal("Livepeer could not process the video: Unsupported video codec: not a video file.");
  });

  it("surfaces a failed IPFS export", async () => {
    studio.failNextExport("pinning service unavailable");
    const error = await client.uploadFilm(film, { name: "Export fails", intervalMs: 5 }).catch((e) => e);
    expect(error).to.be.instanceOf(LivepeerError);
    expect(error.code).to.equal("asset-failed");
    expect(error.message).to.match(/export the video to IPFS: pinning service unavailable/);
  });

  it("refuses a bad API key, an empty file, an unknown asset; times out on an asset that never gets its bytes", async () => {
    const wrong = createLivepeerClient({ apiKey: "wrong", baseUrl: studio.url });
    const unauthorized = await wrong.requestUpload("x").catch((e) => e);
    expect(unauthorized).to.be.instanceOf(LivepeerError);
    expect(unauthorized.code).to.equal("unauthorized");
    expect(unauthorized.status).to.equal(401);
    expect(unauthorized.message).to.include("Unauthorized: invalid API key");

    const empty = join(dir.path, "empty.mp4");
    writeFileSync(empty, "");
    expect((await client.uploadFilm(empty, { name: "Empty" }).catch((e) => e)).code).to.equal("upload-failed");

    expect((await client.getAsset("nope").catch((e) => e)).status).to.equal(404);

    const { asset } = await client.requestUpload("never uploaded");
    const timeout = await client.waitForAsset(asset.id, { intervalMs: 5, timeoutMs: 50 }).catch((e) => e);
    expect(timeout.code).to.equal("timeout");
    expect(timeout.message).to.include("last phase: waiting");
  });

  it("reports a Studio that does not answer", async () => {
    const gone = createLivepeerClient({ apiKey: "k", baseUrl: "http://127.0.0.1:9/api", requestTimeoutMs: 2_000 });
    expect((await gone.getAsset("a").catch((e) => e)).code).to.equal("unreachable");
  });

  it("is configured from LIVEPEER_API_KEY (none: local pipeline)", () => {
    expect(livepeerFromEnv({})).to.equal(null);
    expect(livepeerFromEnv({ LIVEPEER_API_KEY: "k", LIVEPEER_API_URL: "http://x/api/" })!.baseUrl).to.equal("http://x/api");
    expect(livepeerFromEnv({ LIVEPEER_API_KEY: "k" })!.baseUrl).to.equal("https://livepeer.studio/api");
  });

  describe("signing keys and playback JWTs", () => {
    it("signs an ES256 JWT with Livepeer's claims that verifies with the key's public key", async () => {
      const key = await client.createSigningKey();
      const signer = await loadPlaybackSigner(key);
      const iat = Math.floor(Date.now() / 1000);
      const token = await signPlaybackJwt(signer, { playbackId: "abcd1234efgh5678", issuedAt: iat, expiresAt: iat + 3_600 });
      expect(decodeProtectedHeader(token)).to.deep.equal({ alg: "ES256", typ: "JWT" });
      const { payload } = await verifyWith(key.publicKey, token);
      expect(payload).to.deep.equal({
        sub: "abcd1234efgh5678",
        action: "pull",
        iss: LIVEPEER_ISSUER,
        pub: key.publicKey,
        video: "none",
        iat,
        exp: iat + 3_600,
      });
      // Another key does not verify it.
      const other = await client.createSigningKey();
      const refusal = await verifyWith(other.publicKey, token).catch((e) => e);
      expect(refusal.code).to.equal("ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
    });

    it("loads the key from the environment (public key or key id), refuses a mismatched pair", async () => {
      const key = await client.createSigningKey();
      const other = await client.createSigningKey();
      expect(await playbackSignerFromEnv(client, {})).to.equal(null);
      const byPublic = await playbackSignerFromEnv(null, {
        LIVEPEER_SIGNING_PRIVATE_KEY: key.privateKey,
        LIVEPEER_SIGNING_PUBLIC_KEY: key.publicKey,
      });
      expect(byPublic!.publicKey).to.equal(key.publicKey);
      const byId = await playbackSignerFromEnv(client, { LIVEPEER_SIGNING_PRIVATE_KEY: key.privateKey, LIVEPEER_SIGNING_KEY_ID: key.id });
      expect(byId!.publicKey).to.equal(key.publicKey);
      // PEM text works as well as Studio's base64.
      const pem = await loadPlaybackSigner({
        publicKey: Buffer.from(key.publicKey, "base64").toString(),
        privateKey: Buffer.from(key.privateKey, "base64").toString(),
      });
      expect(pem.publicKey).to.equal(key.publicKey);
      await loadPlaybackSigner({ publicKey: other.publicKey, privateKey: key.privateKey }).then(
        () => expect.fail("mismatched pair accepted"),
        (e) => expect(e.message).to.match(/does not match/),
      );
    });

    it("creates a signing key once and keeps it in a 0600 file (Studio shows the private key only once)", async () => {
      const file = join(dir.path, "keys", "livepeer-signing-key.json");
      const before = studio.requests.filter((r) => r.path === "/api/access-control/signing-key").length;
      const first = await loadOrCreateSigningKey(client, file);
      const second = await loadOrCreateSigningKey(client, file);
      expect(second.keyId).to.equal(first.keyId);
      expect(second.publicKey).to.equal(first.publicKey);
      expect(studio.requests.filter((r) => r.path === "/api/access-control/signing-key").length).to.equal(before + 1);
      expect(statSync(file).mode & 0o777).to.equal(0o600);
    });
  });

  describe("playback tokens only for entitled wallets", () => {
    let d: Deployment;
    let ctx: ChainContext;
    let auth: Auth;
    let signer: PlaybackSigner;
    let publicKey: string;
    let tokens: ReturnType<typeof createPlaybackTokens>;
    // Our records: which film each Livepeer playback id belongs to.
    const playbackFilms: Record<string, bigint> = { pb1film1aaaaaaaa: 1n, pb3film3bbbbbbbb: 3n };

    const ask = (playbackId: string, cookie?: string, filmId?: bigint) =>
      tokens.playbackToken(
        new Request(`${ORIGIN}/api/playback/${playbackId}/token`, { method: "POST", headers: cookie ? { cookie } : {} }),
        playbackId,
        filmId,
      );
    async function expectRefused(response: Response, status: number, error: string) {
      expect(response.status).to.equal(status);
      const body = await response.json();
      expect(body.error).to.equal(error);
      expect(body).not.to.have.property("token");
    }

    before(async () => {
      d = await deployMarket(connection);
      ctx = await connectProvider(provider, { market: await d.market.getAddress() });
      auth = createAuth({
        domain: DOMAIN,
        chainId: ctx.chainId,
        publicClient: ctx.publicClient,
        store: memoryAuthStore(),
        sessionSecret: new TextEncoder().encode("livepeer-test-secret-0123456789abcdef"),
      });
      const key = await client.createSigningKey();
      publicKey = key.publicKey;
      signer = await loadPlaybackSigner(key);
      tokens = createPlaybackTokens({
        readSession: (r) => auth.readSession(r),
        chain: ctx,
        signer,
        filmOfPlayback: async (id) => playbackFilms[id] ?? null,
        ttlSeconds: 600,
      });
    });

    it("no token without a session (401) or without entitlement (403)", async () => {
      await expectRefused(await ask("pb1film1aaaaaaaa"), 401, "no-session");
      const viewer = await signInAs(auth, d.viewer1, ctx.chainId);
      await expectRefused(await ask("pb1film1aaaaaaaa", viewer), 403, "not-entitled");
      await expectRefused(await ask("pb3film3bbbbbbbb", viewer), 403, "not-entitled");
    });

    it("no token for an unknown playback id, or when the client names another film", async () => {
      const owner = await signInAs(auth, d.creatorA, ctx.chainId);
      await expectRefused(await ask("unknownplayback0", owner), 404, "film-unknown");
      await expectRefused(await ask("bad.id", owner), 400, "malformed");
      // creatorA owns film 1 but not film 3: naming film 1 does not unlock film 3's playback id.
      await expectRefused(await ask("pb3film3bbbbbbbb", owner, 1n), 400, "malformed");
      await expectRefused(await ask("pb3film3bbbbbbbb", owner), 403, "not-entitled");
    });

    it("a token for the owner and for a subscriber, verifying with the public key, bound to the playback id", async () => {
      const owner = await signInAs(auth, d.creatorA, ctx.chainId);
      const response = await ask("pb1film1aaaaaaaa", owner, 1n);
      expect(response.status).to.equal(200);
      expect(response.headers.get("cache-control")).to.equal("private, no-store");
      const body = await response.json();
      const { payload } = await verifyWith(publicKey, body.token);
      expect(payload).to.include({ sub: "pb1film1aaaaaaaa", action: "pull", iss: LIVEPEER_ISSUER, pub: publicKey, video: "none" });
      // Valid for the TTL from now; issued IAT_LEEWAY_SECONDS earlier, for a clock running ahead of Livepeer's edge.
      expect(payload.exp! - payload.iat!).to.equal(600 + IAT_LEEWAY_SECONDS);
      expect(payload.iat!).to.be.at.most(Math.floor(Date.now() / 1000) - IAT_LEEWAY_SECONDS);
      expect(body).to.include({ playbackId: "pb1film1aaaaaaaa", expiresAt: payload.exp });

      await d.market.connect(d.viewer2).subscribe(1, MONTHLY_PRICE);
      const subscriber = await signInAs(auth, d.viewer2, ctx.chainId);
      const sub = await ask("pb3film3bbbbbbbb", subscriber);
      expect(sub.status).to.equal(200);
      expect((await verifyWith(publicKey, (await sub.json()).token)).payload.sub).to.equal("pb3film3bbbbbbbb");
    });
  });
});
