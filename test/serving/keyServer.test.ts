// The key server against a real deployment on Hardhat's in-process chain: every answer of
// `GET /api/keys/<keyId>` (401, 400, 404, 403, 200) for owners, pass holders and subscribers, and
// 403 again once a pass or a subscription has run out (time travel).
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { network } from "hardhat";
import { connectProvider, type ChainContext } from "@ai-films/core/chain";
import { createAuth, createKeyServer, memoryAuthStore, type Auth, type ContentKeyStore } from "@ai-films/core/serving";
import { deployMarket, FILM_PRICE, MONTHLY_PRICE, PASS_WINDOW, type Deployment } from "../contracts/fixture.ts";
import { DOMAIN, get, ORIGIN, signInAs } from "./helpers.ts";

const connection = await network.create();
const { provider } = connection;

/** The media pipeline's key store stands behind this interface; a map is enough here. */
function mapKeyStore(entries: Record<string, { filmId: bigint; key: Uint8Array }>): ContentKeyStore {
  return {
    getKey: async (keyId) => entries[keyId]?.key ?? null,
    filmOfKey: async (keyId) => entries[keyId]?.filmId ?? null,
  };
}

describe("serving: key server on a real deployment", function () {
  this.timeout(120_000);
  let d: Deployment;
  let ctx: ChainContext;
  let auth: Auth;
  let keyServer: ReturnType<typeof createKeyServer>;
  const keys = { film1: randomBytes(16), film2: randomBytes(16), film3: randomBytes(16), orphan: randomBytes(16) };
  const cookies = new Map<string, string>();

  const fetchKey = (keyId: string, cookie?: string) => keyServer.handle(get(`${ORIGIN}/api/keys/${keyId}`, cookie));
  const cookieOf = async (signer: { address: string; signMessage(m: string): Promise<string> }) => {
    if (!cookies.has(signer.address)) cookies.set(signer.address, await signInAs(auth, signer, ctx.chainId));
    return cookies.get(signer.address)!;
  };
  async function expectStatus(response: Response, status: number, error?: string) {
    expect(response.status, await response.clone().text()).to.equal(status);
    if (error) expect((await response.json()).error).to.equal(error);
  }
  async function expectKey(response: Response, key: Uint8Array) {
    expect(response.status, await response.clone().text()).to.equal(200);
    expect(response.headers.get("content-type")).to.equal("application/octet-stream");
    expect(response.headers.get("cache-control")).to.equal("private, no-store");
    expect(response.headers.get("content-length")).to.equal("16");
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(key))).to.equal(true);
  }
  const timeTravel = async (seconds: number) => {
    await provider.request({ method: "evm_increaseTime", params: [seconds] });
    await provider.request({ method: "evm_mine", params: [] });
  };

  before(async () => {
    d = await deployMarket(connection);
    ctx = await connectProvider(provider, { market: await d.market.getAddress() });
    auth = createAuth({
      domain: DOMAIN,
      chainId: ctx.chainId,
      publicClient: ctx.publicClient,
      store: memoryAuthStore(),
      sessionSecret: new TextEncoder().encode("key-server-test-secret-0123456789abcdef"),
    });
    keyServer = createKeyServer({
      readSession: (r) => auth.readSession(r),
      chain: ctx,
      keys: mapKeyStore({
        "film1-key": { filmId: 1n, key: keys.film1 },
        "film2-key": { filmId: 2n, key: keys.film2 },
        "film3-key": { filmId: 3n, key: keys.film3 },
        "orphan-key": { filmId: 99n, key: keys.orphan }, // a key whose listing does not exist
      }),
    });
  });

  it("401 without a session, with a forged cookie, and before saying whether a key exists", async () => {
    await expectStatus(await fetchKey("film1-key"), 401, "no-session");
    await expectStatus(await fetchKey("no-such-key"), 401, "no-session");
    await expectStatus(await fetchKey("film1-key", "aif_session=eyJhbGciOiJIUzI1NiJ9.e30.x"), 401, "no-session");
  });

  it("400 on a malformed key id, 404 on an unknown one", async () => {
    const cookie = await cookieOf(d.viewer1);
    await expectStatus(await keyServer.handle(get(`${ORIGIN}/api/keys/x`, cookie), "../../etc/passwd"), 400, "malformed");
    await expectStatus(await keyServer.handle(get(`${ORIGIN}/api/keys/x`, cookie), "film1.json"), 400, "malformed");
    await expectStatus(await fetchKey("no-such-key", cookie), 404, "key-unknown");
  });

  it("403 for a signed-in wallet that may not watch the film", async () => {
    expect(await d.market.accessOf(d.viewer1.address, 1n)).to.equal(0n);
    await expectStatus(await fetchKey("film1-key", await cookieOf(d.viewer1)), 403, "not-entitled");
    await expectStatus(await fetchKey("orphan-key", await cookieOf(d.viewer1)), 403, "not-entitled");
  });

  it("200 with the 16 key bytes for the film's owner", async () => {
    await expectKey(await fetchKey("film1-key", await cookieOf(d.creatorA)), keys.film1);
    await expectStatus(await fetchKey("film3-key", await cookieOf(d.creatorA)), 403, "not-entitled");
  });

  it("200 for anyone signed in on a free film", async () => {
    await expectKey(await fetchKey("film2-key", await cookieOf(d.outsider)), keys.film2);
  });

  it("200 for a pass holder after buyView, for that film only; 403 again once the pass expires", async () => {
    await d.market.connect(d.viewer1).buyView(1n, FILM_PRICE, PASS_WINDOW);
    const cookie = await cookieOf(d.viewer1);
    await expectKey(await fetchKey("film1-key", cookie), keys.film1);
    await expectStatus(await fetchKey("film3-key", cookie), 403, "not-entitled");

    await timeTravel(PASS_WINDOW - 60);
    await expectKey(await fetchKey("film1-key", cookie), keys.film1);
    await timeTravel(120);
    await expectStatus(await fetchKey("film1-key", cookie), 403, "not-entitled");
  });

  it("200 for a subscriber on every film; 403 once the subscription has ended", async () => {
    await d.market.connect(d.viewer2).subscribe(1, MONTHLY_PRICE);
    const cookie = await cookieOf(d.viewer2);
    await expectKey(await fetchKey("film1-key", cookie), keys.film1);
    await expectKey(await fetchKey("film3-key", cookie), keys.film3);

    const end = await d.market.subscriptionEnd(d.viewer2.address);
    const now = BigInt((await d.ethers.provider.getBlock("latest"))!.timestamp);
    await timeTravel(Number(end - now) + 1);
    await expectStatus(await fetchKey("film1-key", cookie), 403, "not-entitled");
    // The owner is unaffected by time.
    await expectKey(await fetchKey("film1-key", await cookieOf(d.creatorA)), keys.film1);
  });

  it("401 again after signing out", async () => {
    const cookie = await cookieOf(d.creatorA);
    await auth.signOut(new Request(`${ORIGIN}/api/auth/signout`, { method: "POST", headers: { cookie } }));
    await expectStatus(await fetchKey("film1-key", cookie), 401, "no-session");
  });

  it("503 (not 403, not a key) when the chain cannot answer", async () => {
    const broken = createKeyServer({
      readSession: (r) => auth.readSession(r),
      chain: { ...ctx, market: "0x000000000000000000000000000000000000dEaD" },
      keys: mapKeyStore({ "film1-key": { filmId: 1n, key: keys.film1 } }),
    });
    const response = await broken.handle(get(`${ORIGIN}/api/keys/film1-key`, await cookieOf(d.viewer3)));
    await expectStatus(response, 503, "chain-unavailable");
  });

  it("GET only", async () => {
    const response = await keyServer.handle(new Request(`${ORIGIN}/api/keys/film1-key`, { method: "POST" }));
    await expectStatus(response, 405, "method-not-allowed");
  });
});
