// Sign-In with Ethereum end to end on Hardhat's in-process chain (signatures verified through
// the chain, as for smart-contract wallets), with the nonces in the real ledger database
// (PGlite, migration 002_auth.sql): success, every refusal reason, replay, sign-out, expiry.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { createPublicClient, custom, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { openDatabase, type Database } from "@ai-films/core/db";
import {
  createAuth,
  DEV_SESSION_SECRET,
  ledgerAuthStore,
  memoryAuthStore,
  resolveSessionSecret,
  SESSION_COOKIE,
  type Auth,
  type AuthStore,
} from "@ai-films/core/serving";
import { cookieFrom, DOMAIN, get, ORIGIN, siweMessage, signInAs, signInRequest } from "./helpers.ts";

const { provider } = await network.create();
const publicClient = createPublicClient({ transport: custom(provider) }) as PublicClient;
const CHAIN_ID = await publicClient.getChainId();
const SECRET = new TextEncoder().encode("test-secret-test-secret-test-secret!");

describe("serving: Sign-In with Ethereum", function () {
  this.timeout(60_000);
  let db: Database;
  let store: AuthStore;
  let clock: number;
  let auth: Auth;
  const alice = privateKeyToAccount(generatePrivateKey());
  const mallory = privateKeyToAccount(generatePrivateKey());

  before(async () => {
    db = await openDatabase({ dataDir: "memory://" });
    store = ledgerAuthStore(db);
  });
  after(async () => db?.close());
  beforeEach(() => {
    clock = Date.now();
    auth = createAuth({ domain: DOMAIN, chainId: CHAIN_ID, publicClient, store, sessionSecret: SECRET, now: () => clock });
  });

  async function signed(overrides: Parameters<typeof siweMessage>[2] = { chainId: CHAIN_ID }, signer = alice, who = alice) {
    const { nonce } = await auth.createNonce();
    const message = siweMessage(who, nonce, { issuedAt: new Date(clock), ...overrides });
    return { nonce, message, signature: await signer.signMessage({ message }) };
  }
  async function expectRefused(response: Response, status: number, reason: string) {
    const body = await response.json();
    expect({ status: response.status, error: body.error }).to.deep.equal({ status, error: reason });
    expect(body.message).to.be.a("string").and.not.equal("");
    expect(response.headers.get("set-cookie")).to.equal(null);
  }

  it("signs in: a session cookie (httpOnly, SameSite=Lax) naming the address and chain", async () => {
    const { message, signature } = await signed();
    const response = await auth.signIn(signInRequest({ message, signature }));
    expect(response.status).to.equal(200);
    const body = await response.json();
    expect(body).to.include({ address: alice.address, chainId: CHAIN_ID });
    expect(body.expiresAt).to.equal(Math.floor(clock / 1000) + 24 * 3600);

    const setCookie = response.headers.get("set-cookie")!;
    expect(setCookie).to.match(new RegExp(`^${SESSION_COOKIE}=[\\w-]+\\.[\\w-]+\\.[\\w-]+;`));
    expect(setCookie).to.include("HttpOnly").and.include("SameSite=Lax").and.include("Path=/").and.include("Max-Age=86400");
    expect(setCookie).not.to.include("Secure"); // plain http (localhost)

    const session = await auth.readSession(get(`${ORIGIN}/`, cookieFrom(response)));
    expect(session).to.include({ address: alice.address, chainId: CHAIN_ID });
    const me = await auth.sessionResponse(get(`${ORIGIN}/api/auth/session`, cookieFrom(response)));
    expect(await me.json()).to.include({ address: alice.address });
  });

  it("marks the cookie Secure when the site is reached over HTTPS (directly or behind a proxy)", async () => {
    const direct = await signed();
    const https = await auth.signIn(signInRequest(direct, "https://localhost:3000"));
    expect(https.headers.get("set-cookie")).to.include("; Secure");
    const proxied = await signed();
    const viaProxy = await auth.signIn(
      new Request(`${ORIGIN}/api/auth/signin`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-proto": "https" },
        body: JSON.stringify(proxied),
      }),
    );
    expect(viaProxy.headers.get("set-cookie")).to.include("; Secure");
  });

  it("refuses a replayed message: the nonce is single-use", async () => {
    const { message, signature } = await signed();
    expect((await auth.signIn(signInRequest({ message, signature }))).status).to.equal(200);
    await expectRefused(await auth.signIn(signInRequest({ message, signature })), 401, "nonce-used");
  });

  it("lets exactly one of several concurrent sign-ins with the same message through", async () => {
    const body = await signed();
    const responses = await Promise.all(Array.from({ length: 6 }, () => auth.signIn(signInRequest(body))));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).to.deep.equal([200, 401, 401, 401, 401, 401]);
    for (const r of responses.filter((r) => r.status === 401)) expect((await r.json()).error).to.equal("nonce-used");
  });

  it("refuses an expired message, and a nonce older than 10 minutes", async () => {
    const expired = await signed({ chainId: CHAIN_ID, issuedAt: new Date(clock - 120_000), expirationTime: new Date(clock - 1_000) });
    await expectRefused(await auth.signIn(signInRequest(expired)), 401, "expired");

    const stale = await signed();
    clock += 10 * 60_000 + 1_000;
    await expectRefused(await auth.signIn(signInRequest(stale)), 401, "nonce-expired");
  });

  it("refuses a message issued in the future or not valid yet", async () => {
    const future = await signed({ chainId: CHAIN_ID, issuedAt: new Date(clock + 10 * 60_000) });
    await expectRefused(await auth.signIn(signInRequest(future)), 401, "not-yet-valid");
    const notBefore = await signed({ chainId: CHAIN_ID, notBefore: new Date(clock + 10 * 60_000) });
    await expectRefused(await auth.signIn(signInRequest(notBefore)), 401, "not-yet-valid");
    // a little clock drift is fine
    const drift = await signed({ chainId: CHAIN_ID, issuedAt: new Date(clock + 20_000) });
    expect((await auth.signIn(signInRequest(drift))).status).to.equal(200);
  });

  it("refuses a message for another domain (or whose URI points elsewhere)", async () => {
    const phished = await signed({ chainId: CHAIN_ID, domain: "films.evil.example", uri: "https://films.evil.example" });
    await expectRefused(await auth.signIn(signInRequest(phished)), 401, "wrong-domain");
    const otherUri = await signed({ chainId: CHAIN_ID, uri: "https://films.evil.example/login" });
    await expectRefused(await auth.signIn(signInRequest(otherUri)), 401, "wrong-domain");
  });

  it("refuses a message for another chain", async () => {
    const mainnet = await signed({ chainId: 1 });
    await expectRefused(await auth.signIn(signInRequest(mainnet)), 401, "wrong-chain");
  });

  it("refuses a signature by another key, and a nonce we never issued", async () => {
    const forged = await signed({ chainId: CHAIN_ID }, mallory, alice); // claims alice, signed by mallory
    await expectRefused(await auth.signIn(signInRequest(forged)), 401, "bad-signature");

    const message = siweMessage(alice, "abcdef0123456789abcdef0123456789", { chainId: CHAIN_ID, issuedAt: new Date(clock) });
    const signature = await alice.signMessage({ message });
    await expectRefused(await auth.signIn(signInRequest({ message, signature })), 401, "nonce-unknown");
  });

  it("refuses a tampered message without burning its nonce", async () => {
    const { message, signature } = await signed();
    const tampered = message.replace("Sign in to AI Films.", "Sign in to AI Films and approve everything.");
    expect(tampered).not.to.equal(message);
    await expectRefused(await auth.signIn(signInRequest({ message: tampered, signature })), 401, "bad-signature");
    const longer = message.replace(/Issued At: .*/, `$&\nExpiration Time: ${new Date(clock + 3_600_000).toISOString()}`);
    await expectRefused(await auth.signIn(signInRequest({ message: longer, signature })), 401, "bad-signature");
    // A forged attempt must not let an attacker burn the real user's nonce.
    expect((await auth.signIn(signInRequest({ message, signature }))).status).to.equal(200);
  });

  it("answers 400 malformed to anything that is not a signed EIP-4361 message", async () => {
    const { message, signature } = await signed();
    for (const body of [
      "not json",
      {},
      { message },
      { message, signature: "not-hex" },
      { message: "hello world", signature },
      { message: message.replace(/Nonce: .*/, "Nonce: x!"), signature },
      { message: message.replace(/Issued At: .*\n?/, ""), signature },
      { message: "x".repeat(20_000), signature },
    ]) {
      await expectRefused(await auth.signIn(signInRequest(body)), 400, "malformed");
    }
    expect((await auth.signIn(new Request(`${ORIGIN}/api/auth/signin`))).status).to.equal(405);
  });

  it("refuses sign-in and sign-out posted by another site's page (login CSRF)", async () => {
    const body = await signed();
    const post = (headers: Record<string, string>, path = "signin") =>
      new Request(`${ORIGIN}/api/auth/${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    await expectRefused(await auth.signIn(post({ "content-type": "application/json", origin: "https://evil.example" })), 403, "cross-site");
    await expectRefused(await auth.signIn(post({ "content-type": "application/json", "sec-fetch-site": "cross-site" })), 403, "cross-site");
    await expectRefused(await auth.signIn(post({ "content-type": "application/json", origin: "null" })), 403, "cross-site");
    // An HTML form can only send form encodings or text/plain: refused before the body is read.
    await expectRefused(await auth.signIn(post({ "content-type": "text/plain" })), 415, "malformed");
    await expectRefused(await auth.signIn(post({ "content-type": "application/x-www-form-urlencoded" })), 415, "malformed");
    const cookie = await signInAs(auth, alice, CHAIN_ID);
    await expectRefused(await auth.signOut(post({ cookie, origin: "https://evil.example" }, "signout")), 403, "cross-site");
    expect(await auth.readSession(get(ORIGIN, cookie))).to.not.equal(null);
    // The site's own pages pass, and the same message still signs in (nothing was consumed).
    const ok = await auth.signIn(post({ "content-type": "application/json", origin: ORIGIN, "sec-fetch-site": "same-origin" }));
    expect(ok.status).to.equal(200);
  });

  it("refuses an oversized body, declared or streamed", async () => {
    // A valid signed message padded past 16 KiB: only the size cap stands between it and a session.
    const body = JSON.stringify({ ...(await signed()), padding: "x".repeat(20_000) });
    const declared = new Request(`${ORIGIN}/api/auth/signin`, { method: "POST", headers: { "content-type": "application/json" }, body });
    await expectRefused(await auth.signIn(declared), 400, "malformed");
    const bytes = new TextEncoder().encode(body);
    const streamed = new Request(`${ORIGIN}/api/auth/signin`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 4096) controller.enqueue(bytes.subarray(i, i + 4096));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(streamed.headers.get("content-length")).to.equal(null);
    await expectRefused(await auth.signIn(streamed), 400, "malformed");
    // The same padding under the cap is simply ignored: it was the size that was refused.
    const small = JSON.stringify({ ...(await signed()), padding: "x".repeat(8_000) });
    expect((await auth.signIn(signInRequest(small))).status).to.equal(200);
  });

  it("signs out: the cookie is cleared and the old token no longer works", async () => {
    const cookie = await signInAs(auth, alice, CHAIN_ID);
    expect(await auth.readSession(get(ORIGIN, cookie))).to.not.equal(null);
    const out = await auth.signOut(new Request(`${ORIGIN}/api/auth/signout`, { method: "POST", headers: { cookie } }));
    expect(out.status).to.equal(200);
    const cleared = out.headers.get("set-cookie")!;
    expect(cleared).to.match(new RegExp(`^${SESSION_COOKIE}=;`));
    expect(cleared).to.include("Max-Age=0").and.include("HttpOnly");
    // A client that kept the token anyway (or a copy stolen before sign-out) is refused.
    expect(await auth.readSession(get(ORIGIN, cookie))).to.equal(null);
    expect((await auth.sessionResponse(get(ORIGIN, cookie))).status).to.equal(401);
    // Signing out without a session is harmless.
    expect((await auth.signOut()).status).to.equal(200);
  });

  it("expires sessions after 24 h, and never later than the message's expiration time", async () => {
    const cookie = await signInAs(auth, alice, CHAIN_ID);
    clock += 24 * 3_600_000 - 1_000;
    expect(await auth.readSession(get(ORIGIN, cookie))).to.not.equal(null);
    clock += 2_000;
    expect(await auth.readSession(get(ORIGIN, cookie))).to.equal(null);

    const short = await signed({ chainId: CHAIN_ID, expirationTime: new Date(clock + 3_600_000) });
    const response = await auth.signIn(signInRequest(short));
    expect((await response.json()).expiresAt).to.equal(Math.floor(clock / 1000) + 3_600);
    clock += 3_600_000 + 1_000;
    expect(await auth.readSession(get(ORIGIN, cookieFrom(response)))).to.equal(null);
  });

  it("refuses forged, altered and foreign session tokens", async () => {
    const cookie = await signInAs(auth, alice, CHAIN_ID);
    const [name, token] = cookie.split("=");
    const [header, payload, sig] = token.split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const altered = Buffer.from(JSON.stringify({ ...claims, sub: mallory.address })).toString("base64url");
    expect(await auth.readSession(get(ORIGIN, `${name}=${header}.${altered}.${sig}`))).to.equal(null);
    const none = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    expect(await auth.readSession(get(ORIGIN, `${name}=${none}.${payload}.`))).to.equal(null);
    expect(await auth.readSession(get(ORIGIN, `${name}=garbage`))).to.equal(null);
    // Same secret, another site: the token's audience is the domain.
    const other = createAuth({ domain: "other.example", chainId: CHAIN_ID, publicClient, store, sessionSecret: SECRET, now: () => clock });
    expect(await other.readSession(get(ORIGIN, cookie))).to.equal(null);
    // Another secret.
    const rotated = createAuth({
      domain: DOMAIN,
      chainId: CHAIN_ID,
      publicClient,
      store,
      now: () => clock,
      sessionSecret: new TextEncoder().encode("another-secret-another-secret-another"),
    });
    expect(await rotated.readSession(get(ORIGIN, cookie))).to.equal(null);
  });

  it("stores: consuming a nonce is atomic under concurrency (database and memory)", async () => {
    for (const s of [store, memoryAuthStore()]) {
      const now = Math.floor(Date.now() / 1000);
      await s.saveNonce("race0123456789ab", now, now + 600);
      expect(await s.peekNonce("race0123456789ab", now)).to.equal("ok");
      const results = await Promise.all(Array.from({ length: 10 }, () => s.consumeNonce("race0123456789ab", now)));
      expect(results.filter((r) => r === "ok")).to.have.length(1);
      expect(results.filter((r) => r === "used")).to.have.length(9);
      expect(await s.consumeNonce("never-issued-0000", now)).to.equal("unknown");
      await s.saveNonce("late0123456789ab", now, now + 600);
      expect(await s.consumeNonce("late0123456789ab", now + 600)).to.equal("expired");
    }
  });

  describe("session secret", () => {
    it("uses SESSION_SECRET, refuses weak or default secrets in production, defaults in development", () => {
      const strong = "s".repeat(40);
      expect(Buffer.from(resolveSessionSecret({ env: { SESSION_SECRET: strong, NODE_ENV: "production" } })).toString()).to.equal(strong);
      expect(() => resolveSessionSecret({ env: { NODE_ENV: "production" } })).to.throw(/SESSION_SECRET is not set/);
      expect(() => resolveSessionSecret({ env: { NODE_ENV: "production", SESSION_SECRET: DEV_SESSION_SECRET } })).to.throw(
        /development default/,
      );
      expect(() => resolveSessionSecret({ env: { NODE_ENV: "production", SESSION_SECRET: "short" } })).to.throw(/at least 32/);
      expect(Buffer.from(resolveSessionSecret({ env: { NODE_ENV: "development" } })).toString()).to.equal(DEV_SESSION_SECRET);
    });

    it("creates a random secret file once (mode 0600) when one is named, even in production", () => {
      const dir = mkdtempSync(join(tmpdir(), "session-secret-"));
      try {
        const file = join(dir, "nested", "session-secret");
        const first = resolveSessionSecret({ env: { NODE_ENV: "production" }, secretFile: file });
        const second = resolveSessionSecret({ env: { NODE_ENV: "production" }, secretFile: file });
        expect(Buffer.from(first).toString()).to.equal(Buffer.from(second).toString()).and.have.length.greaterThan(32);
        expect(statSync(file).mode & 0o777).to.equal(0o600);
        expect(readFileSync(file, "utf8").trim()).to.equal(Buffer.from(first).toString());
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
