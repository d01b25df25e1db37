// Viewers' money in a real browser (issue 16): auto-renewal turned on from the account page, the
// local chain's clock moved past the subscription's end, the platform's keeper renewing at the
// market's price, then cancel and no further charge; a view pass gifted from the film page and
// seen by its recipient; and a purchase by a wallet holding test dollars and zero ETH, signed in the
// browser and submitted by the platform's relayer.
import { expect } from "chai";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { type Address } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { subscriptionRenewerAbi } from "@ai-films/core/chain/abis";
import { connectRpc, type ChainContext } from "@ai-films/core/chain";
import { account } from "@ai-films/core/platform";
import { resolvePeriphery } from "@ai-films/core/relay";
import { purchase, purchaseOutcome, recordCspViolations, signIn } from "../helpers/browser/chromium.ts";
import { ARTIFACTS, E2E_ACCOUNTS, e2ePlatform, tracePage, type E2E } from "./platform.ts";

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return false;
}

/** Reloads the server-rendered page until `attribute` of `testId` reads `value` (the indexer may lag the chain). */
async function reloadUntil(page: Page, testId: string, attribute: string, value: string, timeoutMs = 90_000): Promise<void> {
  const shown = await waitFor(async () => {
    await page.reload();
    return (await page.getByTestId(testId).getAttribute(attribute, { timeout: 10_000 })) === value;
  }, timeoutMs);
  expect(shown, `${testId} ${attribute}="${value}" within ${timeoutMs / 1000} s`).to.equal(true);
}

describe("Viewers' renewals, gifts and gasless purchases in a real browser", function () {
  this.timeout(15 * 60_000);
  let e2e: E2E;
  let ctx: ChainContext;
  let renewer: Address;
  let context: BrowserContext;
  let page: Page;
  const subscriber = account(E2E_ACCOUNTS.renewing);
  const recipient = account(E2E_ACCOUNTS.gasless);

  const rpc = async (method: string, params: unknown[] = []) => {
    const res = await fetch(e2e.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await res.json()) as { error?: { message: string }; result?: unknown };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result;
  };
  /** Moves the local chain's clock to `timestamp` (unix seconds) and mines a block there. */
  const travelTo = async (timestamp: bigint) => {
    const now = (await ctx.publicClient.getBlock({ blockTag: "latest" })).timestamp;
    if (timestamp > now) await rpc("evm_setNextBlockTimestamp", [Number(timestamp)]);
    await rpc("evm_mine");
  };
  const balanceOf = (who: Address) => ctx.contracts.token.read.balanceOf([who]);
  const subscriptionEnd = (who: Address) => ctx.contracts.market.read.subscriptionEnd([who]);

  async function openFilm(p: Page, title: string): Promise<string> {
    for (let attempt = 0; attempt < 60; attempt++) {
      await p.goto(e2e.baseUrl);
      if ((await p.getByTestId("film-card").filter({ hasText: title }).count()) > 0) break;
      await p.waitForTimeout(2_000);
    }
    await p.getByTestId("film-card").filter({ hasText: title }).first().click();
    await p.waitForURL(/\/films\/\d+/);
    return /\/films\/(\d+)/.exec(p.url())![1];
  }

  before(async function () {
    e2e = await e2ePlatform();
    ctx = await connectRpc({ rpcUrl: e2e.rpcUrl });
    const periphery = await resolvePeriphery(ctx.chainId);
    expect(periphery.renewer, "the local platform deploys SubscriptionRenewer").to.be.a("string");
    renewer = periphery.renewer!;
    context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await recordCspViolations(context);
    page = await context.newPage();
    tracePage(page, "payments");
  });

  after(async () => {
    await context?.close();
  });

  it("subscribes on the account page and turns auto-renewal on (price ceiling, months)", async () => {
    await page.goto(`${e2e.baseUrl}/account`);
    await signIn(page, E2E_ACCOUNTS.renewing);
    await page.reload();
    await page.getByTestId("account-subscription").waitFor({ timeout: 30_000 });
    await purchase(page, "subscribe");
    await waitFor(async () => (await subscriptionEnd(subscriber.address)) > 0n, 30_000);
    await page.reload();
    const controls = page.getByTestId("auto-renew-controls");
    await controls.waitFor({ timeout: 30_000 });
    const price = await ctx.contracts.market.read.monthlyPrice();
    // The ceiling offered is today's price; two months.
    expect(Number(await page.getByTestId("auto-renew-ceiling").inputValue())).to.equal(Number(price) / 1e6);
    await page.getByTestId("auto-renew-months").fill("2");
    await page.getByTestId("auto-renew-enable").click();
    await page.getByTestId("auto-renew-status").filter({ hasText: "Auto-renewal is on." }).waitFor({ timeout: 90_000 });
    const [ceiling, months] = await ctx.publicClient.readContract({
      address: renewer,
      abi: subscriptionRenewerAbi,
      functionName: "planOf",
      args: [subscriber.address],
    });
    expect([ceiling, months]).to.deep.equal([price, 2]);
    await reloadUntil(page, "account-auto-renew", "data-on", "true");
    expect(await page.getByTestId("auto-renew-next").innerText()).to.match(/2 more months/);
  });

  it("the month passes on the local chain: the keeper renews once, at the market's price", async () => {
    const end = await subscriptionEnd(subscriber.address);
    const price = await ctx.contracts.market.read.monthlyPrice();
    const before = await balanceOf(subscriber.address);
    await travelTo(end + 60n);
    const renewed = await waitFor(async () => (await subscriptionEnd(subscriber.address)) > end + 60n, 120_000);
    expect(renewed, "the platform's keeper renewed the ended subscription").to.equal(true);
    expect(before - (await balanceOf(subscriber.address)), "charged exactly one month at the current price").to.equal(price);
    const events = await ctx.publicClient.getContractEvents({
      address: renewer,
      abi: subscriptionRenewerAbi,
      eventName: "Renewed",
      args: { viewer: subscriber.address },
      fromBlock: 0n,
    });
    expect(events.map((e) => e.args.price)).to.deep.equal([price]); // once
    await reloadUntil(page, "account-subscription", "data-active", "true");
    expect(await page.getByTestId("auto-renew-next").innerText()).to.match(/1 more month\b/);
    await page.screenshot({ path: path.join(ARTIFACTS, "account-renewed.png"), fullPage: true });
  });

  it("cancels in one transaction: after the next end no renewal charges, though the keeper passes", async () => {
    await page.getByTestId("auto-renew-cancel").click();
    await page.getByTestId("auto-renew-status").filter({ hasText: "Auto-renewal is off" }).waitFor({ timeout: 90_000 });
    const [, monthsLeft] = await ctx.publicClient.readContract({
      address: renewer,
      abi: subscriptionRenewerAbi,
      functionName: "planOf",
      args: [subscriber.address],
    });
    expect(monthsLeft).to.equal(0);
    const end = await subscriptionEnd(subscriber.address);
    const balance = await balanceOf(subscriber.address);

    // A witness whose subscription ends after ours and whose plan is on: once the keeper renews it,
    // a keeper pass whose clock was past our end has looked at us too (it reads the time once per pass).
    const witness = privateKeyToAccount(generatePrivateKey());
    await rpc("anvil_setBalance", [witness.address, "0x8ac7230489e80000"]);
    const w = ctx.contractsFor(witness);
    const wallet = ctx.walletFor(witness);
    const price = await ctx.contracts.market.read.monthlyPrice();
    const send = async (hash: Promise<`0x${string}`>) => ctx.publicClient.waitForTransactionReceipt({ hash: await hash });
    await send(w.token.write.faucet([price * 3n]));
    await send(w.token.write.approve([ctx.market, price]));
    await send(w.market.write.subscribe([1n, price]));
    await send(w.token.write.approve([renewer, price]));
    await send(wallet.writeContract({ address: renewer, abi: subscriptionRenewerAbi, functionName: "enable", args: [price, 1n] }));
    const witnessEnd = await subscriptionEnd(witness.address);
    expect(witnessEnd >= end).to.equal(true);

    await travelTo(witnessEnd + 60n);
    const witnessRenewed = await waitFor(async () => (await subscriptionEnd(witness.address)) > witnessEnd + 60n, 120_000);
    expect(witnessRenewed, "the keeper passed after both subscriptions ended").to.equal(true);
    expect(await balanceOf(subscriber.address), "no charge after cancel").to.equal(balance);
    expect(await subscriptionEnd(subscriber.address)).to.equal(end);
    // Nor can anyone else renew it: the plan is gone.
    const [due] = await ctx.publicClient.readContract({
      address: renewer,
      abi: subscriptionRenewerAbi,
      functionName: "renewalDue",
      args: [subscriber.address],
    });
    expect(due).to.equal(false);
    await reloadUntil(page, "account-subscription", "data-active", "false");
    expect(await page.getByTestId("account-subscription").innerText()).to.match(/Ended on/);
    expect(await page.getByTestId("account-auto-renew").getAttribute("data-on")).to.equal("false");
  });

  it("a renewal the price forbids is shown on the account page, and nothing is charged", async () => {
    // On again, with a ceiling under today's price: the keeper must refuse and say so.
    const price = await ctx.contracts.market.read.monthlyPrice();
    const balance = await balanceOf(subscriber.address);
    const end = await subscriptionEnd(subscriber.address);
    await page.getByTestId("auto-renew-ceiling").fill(String(Number(price / 2n) / 1e6));
    await page.getByTestId("auto-renew-months").fill("1");
    await page.getByTestId("auto-renew-enable").click();
    await page.getByTestId("auto-renew-status").filter({ hasText: "Auto-renewal is on." }).waitFor({ timeout: 90_000 });
    const failed = page.getByTestId("auto-renew-failed");
    const shown = await waitFor(async () => {
      await page.reload();
      return (await failed.count()) > 0;
    }, 120_000);
    expect(shown, "the keeper's refusal reached the account page").to.equal(true);
    expect(await failed.getAttribute("data-reason")).to.equal("price-above-ceiling");
    expect(await failed.innerText()).to.match(/above your ceiling/);
    expect(await page.getByTestId("auto-renew-next").innerText()).to.match(/above your ceiling, so it will not renew/);
    expect(await balanceOf(subscriber.address)).to.equal(balance);
    expect(await subscriptionEnd(subscriber.address)).to.equal(end);
  });

  it("gifts a view pass from the film page to another wallet", async () => {
    const filmId = await openFilm(page, "Test Card Overture");
    expect(await ctx.contracts.market.read.canWatch([recipient.address, BigInt(filmId)])).to.equal(false);
    await page.getByTestId("gift-recipient").fill(recipient.address);
    await page.getByTestId("buy-view").click();
    const outcome = await purchaseOutcome(page);
    expect(outcome, JSON.stringify(outcome)).to.deep.equal({ ok: true });
    expect(await page.getByTestId("purchase-success").innerText()).to.include(recipient.address);
    // The payer's own access did not change: the pass is the recipient's.
    expect(await page.getByTestId("access-status").getAttribute("data-access")).to.equal("none");
  });

  it("the recipient signs in and sees the gifted pass as theirs, on the film page and the account page", async () => {
    const second = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await recordCspViolations(second);
    const p = await second.newPage();
    tracePage(p, "recipient");
    const filmId = await openFilm(p, "Test Card Overture");
    await signIn(p, E2E_ACCOUNTS.gasless);
    await reloadUntil(p, "access-status", "data-access", "pass");
    await p.goto(`${e2e.baseUrl}/account`);
    const pass = p.locator(`[data-testid="pass-item"][data-film-id="${filmId}"]`);
    const listed = await waitFor(async () => {
      await p.reload();
      return (await pass.count()) > 0;
    }, 90_000);
    expect(listed, "the gifted pass on the recipient's account page").to.equal(true);
    expect(await ctx.contracts.market.read.canWatch([recipient.address, BigInt(filmId)])).to.equal(true);
    await second.close();
  });

  it("a wallet with test dollars and zero ETH buys a view without gas: it signs, the platform's relayer pays", async () => {
    // The wallet gets its test dollars while it still has ETH, then loses every wei.
    const price = 100_000_000n;
    await ctx.publicClient.waitForTransactionReceipt({ hash: await ctx.contractsFor(recipient).token.write.faucet([price]) });
    await rpc("anvil_setBalance", [recipient.address, "0x0"]);
    expect(await ctx.publicClient.getBalance({ address: recipient.address })).to.equal(0n);
    const sent = await ctx.publicClient.getTransactionCount({ address: recipient.address });
    const dollars = await balanceOf(recipient.address);

    const third = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await recordCspViolations(third);
    const p = await third.newPage();
    tracePage(p, "gasless");
    const filmId = await openFilm(p, "Colour Bars at Dusk");
    await signIn(p, E2E_ACCOUNTS.gasless);
    await p.reload();
    expect(await p.getByTestId("access-status").getAttribute("data-access")).to.equal("none");
    await p.getByTestId("gasless").check();
    await p.getByTestId("buy-view").click();
    const outcome = await purchaseOutcome(p);
    expect(outcome, JSON.stringify(outcome)).to.deep.equal({ ok: true });
    await reloadUntil(p, "access-status", "data-access", "pass");
    const [, filmPrice] = await ctx.contracts.listings.read.saleTerms([BigInt(filmId)]);
    expect(dollars - (await balanceOf(recipient.address)), "paid the film's price in test dollars").to.equal(filmPrice);
    expect(await ctx.publicClient.getBalance({ address: recipient.address }), "still zero ETH").to.equal(0n);
    expect(await ctx.publicClient.getTransactionCount({ address: recipient.address }), "sent no transaction itself").to.equal(sent);
    await p.screenshot({ path: path.join(ARTIFACTS, "gasless-purchase.png"), fullPage: true });
    await third.close();
  });
});
