import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { BPS, deployMarket, FEE_BPS, FILM_PRICE, govern, PASS_WINDOW, USD, type Deployment } from "./fixture.ts";

const { networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

async function permitSig(d: Deployment, owner: HardhatEthersSigner, value: bigint, deadline: bigint) {
  const sig = await owner.signTypedData(
    { name: "Test Dollar", version: "1", chainId: 31337n, verifyingContract: await d.token.getAddress() },
    { Permit: [
      { name: "owner", type: "address" }, { name: "spender", type: "address" }, { name: "value", type: "uint256" },
      { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" },
    ] },
    { owner: owner.address, spender: await d.market.getAddress(), value, nonce: await d.token.nonces(owner.address), deadline },
  );
  return d.ethers.Signature.from(sig);
}

describe("Pay-per-view", () => {
  it("takes the price, credits the owner price − fee, accrues the fee and grants a pass for the window", async () => {
    const d = await loadFixture(deployMarket);
    const fee = (FILM_PRICE * BigInt(FEE_BPS)) / BPS;
    const tx = d.market.connect(d.viewer1).buyView(1n, FILM_PRICE, PASS_WINDOW);
    const expiresAt = BigInt(await time.latest()) + 1n + BigInt(PASS_WINDOW);
    await expect(tx).to.emit(d.market, "ViewPurchased")
      .withArgs(1n, d.viewer1.address, d.creatorA.address, FILM_PRICE, fee, expiresAt);
    await expect(tx).to.changeTokenBalances(d.ethers, d.token, [d.viewer1, d.market], [-FILM_PRICE, FILM_PRICE]);
    expect(await d.market.earningsOf(d.creatorA.address)).to.equal(FILM_PRICE - fee);
    expect(await d.market.accruedFees()).to.equal(fee);
    expect(await d.market.passExpiry(1n, d.viewer1.address)).to.equal(expiresAt);
    expect(await d.market.canWatch(d.viewer1.address, 1n)).to.equal(true);
    await time.increaseTo(expiresAt);
    expect(await d.market.canWatch(d.viewer1.address, 1n)).to.equal(false);
  });

  it("extends a pass from its current end when bought again, never shortening it", async () => {
    const d = await loadFixture(deployMarket);
    await d.market.connect(d.viewer1).buyView(1n, FILM_PRICE, PASS_WINDOW);
    const first = await d.market.passExpiry(1n, d.viewer1.address);
    await time.increase(3_600);
    await d.market.connect(d.viewer1).buyView(1n, FILM_PRICE, PASS_WINDOW);
    expect(await d.market.passExpiry(1n, d.viewer1.address)).to.equal(first + BigInt(PASS_WINDOW));
    // After expiry a new pass starts from now, not from the stale end.
    await time.increaseTo(first + BigInt(PASS_WINDOW) + 100n);
    await d.market.connect(d.viewer1).buyView(1n, FILM_PRICE, PASS_WINDOW);
    expect(await d.market.passExpiry(1n, d.viewer1.address)).to.equal(BigInt(await time.latest()) + BigInt(PASS_WINDOW));
  });

  it("refuses a changed price, paused sales, a free film and an unknown film", async () => {
    const d = await loadFixture(deployMarket);
    await d.listings.connect(d.creatorA).setPrice(1n, 3n * USD);
    await expect(d.market.connect(d.viewer1).buyView(1n, FILM_PRICE, PASS_WINDOW))
      .to.be.revertedWithCustomError(d.market, "FilmMarketViewPriceChanged").withArgs(1n, FILM_PRICE, 3n * USD);
    await d.listings.connect(d.creatorA).setSalesPaused(1n, true);
    await expect(d.market.connect(d.viewer1).buyView(1n, 3n * USD, PASS_WINDOW))
      .to.be.revertedWithCustomError(d.market, "FilmMarketSalesPaused").withArgs(1n);
    await expect(d.market.connect(d.viewer1).buyView(2n, 0n, PASS_WINDOW))
      .to.be.revertedWithCustomError(d.market, "FilmMarketFreeFilm").withArgs(2n);
    await expect(d.market.connect(d.viewer1).buyView(77n, 1n, PASS_WINDOW))
      .to.be.revertedWithCustomError(d.listings, "FilmListingsUnknownFilm").withArgs(77n);
  });

  it("attack: an admin shortening the pass window between quote and purchase cannot sell the buyer a shorter pass", async () => {
    const d = await loadFixture(deployMarket);
    // The buyer was quoted the price and a PASS_WINDOW pass; a governance change shortening the window executes before the purchase lands.
    await govern(d, [["setPassWindow", [3_600]]]);
    await expect(d.market.connect(d.viewer1).buyView(1n, FILM_PRICE, PASS_WINDOW))
      .to.be.revertedWithCustomError(d.market, "FilmMarketPassWindowShortened").withArgs(PASS_WINDOW, 3_600);
    const [, , , , , , , , , fresh] = await d.ethers.getSigners();
    await d.token.connect(fresh).faucet(10n * USD);
    const deadline = BigInt(await time.latest()) + 3_600n;
    const sig = await permitSig(d, fresh, FILM_PRICE, deadline);
    await expect(d.market.connect(fresh).buyViewWithPermit(1n, FILM_PRICE, PASS_WINDOW, deadline, sig.v, sig.r, sig.s))
      .to.be.revertedWithCustomError(d.market, "FilmMarketPassWindowShortened").withArgs(PASS_WINDOW, 3_600);
    expect(await d.market.passExpiry(1n, d.viewer1.address)).to.equal(0n);
    // A buyer who accepts the shorter window (or a longer one) still buys.
    await d.market.connect(d.viewer1).buyView(1n, FILM_PRICE, 3_600);
    expect(await d.market.passExpiry(1n, d.viewer1.address)).to.equal(BigInt(await time.latest()) + 3_600n);
  });

  it("refuses purchases while the market is paused", async () => {
    const d = await loadFixture(deployMarket);
    await d.market.connect(d.guardian).pause();
    await expect(d.market.connect(d.viewer1).buyView(1n, FILM_PRICE, PASS_WINDOW))
      .to.be.revertedWithCustomError(d.market, "FilmMarketPurchasesPaused");
  });

  it("buys with a permit in one transaction, without prior approval", async () => {
    const d = await loadFixture(deployMarket);
    const [, , , , , , , , , fresh] = await d.ethers.getSigners();
    await d.token.connect(fresh).faucet(10n * USD);
    const deadline = BigInt(await time.latest()) + 3_600n;
    const sig = await permitSig(d, fresh, FILM_PRICE, deadline);
    await expect(d.market.connect(fresh).buyViewWithPermit(1n, FILM_PRICE, PASS_WINDOW, deadline, sig.v, sig.r, sig.s))
      .to.changeTokenBalance(d.ethers, d.token, fresh, -FILM_PRICE);
    expect(await d.market.canWatch(fresh.address, 1n)).to.equal(true);
    // The same permit again (already used): tolerated, but with no allowance left the transfer fails.
    await expect(d.market.connect(fresh).buyViewWithPermit(1n, FILM_PRICE, PASS_WINDOW, deadline, sig.v, sig.r, sig.s))
      .to.be.revertedWithCustomError(d.token, "ERC20InsufficientAllowance");
  });

  it("still buys when the permit was front-run, as long as the allowance is there", async () => {
    const d = await loadFixture(deployMarket);
    const [, , , , , , , , , fresh] = await d.ethers.getSigners();
    await d.token.connect(fresh).faucet(10n * USD);
    const deadline = BigInt(await time.latest()) + 3_600n;
    const sig = await permitSig(d, fresh, FILM_PRICE, deadline);
    await d.token.permit(fresh.address, await d.market.getAddress(), FILM_PRICE, deadline, sig.v, sig.r, sig.s);
    await expect(d.market.connect(fresh).buyViewWithPermit(1n, FILM_PRICE, PASS_WINDOW, deadline, sig.v, sig.r, sig.s))
      .to.emit(d.market, "ViewPurchased");
  });

  it("lets creators withdraw their earnings (also while paused) and the treasury receive the fees", async () => {
    const d = await loadFixture(deployMarket);
    await d.market.connect(d.viewer1).buyView(1n, FILM_PRICE, PASS_WINDOW);
    await d.market.connect(d.viewer2).buyView(3n, 1n * USD, PASS_WINDOW);
    await d.market.connect(d.guardian).pause();
    const earned = await d.market.earningsOf(d.creatorA.address);
    await expect(d.market.connect(d.creatorA).withdrawEarnings(d.creatorA.address))
      .to.emit(d.market, "EarningsWithdrawn").withArgs(d.creatorA.address, d.creatorA.address, earned);
    expect(await d.market.earningsOf(d.creatorA.address)).to.equal(0n);
    await expect(d.market.connect(d.creatorA).withdrawEarnings(d.creatorA.address))
      .to.be.revertedWithCustomError(d.market, "FilmMarketNothingToWithdraw");
    await expect(d.market.connect(d.creatorB).withdrawEarnings(d.ethers.ZeroAddress))
      .to.be.revertedWithCustomError(d.market, "FilmMarketZeroAddress");
    const creatorBEarned = await d.market.earningsOf(d.creatorB.address);
    await expect(d.market.connect(d.creatorB).withdrawEarnings(d.viewer3.address))
      .to.changeTokenBalance(d.ethers, d.token, d.viewer3, creatorBEarned);

    const fees = await d.market.accruedFees();
    expect(fees).to.equal((FILM_PRICE + 1n * USD) / 10n);
    const tx = d.market.connect(d.outsider).withdrawFees();
    await expect(tx).to.emit(d.market, "FeesWithdrawn").withArgs(d.treasury.address, fees);
    await expect(tx).to.changeTokenBalance(d.ethers, d.token, d.treasury, fees);
    await expect(d.market.withdrawFees()).to.be.revertedWithCustomError(d.market, "FilmMarketNothingToWithdraw");
  });
});
