import { expect } from "chai";
import { network } from "hardhat";
import { BPS, DAY, deployMarket, FEE_BPS, govern, MONTHLY_PRICE, PERIOD, type Deployment } from "./fixture.ts";

const { networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const net = (gross: bigint) => gross - (gross * BigInt(FEE_BPS)) / BPS;

async function pool(d: Deployment, period: number) {
  const [amount, paid, subscribers] = await d.market.poolOf(period);
  return { amount, paid, subscribers };
}

describe("Subscriptions", () => {
  it("extends the subscription by one period per month and emits Subscribed", async () => {
    const d = await loadFixture(deployMarket);
    const tx = d.market.connect(d.viewer1).subscribe(2, MONTHLY_PRICE);
    const start = BigInt(await time.latest()) + 1n;
    const end = start + 2n * BigInt(PERIOD);
    await expect(tx).to.emit(d.market, "Subscribed")
      .withArgs(d.viewer1.address, 2n, 2n * MONTHLY_PRICE, net(2n * MONTHLY_PRICE), start, end);
    await expect(tx).to.changeTokenBalances(d.ethers, d.token, [d.viewer1, d.market], [-2n * MONTHLY_PRICE, 2n * MONTHLY_PRICE]);
    expect(await d.market.subscriptionEnd(d.viewer1.address)).to.equal(end);
    expect(await d.market.isSubscribed(d.viewer1.address)).to.equal(true);
    // Renewing while active extends from the current end.
    await d.market.connect(d.viewer1).subscribe(1, MONTHLY_PRICE);
    expect(await d.market.subscriptionEnd(d.viewer1.address)).to.equal(end + BigInt(PERIOD));
    await time.increaseTo(end + BigInt(PERIOD));
    expect(await d.market.isSubscribed(d.viewer1.address)).to.equal(false);
  });

  it("pays a mid-period month into both periods it spans, pro rata by seconds, losing no unit", async () => {
    const d = await loadFixture(deployMarket);
    const [p0start] = await d.market.periodBounds(0);
    await time.setNextBlockTimestamp(p0start + BigInt(PERIOD / 3)); // a third into period 0
    await d.market.connect(d.viewer1).subscribe(1, MONTHLY_PRICE);
    const p0 = await pool(d, 0);
    const p1 = await pool(d, 1);
    const total = net(MONTHLY_PRICE);
    expect(p0.amount + p1.amount).to.equal(total);
    expect(p0.amount).to.equal((total * 2n) / 3n); // two thirds of the month fall in period 0
    expect(p0.subscribers).to.equal(1n);
    expect(p1.subscribers).to.equal(1n);
  });

  it("counts a subscriber once per period, across renewals and across a lapse inside a period", async () => {
    const d = await loadFixture(deployMarket);
    const [p0start] = await d.market.periodBounds(0);
    await time.setNextBlockTimestamp(p0start + BigInt(10 * DAY));
    await d.market.connect(d.viewer1).subscribe(1, MONTHLY_PRICE); // covers p0 and p1
    await d.market.connect(d.viewer1).subscribe(1, MONTHLY_PRICE); // continues in p1, covers p2
    expect((await pool(d, 0)).subscribers).to.equal(1n);
    expect((await pool(d, 1)).subscribers).to.equal(1n);
    expect((await pool(d, 2)).subscribers).to.equal(1n);
    await d.market.connect(d.viewer2).subscribe(12, MONTHLY_PRICE);
    expect((await pool(d, 1)).subscribers).to.equal(2n);
    expect((await pool(d, 12)).subscribers).to.equal(1n);
    expect((await pool(d, 13)).subscribers).to.equal(0n);
    // viewer1 lapses in p2 and resubscribes later in p2: not counted twice in p2.
    const end = await d.market.subscriptionEnd(d.viewer1.address);
    await time.increaseTo(end + 60n);
    expect(await d.market.currentPeriod()).to.equal(2n);
    await d.market.connect(d.viewer1).subscribe(1, MONTHLY_PRICE);
    expect((await pool(d, 2)).subscribers).to.equal(2n); // viewer1 once, viewer2 once
    expect((await pool(d, 3)).subscribers).to.equal(2n);
  });

  it("puts every pooled unit into some period for twelve months", async () => {
    const d = await loadFixture(deployMarket);
    await time.increase(7 * DAY + 13);
    await d.market.connect(d.viewer3).subscribe(12, MONTHLY_PRICE);
    let sum = 0n;
    for (let p = 0; p <= 12; p++) sum += (await pool(d, p)).amount;
    expect(sum).to.equal(net(12n * MONTHLY_PRICE));
  });

  it("refuses 0 or more than 12 months, a changed price, and purchases while paused", async () => {
    const d = await loadFixture(deployMarket);
    await expect(d.market.connect(d.viewer1).subscribe(0, MONTHLY_PRICE))
      .to.be.revertedWithCustomError(d.market, "FilmMarketInvalidMonths").withArgs(0n);
    await expect(d.market.connect(d.viewer1).subscribe(13, MONTHLY_PRICE))
      .to.be.revertedWithCustomError(d.market, "FilmMarketInvalidMonths").withArgs(13n);
    await govern(d, [["setMonthlyPrice", [12n * 1_000_000n]]]);
    await expect(d.market.connect(d.viewer1).subscribe(1, MONTHLY_PRICE))
      .to.be.revertedWithCustomError(d.market, "FilmMarketPriceChanged").withArgs(MONTHLY_PRICE, 12n * 1_000_000n);
    await d.market.connect(d.guardian).pause();
    await expect(d.market.connect(d.viewer1).subscribe(1, 12n * 1_000_000n))
      .to.be.revertedWithCustomError(d.market, "FilmMarketPurchasesPaused");
  });

  it("subscribes with a permit for months × price", async () => {
    const d = await loadFixture(deployMarket);
    const [, , , , , , , , , fresh] = await d.ethers.getSigners();
    await d.token.connect(fresh).faucet(100n * 1_000_000n);
    const value = 3n * MONTHLY_PRICE;
    const deadline = BigInt(await time.latest()) + 3_600n;
    const sig = d.ethers.Signature.from(await fresh.signTypedData(
      { name: "Test Dollar", version: "1", chainId: 31337n, verifyingContract: await d.token.getAddress() },
      { Permit: [
        { name: "owner", type: "address" }, { name: "spender", type: "address" }, { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" },
      ] },
      { owner: fresh.address, spender: await d.market.getAddress(), value, nonce: 0n, deadline },
    ));
    await expect(d.market.connect(fresh).subscribeWithPermit(3, MONTHLY_PRICE, deadline, sig.v, sig.r, sig.s))
      .to.changeTokenBalance(d.ethers, d.token, fresh, -value);
    expect(await d.market.isSubscribed(fresh.address)).to.equal(true);
  });

  it("maps timestamps to periods from genesis", async () => {
    const d = await loadFixture(deployMarket);
    const g = d.genesis;
    expect(await d.market.periodAt(g)).to.equal(0n);
    expect(await d.market.periodAt(g + BigInt(PERIOD) - 1n)).to.equal(0n);
    expect(await d.market.periodAt(g + BigInt(PERIOD))).to.equal(1n);
    expect(await d.market.periodBounds(2)).to.deep.equal([g + 2n * BigInt(PERIOD), g + 3n * BigInt(PERIOD)]);
  });
});
