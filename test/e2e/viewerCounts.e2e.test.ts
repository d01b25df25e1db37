// A viewer checks their own counts (issue 13 point 5) in a real browser: a fresh wallet signs in,
// subscribes and watches a demo film; the period ends on the local chain and the platform's oracle
// tallies, signs and posts it; the account page then lists what the posted tally counted for this
// wallet on that film and verifies the line's inclusion proof in the browser (✓), against the
// viewer root in the tally file fetched by the CID the chain's TallyPosted event names. The public
// tally file names no wallet.
import { expect } from "chai";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import type { Address, PublicClient } from "viem";
import { cspViolations, playUntil, purchase, recordCspViolations, signIn } from "../helpers/browser/chromium.ts";
import { connectRpc, filmMarketAbi } from "@ai-films/core/chain";
import { account } from "@ai-films/core/platform";
import { ARTIFACTS, E2E_ACCOUNTS, e2ePlatform, tracePage, type E2E } from "./platform.ts";

const FILM = "Mandelbrot Descent";

describe("A viewer checks what was counted for them, in a real browser", function () {
  this.timeout(15 * 60_000);
  let e2e: E2E;
  let context: BrowserContext;
  let page: Page;
  let chain: PublicClient;
  let market: Address;
  let filmId = "";
  const wallet = account(E2E_ACCOUNTS.counted).address.toLowerCase();

  const rpc = async (method: string, params: unknown[] = []) => {
    const res = await fetch(e2e.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = await res.json();
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result;
  };

  /** Reloads `url` until `selector` is on the page (the indexer, ledger or oracle catching up). */
  async function reloadUntil(url: string, selector: string, timeoutMs: number): Promise<void> {
    const start = Date.now();
    while (Date.now() - start < timeoutMs) {
      await page.goto(url);
      const found = await page
        .locator(selector)
        .first()
        .waitFor({ timeout: 5_000 })
        .then(
          () => true,
          () => false,
        );
      if (found) return;
      await page.waitForTimeout(2_000);
    }
    throw new Error(`${selector} did not appear on ${url} within ${timeoutMs / 1000} s`);
  }

  before(async () => {
    e2e = await e2ePlatform();
    const ctx = await connectRpc({ rpcUrl: e2e.rpcUrl });
    chain = ctx.publicClient;
    market = ctx.market;
    context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await recordCspViolations(context);
    page = await context.newPage();
    tracePage(page, "counted");
  });

  after(async () => {
    await context?.close();
  });

  it("a fresh wallet subscribes and watches a film until its beats count", async () => {
    await reloadUntil(e2e.baseUrl, `[data-testid="film-card"]:has-text("${FILM}")`, 120_000);
    await page.getByTestId("film-card").filter({ hasText: FILM }).first().click();
    await page.waitForURL(/\/films\/\d+/);
    filmId = /\/films\/(\d+)/.exec(page.url())![1];
    await signIn(page, E2E_ACCOUNTS.counted);
    await purchase(page, "subscribe");
    await page.reload();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="access-status"]')?.getAttribute("data-access") === "subscription",
      null,
      { timeout: 60_000 },
    );
    await playUntil(page, 11, 120_000); // the demo films last 12 s: past one heartbeat interval, nearly to the end
    // Leave the player (its last beat goes on the way out); the ledger has the watching once the
    // account page's history lists the film.
    await reloadUntil(`${e2e.baseUrl}/account`, `[data-testid="history-item"][data-film-id="${filmId}"]`, 90_000);
  });

  it("the period ends, the local oracle posts its tally, and the account page shows the counted seconds, verified ✓", async () => {
    const [genesis, length, latest] = await Promise.all([
      chain.readContract({ address: market, abi: filmMarketAbi, functionName: "genesis" }),
      chain.readContract({ address: market, abi: filmMarketAbi, functionName: "periodLength" }),
      chain.getBlock({ blockTag: "latest" }),
    ]);
    const period = Math.floor((Number(latest.timestamp) - Number(genesis)) / Number(length));
    // Move the local chain past the period's end and the oracle's grace, as time would.
    await rpc("evm_setNextBlockTimestamp", [Number(genesis) + (period + 1) * Number(length) + 120]);
    await rpc("evm_mine");
    const posted = async () => {
      const t = (await chain.readContract({ address: market, abi: filmMarketAbi, functionName: "tallyOf", args: [BigInt(period)] })) as {
        status: number;
      };
      return Number(t.status) === 1;
    };
    const start = Date.now();
    while (!(await posted().catch(() => false)) && Date.now() - start < 120_000) await new Promise((r) => setTimeout(r, 1_000));
    expect(await posted(), `period ${period} was posted by the local oracle`).to.equal(true);

    // The account page lists the line once the indexer has the posting, then checks it in the browser.
    const line = `[data-testid="counted-line"][data-film-id="${filmId}"]`;
    await reloadUntil(`${e2e.baseUrl}/account`, line, 240_000).catch(async (error: Error) => {
      // Say what the route and the page had, so a failure can be told apart: indexer lag, a line in another period, none at all.
      const counts = await page.evaluate(async () => (await fetch("/api/account/counts")).text()).catch((e: Error) => e.message);
      await page.screenshot({ path: path.join(ARTIFACTS, "account-counts-failed.png"), fullPage: true });
      throw new Error(`${error.message}; period ${period}; /api/account/counts said ${counts.slice(0, 600)}`);
    });
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute("data-verified") !== "pending", line, {
      timeout: 60_000,
    });
    const shown = page.locator(line).first();
    const checks = await page.getByTestId("counted-check").allInnerTexts();
    expect(await shown.getAttribute("data-verified"), `the line verified; the checks: ${checks.join(" | ")}`).to.equal("true");
    expect(Number(await shown.getAttribute("data-seconds"))).to.be.greaterThan(0);
    expect(await shown.innerText()).to.match(new RegExp(`counted: .+ of ${FILM}.*included in the posted tally ✓`));
    const panel = page.locator('[data-testid="counted-period"]').filter({ has: page.locator(line) });
    expect(await panel.getAttribute("data-checked")).to.equal("true");
    expect(checks.length).to.be.greaterThanOrEqual(5);
    await page.getByTestId("account-counts").scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, "account-counts.png"), fullPage: true });

    // The public tally file commits to the viewer root and names no wallet.
    const cid = (
      await chain.getContractEvents({ address: market, abi: filmMarketAbi, eventName: "TallyPosted", args: { period: BigInt(period) } })
    )
      .map((e) => e.args.dataCid as string)
      .at(-1)!;
    const text = await (await fetch(`${e2e.baseUrl}/ipfs/${cid}`)).text();
    expect(JSON.parse(text).viewers.root).to.match(/^0x[0-9a-f]{64}$/);
    expect(text.toLowerCase()).to.not.include(wallet.slice(2));
  });

  it("serves the lines only to the signed-in wallet: signed out, the route answers 401", async () => {
    await page.getByTestId("sign-out").click();
    await page.getByTestId("session-status").waitFor({ state: "detached", timeout: 30_000 });
    const answer = await page.evaluate(async () => {
      const res = await fetch("/api/account/counts");
      return { status: res.status, body: await res.json() };
    });
    expect(answer.status).to.equal(401);
    expect(answer.body.error).to.equal("no-session");
  });

  it("logged no Content-Security-Policy violation", () => {
    expect(cspViolations()).to.deep.equal([]);
  });
});
