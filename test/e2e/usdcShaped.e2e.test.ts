// The platform paying in a token with USDC's shape (contracts/test/UsdcShapedToken.sol: permit
// under domain version "2", DOMAIN_SEPARATOR(), no EIP-5267), as a viewer on a real network meets
// USDC: the purchase panel builds the permit domain from name()/version(), checks it against
// DOMAIN_SEPARATOR(), and buys a view and a subscription in one permit transaction each.
import { expect } from "chai";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { connectRpc, resolvePermitDomain, type ChainContext } from "@ai-films/core/chain";
import { account } from "@ai-films/core/platform";
import { purchase, signIn } from "../helpers/browser/chromium.ts";
import { ARTIFACTS, E2E_ACCOUNTS, e2eUsdcShapedPlatform, tracePage, type E2E } from "./platform.ts";

describe("Paying in a USDC-shaped token in a real browser", function () {
  this.timeout(15 * 60_000);
  let e2e: E2E;
  let ctx: ChainContext;
  let context: BrowserContext;
  let page: Page;

  before(async function () {
    e2e = await e2eUsdcShapedPlatform();
    ctx = await connectRpc({ rpcUrl: e2e.rpcUrl });
    context = await e2e.browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    tracePage(page, "usdc");
  });

  after(async () => {
    await context?.close();
  });

  /** The permits `index` has used: each one-transaction purchase uses one. */
  const permitsUsed = (index: number) => ctx.contracts.token.read.nonces([account(index).address]);

  async function openFilm(title: string) {
    for (let attempt = 0; attempt < 60; attempt++) {
      await page.goto(e2e.baseUrl);
      if ((await page.getByTestId("film-card").filter({ hasText: title }).count()) > 0) break;
      await page.waitForTimeout(2_000);
    }
    await page.getByTestId("film-card").filter({ hasText: title }).first().click();
    await page.waitForURL(/\/films\/\d+/);
  }

  async function waitForAccess(kind: "pass" | "subscription") {
    await page.waitForFunction((k) => document.querySelector('[data-testid="access-status"]')?.getAttribute("data-access") === k, kind, {
      timeout: 30_000,
    });
  }

  it("runs on the USDC-shaped token: no EIP-5267, its permit domain built from name() and version() 2", async () => {
    expect(await ctx.contracts.token.read.symbol()).to.equal("USDC");
    expect(await resolvePermitDomain(ctx.publicClient, ctx.paymentToken)).to.deep.include({
      ok: true,
      source: "name-version",
      domain: { name: "USD Coin", version: "2", chainId: ctx.chainId, verifyingContract: ctx.paymentToken },
    });
  });

  it("buys a single view with one permit transaction", async () => {
    await openFilm("Life, Generation");
    await signIn(page, E2E_ACCOUNTS.buyer);
    const before = await permitsUsed(E2E_ACCOUNTS.buyer);
    await purchase(page, "buy-view");
    expect(await page.getByTestId("two-step-notice").count(), "the panel paid by permit, not approve + buy").to.equal(0);
    await page.reload();
    await waitForAccess("pass");
    expect(await permitsUsed(E2E_ACCOUNTS.buyer)).to.equal(before + 1n);
    await page.screenshot({ path: path.join(ARTIFACTS, "usdc-view.png"), fullPage: true });
  });

  it("subscribes with one permit transaction", async () => {
    // A second viewer in a fresh browser context, as a different person would come.
    await context.close();
    context = await e2e.browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    tracePage(page, "usdc-subscriber");
    await openFilm("Mandelbrot Descent");
    await signIn(page, E2E_ACCOUNTS.viewer);
    const before = await permitsUsed(E2E_ACCOUNTS.viewer);
    await purchase(page, "subscribe");
    await page.reload();
    await waitForAccess("subscription");
    expect(await permitsUsed(E2E_ACCOUNTS.viewer)).to.equal(before + 1n);
  });
});
