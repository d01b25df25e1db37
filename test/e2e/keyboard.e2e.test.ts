// The keyboard alone: a viewer who cannot use a pointer skips the header, connects the dev wallet,
// signs in, gets test dollars, subscribes, plays and pauses the film and picks a quality — every
// step by Tab, Enter, Space and the arrow keys, with a visible focus ring on each control and the
// player's state changes announced. Nothing in this file clicks. Wallet #29 (E2E_ACCOUNTS.keyboard)
// is fresh: it starts without test dollars and without a subscription.
import { expect } from "chai";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { focused, tabTo, type Focused } from "../helpers/browser/keyboard.ts";
import { purchaseOutcome } from "../helpers/browser/chromium.ts";
import { waitForFullFilm } from "../helpers/browser/player.ts";
import { account } from "@ai-films/core/platform";
import { ARTIFACTS, E2E_ACCOUNTS, e2ePlatform, tracePage, type E2E } from "./platform.ts";

function expectFocusRing(f: Focused, what: string) {
  expect(f.outline !== "none" || (f.boxShadow !== "none" && f.boxShadow !== ""), `${what} shows where the focus is`).to.equal(true);
}

describe("Keyboard only: sign in, subscribe, play, pause, quality", function () {
  this.timeout(10 * 60_000);
  let e2e: E2E;
  let context: BrowserContext;
  let page: Page;
  let filmUrl = "";
  const me = account(E2E_ACCOUNTS.keyboard);

  before(async () => {
    e2e = await e2ePlatform();
    for (let attempt = 0; attempt < 90 && !filmUrl; attempt++) {
      const html = await (await fetch(e2e.baseUrl)).text();
      // The demo's "Mandelbrot Descent": its card links to its page.
      const card = /<a[^>]*href="(\/films\/\d+)"[^>]*>(?:(?!<\/a>).)*Mandelbrot Descent/s.exec(html);
      if (card) filmUrl = `${e2e.baseUrl}${card[1]}`;
      else await new Promise((r) => setTimeout(r, 2_000));
    }
    expect(filmUrl, "the catalogue lists Mandelbrot Descent").to.match(/\/films\/\d+$/);
    context = await e2e.browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    tracePage(page, "keyboard");
  });

  after(async () => {
    await context?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed" && page) {
      await page.screenshot({ path: path.join(ARTIFACTS, `keyboard-failed-${Date.now()}.png`), fullPage: true }).catch(() => undefined);
    }
  });

  it("the first Tab offers a visible skip link that moves focus into the page's content", async () => {
    await page.goto(filmUrl, { waitUntil: "networkidle" });
    await page.keyboard.press("Tab");
    const skip = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const box = el.getBoundingClientRect();
      return {
        cls: el.className,
        href: el.getAttribute("href"),
        onScreen: box.top >= 0 && box.bottom <= window.innerHeight && box.width > 0,
      };
    });
    expect(skip.cls).to.include("skip-link");
    expect(skip.href).to.equal("#main");
    expect(skip.onScreen, "the focused skip link is on screen").to.equal(true);
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("main");
  });

  it("connects the dev wallet and signs in", async () => {
    // Shift+Tab from the content walks back into the header; focusing the wallet area loads its code,
    // and the focus stays in the wallet area when the loaded controls replace the placeholder.
    const connect = await tabTo(page, "connect-wallet", { backwards: true });
    expectFocusRing(connect, "Connect wallet");
    await page.waitForFunction(() => document.querySelector('[data-testid="dev-wallet-select"]') !== null, null, { timeout: 60_000 });
    await page.waitForFunction(() => !(document.querySelector('[data-testid="dev-wallet-select"]') as HTMLSelectElement).disabled, null, {
      timeout: 30_000,
    });
    expect((await focused(page)).testId, "focus after the wallet code loaded").to.be.oneOf([
      "dev-wallet-select",
      "connect-wallet",
      "wallet-area",
    ]);
    const select =
      (await focused(page)).testId === "dev-wallet-select"
        ? await focused(page)
        : await tabTo(page, "dev-wallet-select", { backwards: true, maxPresses: 5 });
    expectFocusRing(select, "the dev wallet selector");
    // The last account the dev wallet offers is this story's own: End picks it (one change, one connect).
    const last = await page.evaluate(() => {
      const options = (document.querySelector('[data-testid="dev-wallet-select"]') as HTMLSelectElement).options;
      return options[options.length - 1].value;
    });
    expect(last, "the dev wallet's last account").to.equal(`dev-wallet-${E2E_ACCOUNTS.keyboard}`);
    await page.keyboard.press("End");
    const signIn = await tabTo(page, "sign-in", { maxPresses: 10 }).catch(async () =>
      tabTo(page, "sign-in", { backwards: true, maxPresses: 10 }),
    );
    expectFocusRing(signIn, "Sign in");
    expect((await page.getByTestId("account-button").getAttribute("data-address"))?.toLowerCase()).to.equal(me.address.toLowerCase());
    await page.keyboard.press("Enter");
    await page.getByTestId("session-status").waitFor({ timeout: 30_000 });
  });

  it("gets test dollars and subscribes from the purchase panel", async () => {
    const subscribe = await tabTo(page, "subscribe");
    expectFocusRing(subscribe, "Subscribe");
    await page.keyboard.press("Enter");
    let outcome = await purchaseOutcome(page);
    if (!outcome.ok && outcome.kind === "funds") {
      await tabTo(page, "faucet", { maxPresses: 20 }).catch(() => tabTo(page, "faucet", { backwards: true, maxPresses: 20 }));
      await page.keyboard.press("Enter");
      await page.getByTestId("faucet-success").waitFor({ timeout: 60_000 });
      await tabTo(page, "subscribe", { backwards: true, maxPresses: 20 }).catch(() => tabTo(page, "subscribe", { maxPresses: 20 }));
      await page.keyboard.press("Enter");
      outcome = await purchaseOutcome(page);
    }
    expect(outcome, "the subscription went through").to.deep.equal({ ok: true });
    await page.goto(filmUrl, { waitUntil: "networkidle" });
    await waitForFullFilm(page, 60_000);
  });

  it("plays and pauses with the keyboard, and the player says so", async () => {
    const play = await tabTo(page, "play-button");
    expectFocusRing(play, "Play or pause");
    expect(play.name, "the play button has a name").to.not.equal("");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 1.5, null, { timeout: 60_000 });
    await page.waitForFunction(() => /play/i.test(document.querySelector('[data-testid="player-announcer"]')?.textContent ?? ""), null, {
      timeout: 10_000,
    });
    // While the film plays, the player hides idle controls after 2.5 s: the focused button must stay
    // in the page (and in focus), or a keyboard user could not pause.
    await page.waitForTimeout(3_500);
    expect((await focused(page)).testId, "focus after the controls went idle").to.equal("play-button");
    await page.keyboard.press("Space");
    await page.waitForFunction(() => document.querySelector("video")?.paused === true, null, { timeout: 10_000 });
    const at = await page.evaluate(() => document.querySelector("video")!.currentTime);
    await page.waitForTimeout(1_000); // the position must hold still while paused
    const still = await page.evaluate(() => document.querySelector("video")!.currentTime);
    // (Plain arithmetic: hardhat's chai matchers take over closeTo for whole numbers only.)
    expect(Math.abs(still - at), "the position moved while paused").to.be.below(0.05);
    await page.waitForFunction(() => /pause/i.test(document.querySelector('[data-testid="player-announcer"]')?.textContent ?? ""), null, {
      timeout: 10_000,
    });
  });

  it("switches the quality from the keyboard", async () => {
    const quality = await tabTo(page, "quality-select", { maxPresses: 10 });
    expectFocusRing(quality, "Quality");
    const before = (await page.getByTestId("quality-select").innerText()).trim();
    await page.keyboard.press("Enter"); // opens the menu
    const items = page.locator('[role="option"]');
    await items.first().waitFor({ timeout: 10_000 });
    const labels = (await items.allInnerTexts()).map((t) => t.trim());
    expect(labels.length, `the quality menu offers more than Auto (${labels.join(", ")})`).to.be.greaterThan(1);
    const target = labels.find((l) => l !== before && l.toLowerCase() !== "auto") ?? labels.find((l) => l !== before)!;
    // Arrow keys move through the options; Enter picks the one that has focus.
    for (let i = 0; i < labels.length * 2; i++) {
      const current = await page.evaluate(() => (document.activeElement?.textContent ?? "").trim());
      if (current === target) break;
      await page.keyboard.press("ArrowDown");
    }
    await page.keyboard.press("Enter");
    await page.waitForFunction((t) => (document.querySelector('[data-testid="quality-select"]')?.textContent ?? "").trim() === t, target, {
      timeout: 10_000,
    });
    await page.screenshot({ path: path.join(ARTIFACTS, "keyboard-quality.png") });
  });
});
