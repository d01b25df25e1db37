import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  buildTally, CHALLENGE_WINDOW, claimRequest, deployMarket, endPeriod, expectedShare, MONTHLY_PRICE,
  PASS_WINDOW, signTally, VIEW_WEIGHT_BPS, type Leaf,
} from "./fixture.ts";

const { networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

describe("Governance", () => {
  it("sets every parameter with an event, admin only", async () => {
    const d = await loadFixture(deployMarket);
    const m = d.market.connect(d.admin);
    await expect(m.setFee(2_000)).to.emit(d.market, "FeeChanged").withArgs(1_000, 2_000);
    await expect(m.setViewWeight(10_000)).to.emit(d.market, "ViewWeightChanged").withArgs(VIEW_WEIGHT_BPS, 10_000);
    await expect(m.setMonthlyPrice(7n)).to.emit(d.market, "MonthlyPriceChanged").withArgs(MONTHLY_PRICE, 7n);
    await expect(m.setPassWindow(3_600)).to.emit(d.market, "PassWindowChanged");
    await expect(m.setChallengeWindow(0)).to.emit(d.market, "ChallengeWindowChanged").withArgs(CHALLENGE_WINDOW, 0);
    await expect(m.setTreasury(d.outsider.address)).to.emit(d.market, "TreasuryChanged").withArgs(d.treasury.address, d.outsider.address);
    expect([await d.market.feeBps(), await d.market.viewWeightBps(), await d.market.monthlyPrice(),
      await d.market.passWindow(), await d.market.challengeWindow(), await d.market.treasury()])
      .to.deep.equal([2_000n, 10_000n, 7n, 3_600n, 0n, d.outsider.address]);

    const role = await d.market.DEFAULT_ADMIN_ROLE();
    const o = d.market.connect(d.outsider);
    for (const call of [() => o.setFee(1), () => o.setViewWeight(1), () => o.setMonthlyPrice(1), () => o.setPassWindow(7_200),
      () => o.setChallengeWindow(1), () => o.setTreasury(d.outsider.address), () => o.unpause()]) {
      await expect(call()).to.be.revertedWithCustomError(d.market, "AccessControlUnauthorizedAccount").withArgs(d.outsider.address, role);
    }
  });

  it("enforces the fee cap and the bounds of every parameter", async () => {
    const d = await loadFixture(deployMarket);
    const m = d.market.connect(d.admin);
    await expect(m.setFee(2_001)).to.be.revertedWithCustomError(d.market, "FilmMarketFeeTooHigh").withArgs(2_001, 2_000);
    await expect(m.setViewWeight(10_001)).to.be.revertedWithCustomError(d.market, "FilmMarketInvalidViewWeight");
    await expect(m.setPassWindow(3_599)).to.be.revertedWithCustomError(d.market, "FilmMarketInvalidWindow");
    await expect(m.setPassWindow(30 * 86_400 + 1)).to.be.revertedWithCustomError(d.market, "FilmMarketInvalidWindow");
    await expect(m.setChallengeWindow(30 * 86_400 + 1)).to.be.revertedWithCustomError(d.market, "FilmMarketInvalidWindow");
    await expect(m.setMonthlyPrice(0)).to.be.revertedWithCustomError(d.market, "FilmMarketInvalidPrice");
    await expect(m.setTreasury(d.ethers.ZeroAddress)).to.be.revertedWithCustomError(d.market, "FilmMarketZeroAddress");
  });

  it("refuses a deployment with bad settings", async () => {
    const d = await loadFixture(deployMarket);
    const deploy = (patch: object) => d.ethers.deployContract("FilmMarket", [{ ...d.config, ...patch }]);
    const factory = await d.ethers.getContractFactory("FilmMarket");
    const future = BigInt(await time.latest()) + 1_000n;
    await expect(deploy({ feeBps: 2_500 })).to.be.revertedWithCustomError(factory, "FilmMarketFeeTooHigh");
    await expect(deploy({ periodLength: 0 })).to.be.revertedWithCustomError(factory, "FilmMarketInvalidPeriods");
    await expect(deploy({ genesis: future })).to.be.revertedWithCustomError(factory, "FilmMarketInvalidPeriods");
    await expect(deploy({ admin: d.ethers.ZeroAddress })).to.be.revertedWithCustomError(factory, "FilmMarketZeroAddress");
    await expect(deploy({ paymentToken: d.ethers.ZeroAddress })).to.be.revertedWithCustomError(factory, "FilmMarketZeroAddress");
    await expect(deploy({ oracleThreshold: 6 })).to.be.revertedWithCustomError(factory, "FilmMarketInvalidThreshold").withArgs(6n, 5n);
    await expect(deploy({ oracleThreshold: 0 })).to.be.revertedWithCustomError(factory, "FilmMarketInvalidThreshold");
    await expect(deploy({ oracleSigners: [d.oracles[0].address, d.oracles[0].address], oracleThreshold: 1 }))
      .to.be.revertedWithCustomError(factory, "FilmMarketSignerState");
    const fromNow = await deploy({ genesis: 0 });
    expect(await fromNow.genesis()).to.equal(BigInt(await time.latest()));
  });

  it("pauses by guardian or admin, resumes by admin only, with events", async () => {
    const d = await loadFixture(deployMarket);
    await expect(d.market.connect(d.outsider).pause()).to.be.revertedWithCustomError(d.market, "AccessControlUnauthorizedAccount");
    await expect(d.market.connect(d.guardian).pause()).to.emit(d.market, "Paused").withArgs(d.guardian.address);
    expect(await d.market.paused()).to.equal(true);
    await expect(d.market.connect(d.admin).pause()).to.be.revertedWithCustomError(d.market, "FilmMarketPurchasesPaused");
    await expect(d.market.connect(d.guardian).unpause()).to.be.revertedWithCustomError(d.market, "AccessControlUnauthorizedAccount");
    await expect(d.market.connect(d.admin).unpause()).to.emit(d.market, "Unpaused").withArgs(d.admin.address);
    await expect(d.market.connect(d.admin).unpause()).to.be.revertedWithCustomError(d.market, "FilmMarketNotPaused");
  });

  it("manages oracle signers and the threshold, with events and consistency checks", async () => {
    const d = await loadFixture(deployMarket);
    const m = d.market.connect(d.admin);
    const newcomer = d.ethers.Wallet.createRandom();
    await expect(m.addOracleSigner(newcomer.address)).to.emit(d.market, "OracleSignerAdded").withArgs(newcomer.address);
    await expect(m.addOracleSigner(newcomer.address)).to.be.revertedWithCustomError(d.market, "FilmMarketSignerState").withArgs(newcomer.address, true);
    await expect(m.addOracleSigner(d.ethers.ZeroAddress)).to.be.revertedWithCustomError(d.market, "FilmMarketZeroAddress");
    expect(await d.market.oracleSignerCount()).to.equal(6n);
    await expect(m.setOracleThreshold(6)).to.emit(d.market, "OracleThresholdChanged").withArgs(3n, 6n);
    await expect(m.removeOracleSigner(newcomer.address)).to.be.revertedWithCustomError(d.market, "FilmMarketInvalidThreshold").withArgs(6n, 5n);
    await m.setOracleThreshold(2);
    await expect(m.removeOracleSigner(newcomer.address)).to.emit(d.market, "OracleSignerRemoved").withArgs(newcomer.address);
    await expect(m.removeOracleSigner(newcomer.address)).to.be.revertedWithCustomError(d.market, "FilmMarketSignerState").withArgs(newcomer.address, false);
    await expect(m.setOracleThreshold(0)).to.be.revertedWithCustomError(d.market, "FilmMarketInvalidThreshold");
    const role = await d.market.ORACLE_MANAGER_ROLE();
    await expect(d.market.connect(d.outsider).addOracleSigner(d.outsider.address))
      .to.be.revertedWithCustomError(d.market, "AccessControlUnauthorizedAccount").withArgs(d.outsider.address, role);
    await expect(d.market.connect(d.outsider).removeOracleSigner(d.oracles[0].address)).to.be.revertedWithCustomError(d.market, "AccessControlUnauthorizedAccount");
    await expect(d.market.connect(d.outsider).setOracleThreshold(1)).to.be.revertedWithCustomError(d.market, "AccessControlUnauthorizedAccount");
  });

  it("never alters a posted period: later changes to weight, fee, window and price leave its payout as posted", async () => {
    const d = await loadFixture(deployMarket);
    await d.market.connect(d.viewer1).subscribe(1, MONTHLY_PRICE);
    await endPeriod(d, 0n);
    const leaves: Leaf[] = [[1n, 2n, 900n], [3n, 1n, 100n]];
    const { tree, tally } = buildTally(0n, leaves);
    await d.market.postTally(tally, await signTally(d.market, tally, d.oracles.slice(0, 3)));
    const [pool] = await d.market.poolOf(0);
    const claimableAt = (await d.market.tallyOf(0)).claimableAt;

    const m = d.market.connect(d.admin);
    await m.setViewWeight(0);
    await m.setFee(2_000);
    await m.setChallengeWindow(30 * 86_400);
    await m.setMonthlyPrice(1n);
    expect((await d.market.tallyOf(0)).claimableAt).to.equal(claimableAt);
    expect((await d.market.poolOf(0))[0]).to.equal(pool);
    await time.increaseTo(claimableAt);
    const share = expectedShare(pool, leaves[0], 3n, 1_000n, BigInt(VIEW_WEIGHT_BPS));
    await expect(d.market.claim(claimRequest(tree, 0n, leaves[0]))).to.emit(d.market, "Claimed").withArgs(0n, 1n, d.creatorA.address, share);
  });

  it("keeps claims, withdrawals and roll-over working while purchases are paused", async () => {
    const d = await loadFixture(deployMarket);
    await d.market.connect(d.viewer1).subscribe(1, MONTHLY_PRICE);
    await d.market.connect(d.viewer2).buyView(1n, 2_000_000n, PASS_WINDOW);
    await endPeriod(d, 0n);
    const leaves: Leaf[] = [[1n, 1n, 100n]];
    const { tree, tally } = buildTally(0n, leaves);
    await d.market.postTally(tally, await signTally(d.market, tally, d.oracles.slice(0, 3)));
    await d.market.connect(d.guardian).pause();
    await time.increase(CHALLENGE_WINDOW);
    await expect(d.market.claim(claimRequest(tree, 0n, leaves[0]))).to.emit(d.market, "Claimed");
    await expect(d.market.connect(d.creatorA).withdrawEarnings(d.creatorA.address)).to.emit(d.market, "EarningsWithdrawn");
    await expect(d.market.withdrawFees()).to.emit(d.market, "FeesWithdrawn");
    const [amount, paid] = await d.market.poolOf(0);
    if (amount > paid) await expect(d.market.rollOver(0n)).to.emit(d.market, "RemainderRolledOver");
  });
});

describe("Access", () => {
  it("answers why a wallet may watch: owner, pass, subscription, free, or none", async () => {
    const d = await loadFixture(deployMarket);
    const access = (who: HardhatEthersSigner, film: bigint) => d.market.accessOf(who.address, film);
    expect(await access(d.creatorA, 1n)).to.equal(1n); // Owner
    expect(await access(d.viewer1, 1n)).to.equal(0n); // None
    expect(await access(d.viewer1, 2n)).to.equal(4n); // Free
    expect(await access(d.viewer1, 99n)).to.equal(0n); // unknown film
    expect(await d.market.canWatch(d.viewer1.address, 99n)).to.equal(false);
    await d.market.connect(d.viewer1).buyView(1n, 2_000_000n, PASS_WINDOW);
    expect(await access(d.viewer1, 1n)).to.equal(2n); // Pass
    await d.market.connect(d.viewer2).subscribe(1, MONTHLY_PRICE);
    expect(await access(d.viewer2, 1n)).to.equal(3n); // Subscription
    expect(await access(d.viewer2, 2n)).to.equal(3n); // subscribers' watching of free films counts too
    expect(await d.market.canWatch(d.viewer2.address, 3n)).to.equal(true);
  });

  it("while sales are paused, lets only the owner and pass holders watch", async () => {
    const d = await loadFixture(deployMarket);
    await d.market.connect(d.viewer1).buyView(1n, 2_000_000n, PASS_WINDOW);
    await d.market.connect(d.viewer2).subscribe(1, MONTHLY_PRICE);
    await d.listings.connect(d.creatorA).setSalesPaused(1n, true);
    await d.listings.connect(d.creatorA).setSalesPaused(2n, true);
    expect(await d.market.canWatch(d.creatorA.address, 1n)).to.equal(true);
    expect(await d.market.canWatch(d.viewer1.address, 1n)).to.equal(true);
    expect(await d.market.canWatch(d.viewer2.address, 1n)).to.equal(false);
    expect(await d.market.canWatch(d.viewer3.address, 2n)).to.equal(false);
  });
});
