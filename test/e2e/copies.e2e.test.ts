// A copied listing as a visitor meets it: a second wallet mints the demo film's exact metadata URI
// as a free listing (the attack from issue 15). The catalogue keeps one "Mandelbrot Descent", the
// copy's page says whose film it copies and offers neither a purchase nor the full film, and the
// film's key stays refused to the copier.
import { expect } from "chai";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { createWalletClient, http, type Address } from "viem";
import { hardhat } from "viem/chains";
import { connectRpc, filmListingsAbi } from "@ai-films/core/chain";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { sessionCookieFor } from "../helpers/siweSession.ts";
import { ARTIFACTS, contentKeyUrl, e2ePlatform, tracePage, type E2E } from "./platform.ts";

/** A fresh wallet, no pass and no subscription: given ETH on the local chain before it mints. */
const COPIER = privateKeyToAccount(generatePrivateKey());

describe("Copies of films in a real browser", function () {
  this.timeout(10 * 60_000);
  let e2e: E2E;
  let context: BrowserContext;
  let page: Page;
  let originalId = 0n;
  let copyId = 0n;

  before(async function () {
    e2e = await e2ePlatform();
    context = await e2e.browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    tracePage(page, "copies");
  });

  after(async () => {
    await context?.close();
  });

  it("lets a second wallet mint the demo film's metadata as a free listing (the chain does not judge)", async () => {
    const ctx = await connectRpc({ rpcUrl: e2e.rpcUrl });
    const total = (await ctx.publicClient.readContract({
      address: ctx.listings,
      abi: filmListingsAbi,
      functionName: "totalListings",
    })) as bigint;
    // The demo's first film is Mandelbrot Descent (core/src/platform/demo.ts), minted by its creator.
    let uri = "";
    for (let id = 1n; id <= total && !uri; id++) {
      const candidate = await ctx.publicClient.readContract({
        address: ctx.listings,
        abi: filmListingsAbi,
        functionName: "tokenURI",
        args: [id],
      });
      const metadata = await (await fetch(`${e2e.baseUrl}/ipfs/${candidate.replace("ipfs://", "")}`)).json();
      if (metadata.name === "Mandelbrot Descent") [originalId, uri] = [id, candidate];
    }
    expect(uri, "the demo film's metadata URI").to.match(/^ipfs:\/\//);
    await fetch(e2e.rpcUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "anvil_setBalance", params: [COPIER.address, "0x8ac7230489e80000"] }),
    });
    const copier = createWalletClient({ chain: hardhat, transport: http(e2e.rpcUrl), account: COPIER });
    const hash = await copier.writeContract({
      address: ctx.listings as Address,
      abi: filmListingsAbi,
      functionName: "mint",
      args: [uri, 60, 0n],
    });
    await ctx.publicClient.waitForTransactionReceipt({ hash });
    copyId = (await ctx.publicClient.readContract({
      address: ctx.listings,
      abi: filmListingsAbi,
      functionName: "totalListings",
    })) as bigint;
    expect(copyId).to.be.greaterThan(originalId);
  });

  it("shows the copy's page as a copy of the original, with no purchase and only the preview", async () => {
    // The indexer reads the copy's metadata within seconds: reload until the page says what it is.
    for (let attempt = 0; attempt < 30; attempt++) {
      await page.goto(`${e2e.baseUrl}/films/${copyId}`);
      if (await page.getByTestId("copy-notice").isVisible()) break;
      await page.waitForTimeout(1_000);
    }
    const notice = page.getByTestId("copy-notice");
    expect(await notice.getAttribute("data-copy-of")).to.equal(String(originalId));
    expect(await notice.innerText()).to.match(/Copy of #\d+ “Mandelbrot Descent”/);
    expect(await page.getByTestId("purchase-panel").count()).to.equal(0);
    await page.screenshot({ path: path.join(ARTIFACTS, "copy-notice.png"), fullPage: true });
    await notice.getByRole("link").click();
    await page.waitForURL(new RegExp(`/films/${originalId}$`));
    expect(await page.getByTestId("copy-notice").count()).to.equal(0);
  });

  it("keeps one Mandelbrot Descent in the catalogue: the copy is in no row and no search", async () => {
    await page.goto(e2e.baseUrl);
    const listed = await page.getByTestId("film-card").evaluateAll((cards) => cards.map((c) => c.getAttribute("data-film-id")));
    expect(listed).to.include(String(originalId)).and.not.include(String(copyId));
    await page.goto(`${e2e.baseUrl}/?q=${encodeURIComponent("Mandelbrot Descent")}`);
    const found = await page.getByTestId("film-card").evaluateAll((cards) => cards.map((c) => c.getAttribute("data-film-id")));
    expect(found).to.deep.equal([String(originalId)]);
  });

  it("refuses the film's key to the copier, whose listing owns nothing", async () => {
    const keyUrl = await contentKeyUrl(e2e, copyId);
    const cookie = await sessionCookieFor(e2e.baseUrl, COPIER);
    const res = await fetch(keyUrl, { headers: { Cookie: cookie } });
    expect(res.status).to.equal(403);
    expect((await res.json()).error).to.be.a("string");
  });
});
