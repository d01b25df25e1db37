// Auto-renewing subscriptions (contracts/periphery/SubscriptionRenewer.sol), attacker first:
// a keeper (any account) must never charge above the viewer's ceiling, before the subscription
// ended, after the viewer cancelled, or twice for one period; only the viewer sets or cancels
// their plan; the renewer never holds tokens and the market never owes more than it holds.
import { expect } from "chai";
import { network } from "hardhat";
import fc from "fast-check";
import { DAY, govern, MONTHLY_PRICE, PERIOD, USD } from "./fixture.ts";
import { deployPeriphery, now, owedAndHeld, signPermit, type PeripheryDeployment } from "./peripheryFixture.ts";

const { networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const CEILING = 12n * USD;

/** viewer1 approves the renewer and turns auto-renewal on for `months` with CEILING. */
async function optedIn(d: PeripheryDeployment, months = 3) {
  await d.token.connect(d.viewer1).approve(await d.renewer.getAddress(), CEILING * BigInt(months));
  await d.renewer.connect(d.viewer1).enable(CEILING, months);
}

async function withPlan(connection: Parameters<typeof deployPeriphery>[0]) {
  const d = await deployPeriphery(connection);
  await optedIn(d);
  return d;
}

describe("SubscriptionRenewer", () => {
  it("renews an ended subscription for one month at the current price, callable by anyone", async () => {
    const d = await loadFixture(withPlan);
    await d.market.connect(d.viewer1).subscribe(1, MONTHLY_PRICE);
    const end = await d.market.subscriptionEnd(d.viewer1.address);
    await time.increaseTo(end);
    const tx = d.renewer.connect(d.outsider).renew(d.viewer1.address);
    await expect(tx).to.changeTokenBalances(d.ethers, d.token, [d.viewer1, d.market, d.outsider], [-MONTHLY_PRICE, MONTHLY_PRICE, 0n]);
    const renewedAt = await now(d);
    await expect(tx).to.emit(d.renewer, "Renewed").withArgs(d.viewer1.address, d.outsider.address, MONTHLY_PRICE, 2n, renewedAt + BigInt(PERIOD));
    expect(await d.market.subscriptionEnd(d.viewer1.address)).to.equal(renewedAt + BigInt(PERIOD));
    expect((await d.renewer.planOf(d.viewer1.address)).monthsLeft).to.equal(2n);
  });

  it("enableWithPermit: one signature sets the allowance and the plan", async () => {
    const d = await loadFixture(deployPeriphery);
    const renewer = await d.renewer.getAddress();
    const p = await signPermit(d.token, d.viewer2, renewer, CEILING * 2n, (await now(d)) + 3_600n);
    await d.renewer.connect(d.viewer2).enableWithPermit(CEILING, 2, p.deadline, p.v, p.r, p.s);
    expect(await d.token.allowance(d.viewer2.address, renewer)).to.equal(CEILING * 2n);
    await d.renewer.renew(d.viewer2.address);
    expect(await d.market.isSubscribed(d.viewer2.address)).to.equal(true);
  });

  it("never charges before the subscription ended", async () => {
    const d = await loadFixture(withPlan);
    await d.market.connect(d.viewer1).subscribe(1, MONTHLY_PRICE);
    const end = await d.market.subscriptionEnd(d.viewer1.address);
    await time.setNextBlockTimestamp(end - 1n);
    await expect(d.renewer.connect(d.outsider).renew(d.viewer1.address))
      .to.be.revertedWithCustomError(d.renewer, "RenewerNotEnded").withArgs(d.viewer1.address, end);
    expect((await d.renewer.renewalDue(d.viewer1.address)).due).to.equal(false);
  });

  it("never charges twice for one period: a second renewal in the same month is refused", async () => {
    const d = await loadFixture(withPlan);
    await d.renewer.connect(d.outsider).renew(d.viewer1.address);
    const balance = await d.token.balanceOf(d.viewer1.address);
    await expect(d.renewer.connect(d.viewer2).renew(d.viewer1.address)).to.be.revertedWithCustomError(d.renewer, "RenewerNotEnded");
    await time.increase(PERIOD - DAY);
    await expect(d.renewer.renew(d.viewer1.address)).to.be.revertedWithCustomError(d.renewer, "RenewerNotEnded");
    expect(await d.token.balanceOf(d.viewer1.address)).to.equal(balance);
  });

  it("never charges above the ceiling; renews again once governance brings the price back under it", async () => {
    const d = await loadFixture(withPlan);
    await govern(d, [["setMonthlyPrice", [CEILING + 1n]]]);
    await expect(d.renewer.renew(d.viewer1.address))
      .to.be.revertedWithCustomError(d.renewer, "RenewerAboveCeiling").withArgs(d.viewer1.address, CEILING + 1n, CEILING);
    expect((await d.renewer.renewalDue(d.viewer1.address)).due).to.equal(false);
    await govern(d, [["setMonthlyPrice", [CEILING]]]);
    await expect(d.renewer.renew(d.viewer1.address)).to.changeTokenBalance(d.ethers, d.token, d.viewer1, -CEILING);
  });

  it("never charges after cancel, and cancel is one transaction by the viewer", async () => {
    const d = await loadFixture(withPlan);
    await expect(d.renewer.connect(d.viewer1).cancel()).to.emit(d.renewer, "AutoRenewCancelled").withArgs(d.viewer1.address);
    await expect(d.renewer.renew(d.viewer1.address)).to.be.revertedWithCustomError(d.renewer, "RenewerNoPlan");
    // Another account's cancel touches only its own plan.
    await optedIn(d);
    await d.renewer.connect(d.outsider).cancel();
    expect((await d.renewer.planOf(d.viewer1.address)).monthsLeft).to.equal(3n);
  });

  it("stops after the number of months the viewer agreed to", async () => {
    const d = await loadFixture(deployPeriphery);
    await optedIn(d, 2);
    for (let i = 0; i < 2; i++) {
      await d.renewer.renew(d.viewer1.address);
      await time.increaseTo(await d.market.subscriptionEnd(d.viewer1.address));
    }
    await expect(d.renewer.renew(d.viewer1.address)).to.be.revertedWithCustomError(d.renewer, "RenewerNoPlan");
  });

  it("charges only viewers who opted in, and only what they allowed", async () => {
    const d = await loadFixture(withPlan);
    // viewer2 approved the market, never the renewer, and has no plan.
    await expect(d.renewer.renew(d.viewer2.address)).to.be.revertedWithCustomError(d.renewer, "RenewerNoPlan");
    // A plan without an allowance fails at the transfer, charging nothing.
    await d.renewer.connect(d.viewer2).enable(CEILING, 1);
    await expect(d.renewer.renew(d.viewer2.address)).to.be.revert(d.ethers);
    expect(await d.market.isSubscribed(d.viewer2.address)).to.equal(false);
  });

  it("refuses a plan of zero months or beyond the cap", async () => {
    const d = await loadFixture(deployPeriphery);
    await expect(d.renewer.connect(d.viewer1).enable(CEILING, 0)).to.be.revertedWithCustomError(d.renewer, "RenewerInvalidMonths");
    await expect(d.renewer.connect(d.viewer1).enable(CEILING, 121)).to.be.revertedWithCustomError(d.renewer, "RenewerInvalidMonths");
  });

  it("a paused market refuses renewals (the plan keeps its months)", async () => {
    const d = await loadFixture(withPlan);
    await d.market.connect(d.guardian).pause();
    await expect(d.renewer.renew(d.viewer1.address)).to.be.revertedWithCustomError(d.market, "FilmMarketPurchasesPaused");
    expect((await d.renewer.planOf(d.viewer1.address)).monthsLeft).to.equal(3n);
  });

  it("property: random keepers, price changes, cancels and time never break the renewal rules or solvency", async function () {
    this.timeout(300_000);
    const Step = fc.oneof(
      fc.record({ kind: fc.constant("renew" as const), who: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ kind: fc.constant("wait" as const), days: fc.integer({ min: 0, max: 40 }) }),
      fc.record({ kind: fc.constant("price" as const), dollars: fc.integer({ min: 5, max: 15 }) }),
      fc.record({ kind: fc.constant("cancel" as const), who: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ kind: fc.constant("enable" as const), who: fc.integer({ min: 0, max: 2 }), months: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant("gift" as const), who: fc.integer({ min: 0, max: 2 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(Step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const d = await loadFixture(deployPeriphery);
        const viewers = [d.viewer1, d.viewer2, d.viewer3];
        for (const v of viewers) await d.token.connect(v).approve(await d.renewer.getAddress(), d.ethers.MaxUint256);
        const plans = new Map<string, { ceiling: bigint; left: number }>();
        let price = MONTHLY_PRICE;
        for (const step of steps) {
          if (step.kind === "wait") await time.increase(step.days * DAY + 1);
          else if (step.kind === "price") {
            price = BigInt(step.dollars) * USD;
            await govern(d, [["setMonthlyPrice", [price]]]);
          } else if (step.kind === "enable") {
            await d.renewer.connect(viewers[step.who]).enable(CEILING, step.months);
            plans.set(viewers[step.who].address, { ceiling: CEILING, left: step.months });
          } else if (step.kind === "cancel") {
            await d.renewer.connect(viewers[step.who]).cancel();
            plans.delete(viewers[step.who].address);
          } else if (step.kind === "gift") {
            await d.market.connect(d.outsider).subscribeFor(viewers[step.who].address, 1, price);
          } else {
            const viewer = viewers[step.who].address;
            const plan = plans.get(viewer);
            const end = await d.market.subscriptionEnd(viewer);
            const balance = await d.token.balanceOf(viewer);
            // Predicted: allowed only with months left, after the end, within the ceiling.
            const allowed = !!plan && plan.left > 0 && end <= (await now(d)) + 1n && price <= plan.ceiling;
            const tx = d.renewer.connect(d.outsider).renew(viewer);
            if (allowed) {
              await tx;
              plan!.left -= 1;
              expect(await d.token.balanceOf(viewer)).to.equal(balance - price);
            } else {
              await expect(tx).to.be.revert(d.ethers);
              expect(await d.token.balanceOf(viewer)).to.equal(balance);
            }
          }
          const { owed, held, renewerHeld } = await owedAndHeld(d, [d.creatorA.address, d.creatorB.address], (await d.market.currentPeriod()) + 14n);
          expect(held).to.equal(owed);
          expect(renewerHeld).to.equal(0n);
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 15) },
    );
  });
});
