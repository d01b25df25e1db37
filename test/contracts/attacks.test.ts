// Attacks on settlement from issue 12, each reproduced against the contracts: a re-posted disputed
// tally, dispute signatures replayed against a corrected tally, and claims blocked by a front-run
// claim, a blacklisted payee or a tally whose leaves cannot all be claimed.
import { expect } from "chai";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import type { FilmMarket } from "../../types/ethers-contracts/index.ts";
import {
  buildTally, CHALLENGE_WINDOW, claimRequest, DAY, deployMarket, disputeBySigners, endPeriod, MONTHLY_PRICE,
  signDispute, signTally, USD, VIEW_WEIGHT_BPS, type Leaf,
} from "./fixture.ts";

const { networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

/** How long after claims open a period's remainder may roll over regardless of unclaimed leaves. */
const CLAIM_WINDOW = 180 * DAY;

const LEAVES: Leaf[] = [
  [1n, 3n, 1_500n],
  [2n, 1n, 200n],
  [3n, 2n, 2_700n],
];

/** The attack must fail: the call reverts, with `error` when the contract declares it. */
async function expectRefused(call: Promise<unknown>, market: FilmMarket, error: string) {
  const outcome = await call.then(() => "accepted", (e: Error) => e);
  expect(outcome, "the attack went through").to.not.equal("accepted");
  await expect(call).to.be.revertedWithCustomError(market, error);
}

async function subscribedFixture(connection: NetworkConnection) {
  const d = await deployMarket(connection);
  for (const v of [d.viewer1, d.viewer2, d.viewer3]) await d.market.connect(v).subscribe(1, MONTHLY_PRICE);
  await endPeriod(d, 0n);
  return d;
}

describe("Attacks on settlement (issue 12)", () => {
  describe("a disputed tally is dead", () => {
    it("refuses a disputed tally re-posted with the signatures of its original transaction", async () => {
      const d = await loadFixture(subscribedFixture);
      const { tally } = buildTally(0n, LEAVES);
      const sigs = await signTally(d.market, tally, d.oracles.slice(0, 3));
      await d.market.postTally(tally, sigs);
      await d.market.connect(d.guardian).dispute(0n, "wrong counts");
      await expectRefused(d.market.connect(d.outsider).postTally(tally, sigs), d.market, "FilmMarketTallyRevisionMismatch");
      expect((await d.market.tallyOf(0n)).status).to.equal(2n);
    });

    it("refuses another tally signed before the dispute (it cannot front-run the honest replacement)", async () => {
      const d = await loadFixture(subscribedFixture);
      const { tally } = buildTally(0n, LEAVES);
      const { tally: rival } = buildTally(0n, [[1n, 9n, 9_000n]], VIEW_WEIGHT_BPS, "bafyrival");
      const rivalSigs = await signTally(d.market, rival, d.oracles.slice(2, 5));
      await d.market.postTally(tally, await signTally(d.market, tally, d.oracles.slice(0, 3)));
      await d.market.connect(d.guardian).dispute(0n, "wrong counts");
      await expectRefused(d.market.connect(d.outsider).postTally(rival, rivalSigs), d.market, "FilmMarketTallyRevisionMismatch");
    });
  });

  describe("a dispute is about one exact tally", () => {
    it("refuses dispute signatures replayed against a corrected tally with the same root", async () => {
      const d = await loadFixture(subscribedFixture);
      const { tally: wrong } = buildTally(0n, LEAVES);
      wrong.totalViews += 100n; // the leaves are right, the totals are not
      await d.market.postTally(wrong, await signTally(d.market, wrong, d.oracles.slice(0, 3)));
      const disputeSigs = await signDispute(d.market, wrong, d.oracles.slice(1, 4));
      await disputeBySigners(d.market, wrong, disputeSigs, "totals overstated");

      const { tally: corrected } = buildTally(0n, LEAVES, VIEW_WEIGHT_BPS, "bafytallydata", 1);
      expect(corrected.root).to.equal(wrong.root);
      await d.market.postTally(corrected, await signTally(d.market, corrected, d.oracles.slice(0, 3)));
      await expectRefused(disputeBySigners(d.market, corrected, disputeSigs, "replayed"), d.market, "FilmMarketUnknownSigner");
      expect((await d.market.tallyOf(0n)).status).to.equal(1n);
    });
  });

  describe("claims nobody can block", () => {
    async function claimableFixture(connection: NetworkConnection) {
      const d = await subscribedFixture(connection);
      const { tree, tally } = buildTally(0n, LEAVES);
      await d.market.postTally(tally, await signTally(d.market, tally, d.oracles.slice(0, 3)));
      await time.increase(CHALLENGE_WINDOW);
      return { ...d, tree, tally, requests: LEAVES.map((l) => claimRequest(tree, 0n, l)) };
    }

    it("a claim front-run by anyone does not revert the owner's batch: the claimed item is skipped", async () => {
      const d = await loadFixture(claimableFixture);
      await d.market.connect(d.outsider).claim(d.requests[2]);
      const before = await d.token.balanceOf(d.creatorA.address);
      const expected = (await d.market.claimBatch.staticCall(d.requests.slice(0, 2)));
      const outcome = await d.market.connect(d.creatorA).claimBatch(d.requests).then((tx) => tx.wait(), (e: Error) => e);
      expect(outcome, "the front-run claim blocked the batch").to.not.be.instanceOf(Error);
      expect(await d.token.balanceOf(d.creatorA.address)).to.equal(before + expected);
      for (const l of LEAVES) expect(await d.market.isClaimed(0n, l[0])).to.equal(true);
    });

    async function blacklistFixture(connection: NetworkConnection) {
      const { ethers } = connection;
      const base = await deployMarket(connection);
      const token = await ethers.deployContract("BlacklistToken");
      const market = (await ethers.deployContract("FilmMarket", [
        { ...base.config, paymentToken: await token.getAddress() },
      ])) as unknown as FilmMarket;
      for (const v of [base.viewer1, base.viewer2, base.viewer3]) {
        await token.mint(v.address, 1_000n * USD);
        await token.connect(v).approve(await market.getAddress(), ethers.MaxUint256);
        await market.connect(v).subscribe(1, MONTHLY_PRICE);
      }
      const d = { ...base, token, market };
      await endPeriod({ ...base, market }, 0n);
      const { tree, tally } = buildTally(0n, LEAVES);
      await market.postTally(tally, await signTally(market, tally, base.oracles.slice(0, 3)));
      await time.increase(CHALLENGE_WINDOW);
      await token.setBlacklisted(base.creatorB.address, true); // owner of film 3
      return { ...d, tree, tally, requests: LEAVES.map((l) => claimRequest(tree, 0n, l)) };
    }

    it("a blacklisted payee blocks neither the other films' claims nor the roll-over; its share waits as earnings", async () => {
      const d = await loadFixture(blacklistFixture);
      const share3 = await d.market.shareOf(0n, LEAVES[2][1], LEAVES[2][2]);
      const outcome = await d.market.connect(d.outsider).claimBatch(d.requests).then((tx) => tx.wait(), (e: Error) => e);
      expect(outcome, "the blacklisted payee blocked the batch").to.not.be.instanceOf(Error);
      expect(await d.token.balanceOf(d.creatorA.address)).to.be.greaterThan(0n);
      expect(await d.market.earningsOf(d.creatorB.address)).to.equal(share3);
      expect(await d.token.balanceOf(d.creatorB.address)).to.equal(0n);
      await d.market.rollOver(0n);
      // The blocked owner takes the money to an address the token accepts.
      await d.market.connect(d.creatorB).withdrawEarnings(d.viewer3.address);
      expect(await d.market.earningsOf(d.creatorB.address)).to.equal(0n);
    });

    it("a single claim for a blacklisted payee credits its earnings and says so", async () => {
      const d = await loadFixture(blacklistFixture);
      const share3 = await d.market.shareOf(0n, LEAVES[2][1], LEAVES[2][2]);
      await expect(d.market.connect(d.outsider).claim(d.requests[2]))
        .to.emit(d.market, "ClaimCredited").withArgs(d.creatorB.address, share3)
        .and.to.emit(d.market, "Claimed").withArgs(0n, 3n, d.creatorB.address, share3);
      // Still blacklisted: withdrawing to itself fails and keeps the credit.
      await expect(d.market.connect(d.creatorB).withdrawEarnings(d.creatorB.address))
        .to.be.revertedWithCustomError(d.token, "BlacklistTokenBlocked");
      expect(await d.market.earningsOf(d.creatorB.address)).to.equal(share3);
      await expect(d.market.connect(d.creatorB).withdrawEarnings(d.viewer3.address))
        .to.changeTokenBalances(d.ethers, d.token, [d.market, d.viewer3], [-share3, share3]);
    });

    for (const [label, leaves] of [
      ["an unminted film id", [...LEAVES, [99n, 1n, 100n]]],
      ["a film id in two leaves", [...LEAVES, [1n, 1n, 100n]]],
    ] as Array<[string, Leaf[]]>) {
      it(`a tally with ${label} releases its remainder after the claim deadline`, async () => {
        const d = await loadFixture(subscribedFixture);
        const { tree, tally } = buildTally(0n, leaves);
        await d.market.postTally(tally, await signTally(d.market, tally, d.oracles.slice(0, 3)));
        await time.increase(CHALLENGE_WINDOW);
        await d.market.claimBatch(LEAVES.map((l) => claimRequest(tree, 0n, l)));
        await expect(d.market.rollOver(0n)).to.be.revertedWithCustomError(d.market, "FilmMarketClaimsOutstanding");
        await time.increase(CLAIM_WINDOW);
        const [amount, paid] = await d.market.poolOf(0n);
        const outcome = await d.market.rollOver(0n).then((tx) => tx.wait(), (e: Error) => e);
        expect(outcome, "the remainder is locked forever").to.not.be.instanceOf(Error);
        const [, paidAfter] = await d.market.poolOf(0n);
        expect(paidAfter).to.equal(amount);
        expect(amount - paid).to.be.greaterThan(0n);
      });
    }
  });
});
