// The platform as a viewer meets it: `npm start`'s own script brings everything up (chain,
// contracts, IPFS, ledger, demo catalogue, web app in production mode) in a throwaway data
// directory, and Debian's Chromium, driven by playwright-core, does what a person would.
// Screenshots land in test-artifacts/e2e/.
import { expect } from "chai";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { cspViolations, playUntil, purchase, recordCspViolations, signIn, videoTime } from "../helpers/browser/chromium.ts";
import { ARTIFACTS, contentKeyUrl, E2E_ACCOUNTS, e2ePlatform, tracePage, type E2E } from "./platform.ts";

describe("Viewers in a real browser", function () {
  this.timeout(15 * 60_000);
  let e2e: E2E;
  let BASE = "";
  let viewer: BrowserContext;
  let page: Page;
  let filmUrl = "";
  let keyUrl = "";

  before(async function () {
    e2e = await e2ePlatform();
    BASE = e2e.baseUrl;
    viewer = await e2e.browser.newContext({ viewport: { width: 1280, height: 860 } });
    await recordCspViolations(viewer);
    page = await viewer.newPage();
    tracePage(page, "viewer");
    page.on("response", (r) => {
      if (r.url().includes("/api/keys/") && r.status() === 200) keyUrl = r.url();
    });
  });

  after(async () => {
    await viewer?.close();
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
    await signIn(page, E2E_ACCOUNTS.viewer);
    await playUntil(page, 2);
    expect(await page.getByTestId("player-mode").innerText()).to.match(/preview/i);
  });

  it("refuses the full film before paying: the key server answers 403", async () => {
    // Find the film's key URI as any client would: tokenURI on-chain → metadata → playlist → EXT-X-KEY.
    const filmId = BigInt(/\/films\/(\d+)/.exec(filmUrl)![1]);
    const keyUri = await contentKeyUrl(e2e, filmId);
    // Asked from the page, with the signed-in (but not entitled) viewer's session cookie.
    const status = await page.evaluate(async (url) => (await fetch(url, { credentials: "include" })).status, keyUri);
    expect(status).to.equal(403);
    expect(await page.getByTestId("access-status").getAttribute("data-access")).to.equal("none");
  });

  it("subscribes (test dollars from the faucet, one permit transaction) and plays the full film", async () => {
    await purchase(page, "subscribe");
    // Only 200s are recorded, and before this the viewer was refused: any key fetched from here on
    // is the subscriber's. Reset before loading the page, whose player may fetch the key as it loads.
    keyUrl = "";
    await page.goto(filmUrl);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="access-status"]')?.getAttribute("data-access") === "subscription",
      null,
      { timeout: 30_000 },
    );
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
    const second = await e2e.browser.newContext({ viewport: { width: 1280, height: 860 } });
    await recordCspViolations(second);
    const p2 = await second.newPage();
    tracePage(p2, "buyer");
    let fetched = false;
    p2.on("response", (r) => {
      if (r.url().includes("/api/keys/") && r.status() === 200) fetched = true;
    });
    await p2.goto(BASE);
    await p2.getByTestId("film-card").filter({ hasText: "Life, Generation" }).first().click();
    await p2.waitForURL(/\/films\/\d+/);
    await signIn(p2, E2E_ACCOUNTS.buyer);
    await purchase(p2, "buy-view");
    await p2.reload();
    await p2.waitForFunction(() => document.querySelector('[data-testid="access-status"]')?.getAttribute("data-access") === "pass", null, {
      timeout: 30_000,
    });
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

  it("serves every page with its security headers, and the pages above logged no CSP violation", async () => {
    const response = await fetch(filmUrl || BASE);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp)
      .to.match(/script-src [^;]*'nonce-[A-Za-z0-9+/=]+'/)
      .and.include("frame-ancestors 'none'");
    expect(csp).not.to.match(/script-src [^;]*'unsafe-inline'/);
    expect(response.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(response.headers.get("referrer-policy")).to.be.a("string");
    expect(response.headers.get("permissions-policy")).to.be.a("string");
    expect(cspViolations()).to.deep.equal([]);
  });
});
