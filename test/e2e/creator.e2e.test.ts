// A creator's whole path in a real browser, on the platform `npm start` brings up: sign in to the
// studio, refuse a file that is not a video (nothing minted), upload a generated clip and watch
// the progress reach 100 %, mint, see the film in the catalogue; a subscriber watches it; the
// period ends on the local chain and the platform's oracle tallies, signs and posts it; after the
// challenge window the creator claims in the studio and the wallet's balance rises by exactly the
// amount the open payouts page shows for the film. Screenshots of studio, earnings and payouts.
import { expect } from "chai";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import type { Address, PublicClient } from "viem";
import { cspViolations, playUntil, purchase, recordCspViolations, signIn } from "../helpers/browser/chromium.ts";
import { uploadAndMint } from "../helpers/browser/studio.ts";
import { filmListingsAbi, filmMarketAbi, testDollarAbi, connectRpc } from "@ai-films/core/chain";
import { runFfmpeg } from "@ai-films/core/media/tools";
import { account } from "@ai-films/core/platform";
import { ARTIFACTS, E2E_ACCOUNTS, e2ePlatform, type E2E } from "./platform.ts";

const CLIP_SECONDS = 12;

describe("Creators in a real browser", function () {
  this.timeout(15 * 60_000);
  let e2e: E2E;
  let studio: BrowserContext;
  let page: Page;
  let chain: PublicClient;
  let deployment: { market: Address; listings: Address; token: Address };
  let clip = "";
  let notVideo = "";
  let filmId = 0n;
  const title = `Moiré Tide ${Date.now().toString(36)}`;
  const creator = account(E2E_ACCOUNTS.creator).address;

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
  const totalSupply = () =>
    chain.readContract({ address: deployment.listings, abi: filmListingsAbi, functionName: "totalListings" }) as Promise<bigint>;

  before(async function () {
    e2e = await e2ePlatform();
    // The platform's contracts, found from its chain (the deployment file is shared with other local platforms).
    const ctx = await connectRpc({ rpcUrl: e2e.rpcUrl });
    chain = ctx.publicClient;
    deployment = { market: ctx.market, listings: ctx.listings, token: ctx.paymentToken };
    clip = path.join(e2e.platform.dataDir, "moire tide (e2e).mp4"); // a space and brackets: odd names are fine
    await runFfmpeg([
      "-y",
      "-f",
      "lavfi",
      "-i",
      `testsrc2=size=640x360:rate=24:duration=${CLIP_SECONDS}`,
      "-f",
      "lavfi",
      "-i",
      `sine=frequency=330:duration=${CLIP_SECONDS}`,
      "-c:v",
      "libx264",
      "-pix_fmt",
      "yuv420p",
      "-c:a",
      "aac",
      "-shortest",
      clip,
    ]);
    notVideo = path.join(e2e.platform.dataDir, "notes.mp4");
    await writeFile(notVideo, "These are my notes for the next film, not a video.\n".repeat(200));
    studio = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await recordCspViolations(studio);
    page = await studio.newPage();
    await page.goto(`${e2e.baseUrl}/studio`);
    await signIn(page, E2E_ACCOUNTS.creator);
  });

  after(async () => {
    await studio?.close();
  });

  it("refuses a file that is not a video with a clear reason, and mints nothing", async () => {
    const before = await totalSupply();
    const err = await uploadAndMint(page, { file: notVideo, title: "Not a film", priceDollars: "1" }).catch((e: Error) => e);
    expect(err).to.be.instanceOf(Error);
    const shown = page.getByTestId("studio-error");
    expect(await shown.getAttribute("data-code")).to.equal("NOT_MEDIA");
    expect(await shown.innerText()).to.match(/not a (playable )?video/i);
    expect(await page.getByTestId("mint-button").count()).to.equal(0);
    expect(await totalSupply()).to.equal(before);
  });

  it("uploads a generated clip, shows progress to 100 %, mints, and the film appears in the catalogue", async () => {
    await page.goto(`${e2e.baseUrl}/studio`);
    const before = await totalSupply();
    const seen: number[] = [];
    const minted = await uploadAndMint(page, {
      file: clip,
      title,
      description: "Interference patterns drifting over a test card.",
      genre: "Experimental",
      aiTools: ["ffmpeg lavfi"],
      priceDollars: "1.50",
      onProgress: (percent) => seen.push(percent),
    });
    filmId = BigInt(minted.filmId);
    expect(seen.at(-1)).to.equal(100);
    expect(
      seen.some((p) => p > 0 && p < 100),
      "progress was shown between 0 and 100 %",
    ).to.equal(true);
    expect(await totalSupply()).to.equal(before + 1n);
    const owner = await chain.readContract({ address: deployment.listings, abi: filmListingsAbi, functionName: "ownerOf", args: [filmId] });
    expect(owner).to.equal(creator);
    await page.screenshot({ path: path.join(ARTIFACTS, "studio.png"), fullPage: true });
    // The catalogue is server-rendered from the indexer: reload until the new listing is there.
    for (let attempt = 0; attempt < 30; attempt++) {
      await page.goto(e2e.baseUrl);
      if ((await page.getByTestId("film-card").filter({ hasText: title }).count()) > 0) break;
      await page.waitForTimeout(1_000);
    }
    expect(await page.getByTestId("film-card").filter({ hasText: title }).count()).to.equal(1);
  });

  it("a subscriber watches the new film to the end", async () => {
    const viewer = await e2e.browser.newContext({ viewport: { width: 1280, height: 860 } });
    await recordCspViolations(viewer);
    try {
      const p = await viewer.newPage();
      await p.goto(`${e2e.baseUrl}/films/${filmId}`);
      await signIn(p, E2E_ACCOUNTS.subscriber);
      await purchase(p, "subscribe");
      await p.reload();
      await p.waitForFunction(
        () => document.querySelector('[data-testid="access-status"]')?.getAttribute("data-access") === "subscription",
        null,
        { timeout: 30_000 },
      );
      await playUntil(p, CLIP_SECONDS - 1, 90_000);
      await p.waitForTimeout(2_000); // the last heartbeat (on end) reaches the server
    } finally {
      await viewer.close();
    }
  });

  it("the period ends, the platform's oracle posts the tally, and the creator claims exactly the payouts page's amount", async () => {
    const [clock, now] = await Promise.all([
      Promise.all([
        chain.readContract({ address: deployment.market, abi: filmMarketAbi, functionName: "genesis" }),
        chain.readContract({ address: deployment.market, abi: filmMarketAbi, functionName: "periodLength" }),
      ]),
      chain.getBlock({ blockTag: "latest" }),
    ]);
    const [genesis, length] = clock.map(Number);
    const period = Math.floor((Number(now.timestamp) - genesis) / length);
    // Move the local chain past the period's end (and the oracle's grace), as time would.
    await rpc("evm_setNextBlockTimestamp", [genesis + (period + 1) * length + 120]);
    await rpc("evm_mine");
    const tallied = await waitFor(async () => {
      const t = (await chain.readContract({
        address: deployment.market,
        abi: filmMarketAbi,
        functionName: "tallyOf",
        args: [BigInt(period)],
      })) as { status: number };
      return Number(t.status) === 1;
    }, 90_000);
    expect(tallied, `period ${period} was posted by the local oracle`).to.equal(true);
    const window = Number(await chain.readContract({ address: deployment.market, abi: filmMarketAbi, functionName: "challengeWindow" }));
    await rpc("evm_increaseTime", [window + 60]);
    await rpc("evm_mine");

    // The open payouts page: the period is claimable, verification passes, the film has its amount.
    const payouts = await studio.newPage();
    const row = payouts.locator(
      `[data-testid="payout-period"][data-period="${period}"] [data-testid="period-film-row"][data-film-id="${filmId}"]`,
    );
    for (let attempt = 0; attempt < 30 && !(await row.count()); attempt++) {
      await payouts.goto(`${e2e.baseUrl}/payouts`);
      if (await row.count()) break;
      await payouts.waitForTimeout(1_000);
    }
    const periodPanel = payouts.locator(`[data-testid="payout-period"][data-period="${period}"]`);
    expect(await periodPanel.getAttribute("data-status")).to.equal("claimable");
    expect(await periodPanel.getByTestId("period-verify").getAttribute("data-ok")).to.equal("true");
    const amount = BigInt((await row.getAttribute("data-amount"))!);
    expect(amount > 0n, "the film earned a share of the pool").to.equal(true);
    await payouts.screenshot({ path: path.join(ARTIFACTS, "payouts.png"), fullPage: true });
    await payouts.close();

    // Claim in the studio; the on-chain balance rises by exactly that amount.
    const balanceBefore = (await chain.readContract({
      address: deployment.token,
      abi: testDollarAbi,
      functionName: "balanceOf",
      args: [creator],
    })) as bigint;
    await page.goto(`${e2e.baseUrl}/studio`);
    const claimRow = page.locator(`[data-testid="claim-row"][data-period="${period}"][data-film-id="${filmId}"]`);
    await claimRow.waitFor({ timeout: 30_000 });
    expect(BigInt((await claimRow.getAttribute("data-amount"))!)).to.equal(amount);
    await page
      .getByTestId("earnings-chart")
      .first()
      .scrollIntoViewIfNeeded()
      .catch(() => undefined);
    await page.screenshot({ path: path.join(ARTIFACTS, "earnings.png"), fullPage: true });
    await page.getByTestId("claim-all").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="claims-status"]')?.getAttribute("data-kind") === "done", null, {
      timeout: 60_000,
    });
    const balanceAfter = (await chain.readContract({
      address: deployment.token,
      abi: testDollarAbi,
      functionName: "balanceOf",
      args: [creator],
    })) as bigint;
    expect(balanceAfter - balanceBefore).to.equal(amount);
    await page.waitForFunction(
      (units) => document.querySelector('[data-testid="claims-balance"]')?.getAttribute("data-units") === units,
      balanceAfter.toString(),
      { timeout: 30_000 },
    );
    expect(await claimRow.getAttribute("data-claimed")).to.equal("true");
  });

  it("logged no Content-Security-Policy violation in the studio, the player or the payouts page", () => {
    expect(cspViolations()).to.deep.equal([]);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return false;
}
