// Every route handler of the web app (web/app/**/route.ts, found on disk so a new route joins by
// itself) called in-process with random and adversarial methods, bodies, headers and path
// segments (fast-check). Each answer must be a 4xx with a JSON `{ error, message }`, or a 2xx/3xx
// for input that happens to be valid; never a 5xx, never a thrown error, never a stack trace. The
// services behind the routes are real: contracts on Hardhat's chain (and an HTTP JSON-RPC for the
// relay), the ledger in PGlite, a Helia IPFS store, the tus upload directory, real SIWE sessions.
import { expect } from "chai";
import fc from "fast-check";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { register } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { network } from "hardhat";
import { mnemonicToAccount, privateKeyToAccount, generatePrivateKey } from "viem/accounts";
import { HARDHAT_MNEMONIC } from "@ai-films/core/platform";
import { connectProvider } from "@ai-films/core/chain";
import { openDatabase, type Database } from "@ai-films/core/db";
import { openIpfs, type IpfsStore } from "@ai-films/core/ipfs";
import {
  createRateLimiter,
  createServing,
  ledgerAuthStore,
  memoryRateLimitStore,
  SESSION_COOKIE,
  type Serving,
} from "@ai-films/core/serving";
import { deployPeriphery } from "../contracts/peripheryFixture.ts";
import { DOMAIN, ORIGIN, signInAs } from "./helpers.ts";

const WEB = fileURLToPath(new URL("../../web/", import.meta.url));
const APP = join(WEB, "app");
/** A port in this test's range for the JSON-RPC the /api/rpc relay forwards to. */
const RPC_PORT = Number(process.env.FUZZ_RPC_PORT) || 4650;
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** web/app/**\/route.ts, as the URL path pattern and the file. */
function routeFiles(dir = APP): { pattern: string; file: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(path);
    return entry.name === "route.ts" ? [{ pattern: "/" + relative(APP, dir).split("\\").join("/"), file: path }] : [];
  });
}

/** The dynamic segments of a route pattern: [id] (one), [...x] and [[...x]] (a list, optional for [[…]]). */
function segmentsOf(pattern: string): { name: string; list: boolean; optional: boolean }[] {
  return [...pattern.matchAll(/\[(\[)?(\.\.\.)?([^\]]+)\]\]?/g)].map((m) => ({ name: m[3], list: Boolean(m[2]), optional: Boolean(m[1]) }));
}

/**
 * Lets Node load the web app's route modules outside Next: "@/x" is web/x (the web tsconfig's
 * path), and "server-only" (which refuses to load outside React's server build) is empty.
 */
function registerWebResolver(): void {
  const hooks = `
    import { existsSync } from "node:fs";
    import { fileURLToPath } from "node:url";
    const WEB = ${JSON.stringify(pathToFileURL(WEB).href)};
    export async function resolve(specifier, context, next) {
      if (specifier === "server-only") return { url: "data:text/javascript,export {}", shortCircuit: true };
      if (specifier.startsWith("@/")) {
        const base = new URL(specifier.slice(2), WEB).href;
        for (const suffix of [".ts", ".tsx", "/index.ts", ""]) {
          if (existsSync(fileURLToPath(base + suffix))) return next(base + suffix, context);
        }
      }
      return next(specifier, context);
    }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}

/** A JSON-RPC over HTTP onto Hardhat's in-process chain, for the /api/rpc relay to forward to. */
function jsonRpcServer(provider: { request(args: { method: string; params?: unknown[] }): Promise<unknown> }): Promise<Server> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = async (call: { id?: unknown; method: string; params?: unknown[] }) => {
      try {
        return { jsonrpc: "2.0", id: call.id ?? null, result: await provider.request({ method: call.method, params: call.params }) };
      } catch (error) {
        return { jsonrpc: "2.0", id: call.id ?? null, error: { code: -32000, message: (error as Error).message } };
      }
    };
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString());
      const result = Array.isArray(body) ? await Promise.all(body.map(answer)) : await answer(body);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result));
    } catch {
      res.writeHead(400).end();
    }
  });
  return new Promise((resolve) => server.listen(RPC_PORT, "127.0.0.1", () => resolve(server)));
}

/** The URL shows the params; a lone surrogate cannot be percent-encoded, so it shows as "_". */
const urlSegment = (value: unknown) => {
  try {
    return encodeURIComponent(String(value ?? ""));
  } catch {
    return "_";
  }
};

const STACK = /\n\s+at .+\(|node:internal|webpack-internal|\/node_modules\//;

// --- what an attacker sends -----------------------------------------------------------------

const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "",
    "..",
    "../../etc/passwd",
    "%2e%2e%2f%2e%2e%2f",
    "%00",
    "1",
    "0",
    "-1",
    "999999999999999999999999999999",
    "1e309",
    "0x1",
    "NaN",
    "null",
    "__proto__",
    "constructor",
    "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
    "0123456789abcdef0123456789abcdef",
    "<script>alert(1)</script>",
    "'; DROP TABLE auth_nonces; --",
    "\u0000\u202e\ud800",
  ),
  fc.string({ minLength: 300, maxLength: 2_000 }),
);

const jsonValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({
    filmId: nastyString,
    sessionId: nastyString,
    positionSeconds: fc.oneof(fc.double(), fc.integer(), nastyString),
    message: nastyString,
    signature: nastyString,
    uploadId: nastyString,
    title: nastyString,
    price: nastyString,
    on: fc.oneof(fc.boolean(), nastyString),
    creator: fc.oneof(nastyString, fc.constantFrom("0x" + "ab".repeat(20), "0x" + "AB".repeat(20), "0x" + "00".repeat(20))),
    profile: fc.record({
      account: fc.oneof(nastyString, fc.constant("0x" + "ab".repeat(20))),
      name: nastyString,
      bio: nastyString,
      avatar: nastyString,
      links: fc.array(nastyString, { maxLength: 6 }),
      updatedAt: fc.oneof(nastyString, fc.integer()),
    }),
    reason: fc.oneof(fc.constantFrom("spam", "illegal", "other", "Hidden: spam"), nastyString),
    details: nastyString,
    action: fc.oneof(fc.constantFrom("hide", "unhide", "dismiss"), nastyString),
    maxAgeRating: fc.oneof(fc.constantFrom("all", "12", "16", "18"), nastyString),
    captions: fc.array(fc.record({ uploadId: nastyString, language: nastyString, label: nastyString }), { maxLength: 3 }),
    jsonrpc: fc.constantFrom("2.0", "1.0"),
    method: fc.constantFrom("eth_chainId", "eth_blockNumber", "eth_sendTransaction", "evm_mine", "hardhat_setBalance", "eth_call"),
    params: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  }),
  fc.array(fc.record({ jsonrpc: fc.constant("2.0"), id: fc.integer(), method: fc.constantFrom("eth_chainId", "evm_mine") }), {
    maxLength: 25,
  }),
);

const body = fc.oneof(
  fc.constant(undefined),
  jsonValue.map((v) => JSON.stringify(v)),
  nastyString,
  fc.uint8Array({ maxLength: 512 }),
  fc.constant("{".repeat(5_000)),
  fc.constant("x".repeat(300_000)),
);

const headers = fc.record(
  {
    "content-type": fc.constantFrom(
      "application/json",
      "text/plain",
      "application/offset+octet-stream",
      "multipart/form-data",
      "application/json; charset=utf-16",
      "image/png",
      "💥",
    ),
    cookie: fc.oneof(
      fc.constant("SESSION"),
      fc.constant("GUARDIAN"),
      nastyString.map((s) => `${SESSION_COOKIE}=${urlSegment(s)}`),
    ),
    origin: fc.constantFrom(ORIGIN, "https://evil.example", "null"),
    "sec-fetch-site": fc.constantFrom("same-origin", "cross-site", "none"),
    "x-forwarded-for": fc.oneof(fc.ipV4(), fc.ipV6(), nastyString.map(urlSegment)),
    "x-forwarded-proto": fc.constantFrom("https", "http", "gopher"),
    range: fc.constantFrom("bytes=0-10", "bytes=-5", "bytes=99999999999-", "bytes=5-1", "bytes=a-b", "bytes=0-1,2-3"),
    "tus-resumable": fc.constantFrom("1.0.0", "0.2.2", "x"),
    "upload-length": fc.constantFrom("1", "0", "-1", "1e30", "abc", "9007199254740993", "1048576"),
    "upload-offset": fc.constantFrom("0", "-1", "abc", "10"),
    "upload-metadata": fc.constantFrom("filename dGVzdC5tcDQ=", "owner MHhkZWFk", "bad metadata,,", ""),
    "upload-defer-length": fc.constantFrom("1", "0"),
    "content-length": fc.constantFrom("0", "-1", "99999999999"),
  },
  { requiredKeys: [] },
);

describe("serving: every route handler fuzzed with adversarial requests", function () {
  this.timeout(600_000);
  const dir = mkdtempSync(join(tmpdir(), "ai-films-route-fuzz-"));
  const routes = routeFiles();
  let db: Database;
  let ipfs: IpfsStore;
  let rpc: Server;
  let serving: Serving;
  let sessionCookie = "";
  /** A session of the market's guardian (Hardhat's account #2), so /api/moderation is fuzzed past its role check. */
  let guardianCookie = "";
  let chainId = 0;
  const saved = { ...process.env };
  type WebEnv = { rpcUrl: string; marketAddress: string | undefined; siteUrl: URL };
  let serverEnv: WebEnv | undefined;
  let savedServerEnv: WebEnv | undefined;

  before(async () => {
    const connection = await network.create();
    // With the periphery, so /api/relay/purchase runs its real relayer (on by default on chain 31337).
    const d = await deployPeriphery(connection);
    const market = await d.market.getAddress();
    const chain = await connectProvider(connection.provider, { market });
    rpc = await jsonRpcServer(connection.provider as never);
    Object.assign(process.env, {
      RPC_URL: `http://127.0.0.1:${RPC_PORT}`,
      MARKET_ADDRESS: market,
      SIGNED_PURCHASES_ADDRESS: await d.purchases.getAddress(),
      RENEWER_ADDRESS: await d.renewer.getAddress(),
      SITE_URL: ORIGIN,
      MEDIA_UPLOADS_DIR: join(dir, "uploads"),
      MEDIA_MAX_UPLOAD_BYTES: String(8 * 1024 * 1024),
      IPFS_DATA_DIR: join(dir, "ipfs"),
      LEDGER_DIR: join(dir, "ledger"),
    });
    db = await openDatabase({ dataDir: "memory://" });
    ipfs = await openIpfs({ dataDir: join(dir, "ipfs") });
    const rateLimiter = createRateLimiter({ store: memoryRateLimitStore() });
    serving = createServing({
      chain,
      authStore: ledgerAuthStore(db),
      ipfs,
      keys: { getKey: async () => null, filmOfKey: async () => null },
      domain: DOMAIN,
      sessionSecret: new TextEncoder().encode("fuzz-secret-fuzz-secret-fuzz-secret!"),
      rateLimiter,
    });
    // The web app's services are memoised on globalThis (web/lib/server/services.ts): hand it ours.
    (globalThis as Record<string, unknown>).__aiFilmsServices = {
      db: Promise.resolve(db),
      ipfs: Promise.resolve(ipfs),
      chain: Promise.resolve(chain),
      serving: Promise.resolve(serving),
      playback: Promise.resolve(null),
      rateLimiter: Promise.resolve(rateLimiter),
    };
    chainId = chain.chainId;
    sessionCookie = await signInAs(serving.auth, privateKeyToAccount(generatePrivateKey()), chainId);
    guardianCookie = await signInAs(serving.auth, mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: 2 }) as never, chainId);
    registerWebResolver();
    // The web server reads its environment once per process (web/lib/server/env.ts): another route
    // test in this mocha run may have loaded it first, with its own RPC (then closed) and market.
    const env = (await import(pathToFileURL(join(WEB, "lib/server/env.ts")).href)) as { serverEnv: WebEnv };
    serverEnv = env.serverEnv;
    savedServerEnv = { rpcUrl: serverEnv.rpcUrl, marketAddress: serverEnv.marketAddress, siteUrl: serverEnv.siteUrl };
    Object.assign(serverEnv, { rpcUrl: process.env.RPC_URL, marketAddress: market, siteUrl: new URL(ORIGIN) });
  });

  after(async () => {
    if (serverEnv && savedServerEnv) Object.assign(serverEnv, savedServerEnv);
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    delete (globalThis as Record<string, unknown>).__aiFilmsServices;
    delete (globalThis as Record<string, unknown>).__aiFilmsRelayer;
    const studio = (globalThis as unknown as Record<string, { uploads?: { close(): void } } | undefined>).__aiFilmsStudio;
    studio?.uploads?.close();
    await new Promise((r) => rpc?.close(r));
    await ipfs?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("finds the web app's routes", () => {
    expect(routes.map((r) => r.pattern)).to.include.members([
      "/api/account/counts",
      "/api/auth/signin",
      "/api/heartbeat",
      "/api/heartbeat/key",
      "/api/relay/purchase",
      "/api/uploads/[[...id]]",
      "/api/watchlist",
      "/api/follows",
      "/api/profile",
      "/api/profile/avatar",
      "/api/reports",
      "/api/moderation",
      "/api/viewer-settings",
      "/ipfs/[cid]/[[...path]]",
    ]);
    for (const { file } of routes) expect(existsSync(file)).to.equal(true);
  });

  for (const { pattern, file } of routeFiles()) {
    it(`${pattern}: a 4xx JSON answer (or a 2xx/3xx) to anything, never a 5xx or a stack trace`, async () => {
      const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      const handlers = METHODS.filter((m) => typeof module[m] === "function");
      expect(handlers, "a route exports at least one method").to.not.deep.equal([]);
      const params = fc.record(
        Object.fromEntries(
          segmentsOf(pattern).map((s) => [
            s.name,
            s.list
              ? s.optional
                ? fc.option(fc.array(nastyString, { maxLength: 4 }), { nil: undefined })
                : fc.array(nastyString, { minLength: 1, maxLength: 4 })
              : nastyString,
          ]),
        ),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...handlers), params, body, headers, async (method, routeParams, requestBody, requestHeaders) => {
          const h = new Headers();
          for (const [name, value] of Object.entries(requestHeaders)) {
            try {
              const cookie = value === "SESSION" ? sessionCookie : value === "GUARDIAN" ? guardianCookie : String(value);
              h.set(name, name === "cookie" ? cookie : String(value));
            } catch {
              // a value fetch itself refuses to send is not a request the server can receive
            }
          }
          const path = pattern.replace(/\[\[?(\.\.\.)?([^\]]+)\]\]?/g, (_, __, name) =>
            urlSegment((routeParams as Record<string, unknown>)[name]),
          );
          const withBody = method !== "GET" && method !== "HEAD" && requestBody !== undefined;
          const request = new Request(`${ORIGIN}${path}`, { method, headers: h, body: withBody ? requestBody : undefined });
          const handler = module[method] as (r: Request, ctx: { params: Promise<unknown> }) => Promise<Response>;
          const response = await handler(request, { params: Promise.resolve(routeParams) });
          const text = method === "HEAD" ? "" : await response.text();
          const where = `${method} ${path} → ${response.status} ${text.slice(0, 300)}`;
          expect(response.status, where).to.be.below(500);
          expect(text, where).not.to.match(STACK);
          if (response.status >= 400 && method !== "HEAD") {
            expect(response.headers.get("content-type"), where).to.match(/^application\/json/);
            const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
            expect(parsed.error, where).to.be.a("string");
            expect(parsed.message, where).to.be.a("string");
          }
        }),
        { numRuns: Number(process.env.FUZZ_RUNS) || 60 },
      );
    });
  }

  it("is still up afterwards: a nonce and the session are served", async () => {
    const nonce = (await import(pathToFileURL(join(APP, "api/auth/nonce/route.ts")).href)) as { GET(r: Request): Promise<Response> };
    expect((await nonce.GET(new Request(`${ORIGIN}/api/auth/nonce`))).status).to.equal(200);
    // (the fuzzed sign-out may have ended the earlier session, as it should)
    const cookie = await signInAs(serving.auth, privateKeyToAccount(generatePrivateKey()), chainId);
    expect((await serving.auth.sessionResponse(new Request(ORIGIN, { headers: { cookie } }))).status).to.equal(200);
  });
});
