// governanceState reads the market's governance from the chain: the timelock holding the admin
// role, the operations scheduled and neither executed nor cancelled (decoded, with when they may
// execute), and a view weight already set for the next period.
import { expect } from "chai";
import { network } from "hardhat";
import { connectProvider, governanceState } from "@ai-films/core/chain";
import { deployMarket, GOVERNANCE_DELAY, govern, propose } from "../contracts/fixture.ts";

const connection = await network.create();
const { loadFixture, time } = connection.networkHelpers;

describe("chain: governanceState", () => {
  it("finds the timelock and lists the pending operations, not the executed or cancelled ones", async () => {
    const d = await loadFixture(deployMarket);
    const ctx = await connectProvider(connection.provider, { market: await d.market.getAddress() });
    const timelock = await d.timelock.getAddress();

    await govern(d, [["setViewWeight", [7_000]]]); // executed: in force from period 1
    const cancelled = await propose(d, [["setFee", [1]]]);
    await d.timelock.connect(d.admin).cancel(cancelled.operationId);
    const pending = await propose(d, [
      ["setFee", [1_500]],
      ["addOracleSigner", [d.outsider.address]],
    ]);
    const scheduledAt = await time.latest();

    const state = await governanceState(ctx);
    expect(state.timelock).to.equal(timelock);
    expect(state.minDelay).to.equal(GOVERNANCE_DELAY);
    expect(state.pending).to.have.length(1);
    expect(state.pending[0]).to.deep.equal({
      id: pending.operationId,
      scheduledAt,
      readyAt: scheduledAt + GOVERNANCE_DELAY,
      calls: [
        { target: await d.market.getAddress(), functionName: "setFee", args: ["1500"] },
        { target: await d.market.getAddress(), functionName: "addOracleSigner", args: [d.outsider.address] },
      ],
    });
    const [, periodEnd] = await d.market.periodBounds(0n);
    expect(state.viewWeight).to.deep.equal({ current: 5_000, period: 0, next: { bps: 7_000, fromPeriod: 1, from: Number(periodEnd) } });

    await time.increase(GOVERNANCE_DELAY);
    await pending.execute();
    expect((await governanceState(ctx)).pending).to.deep.equal([]);
  });

  it("reports no timelock when the admin is an account", async () => {
    const d = await loadFixture(deployMarket);
    const market = await d.ethers.deployContract("FilmMarket", [{ ...d.config, admin: d.admin.address }]);
    const ctx = await connectProvider(connection.provider, { market: await market.getAddress() });
    const state = await governanceState(ctx);
    expect([state.timelock, state.minDelay, state.pending]).to.deep.equal([null, null, []]);
    expect(state.viewWeight.next).to.equal(null);
  });
});
