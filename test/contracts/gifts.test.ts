// Gifts: a pass or a subscription paid by one wallet for another (`buyViewFor`, `subscribeFor`).
// The payer pays, the recipient gets exactly what a purchase of their own would give them.
import { expect } from "chai";
import { network } from "hardhat";
import { BPS, deployMarket, FEE_BPS, FILM_PRICE, govern, MONTHLY_PRICE, PASS_WINDOW, PERIOD } from "./fixture.ts";

const { networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const Access = { None: 0n, Owner: 1n, Pass: 2n, Subscription: 3n, Free: 4n };
const fee = (amount: bigint) => (amount * BigInt(FEE_BPS)) / BPS;

describe("Gifts", () => {
  it("buyViewFor: the payer pays, the recipient holds the pass and can watch, the payer cannot", async () => {
    const d = await loadFixture(deployMarket);
    const tx = d.market.connect(d.viewer1).buyViewFor(d.viewer2.address, 1n, FILM_PRICE, PASS_WINDOW);
    const expiresAt = BigInt(await time.latest()) + 1n + BigInt(PASS_WINDOW);
    await expect(tx).to.emit(d.market, "ViewPurchased")
      .withArgs(1n, d.viewer2.address, d.creatorA.address, FILM_PRICE, fee(FILM_PRICE), expiresAt);
    await expect(tx).to.changeTokenBalances(d.ethers, d.token, [d.viewer1, d.viewer2, d.market], [-FILM_PRICE, 0n, FILM_PRICE]);
    expect(await d.market.passExpiry(1n, d.viewer2.address)).to.equal(expiresAt);
    expect(await d.market.passExpiry(1n, d.viewer1.address)).to.equal(0n);
    expect(await d.market.accessOf(d.viewer2.address, 1n)).to.equal(Access.Pass);
    expect(await d.market.accessOf(d.viewer1.address, 1n)).to.equal(Access.None);
    expect(await d.market.earningsOf(d.creatorA.address)).to.equal(FILM_PRICE - fee(FILM_PRICE));
  });

  it("a gifted pass extends the recipient's own pass from its end", async () => {
    const d = await loadFixture(deployMarket);
    await d.market.connect(d.viewer2).buyView(1n, FILM_PRICE, PASS_WINDOW);
    const own = await d.market.passExpiry(1n, d.viewer2.address);
    await d.market.connect(d.viewer1).buyViewFor(d.viewer2.address, 1n, FILM_PRICE, PASS_WINDOW);
    expect(await d.market.passExpiry(1n, d.viewer2.address)).to.equal(own + BigInt(PASS_WINDOW));
  });

  it("subscribeFor: the payer pays, the recipient is subscribed and counted in the pool", async () => {
    const d = await loadFixture(deployMarket);
    const tx = d.market.connect(d.viewer1).subscribeFor(d.viewer3.address, 2, MONTHLY_PRICE);
    await expect(tx).to.changeTokenBalances(d.ethers, d.token, [d.viewer1, d.viewer3], [-2n * MONTHLY_PRICE, 0n]);
    await expect(tx).to.emit(d.market, "Subscribed");
    const end = await d.market.subscriptionEnd(d.viewer3.address);
    expect(end).to.equal(BigInt(await time.latest()) + 2n * BigInt(PERIOD));
    expect(await d.market.isSubscribed(d.viewer3.address)).to.equal(true);
    expect(await d.market.isSubscribed(d.viewer1.address)).to.equal(false);
    expect(await d.market.accessOf(d.viewer3.address, 3n)).to.equal(Access.Subscription);
    const [, , subscribers] = await d.market.poolOf(0n);
    expect(subscribers).to.equal(1n);
  });

  it("refuses the zero address as recipient, and a gift at a price the payer did not agree to", async () => {
    const d = await loadFixture(deployMarket);
    await expect(d.market.connect(d.viewer1).buyViewFor(d.ethers.ZeroAddress, 1n, FILM_PRICE, PASS_WINDOW))
      .to.be.revertedWithCustomError(d.market, "FilmMarketZeroAddress");
    await expect(d.market.connect(d.viewer1).subscribeFor(d.ethers.ZeroAddress, 1, MONTHLY_PRICE))
      .to.be.revertedWithCustomError(d.market, "FilmMarketZeroAddress");
    await expect(d.market.connect(d.viewer1).buyViewFor(d.viewer2.address, 1n, FILM_PRICE - 1n, PASS_WINDOW))
      .to.be.revertedWithCustomError(d.market, "FilmMarketViewPriceChanged");
    await expect(d.market.connect(d.viewer1).subscribeFor(d.viewer2.address, 1, MONTHLY_PRICE - 1n))
      .to.be.revertedWithCustomError(d.market, "FilmMarketPriceChanged");
  });

  it("a paused market refuses gifts as it refuses purchases", async () => {
    const d = await loadFixture(deployMarket);
    await d.market.connect(d.guardian).pause();
    await expect(d.market.connect(d.viewer1).buyViewFor(d.viewer2.address, 1n, FILM_PRICE, PASS_WINDOW))
      .to.be.revertedWithCustomError(d.market, "FilmMarketPurchasesPaused");
    await expect(d.market.connect(d.viewer1).subscribeFor(d.viewer2.address, 1, MONTHLY_PRICE))
      .to.be.revertedWithCustomError(d.market, "FilmMarketPurchasesPaused");
    await govern(d, [["unpause", []]]);
    await d.market.connect(d.viewer1).subscribeFor(d.viewer2.address, 1, MONTHLY_PRICE);
  });

  it("the payer needs the tokens and the allowance: the recipient's are never touched", async () => {
    const d = await loadFixture(deployMarket);
    const [, , , , , , , , , stranger] = await d.ethers.getSigners();
    await expect(d.market.connect(stranger).buyViewFor(d.viewer2.address, 1n, FILM_PRICE, PASS_WINDOW)).to.be.revert(d.ethers);
    await expect(d.market.connect(stranger).subscribeFor(d.viewer2.address, 1, MONTHLY_PRICE)).to.be.revert(d.ethers);
  });
});
