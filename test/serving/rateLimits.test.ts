// The web edge's rate limits (core/src/serving/rateLimits.ts) against the platform database
// (PGlite, migration 007_rate_limits.sql): a flood is answered 429 with Retry-After and a JSON
// reason, two workers on one database share the count, honest use never meets a limit, stored
// nonces are capped and expired ones pruned.
import { expect } from "chai";
import { network } from "hardhat";
import { createPublicClient, custom, type PublicClient } from "viem";
import { openDatabase, type Database } from "@ai-films/core/db";
import {
  clientIp,
  createAuth,
  createRateLimiter,
  databaseRateLimitStore,
  ledgerAuthStore,
  memoryAuthStore,
  RATE_LIMITS,
  type RateLimitedAction,
} from "@ai-films/core/serving";
import { DOMAIN, ORIGIN } from "./helpers.ts";

const { provider } = await network.create();
const publicClient = createPublicClient({ transport: custom(provider) }) as PublicClient;
const CHAIN_ID = await publicClient.getChainId();
const SECRET = new TextEncoder().encode("test-secret-test-secret-test-secret!");

const from = (ip: string, path = "/api/auth/nonce") => new Request(`${ORIGIN}${path}`, { headers: { "x-forwarded-for": ip } });

describe("serving: rate limits", function () {
  this.timeout(120_000);
  let db: Database;
  let clock: number;
  before(async () => {
    db = await openDatabase({ dataDir: "memory://" });
  });
  after(async () => db?.close());
  beforeEach(() => {
    clock = Date.UTC(2026, 0, 1, 12, 0, 0);
  });

  it("answers a nonce flood from one address 429 with Retry-After and a JSON reason, and lets others through", async () => {
    const rateLimiter = createRateLimiter({ store: databaseRateLimitStore(db), now: () => clock });
    const auth = createAuth({
      domain: DOMAIN,
      chainId: CHAIN_ID,
      publicClient,
      store: ledgerAuthStore(db),
      sessionSecret: SECRET,
      now: () => clock,
      rateLimiter,
    });
    const responses = await Promise.all(Array.from({ length: 300 }, () => auth.nonceResponse(from("198.51.100.7"))));
    const ok = responses.filter((r) => r.status === 200).length;
    expect(ok).to.equal(RATE_LIMITS.nonce.ip.max);
    const refused = responses.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get("retry-after"))).to.be.within(1, 60);
    expect(refused.headers.get("content-type")).to.match(/^application\/json/);
    const body = await refused.json();
    expect(body.error).to.equal("rate-limited");
    expect(body.message)
      .to.be.a("string")
      .and.match(/try again/);
    // Only the stored nonces of the answered requests exist.
    const [{ n }] = await db.query<{ n: string }>("SELECT count(*) AS n FROM auth_nonces");
    expect(Number(n)).to.equal(ok);
    // Another client is not affected, and the flooder is let through again in the next window.
    expect((await auth.nonceResponse(from("203.0.113.9"))).status).to.equal(200);
    clock += 60_000;
    expect((await auth.nonceResponse(from("198.51.100.7"))).status).to.equal(200);
  });

  it("holds across several web workers sharing the database, exactly, under concurrency", async () => {
    const workers = [0, 1, 2].map(() => createRateLimiter({ store: databaseRateLimitStore(db), now: () => clock }));
    const wallet = "0x00000000000000000000000000000000000000aa";
    const max = RATE_LIMITS.heartbeat.wallet.max;
    const results = await Promise.all(
      Array.from({ length: max + 30 }, (_, i) => workers[i % 3].check("heartbeat", { ip: `10.0.0.${i % 200}`, wallet })),
    );
    expect(results.filter((r) => r === null)).to.have.length(max);
    expect(results.filter((r) => r?.status === 429)).to.have.length(30);
  });

  it("never limits honest use: a player beating every 10 s, a creator uploading and following the job", async () => {
    const limiter = createRateLimiter({ store: databaseRateLimitStore(db), now: () => clock });
    const viewer = "0x00000000000000000000000000000000000000bb";
    const creator = "0x00000000000000000000000000000000000000cc";
    const expectAllowed = async (action: RateLimitedAction, times: number, everyMs: number, wallet: string) => {
      for (let i = 0; i < times; i++) {
        const refused = await limiter.check(action, { ip: "192.0.2.1", wallet });
        expect(refused, `${action} #${i}`).to.equal(null);
        clock += everyMs;
      }
    };
    await expectAllowed("heartbeat", 2 * 360, 10_000, viewer); // two hours of film
    // A 4 GiB film in 8 MiB chunks on a fast link (one PATCH every 100 ms), then the job polled every 0.7 s for 10 minutes.
    await expectAllowed("uploadCreate", 1, 0, creator);
    await expectAllowed("uploadData", 512, 100, creator);
    await expectAllowed("studioJob", 1, 0, creator);
    await expectAllowed("studioJobStatus", 860, 700, creator);
  });

  it("prunes the windows that have passed", async () => {
    const store = databaseRateLimitStore(db);
    const limiter = createRateLimiter({ store, now: () => clock });
    await limiter.hit("rpc", { ip: "192.0.2.50" });
    clock += 3 * 3_600_000;
    await limiter.hit("rpc", { ip: "192.0.2.51" }); // the first hit after a minute prunes
    const rows = await db.query<{ window_start: string }>("SELECT window_start FROM rate_limit_hits");
    const now = Math.floor(clock / 1000);
    expect(rows.every((r) => Number(r.window_start) > now - 3_600)).to.equal(true);
  });

  it("caps the stored nonces and prunes expired ones (database and memory)", async () => {
    const capped = await openDatabase({ dataDir: "memory://" });
    try {
      for (const store of [ledgerAuthStore(capped, 5), memoryAuthStore(5)]) {
        const auth = createAuth({ domain: DOMAIN, chainId: CHAIN_ID, publicClient, store, sessionSecret: SECRET, now: () => clock });
        for (let i = 0; i < 5; i++) expect((await auth.nonceResponse(from(`192.0.2.${i}`))).status).to.equal(200);
        const full = await auth.nonceResponse(from("192.0.2.99"));
        expect(full.status).to.equal(429);
        expect(full.headers.get("retry-after")).to.equal("60");
        expect((await full.json()).error).to.equal("rate-limited");
        // Once they expire (10 min), there is room again, and long-expired rows are deleted.
        clock += 2 * 3_600_000;
        expect((await auth.nonceResponse(from("192.0.2.99"))).status).to.equal(200);
      }
      const [{ n }] = await capped.query<{ n: string }>("SELECT count(*) AS n FROM auth_nonces");
      expect(Number(n)).to.equal(1);
    } finally {
      await capped.close();
    }
  });

  it("takes the client address from X-Forwarded-For as the trusted proxies appended it", () => {
    const req = (xff?: string) => new Request(ORIGIN, { headers: xff ? { "x-forwarded-for": xff } : {} });
    expect(clientIp(req("203.0.113.5"))).to.equal("203.0.113.5");
    // Behind one proxy that appends, a client's own X-Forwarded-For entry is ignored.
    expect(clientIp(req("1.2.3.4, 203.0.113.5"), 1)).to.equal("203.0.113.5");
    expect(clientIp(req("1.2.3.4, 203.0.113.5, 10.0.0.2"), 2)).to.equal("203.0.113.5");
    expect(clientIp(req())).to.equal(null);
  });
});
