// Reentrancy into the periphery: the market paid in a hostile token (contracts/test/ReentrantToken.sol)
// that calls back from inside `transferFrom` or `permit`. A renewal re-entered from its own
// transfer must not renew twice, a signed purchase re-entered must not run twice, and neither
// contract may be left holding tokens.
import { expect } from "chai";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import type { FilmListings, FilmMarket, ReentrantToken, SignedPurchases, SubscriptionRenewer } from "../../types/ethers-contracts/index.ts";
import { CHALLENGE_WINDOW, FEE_BPS, FILM_PRICE, MONTHLY_PRICE, PASS_WINDOW, PERIOD, USD, VIEW_WEIGHT_BPS } from "./fixture.ts";
import { now, purchasesDomain, VIEW_PURCHASE_TYPES } from "./peripheryFixture.ts";

const { networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;

const ON_TRANSFER_FROM = 2;
const ON_PERMIT = 4;

async function hostilePeriphery(connection: NetworkConnection) {
  const { ethers } = connection;
  const [admin, treasury, guardian, creatorA, viewer1, keeper] = await ethers.getSigners();
  const token = (await ethers.deployContract("ReentrantToken")) as unknown as ReentrantToken;
  const listings = (await ethers.deployContract("FilmListings")) as unknown as FilmListings;
  const market = (await ethers.deployContract("FilmMarket", [{
    paymentToken: await token.getAddress(), listings: await listings.getAddress(), admin: admin.address, guardian: guardian.address,
    treasury: treasury.address, feeBps: FEE_BPS, viewWeightBps: VIEW_WEIGHT_BPS, monthlyPrice: MONTHLY_PRICE, passWindow: PASS_WINDOW,
    challengeWindow: CHALLENGE_WINDOW, genesis: 0n, periodLength: PERIOD, oracleSigners: [admin.address], oracleThreshold: 1,
  }])) as unknown as FilmMarket;
  const renewer = (await ethers.deployContract("SubscriptionRenewer", [await market.getAddress()])) as unknown as SubscriptionRenewer;
  const purchases = (await ethers.deployContract("SignedPurchases", [await market.getAddress()])) as unknown as SignedPurchases;
  await listings.connect(creatorA).mint("ipfs://bafyfilm1", 600, FILM_PRICE);
  await token.mint(viewer1.address, 1_000n * USD);
  await token.connect(viewer1).approve(await renewer.getAddress(), ethers.MaxUint256);
  await token.connect(viewer1).approve(await purchases.getAddress(), ethers.MaxUint256);
  await renewer.connect(viewer1).enable(MONTHLY_PRICE, 12);
  return { ethers, token, market, renewer, purchases, viewer1, keeper };
}

const guardError = (d: Awaited<ReturnType<typeof hostilePeriphery>>) =>
  d.renewer.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);

describe("Periphery reentrancy (hostile payment token)", () => {
  for (const before of [true, false]) {
    const label = before ? "before the balances move" : "after the balances move";

    it(`refuses renew re-entered from its own transferFrom ${label}: one month, one charge`, async () => {
      const d = await loadFixture(hostilePeriphery);
      const renewer = await d.renewer.getAddress();
      await d.token.arm(renewer, d.renewer.interface.encodeFunctionData("renew", [d.viewer1.address]), ON_TRANSFER_FROM, before, 1);
      const balance = await d.token.balanceOf(d.viewer1.address);
      const receipt = (await (await d.renewer.connect(d.keeper).renew(d.viewer1.address)).wait())!;
      const renewedAt = BigInt((await d.ethers.provider.getBlock(receipt.blockNumber))!.timestamp);
      await d.token.disarm();
      expect(await d.token.attempts()).to.equal(1n);
      expect(await d.token.resultAt(0)).to.equal(guardError(d));
      expect(await d.token.balanceOf(d.viewer1.address)).to.equal(balance - MONTHLY_PRICE);
      expect(await d.market.subscriptionEnd(d.viewer1.address)).to.equal(renewedAt + BigInt(PERIOD));
      expect((await d.renewer.planOf(d.viewer1.address)).monthsLeft).to.equal(11n);
      expect(await d.token.balanceOf(renewer)).to.equal(0n);
      expect(await d.token.balanceOf(await d.market.getAddress())).to.equal(MONTHLY_PRICE);
    });

    it(`refuses a signed purchase re-entered from transferFrom or permit ${label}: it runs once`, async () => {
      const d = await loadFixture(hostilePeriphery);
      const purchases = await d.purchases.getAddress();
      const purchase = {
        viewer: d.viewer1.address, recipient: d.viewer1.address, filmId: 1n, price: FILM_PRICE, minPassWindow: BigInt(PASS_WINDOW),
        nonce: 0n, deadline: (await now(d)) + 600n,
      };
      const signature = await d.viewer1.signTypedData(await purchasesDomain(d.purchases), VIEW_PURCHASE_TYPES, purchase);
      const permit = { value: FILM_PRICE, deadline: (await now(d)) + 600n, v: 27, r: `0x${"11".repeat(32)}`, s: `0x${"22".repeat(32)}` };
      const data = d.purchases.interface.encodeFunctionData("buyView", [purchase, signature, permit]);
      await d.token.arm(purchases, data, ON_TRANSFER_FROM | ON_PERMIT, before, 2);
      const balance = await d.token.balanceOf(d.viewer1.address);
      await d.purchases.connect(d.keeper).buyView(purchase, signature, permit);
      await d.token.disarm();
      // The permit is junk: it reverts before its hook when the hook fires after; the call goes on on the allowance.
      const attempts = await d.token.attempts();
      expect(attempts).to.be.greaterThanOrEqual(1n);
      expect(await d.token.failures()).to.equal(attempts);
      for (let i = 0n; i < attempts; i++) expect(await d.token.resultAt(i)).to.equal(guardError(d));
      expect(await d.token.balanceOf(d.viewer1.address)).to.equal(balance - FILM_PRICE);
      expect(await d.purchases.nonces(d.viewer1.address)).to.equal(1n);
      expect(await d.token.balanceOf(purchases)).to.equal(0n);
    });
  }
});
