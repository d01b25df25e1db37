// Collaborator splits in a real browser: a creator lists two collaborators (and themself) with
// shares in the studio's upload form and mints; the listing goes to the film's splitter. A viewer
// buys a pass; each collaborator signs in to the studio, sees exactly their share as withdrawable
// and withdraws it, and their token balance rises by exactly that share, to the unit. Nothing here
// assumes a film id, a period or another test's state: everything is read from what this test made,
// and every wait on the indexer polls with a generous timeout.
import { expect } from "chai";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import type { Address, PublicClient } from "viem";
import { filmListingsAbi, filmMarketAbi, filmSplitterAbi, splitterFactoryAbi, testDollarAbi } from "@ai-films/core/chain/abis";
import { connectRpc } from "@ai-films/core/chain";
import { runFfmpeg } from "@ai-films/core/media/tools";
import { account } from "@ai-films/core/platform";
import { cspViolations, purchase, recordCspViolations, signIn } from "../helpers/browser/chromium.ts";
import { uploadAndMint } from "../helpers/browser/studio.ts";
import { ARTIFACTS, E2E_ACCOUNTS, e2ePlatform, type E2E } from "./platform.ts";

const CLIP_SECONDS = 6;
const INDEXER_WAIT_MS = 120_000;

describe("Collaborator splits in a real browser", function () {
  this.timeout(15 * 60_000);
  let e2e: E2E;
  let chain: PublicClient;
  let deployment: { market: Address; listings: Address; token: Address; factory: Address };
  let studio: BrowserContext;
  let page: Page;
  let filmId = 0n;
  let splitter: Address;
  let net = 0n;
  const title = `Three Hands ${Date.now().toString(36)}`;
  const creator = account(E2E_ACCOUNTS.splitCreator).address;
  const collaborators = [
    { index: E2E_ACCOUNTS.splitCreator, address: creator, percent: "33.34", bps: 3_334n },
    { index: E2E_ACCOUNTS.director, address: account(E2E_ACCOUNTS.director).address, percent: "33.33", bps: 3_333n },
    { index: E2E_ACCOUNTS.composer, address: account(E2E_ACCOUNTS.composer).address, percent: "33.33", bps: 3_333n },
  ];

  const balanceOf = (who: Address) =>
    chain.readContract({ address: deployment.token, abi: testDollarAbi, functionName: "balanceOf", args: [who] }) as Promise<bigint>;

  /** Reloads `url` until `selector` is on the page (the pages are rendered from the indexer, the panels by islands). */
  async function reloadUntil(p: Page, url: string, selector: string, timeoutMs = INDEXER_WAIT_MS) {
    const start = Date.now();
    for (;;) {
      await p.goto(url);
      // The split panels are a client island: give it time to load and render after the page.
      if (
        await p
          .locator(selector)
          .first()
          .waitFor({ timeout: 15_000 })
          .then(
            () => true,
            () => false,
          )
      )
        return;
      if (Date.now() - start > timeoutMs) throw new Error(`${selector} never appeared on ${url} within ${timeoutMs / 1000} s`);
      await p.waitForTimeout(2_000);
    }
  }

  before(async function () {
    e2e = await e2ePlatform();
    const ctx = await connectRpc({ rpcUrl: e2e.rpcUrl });
    if (!ctx.splitterFactory) throw new Error("The platform's deployment has no SplitterFactory.");
    chain = ctx.publicClient;
    deployment = { market: ctx.market, listings: ctx.listings, token: ctx.paymentToken, factory: ctx.splitterFactory };
    studio = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await recordCspViolations(studio);
    page = await studio.newPage();
    await page.goto(`${e2e.baseUrl}/studio`);
    await signIn(page, E2E_ACCOUNTS.splitCreator);
  });

  after(async () => {
    await studio?.close();
  });

  it("refuses shares that do not add up to 100 %, then mints the film split among three collaborators", async () => {
    const clip = path.join(e2e.platform.dataDir, "three-hands.mp4");
    await runFfmpeg([
      "-y",
      "-f",
      "lavfi",
      "-i",
      `testsrc2=size=320x180:rate=24:duration=${CLIP_SECONDS}`,
      "-f",
      "lavfi",
      "-i",
      `sine=frequency=440:duration=${CLIP_SECONDS}`,
      "-c:v",
      "libx264",
      "-pix_fmt",
      "yuv420p",
      "-c:a",
      "aac",
      "-shortest",
      clip,
    ]);
    await page.goto(`${e2e.baseUrl}/studio`);
    // Shares of 90 %: the form says why and uploads nothing.
    const bad = uploadAndMint(page, {
      file: clip,
      title,
      priceDollars: "1.50",
      collaborators: [
        { address: collaborators[1].address, percent: "60" },
        { address: collaborators[2].address, percent: "30" },
      ],
    }).catch((e: Error) => e);
    expect(await bad).to.be.instanceOf(Error);
    expect(await page.getByTestId("upload-error").innerText()).to.match(/add up to 90 %/);

    await page.goto(`${e2e.baseUrl}/studio`);
    const minted = await uploadAndMint(page, {
      file: clip,
      title,
      genre: "Experimental",
      priceDollars: "1.50",
      collaborators: collaborators.map(({ address, percent }) => ({ address, percent })),
    });
    filmId = BigInt(minted.filmId);
    expect(await page.getByTestId("mint-success").getAttribute("data-collaborators")).to.equal("3");
    splitter = (await chain.readContract({
      address: deployment.factory,
      abi: splitterFactoryAbi,
      functionName: "splitterOf",
      args: [filmId],
    })) as Address;
    expect(BigInt(splitter)).to.not.equal(0n);
    const owner = await chain.readContract({ address: deployment.listings, abi: filmListingsAbi, functionName: "ownerOf", args: [filmId] });
    expect(owner).to.equal(splitter);
    const payees = await chain.readContract({ address: splitter, abi: filmSplitterAbi, functionName: "payees" });
    expect(payees).to.deep.equal(collaborators.map((c) => c.address));
    for (const c of collaborators) {
      expect(await chain.readContract({ address: splitter, abi: filmSplitterAbi, functionName: "sharesOf", args: [c.address] })).to.equal(
        c.bps,
      );
    }
  });

  it("the film page says the film is split among 3 collaborators", async () => {
    const p = await studio.newPage();
    try {
      await reloadUntil(p, `${e2e.baseUrl}/films/${filmId}`, '[data-testid="film-split"]');
      expect(await p.getByTestId("film-split").getAttribute("data-collaborators")).to.equal("3");
    } finally {
      await p.close();
    }
  });

  it("a viewer buys a pass: the film's earnings (price less the fee) go to its splitter", async () => {
    const viewer = await e2e.browser.newContext({ viewport: { width: 1280, height: 860 } });
    await recordCspViolations(viewer);
    try {
      const p = await viewer.newPage();
      await p.goto(`${e2e.baseUrl}/films/${filmId}`);
      await signIn(p, E2E_ACCOUNTS.splitViewer);
      await purchase(p, "buy-view");
    } finally {
      await viewer.close();
    }
    const [, price] = (await chain.readContract({
      address: deployment.listings,
      abi: filmListingsAbi,
      functionName: "saleTerms",
      args: [filmId],
    })) as readonly [Address, bigint, boolean];
    const feeBps = BigInt(await chain.readContract({ address: deployment.market, abi: filmMarketAbi, functionName: "feeBps" }));
    net = price - (price * feeBps) / 10_000n;
    expect(
      await chain.readContract({ address: deployment.market, abi: filmMarketAbi, functionName: "earningsOf", args: [splitter] }),
    ).to.equal(net);
  });

  it("each collaborator withdraws exactly their share in the studio, to the unit", async () => {
    let paid = 0n;
    for (const c of collaborators) {
      const expected = (net * c.bps) / 10_000n;
      const ctx = c.index === E2E_ACCOUNTS.splitCreator ? studio : await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
      if (ctx !== studio) await recordCspViolations(ctx);
      try {
        const p = ctx === studio ? page : await ctx.newPage();
        if (ctx !== studio) {
          await p.goto(`${e2e.baseUrl}/studio`);
          await signIn(p, c.index);
        }
        const filmPanel = `[data-testid="split-film"][data-film-id="${filmId}"]`;
        await reloadUntil(p, `${e2e.baseUrl}/studio`, filmPanel);
        const row = p.locator(`${filmPanel} [data-testid="split-payee"][data-payee="${c.address.toLowerCase()}"]`);
        await p.waitForFunction(
          ([selector, units]) => document.querySelector(selector)?.getAttribute("data-releasable") === units,
          [`${filmPanel} [data-testid="split-payee"][data-payee="${c.address.toLowerCase()}"]`, expected.toString()] as const,
          { timeout: 60_000 },
        );
        const before = await balanceOf(c.address);
        await row.getByTestId("split-release").click();
        await p.waitForFunction(() => document.querySelector('[data-testid="split-status"]')?.getAttribute("data-kind") === "done", null, {
          timeout: 90_000,
        });
        expect((await balanceOf(c.address)) - before, `collaborator ${c.address}`).to.equal(expected);
        await p.waitForFunction(
          ([selector, units]) => document.querySelector(selector)?.getAttribute("data-released") === units,
          [`${filmPanel} [data-testid="split-payee"][data-payee="${c.address.toLowerCase()}"]`, expected.toString()] as const,
          { timeout: 30_000 },
        );
        if (c.index === E2E_ACCOUNTS.composer) await p.screenshot({ path: path.join(ARTIFACTS, "splits.png"), fullPage: true });
        paid += expected;
      } finally {
        if (ctx !== studio) await ctx.close();
      }
    }
    // What stays in the splitter is the rounding remainder: nothing lost, nothing created.
    const left = await balanceOf(splitter);
    expect(paid + left).to.equal(net);
    expect(left < BigInt(collaborators.length)).to.equal(true);
  });

  it("logged no Content-Security-Policy violation", () => {
    expect(cspViolations()).to.deep.equal([]);
  });
});
