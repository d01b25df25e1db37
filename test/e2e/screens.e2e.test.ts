// Every viewer, every screen: the catalogue, a film page, the account page, the studio and /payouts
// on a phone (390×844) and on a desktop, each checked with axe-core (no serious or critical WCAG 2.1
// A/AA violation) and, on the phone, for horizontal overflow (nothing wider than the screen; the
// player and the purchase panel fit). Phone screenshots land in test-artifacts/e2e/phone-*.png.
// The demo's own wallets are signed in through the API (SIWE), as the benchmarks do: viewer #13
// (a subscriber with a watch history) for the account page, creator #10 for the studio.
import { expect } from "chai";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { seriousViolations } from "../helpers/browser/axe.ts";
import { sessionCookieFor } from "../helpers/siweSession.ts";
import { ARTIFACTS, e2ePlatform, tracePage, type E2E } from "./platform.ts";
import { account, DEMO_ACCOUNTS } from "@ai-films/core/platform";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 860 };

/**
 * What sticks out past the right edge of the screen (elements inside a box that scrolls or clips
 * sideways are fine). A string, not a function: tsx's helpers (`__name`) do not exist in the page.
 */
const OVERFLOW_SCRIPT = `(() => {
  const innerWidth = window.innerWidth;
  function clipped(el) {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (/(auto|scroll|hidden|clip)/.test(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  }
  const culprits = [];
  for (const el of Array.from(document.body.querySelectorAll("*"))) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= innerWidth + 1 || clipped(el)) continue;
    const testId = el.getAttribute("data-testid");
    const cls = typeof el.className === "string" && el.className ? "." + el.className.split(" ")[0] : "";
    culprits.push(el.tagName.toLowerCase() + (testId ? "[data-testid=" + testId + "]" : cls) + " → " + Math.round(box.right) + " px");
    if (culprits.length >= 8) break;
  }
  return { scrollWidth: document.documentElement.scrollWidth, innerWidth, culprits };
})()`;

async function overflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; culprits: string[] }> {
  return page.evaluate(OVERFLOW_SCRIPT) as Promise<{ scrollWidth: number; innerWidth: number; culprits: string[] }>;
}

describe("Every screen: phones, desktops and axe-core", function () {
  this.timeout(15 * 60_000);
  let e2e: E2E;
  let filmPath = "";
  const contexts: BrowserContext[] = [];
  const cookies: { viewer?: string; creator?: string } = {};

  async function open(size: typeof PHONE, urlPath: string, as?: "viewer" | "creator"): Promise<Page> {
    const context = await e2e.browser.newContext({
      viewport: size,
      deviceScaleFactor: 1,
      isMobile: size === PHONE,
      hasTouch: size === PHONE,
    });
    contexts.push(context);
    const cookie = as ? cookies[as] : undefined;
    if (cookie) {
      const [name, ...rest] = cookie.split("=");
      await context.addCookies([{ name: name!, value: rest.join("="), url: e2e.baseUrl }]);
    }
    const page = await context.newPage();
    tracePage(page, `screens ${urlPath}`);
    await page.goto(`${e2e.baseUrl}${urlPath}`, { waitUntil: "networkidle", timeout: 60_000 });
    return page;
  }

  before(async function () {
    e2e = await e2ePlatform();
    // The catalogue is server-rendered: wait until the indexer lists the demo films.
    for (let attempt = 0; attempt < 90 && !filmPath; attempt++) {
      const html = await (await fetch(e2e.baseUrl)).text();
      const id = /data-testid="film-card"[^>]*data-film-id="(\d+)"|data-film-id="(\d+)"[^>]*data-testid="film-card"/.exec(html);
      if (id) filmPath = `/films/${id[1] ?? id[2]}`;
      else await new Promise((r) => setTimeout(r, 2_000));
    }
    expect(filmPath, "the catalogue lists a film").to.match(/^\/films\/\d+$/);
    cookies.viewer = await sessionCookieFor(e2e.baseUrl, account(DEMO_ACCOUNTS.viewers[0]));
    cookies.creator = await sessionCookieFor(e2e.baseUrl, account(DEMO_ACCOUNTS.creators[0]));
  });

  after(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
  });

  const pages: { name: string; path: () => string; as?: "viewer" | "creator"; ready: string }[] = [
    { name: "catalogue", path: () => "/", ready: '[data-testid="film-card"]' },
    { name: "film", path: () => filmPath, as: "viewer", ready: '[data-testid="access-status"]' },
    { name: "account", path: () => "/account", as: "viewer", ready: "main h1" },
    { name: "studio", path: () => "/studio", as: "creator", ready: '[data-testid="studio-upload"]' },
    { name: "payouts", path: () => "/payouts", ready: "main h1" },
  ];

  for (const { name, path: urlPath, as, ready } of pages) {
    it(`${name}: fits a 390×844 phone and has no serious axe-core violation`, async () => {
      const page = await open(PHONE, urlPath(), as);
      await page.waitForSelector(ready, { timeout: 60_000 });
      await page.screenshot({ path: path.join(ARTIFACTS, `phone-${name}.png`), fullPage: true });
      const { scrollWidth, innerWidth, culprits } = await overflow(page);
      expect(culprits, `wider than the ${innerWidth}px screen`).to.deep.equal([]);
      expect(scrollWidth, "the page scrolls sideways").to.be.at.most(innerWidth);
      if (name === "film") {
        for (const part of ["player", "purchase"]) {
          const box = await page.locator(`[data-testid="${part}"], .${part}`).first().boundingBox();
          expect(box, `the ${part} is on the page`).to.not.equal(null);
          expect(box!.x, `the ${part}'s left edge`).to.be.at.least(0);
          expect(box!.x + box!.width, `the ${part}'s right edge`).to.be.at.most(innerWidth);
        }
      }
      expect(await seriousViolations(page), "serious or critical axe-core violations on the phone").to.deep.equal([]);
    });

    it(`${name}: no serious axe-core violation on a desktop`, async () => {
      const page = await open(DESKTOP, urlPath(), as);
      await page.waitForSelector(ready, { timeout: 60_000 });
      expect(await seriousViolations(page), "serious or critical axe-core violations on the desktop").to.deep.equal([]);
    });
  }
});
