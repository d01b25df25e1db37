// Helpers for tests that call the web app's route handlers in-process (as routes.fuzz.test.ts
// does): a module resolver for "@/…" and "server-only", and real services handed to the web
// app's memo (web/lib/server/services.ts). Importing this file does nothing.
import { register } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { network } from "hardhat";
import { privateKeyToAccount, generatePrivateKey } from "viem/accounts";
import { connectProvider, type ChainContext } from "@ai-films/core/chain";
import { openDatabase, type Database } from "@ai-films/core/db";
import { openIpfs, type IpfsStore } from "@ai-films/core/ipfs";
import { createRateLimiter, createServing, ledgerAuthStore, memoryRateLimitStore, type Serving } from "@ai-films/core/serving";
import { deployMarket, type Deployment } from "../contracts/fixture.ts";
import { deployPeriphery, type PeripheryDeployment } from "../contracts/peripheryFixture.ts";
import { DOMAIN, ORIGIN, signInAs } from "./helpers.ts";

export const WEB = fileURLToPath(new URL("../../web/", import.meta.url));

export type RouteHandler = (r: Request, ctx: { params: Promise<unknown> }) => Promise<Response>;

let registered = false;

/** Lets Node load web/app route modules outside Next ("@/x" is web/x; "server-only" is empty). */
export function registerWebResolver(): void {
  if (registered) return;
  registered = true;
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

export async function loadRoute(path: string): Promise<Record<string, RouteHandler>> {
  return (await import(pathToFileURL(join(WEB, "app", path)).href)) as Record<string, RouteHandler>;
}

export interface WebServices {
  db: Database;
  ipfs: IpfsStore;
  chain: ChainContext;
  serving: Serving;
  /** The contracts (ethers), for a test's own transactions; with the periphery when asked for. */
  deployment: Deployment;
  periphery: PeripheryDeployment | null;
  /** A new signed-in wallet's session cookie. */
  signIn(): Promise<string>;
  close(): Promise<void>;
}

/**
 * A Hardhat chain with the market, a PGlite ledger, Helia in `dir`, installed as the web app's services.
 * With `periphery`, SignedPurchases and SubscriptionRenewer too, named in the environment as a
 * deployment would (SIGNED_PURCHASES_ADDRESS, RENEWER_ADDRESS) until `close`.
 */
export async function installWebServices(dir: string, options: { periphery?: boolean } = {}): Promise<WebServices> {
  const connection = await network.create();
  const periphery = options.periphery ? await deployPeriphery(connection) : null;
  const d = periphery ?? (await deployMarket(connection));
  const savedEnv = { SIGNED_PURCHASES_ADDRESS: process.env.SIGNED_PURCHASES_ADDRESS, RENEWER_ADDRESS: process.env.RENEWER_ADDRESS };
  if (periphery) {
    process.env.SIGNED_PURCHASES_ADDRESS = await periphery.purchases.getAddress();
    process.env.RENEWER_ADDRESS = await periphery.renewer.getAddress();
  }
  const chain = await connectProvider(connection.provider, { market: await d.market.getAddress() });
  const db = await openDatabase({ dataDir: "memory://" });
  const ipfs = await openIpfs({ dataDir: join(dir, "ipfs") });
  const rateLimiter = createRateLimiter({ store: memoryRateLimitStore() });
  const serving = createServing({
    chain,
    authStore: ledgerAuthStore(db),
    ipfs,
    keys: { getKey: async () => null, filmOfKey: async () => null },
    domain: DOMAIN,
    sessionSecret: new TextEncoder().encode("route-test-secret-route-test-secret!"),
    rateLimiter,
  });
  const g = globalThis as Record<string, unknown>;
  g.__aiFilmsServices = {
    db: Promise.resolve(db),
    ipfs: Promise.resolve(ipfs),
    chain: Promise.resolve(chain),
    serving: Promise.resolve(serving),
    playback: Promise.resolve(null),
    rateLimiter: Promise.resolve(rateLimiter),
  };
  registerWebResolver();
  return {
    db,
    ipfs,
    chain,
    serving,
    deployment: d,
    periphery,
    signIn: () => signInAs(serving.auth, privateKeyToAccount(generatePrivateKey()), chain.chainId),
    async close() {
      delete g.__aiFilmsServices;
      delete g.__aiFilmsRelayer;
      for (const [key, value] of Object.entries(savedEnv)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await ipfs.close();
      await db.close();
    },
  };
}

/** A same-site browser request with the session cookie. */
export function browserRequest(path: string, init: RequestInit & { cookie: string }): Request {
  return new Request(`${ORIGIN}${path}`, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), cookie: init.cookie, origin: ORIGIN, "sec-fetch-site": "same-origin" },
  });
}
