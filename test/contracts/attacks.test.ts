// Attacks on settlement from issue 12, each reproduced against the contracts: a re-posted disputed
// tally, dispute signatures replayed against a corrected tally, and claims blocked by a front-run
// claim, a blacklisted payee or a tally whose leaves cannot all be claimed; and on governance: the
// admin's one-block rug, and a view weight picked after the period's numbers are known.
import { expect } from "chai";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import type { BaseContract } from "ethers";
import type { FilmMarket } from "../../types/ethers-contracts/index.ts";
import {
  buildTally, CHALLENGE_WINDOW, claimRequest, DAY, deployMarket, disputeBySigners, endPeriod, expectedShare, govern, GOVERNANCE_DELAY,
  MIN_CHALLENGE_WINDOW, MONTHLY_PRICE, propose, signDispute, signTally, USD, VIEW_WEIGHT_BPS, type GovernedCall, type Leaf,
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
async function expectRefused(call: Promise<unknown>, contract: BaseContract, error: string) {
  const outcome = await call.then(() => "accepted", (e: Error) => e);
  expect(outcome, "the attack went through").to.not.equal("accepted");
  await expect(call).to.be.revertedWithCustomError(contract, error);
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

describe("Attacks on governance (issue 12)", () => {
  describe("no instant rug", () => {
    it("the admin cannot open the challenge window, take over the oracle and post its own tally in one go", async () => {
      const d = await loadFixture(subscribedFixture);
      const attacker = d.admin; // the deployer's key, and the timelock's proposer
      const m = d.market.connect(attacker);
      await expectRefused(m.setChallengeWindow(MIN_CHALLENGE_WINDOW), d.market, "AccessControlUnauthorizedAccount");
      await expectRefused(m.addOracleSigner(attacker.address), d.market, "AccessControlUnauthorizedAccount");
      await expectRefused(m.setOracleThreshold(1), d.market, "AccessControlUnauthorizedAccount");
      await expectRefused(m.setViewWeight(10_000), d.market, "AccessControlUnauthorizedAccount");

      // Through the timelock the same changes wait for the delay, in public.
      const takeover: GovernedCall[] = [
        ["setChallengeWindow", [MIN_CHALLENGE_WINDOW]],
        ["addOracleSigner", [attacker.address]],
        ["setOracleThreshold", [1]],
      ];
      const proposal = await propose(d, takeover);
      await expectRefused(proposal.execute(), d.timelock, "TimelockUnexpectedOperationState");
      await time.increase(GOVERNANCE_DELAY - 60);
      await expectRefused(proposal.execute(), d.timelock, "TimelockUnexpectedOperationState");

      // Even once executed, the attacker's tally waits out the floor of the challenge window,
      // and the guardian kills it.
      await time.increase(60);
      await proposal.execute();
      const { tree, tally } = buildTally(0n, [[1n, 1n, 1n]]);
      await d.market.postTally(tally, await signTally(d.market, tally, [attacker]));
      await expectRefused(d.market.claim(claimRequest(tree, 0n, [1n, 1n, 1n])), d.market, "FilmMarketNotClaimable");
      await time.increase(MIN_CHALLENGE_WINDOW - 10);
      await d.market.connect(d.guardian).dispute(0n, "rogue signer");
      expect((await d.market.tallyOf(0n)).status).to.equal(2n);
    });

    it("a proposal is announced, refused before its delay and executed after it", async () => {
      const d = await loadFixture(deployMarket);
      const proposal = await propose(d, [["setFee", [1_500]]]);
      await expect(proposal.scheduled).to.emit(d.timelock, "CallScheduled");
      await expectRefused(proposal.execute(), d.timelock, "TimelockUnexpectedOperationState");
      expect(await d.market.feeBps()).to.equal(1_000n);
      await time.increase(GOVERNANCE_DELAY);
      await expect(proposal.execute())
        .to.emit(d.timelock, "CallExecuted")
        .and.to.emit(d.market, "FeeChanged")
        .withArgs(1_000, 1_500);
      expect(await d.market.feeBps()).to.equal(1_500n);
    });

    it("refuses a challenge window below the floor, at deployment and by governance", async () => {
      const d = await loadFixture(deployMarket);
      const outcome = await govern(d, [["setChallengeWindow", [0]]]).then(() => "accepted", (e: Error) => e);
      expect(outcome, "the window was opened to 0").to.not.equal("accepted");
      await expect(govern(d, [["setChallengeWindow", [MIN_CHALLENGE_WINDOW - 1]]]))
        .to.be.revertedWithCustomError(d.market, "FilmMarketChallengeWindowTooShort")
        .withArgs(MIN_CHALLENGE_WINDOW - 1, MIN_CHALLENGE_WINDOW);
      const factory = await d.ethers.getContractFactory("FilmMarket");
      await expect(d.ethers.deployContract("FilmMarket", [{ ...d.config, challengeWindow: 0 }]))
        .to.be.revertedWithCustomError(factory, "FilmMarketChallengeWindowTooShort")
        .withArgs(0, MIN_CHALLENGE_WINDOW);
    });
  });

  describe("the split's rules are fixed when the period starts", () => {
    it("a weight change mid-period leaves that period's tally and its collected signatures valid", async () => {
      const d = await loadFixture(deployMarket);
      for (const v of [d.viewer1, d.viewer2]) await d.market.connect(v).subscribe(1, MONTHLY_PRICE);
      const { tree, tally } = buildTally(0n, LEAVES);
      await govern(d, [["setViewWeight", [9_000]]]); // executes inside period 0, after its numbers are known
      expect(await d.market.currentPeriod()).to.equal(0n);
      await endPeriod(d, 0n);
      const sigs = await signTally(d.market, tally, d.oracles.slice(0, 3));
      await govern(d, [["setViewWeight", [1_000]]]); // a change while the signatures are being collected
      expect(await d.market.viewWeightForPeriod(0n)).to.equal(BigInt(VIEW_WEIGHT_BPS));
      expect(await d.market.viewWeightForPeriod(1n)).to.equal(9_000n);
      expect(await d.market.viewWeightForPeriod(2n)).to.equal(1_000n);

      const { tally: picked } = buildTally(0n, LEAVES, 9_000);
      await expectRefused(
        d.market.postTally(picked, await signTally(d.market, picked, d.oracles.slice(0, 3))),
        d.market,
        "FilmMarketViewWeightMismatch",
      );
      await d.market.postTally(tally, sigs);
      await time.increase(CHALLENGE_WINDOW);
      const [pool] = await d.market.poolOf(0n);
      const share = expectedShare(pool, LEAVES[0], tally.totalViews, tally.totalSeconds, BigInt(VIEW_WEIGHT_BPS));
      await expect(d.market.claim(claimRequest(tree, 0n, LEAVES[0]))).to.emit(d.market, "Claimed").withArgs(0n, 1n, d.creatorA.address, share);
    });
  });
});
