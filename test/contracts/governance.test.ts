import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  buildTally, CHALLENGE_WINDOW, claimRequest, deployMarket, endPeriod, expectedShare, govern, GOVERNANCE_DELAY,
  MIN_CHALLENGE_WINDOW, MONTHLY_PRICE, PASS_WINDOW, signTally, VIEW_WEIGHT_BPS, type GovernedCall, type Leaf,
} from "./fixture.ts";

const { networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

describe("Governance", () => {
  it("gives the timelock the admin and oracle-manager roles, the guardian only its own, the proposer none", async () => {
    const d = await loadFixture(deployMarket);
    const timelock = await d.timelock.getAddress();
    const [admin, guardian, manager] = [await d.market.DEFAULT_ADMIN_ROLE(), await d.market.GUARDIAN_ROLE(), await d.market.ORACLE_MANAGER_ROLE()];
    expect([await d.market.hasRole(admin, timelock), await d.market.hasRole(manager, timelock), await d.market.hasRole(guardian, timelock)])
      .to.deep.equal([true, true, false]);
    expect([await d.market.hasRole(admin, d.guardian.address), await d.market.hasRole(manager, d.guardian.address), await d.market.hasRole(guardian, d.guardian.address)])
      .to.deep.equal([false, false, true]);
    for (const role of [admin, guardian, manager]) expect(await d.market.hasRole(role, d.admin.address)).to.equal(false);
    expect(await d.timelock.getMinDelay()).to.equal(BigInt(GOVERNANCE_DELAY));
  });

  it("sets every parameter through the timelock, with an event; nobody else can", async () => {
    const d = await loadFixture(deployMarket);
    const next = (await d.market.currentPeriod()) + 1n;
    const tx = await govern(d, [
      ["setFee", [2_000]],
      ["setViewWeight", [10_000]],
      ["setMonthlyPrice", [7n]],
      ["setPassWindow", [3_600]],
      ["setChallengeWindow", [MIN_CHALLENGE_WINDOW]],
      ["setTreasury", [d.outsider.address]],
    ]);
    await expect(tx).to.emit(d.market, "FeeChanged").withArgs(1_000, 2_000);
    await expect(tx).to.emit(d.market, "ViewWeightChanged").withArgs(VIEW_WEIGHT_BPS, 10_000, next);
    await expect(tx).to.emit(d.market, "MonthlyPriceChanged").withArgs(MONTHLY_PRICE, 7n);
    await expect(tx).to.emit(d.market, "PassWindowChanged");
    await expect(tx).to.emit(d.market, "ChallengeWindowChanged").withArgs(CHALLENGE_WINDOW, MIN_CHALLENGE_WINDOW);
    await expect(tx).to.emit(d.market, "TreasuryChanged").withArgs(d.treasury.address, d.outsider.address);
    expect([await d.market.feeBps(), await d.market.viewWeightForPeriod(next), await d.market.monthlyPrice(),
      await d.market.passWindow(), await d.market.challengeWindow(), await d.market.treasury()])
      .to.deep.equal([2_000n, 10_000n, 7n, 3_600n, BigInt(MIN_CHALLENGE_WINDOW), d.outsider.address]);
    // The view weight of the running period stays as it was when the period started.
    expect(await d.market.viewWeightBps()).to.equal(BigInt(VIEW_WEIGHT_BPS));

    const role = await d.market.DEFAULT_ADMIN_ROLE();
    for (const who of [d.outsider, d.admin, d.guardian]) {
      const o = d.market.connect(who);
      for (const call of [() => o.setFee(1), () => o.setViewWeight(1), () => o.setMonthlyPrice(1), () => o.setPassWindow(7_200),
        () => o.setChallengeWindow(MIN_CHALLENGE_WINDOW), () => o.setTreasury(d.outsider.address), () => o.unpause()]) {
        await expect(call()).to.be.revertedWithCustomError(d.market, "AccessControlUnauthorizedAccount").withArgs(who.address, role);
      }
    }
  });

  it("enforces the fee cap and the bounds of every parameter", async () => {
    const d = await loadFixture(deployMarket);
    const refused = (call: GovernedCall, error: string) => expect(govern(d, [call])).to.be.revertedWithCustomError(d.market, error);
    await refused(["setFee", [2_001]], "FilmMarketFeeTooHigh").withArgs(2_001, 2_000);
    await refused(["setViewWeight", [10_001]], "FilmMarketInvalidViewWeight");
    await refused(["setPassWindow", [3_599]], "FilmMarketInvalidWindow");
    await refused(["setPassWindow", [30 * 86_400 + 1]], "FilmMarketInvalidWindow");
    await refused(["setChallengeWindow", [30 * 86_400 + 1]], "FilmMarketInvalidWindow");
    await refused(["setChallengeWindow", [MIN_CHALLENGE_WINDOW - 1]], "FilmMarketChallengeWindowTooShort");
    await refused(["setMonthlyPrice", [0]], "FilmMarketInvalidPrice");
    await refused(["setTreasury", [d.ethers.ZeroAddress]], "FilmMarketZeroAddress");
  });

  it("refuses a deployment with bad settings", async () => {
    const d = await loadFixture(deployMarket);
    const deploy = (patch: object) => d.ethers.deployContract("FilmMarket", [{ ...d.config, ...patch }]);
    const factory = await d.ethers.getContractFactory("FilmMarket");
    const future = BigInt(await time.latest()) + 1_000n;
    await expect(deploy({ feeBps: 2_500 })).to.be.revertedWithCustomError(factory, "FilmMarketFeeTooHigh");
    await expect(deploy({ viewWeightBps: 10_001 })).to.be.revertedWithCustomError(factory, "FilmMarketInvalidViewWeight");
    await expect(deploy({ challengeWindow: MIN_CHALLENGE_WINDOW - 1 })).to.be.revertedWithCustomError(factory, "FilmMarketChallengeWindowTooShort");
    await expect(deploy({ periodLength: 0 })).to.be.revertedWithCustomError(factory, "FilmMarketInvalidPeriods");
    await expect(deploy({ genesis: future })).to.be.revertedWithCustomError(factory, "FilmMarketInvalidPeriods");
    await expect(deploy({ admin: d.ethers.ZeroAddress })).to.be.revertedWithCustomError(factory, "FilmMarketZeroAddress");
    await expect(deploy({ guardian: d.ethers.ZeroAddress })).to.be.revertedWithCustomError(factory, "FilmMarketZeroAddress");
    await expect(deploy({ paymentToken: d.ethers.ZeroAddress })).to.be.revertedWithCustomError(factory, "FilmMarketZeroAddress");
    await expect(deploy({ oracleThreshold: 6 })).to.be.revertedWithCustomError(factory, "FilmMarketInvalidThreshold").withArgs(6n, 5n);
    await expect(deploy({ oracleThreshold: 0 })).to.be.revertedWithCustomError(factory, "FilmMarketInvalidThreshold");
    await expect(deploy({ oracleSigners: [d.oracles[0].address, d.oracles[0].address], oracleThreshold: 1 }))
      .to.be.revertedWithCustomError(factory, "FilmMarketSignerState");
    const fromNow = await deploy({ genesis: 0 });
    expect(await fromNow.genesis()).to.equal(BigInt(await time.latest()));
  });

  it("pauses by guardian (no delay) or timelock, resumes through the timelock only, with events", async () => {
    const d = await loadFixture(deployMarket);
    await expect(d.market.connect(d.outsider).pause()).to.be.revertedWithCustomError(d.market, "AccessControlUnauthorizedAccount");
    await expect(d.market.connect(d.admin).pause()).to.be.revertedWithCustomError(d.market, "AccessControlUnauthorizedAccount");
    await expect(d.market.connect(d.guardian).pause()).to.emit(d.market, "Paused").withArgs(d.guardian.address);
    expect(await d.market.paused()).to.equal(true);
    await expect(d.market.connect(d.guardian).pause()).to.be.revertedWithCustomError(d.market, "FilmMarketPurchasesPaused");
    await expect(d.market.connect(d.guardian).unpause()).to.be.revertedWithCustomError(d.market, "AccessControlUnauthorizedAccount");
    await expect(govern(d, [["unpause", []]])).to.emit(d.market, "Unpaused").withArgs(await d.timelock.getAddress());
    await expect(govern(d, [["unpause", []]])).to.be.revertedWithCustomError(d.market, "FilmMarketNotPaused");
    await expect(govern(d, [["pause", []]])).to.emit(d.market, "Paused").withArgs(await d.timelock.getAddress());
  });

  it("manages oracle signers and the threshold through the timelock, with events and consistency checks", async () => {
    const d = await loadFixture(deployMarket);
    const newcomer = d.ethers.Wallet.createRandom();
    await expect(govern(d, [["addOracleSigner", [newcomer.address]]])).to.emit(d.market, "OracleSignerAdded").withArgs(newcomer.address);
    await expect(govern(d, [["addOracleSigner", [newcomer.address]]])).to.be.revertedWithCustomError(d.market, "FilmMarketSignerState").withArgs(newcomer.address, true);
    await expect(govern(d, [["addOracleSigner", [d.ethers.ZeroAddress]]])).to.be.revertedWithCustomError(d.market, "FilmMarketZeroAddress");
    expect(await d.market.oracleSignerCount()).to.equal(6n);
    await expect(govern(d, [["setOracleThreshold", [6]]])).to.emit(d.market, "OracleThresholdChanged").withArgs(3n, 6n);
    await expect(govern(d, [["removeOracleSigner", [newcomer.address]]])).to.be.revertedWithCustomError(d.market, "FilmMarketInvalidThreshold").withArgs(6n, 5n);
    await govern(d, [["setOracleThreshold", [2]]]);
    await expect(govern(d, [["removeOracleSigner", [newcomer.address]]])).to.emit(d.market, "OracleSignerRemoved").withArgs(newcomer.address);
    await expect(govern(d, [["removeOracleSigner", [newcomer.address]]])).to.be.revertedWithCustomError(d.market, "FilmMarketSignerState").withArgs(newcomer.address, false);
    await expect(govern(d, [["setOracleThreshold", [0]]])).to.be.revertedWithCustomError(d.market, "FilmMarketInvalidThreshold");
    const role = await d.market.ORACLE_MANAGER_ROLE();
    for (const who of [d.outsider, d.admin, d.guardian]) {
      await expect(d.market.connect(who).addOracleSigner(who.address))
        .to.be.revertedWithCustomError(d.market, "AccessControlUnauthorizedAccount").withArgs(who.address, role);
      await expect(d.market.connect(who).removeOracleSigner(d.oracles[0].address)).to.be.revertedWithCustomError(d.market, "AccessControlUnauthorizedAccount");
      await expect(d.market.connect(who).setOracleThreshold(1)).to.be.revertedWithCustomError(d.market, "AccessControlUnauthorizedAccount");
    }
  });

  it("keeps every period's view weight: a change applies from the next period, twice in a period the last one wins", async () => {
    const d = await loadFixture(deployMarket);
    await govern(d, [["setViewWeight", [6_000]]]);
    await expect(govern(d, [["setViewWeight", [7_000]]])).to.emit(d.market, "ViewWeightChanged").withArgs(6_000, 7_000, 1n);
    await endPeriod(d, 0n);
    await endPeriod(d, 1n);
    await endPeriod(d, 2n);
    await govern(d, [["setViewWeight", [0]]]); // in period 3, for period 4 on
    await endPeriod(d, 3n);
    await endPeriod(d, 4n);
    await govern(d, [["setViewWeight", [10_000]]]); // in period 5, for period 6 on
    const weights = await Promise.all([0n, 1n, 2n, 3n, 4n, 5n, 6n, 100n].map((p) => d.market.viewWeightForPeriod(p)));
    expect(weights).to.deep.equal([5_000n, 7_000n, 7_000n, 7_000n, 0n, 0n, 10_000n, 10_000n]);
    expect(await d.market.viewWeightBps()).to.equal(0n);
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

    await govern(d, [["setViewWeight", [0]], ["setFee", [2_000]], ["setChallengeWindow", [30 * 86_400]], ["setMonthlyPrice", [1n]]]);
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
