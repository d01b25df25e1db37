// The platform as a viewer meets it: `npm start`'s own script brings everything up (chain,
// contracts, IPFS, ledger, demo catalogue, web app in production mode) in a throwaway data
// directory, and Debian's Chromium, driven by playwright-core, does what a person would.
// Screenshots land in test-artifacts/e2e/.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { createPublicClient, http } from "viem";
import { filmListingsAbi } from "../../scripts/chain/abis.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ARTIFACTS = path.join(ROOT, "test-artifacts/e2e");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const WEB_PORT = 3210;
const RPC_PORT = 8745;
const BASE = `http://localhost:${WEB_PORT}`;

function startPlatform(dataDir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts/platform/start.ts"), "--reset"], {
      cwd: ROOT,
      env: { ...process.env, AI_FILMS_DATA_DIR: dataDir, PORT: String(WEB_PORT), RPC_PORT: String(RPC_PORT), NEXT_DIST_DIR: ".next-e2e" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    const timer = setTimeout(() => reject(new Error(`the platform did not start in time:\n${output.slice(-4000)}`)), 12 * 60_000);
    const onData = (d: Buffer) => {
      output += d;
      if (process.env.E2E_VERBOSE) process.stderr.write(d);
      if (output.includes("AI Films is running")) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the platform exited (${code}) before it was ready:\n${output.slice(-4000)}`));
    });
  });
}

async function signIn(page: Page, devAccount: number) {
  // The wallet island hydrates after the page and wagmi may still be restoring a connection:
  // pick the dev account until the connection takes, then sign the SIWE message.
  const signInButton = page.getByTestId("sign-in");
  const select = page.getByTestId("dev-wallet-select");
  await select.waitFor();
  await page.waitForTimeout(2_000); // a choice made before React hydrates the island is lost
  for (let attempt = 0; attempt < 10 && !(await signInButton.isVisible()); attempt++) {
    if ((await select.isVisible()) && (await select.isEnabled())) {
      await select.selectOption(""); // React only sees a change from what it last saw
      await select.selectOption(`dev-wallet-${devAccount}`);
    }
    await page.waitForTimeout(1_500);
  }
  await signInButton.click();
  await page.getByTestId("session-status").waitFor({ timeout: 30_000 });
}

async function videoTime(page: Page): Promise<number> {
  return page.evaluate(() => document.querySelector("video")?.currentTime ?? 0);
}

async function playUntil(page: Page, seconds: number) {
  await page.getByTestId("play-button").click();
  await page.waitForFunction((s) => (document.querySelector("video")?.currentTime ?? 0) > s, seconds, { timeout: 60_000 });
}

/** Waits for the purchase panel's verdict; an error comes back with its kind and message. */
async function purchaseOutcome(page: Page): Promise<{ ok: true } | { ok: false; kind: string | null; text: string }> {
  const success = page.getByTestId("purchase-success");
  const error = page.getByTestId("purchase-error");
  await Promise.race([success.waitFor({ timeout: 90_000 }), error.waitFor({ timeout: 90_000 })]);
  if (await success.isVisible()) return { ok: true };
  // An error can be replaced by the next attempt's progress: read it without waiting.
  const kind = await error.getAttribute("data-kind", { timeout: 2_000 }).catch(() => null);
  const text = await error.innerText({ timeout: 2_000 }).catch(() => "");
  if (kind === null) return purchaseOutcome(page);
  return { ok: false, kind, text };
}

/** Buys as the page's viewer: a first attempt without test dollars asks for the faucet. */
async function purchase(page: Page, button: "subscribe" | "buy-view") {
  await page.getByTestId(button).click();
  let outcome = await purchaseOutcome(page);
  if (!outcome.ok) {
    expect(outcome.kind, outcome.text).to.equal("funds");
    await page.getByTestId("faucet").click();
    await page.getByTestId("purchase-error").waitFor({ state: "detached", timeout: 60_000 }).catch(() => undefined);
    await page.waitForTimeout(1_500);
    await page.getByTestId(button).click();
    outcome = await purchaseOutcome(page);
  }
  if (!outcome.ok) {
    await page.screenshot({ path: path.join(ARTIFACTS, `purchase-${button}-failed.png`), fullPage: true });
    throw new Error(`${button} failed (${outcome.kind}): ${outcome.text}`);
  }
}

// Runs with `npm run test:e2e` (E2E=1): it builds and starts the whole platform, a few minutes.
if (process.env.E2E === "1") describe("Viewers in a real browser", function () {
  this.timeout(20 * 60_000);
  let platform: ChildProcess | undefined;
  let browser: Browser;
  let dataDir: string;
  let viewer: BrowserContext;
  let page: Page;
  let filmUrl = "";
  let keyUrl = "";

  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.`);
    await mkdir(ARTIFACTS, { recursive: true });
    dataDir = await mkdtemp(path.join(tmpdir(), "ai-films-e2e-"));
    platform = await startPlatform(dataDir);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required", "--mute-audio"],
    });
    viewer = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await viewer.newPage();
    page.on("response", (r) => {
      if (r.url().includes("/api/keys/") && r.status() === 200) keyUrl = r.url();
    });
  });

  after(async () => {
    await browser?.close();
    if (platform?.pid) {
      try {
        process.kill(-platform.pid, "SIGTERM"); // the whole group: chain, proxy, web server
      } catch {}
    }
    await new Promise((r) => setTimeout(r, 1_000));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("lists the demo films in the catalogue", async () => {
    // The catalogue is server-rendered: reload until the indexer has caught up with the demo.
    for (let attempt = 0; attempt < 60; attempt++) {
      await page.goto(BASE);
      if ((await page.getByTestId("film-card").count()) >= 6) break;
      await page.waitForTimeout(2_000);
    }
    const titles = await page.getByTestId("film-card").allInnerTexts();
    expect(titles.join(" ")).to.include("Mandelbrot Descent");
    await page.screenshot({ path: path.join(ARTIFACTS, "catalogue.png"), fullPage: true });
  });

  it("connects the dev wallet, signs in, and plays the free preview", async () => {
    await page.getByTestId("film-card").filter({ hasText: "Mandelbrot Descent" }).first().click();
    await page.waitForURL(/\/films\/\d+/);
    filmUrl = page.url();
    await signIn(page, 4);
    await playUntil(page, 2);
    expect(await page.getByTestId("player-mode").innerText()).to.match(/preview/i);
  });

  it("refuses the full film before paying: the key server answers 403", async () => {
    // Find the film's key URI as any client would: tokenURI on-chain → metadata → playlist → EXT-X-KEY.
    const filmId = BigInt(/\/films\/(\d+)/.exec(filmUrl)![1]);
    const deployment = JSON.parse(readFileSync(path.join(ROOT, "deployments/31337.json"), "utf8"));
    const chain = createPublicClient({ transport: http(`http://127.0.0.1:${RPC_PORT}`) });
    const tokenUri = await chain.readContract({
      address: deployment.contracts.FilmListings.address, abi: filmListingsAbi, functionName: "tokenURI", args: [filmId],
    });
    const gateway = (ipfsUri: string) => `${BASE}/ipfs/${ipfsUri.replace("ipfs://", "")}`;
    const metadata = await (await fetch(gateway(tokenUri))).json();
    const master = new URL(gateway(metadata.animation_url));
    const variant = (await (await fetch(master)).text()).split("\n").find((l) => l.trim() && !l.startsWith("#"))!;
    const media = await (await fetch(new URL(variant.trim(), master))).text();
    const keyUri = new URL(/URI="([^"]+)"/.exec(media)![1], master).toString();
    // Asked from the page, with the signed-in (but not entitled) viewer's session cookie.
    const status = await page.evaluate(async (url) => (await fetch(url, { credentials: "include" })).status, keyUri);
    expect(status).to.equal(403);
    expect(await page.getByTestId("access-status").getAttribute("data-access")).to.equal("none");
  });

  it("subscribes (test dollars from the faucet, one permit transaction) and plays the full film", async () => {
    await purchase(page, "subscribe");
    await page.goto(filmUrl);
    await page.waitForFunction(() => document.querySelector('[data-testid="access-status"]')?.getAttribute("data-access") === "subscription", null, { timeout: 30_000 });
    keyUrl = "";
    await playUntil(page, 11); // past one heartbeat interval
    expect(keyUrl, "the key was fetched").to.match(/\/api\/keys\//);
    expect(await page.getByTestId("player-mode").innerText()).not.to.match(/preview/i);
    expect(await videoTime(page)).to.be.greaterThan(11);
    await page.screenshot({ path: path.join(ARTIFACTS, "film.png"), fullPage: true });
  });

  it("recorded the heartbeats in the ledger: the account page shows the watch history", async () => {
    await page.waitForTimeout(2_000);
    await page.goto(`${BASE}/account`);
    await page.getByTestId("account-subscription").waitFor();
    expect(await page.getByTestId("account-subscription").innerText()).to.match(/active|until|renew/i);
    const history = await page.getByTestId("history-item").allInnerTexts();
    expect(history.join(" ")).to.include("Mandelbrot Descent");
    await page.screenshot({ path: path.join(ARTIFACTS, "account.png"), fullPage: true });
  });

  it("lets a second, unsubscribed viewer buy a single view and watch it", async () => {
    const second = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const p2 = await second.newPage();
    let fetched = false;
    p2.on("response", (r) => { if (r.url().includes("/api/keys/") && r.status() === 200) fetched = true; });
    await p2.goto(BASE);
    await p2.getByTestId("film-card").filter({ hasText: "Life, Generation" }).first().click();
    await p2.waitForURL(/\/films\/\d+/);
    await signIn(p2, 5);
    await purchase(p2, "buy-view");
    await p2.reload();
    await p2.waitForFunction(() => document.querySelector('[data-testid="access-status"]')?.getAttribute("data-access") === "pass", null, { timeout: 30_000 });
    await playUntil(p2, 2);
    expect(fetched).to.equal(true);
    await second.close();
  });

  it("refuses the key after signing out", async () => {
    await page.goto(filmUrl);
    await page.getByTestId("sign-out").click();
    await page.getByTestId("session-status").waitFor({ state: "detached", timeout: 30_000 });
    const status = await page.evaluate(async (url) => (await fetch(url, { credentials: "include" })).status, keyUrl);
    expect(status).to.equal(401);
  });
});
