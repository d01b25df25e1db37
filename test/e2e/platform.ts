// One platform and one Chromium for every browser test file: `npm start`'s script in a throwaway
// data directory on its own ports (beside a developer's own platform), started by the first test
// that asks and stopped after the whole run. A second platform paying in the USDC-shaped test
// token (LOCAL_PAYMENT_TOKEN=usdc-shaped) starts only for the file that asks for it, on the next
// ports. E2E_WEB_PORT / E2E_RPC_PORT move both (default 3210 / 8745, the second one port up).
// Both serve the one web build the tests share (web/.next-test, rebuilt only when sources change).
// Screenshots land in test-artifacts/e2e/.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { launchChromium } from "../helpers/browser/chromium.ts";
import { TEST_WEB_DIST } from "../helpers/webBuild.ts";
import { connectRpc, filmListingsAbi } from "@ai-films/core/chain";
import { launchPlatform, type LaunchedPlatform } from "@ai-films/core/platform";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const ARTIFACTS = path.join(ROOT, "test-artifacts/e2e");

export interface E2E {
  platform: LaunchedPlatform;
  browser: Browser;
  baseUrl: string;
  rpcUrl: string;
}

/**
 * Dev-wallet accounts per role, so each story starts from fresh wallets whatever order the files
 * run in (the platform offers these in its dev wallet; the local chain funds #0–#39 with ETH).
 * `renewing` turns auto-renewal on; `gasless` receives a gift, then loses its ETH and buys without gas;
 * `keyboard` is the last one the dev wallet offers (the keyboard story picks it with End).
 */
export const E2E_ACCOUNTS = {
  viewer: 4,
  buyer: 5,
  creator: 16,
  subscriber: 17,
  gasless: 20,
  counted: 21,
  follower: 22,
  communityCreator: 23,
  splitCreator: 24,
  splitViewer: 25,
  director: 26,
  composer: 27,
  renewing: 28,
  polyglot: 29,
  // Keep last: the keyboard story picks the dev wallet's last account with the End key.
  keyboard: 30,
} as const;

const WEB_PORT = Number(process.env.E2E_WEB_PORT ?? 3210);
const RPC_PORT = Number(process.env.E2E_RPC_PORT ?? 8745);

let sharedBrowser: Promise<Browser> | undefined;
const platforms = new Map<string, Promise<E2E>>();

function startPlatform(name: string, options: { webPort: number; rpcPort: number; env?: NodeJS.ProcessEnv }): Promise<E2E> {
  let started = platforms.get(name);
  if (!started) {
    started = (async () => {
      await mkdir(ARTIFACTS, { recursive: true });
      const browser = await (sharedBrowser ??= launchChromium());
      const platform = await launchPlatform({
        ...options,
        distDir: TEST_WEB_DIST,
        env: { DEV_ACCOUNTS: [...new Set([4, 5, 6, ...Object.values(E2E_ACCOUNTS)])].join(","), ...options.env },
      });
      return { platform, browser, baseUrl: platform.baseUrl, rpcUrl: platform.rpcUrl };
    })();
    platforms.set(name, started);
  }
  return started;
}

/** The platform as `npm start` runs it, paying in TestDollar. */
export function e2ePlatform(): Promise<E2E> {
  return startPlatform("test-dollar", {
    webPort: WEB_PORT,
    rpcPort: RPC_PORT,
    // Two web workers: sessions, purchases and playback must work whichever worker answers.
    env: { LOCAL_PAYMENT_TOKEN: "test-dollar", WEB_WORKERS: "2" },
  });
}

/** The same platform paying in the USDC-shaped test token (permit version "2", no EIP-5267). */
export function e2eUsdcShapedPlatform(): Promise<E2E> {
  return startPlatform("usdc-shaped", {
    webPort: WEB_PORT + 1,
    rpcPort: RPC_PORT + 1,
    env: { LOCAL_PAYMENT_TOKEN: "usdc-shaped" },
  });
}

// A root-level hook (this module is loaded while mocha reads the test files): stop everything once.
after(async function () {
  this.timeout(60_000);
  for (const started of platforms.values()) {
    const e2e = await started.catch(() => undefined);
    await e2e?.platform.stop();
  }
  await (await sharedBrowser?.catch(() => undefined))?.close().catch(() => undefined);
});

/**
 * A film's content key URL, found as any client would: tokenURI on-chain → metadata → master
 * playlist → first variant → its EXT-X-KEY.
 */
export async function contentKeyUrl(e2e: E2E, filmId: bigint): Promise<string> {
  const ctx = await connectRpc({ rpcUrl: e2e.rpcUrl });
  const tokenUri = await ctx.publicClient.readContract({
    address: ctx.listings,
    abi: filmListingsAbi,
    functionName: "tokenURI",
    args: [filmId],
  });
  const gateway = (ipfsUri: string) => `${e2e.baseUrl}/ipfs/${ipfsUri.replace("ipfs://", "")}`;
  const metadata = await (await fetch(gateway(tokenUri))).json();
  const master = new URL(gateway(metadata.animation_url));
  const variant = (await (await fetch(master)).text()).split("\n").find((l) => l.trim() && !l.startsWith("#"))!;
  const media = await (await fetch(new URL(variant.trim(), master))).text();
  return new URL(/URI="([^"]+)"/.exec(media)![1], master).toString();
}

/** With E2E_VERBOSE set, a page's console errors and failed requests go to stderr (for diagnosing). */
export function tracePage(page: import("playwright-core").Page, label: string): void {
  if (!process.env.E2E_VERBOSE) return;
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") process.stderr.write(`[${label} console.${m.type()}] ${m.text()}\n`);
  });
  page.on("pageerror", (e) => process.stderr.write(`[${label} pageerror] ${e.message}\n`));
  page.on("response", (r) => {
    if (r.status() >= 400) process.stderr.write(`[${label} ${r.status()}] ${r.request().method()} ${r.url()}\n`);
  });
  page.on("requestfailed", (r) => process.stderr.write(`[${label} requestfailed] ${r.method()} ${r.url()} ${r.failure()?.errorText}\n`));
}
