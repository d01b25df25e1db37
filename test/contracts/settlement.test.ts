import { expect } from "chai";
import { network } from "hardhat";
import {
  buildTally, CHALLENGE_WINDOW, claimRequest, deployMarket, endPeriod, expectedShare, MONTHLY_PRICE,
  FEE_BPS, BPS, signDispute, signTally, VIEW_WEIGHT_BPS, type Deployment, type Leaf,
  DISPUTE_TYPES, eip712Domain, signSorted, TALLY_TYPES,
} from "./fixture.ts";
import { TypedDataEncoder } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

const { networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

/** Three viewers subscribe for one month at genesis, so period 0 gets almost everything. */
async function subscribedFixture(connection: NetworkConnection) {
  const d = await deployMarket(connection);
  for (const v of [d.viewer1, d.viewer2, d.viewer3]) await d.market.connect(v).subscribe(1, MONTHLY_PRICE);
  return d;
}

const LEAVES: Leaf[] = [
  [1n, 3n, 1_500n],
  [2n, 1n, 200n],
  [3n, 2n, 2_700n],
];

async function postedFixture(connection: NetworkConnection) {
  const d = await subscribedFixture(connection);
  await endPeriod(d, 0n);
  const { tree, tally } = buildTally(0n, LEAVES);
  const sigs = await signTally(d.market, tally, d.oracles.slice(0, 3));
  await d.market.postTally(tally, sigs);
  return { ...d, tree, tally };
}

async function pool(d: Deployment, period: bigint) {
  const [amount, paid, subscribers, claimedCount] = await d.market.poolOf(period);
  return { amount, paid, subscribers, claimedCount };
}

describe("Settlement", () => {
  describe("postTally", () => {
    it("accepts a tally of an ended period signed by a threshold of signers and opens the window", async () => {
      const d = await loadFixture(subscribedFixture);
      await endPeriod(d, 0n);
      const { tally } = buildTally(0n, LEAVES);
      const sigs = await signTally(d.market, tally, d.oracles.slice(0, 3));
      const tx = d.market.connect(d.outsider).postTally(tally, sigs);
      await expect(tx).to.emit(d.market, "TallyPosted");
      const stored = await d.market.tallyOf(0n);
      expect(stored.root).to.equal(tally.root);
      expect(stored.totalViews).to.equal(6n);
      expect(stored.totalSeconds).to.equal(4_400n);
      expect(stored.leafCount).to.equal(3n);
      expect(stored.status).to.equal(1n);
      const now = BigInt(await time.latest());
      expect(stored.claimableAt).to.equal(now + BigInt(CHALLENGE_WINDOW));
    });

    it("refuses a period that has not ended", async () => {
      const d = await loadFixture(subscribedFixture);
      const { tally } = buildTally(0n, LEAVES);
      const sigs = await signTally(d.market, tally, d.oracles.slice(0, 3));
      await expect(d.market.postTally(tally, sigs))
        .to.be.revertedWithCustomError(d.market, "FilmMarketPeriodNotEnded").withArgs(0n, 0n);
    });

    it("refuses fewer signatures than the threshold", async () => {
      const d = await loadFixture(subscribedFixture);
      await endPeriod(d, 0n);
      const { tally } = buildTally(0n, LEAVES);
      const sigs = await signTally(d.market, tally, d.oracles.slice(0, 2));
      await expect(d.market.postTally(tally, sigs))
        .to.be.revertedWithCustomError(d.market, "FilmMarketThresholdNotMet").withArgs(2n, 3n);
    });

    it("refuses the same signer twice", async () => {
      const d = await loadFixture(subscribedFixture);
      await endPeriod(d, 0n);
      const { tally } = buildTally(0n, LEAVES);
      const [a, b] = await signTally(d.market, tally, d.oracles.slice(0, 2));
      await expect(d.market.postTally(tally, [a, b, b]))
        .to.be.revertedWithCustomError(d.market, "FilmMarketSignersNotAscending");
    });

    it("refuses an unregistered signer", async () => {
      const d = await loadFixture(subscribedFixture);
      await endPeriod(d, 0n);
      const { tally } = buildTally(0n, LEAVES);
      const rogue = d.ethers.Wallet.createRandom();
      const sigs = await signTally(d.market, tally, [d.oracles[0], d.oracles[1], rogue]);
      await expect(d.market.postTally(tally, sigs))
        .to.be.revertedWithCustomError(d.market, "FilmMarketUnknownSigner").withArgs(rogue.address);
    });

    it("refuses signatures replayed on another period", async () => {
      const d = await loadFixture(subscribedFixture);
      await endPeriod(d, 1n);
      const { tally } = buildTally(0n, LEAVES);
      const sigs = await signTally(d.market, tally, d.oracles.slice(0, 3));
      const replayed = { ...tally, period: 1n };
      // Recovery on a different digest yields unrelated addresses: unknown or out of order.
      await expect(d.market.postTally(replayed, sigs)).to.be.revert(d.ethers);
      expect((await d.market.tallyOf(1n)).status).to.equal(0n);
    });

    it("refuses signatures made for another chain or another contract", async () => {
      const d = await loadFixture(subscribedFixture);
      await endPeriod(d, 0n);
      const { tally } = buildTally(0n, LEAVES);
      const base = { name: "AI Films", version: "1", verifyingContract: await d.market.getAddress() };
      const otherChain = await signTally(d.market, tally, d.oracles.slice(0, 3), { ...base, chainId: 8453n });
      await expect(d.market.postTally(tally, otherChain)).to.be.revertedWithCustomError(d.market, "FilmMarketUnknownSigner");
      const otherContract = await signTally(d.market, tally, d.oracles.slice(0, 3), {
        ...base, chainId: 31337n, verifyingContract: await d.listings.getAddress(),
      });
      await expect(d.market.postTally(tally, otherContract)).to.be.revertedWithCustomError(d.market, "FilmMarketUnknownSigner");
    });

    it("refuses a second tally while one is posted, even after the window", async () => {
      const d = await loadFixture(postedFixture);
      const { tally } = buildTally(0n, [[1n, 1n, 100n]]);
      const sigs = await signTally(d.market, tally, d.oracles.slice(0, 3));
      await expect(d.market.postTally(tally, sigs)).to.be.revertedWithCustomError(d.market, "FilmMarketTallyExists").withArgs(0n);
      await time.increase(CHALLENGE_WINDOW);
      await expect(d.market.postTally(tally, sigs)).to.be.revertedWithCustomError(d.market, "FilmMarketTallyExists");
      // Re-posting the very same signed tally is refused too: nothing is posted twice.
      await expect(d.market.postTally(d.tally, await signTally(d.market, d.tally, d.oracles.slice(0, 3))))
        .to.be.revertedWithCustomError(d.market, "FilmMarketTallyExists");
    });

    it("refuses a first tally whose revision is not 0, and counts revisions from there", async () => {
      const d = await loadFixture(subscribedFixture);
      await endPeriod(d, 0n);
      expect(await d.market.nextTallyRevision(0n)).to.equal(0n);
      const { tally } = buildTally(0n, LEAVES, VIEW_WEIGHT_BPS, "bafytallydata", 1);
      const sigs = await signTally(d.market, tally, d.oracles.slice(0, 3));
      await expect(d.market.postTally(tally, sigs))
        .to.be.revertedWithCustomError(d.market, "FilmMarketTallyRevisionMismatch").withArgs(0n, 0n, 1n);
    });

    it("refuses a tally whose view weight is not the contract's", async () => {
      const d = await loadFixture(subscribedFixture);
      await endPeriod(d, 0n);
      const { tally } = buildTally(0n, LEAVES, 7_000);
      const sigs = await signTally(d.market, tally, d.oracles.slice(0, 3));
      await expect(d.market.postTally(tally, sigs))
        .to.be.revertedWithCustomError(d.market, "FilmMarketViewWeightMismatch").withArgs(VIEW_WEIGHT_BPS, 7_000);
    });

    it("refuses inconsistent totals (films but no seconds, or no films but counts)", async () => {
      const d = await loadFixture(subscribedFixture);
      await endPeriod(d, 0n);
      for (const bad of [
        { ...buildTally(0n, LEAVES).tally, totalSeconds: 0n },
        { ...buildTally(0n, []).tally, totalViews: 1n },
        { ...buildTally(0n, []).tally, totalSeconds: 5n },
      ]) {
        const sigs = await signTally(d.market, bad, d.oracles.slice(0, 3));
        await expect(d.market.postTally(bad, sigs)).to.be.revertedWithCustomError(d.market, "FilmMarketInvalidTally").withArgs(0n);
      }
    });
  });

  describe("disputes", () => {
    it("lets a guardian dispute inside the window; the disputed tally pays nothing and can be replaced", async () => {
      const d = await loadFixture(postedFixture);
      await expect(d.market.connect(d.guardian).dispute(0n, "root mismatch"))
        .to.emit(d.market, "TallyDisputed").withArgs(0n, d.tally.root, d.guardian.address, "root mismatch");
      await time.increase(CHALLENGE_WINDOW);
      await expect(d.market.claim(claimRequest(d.tree, 0n, LEAVES[0])))
        .to.be.revertedWithCustomError(d.market, "FilmMarketNoTally").withArgs(0n);

      expect(await d.market.nextTallyRevision(0n)).to.equal(1n);
      const { tree, tally } = buildTally(0n, [[1n, 3n, 1_000n]], VIEW_WEIGHT_BPS, "bafycorrected", 1);
      await d.market.postTally(tally, await signTally(d.market, tally, d.oracles.slice(2, 5)));
      expect((await d.market.tallyOf(0n)).root).to.equal(tree!.root);
      expect((await d.market.tallyOf(0n)).revision).to.equal(1n);
      expect(await d.market.nextTallyRevision(0n)).to.equal(2n);
    });

    it("refuses disputes from anyone but a guardian, and after the window", async () => {
      const d = await loadFixture(postedFixture);
      await expect(d.market.connect(d.outsider).dispute(0n, "x"))
        .to.be.revertedWithCustomError(d.market, "FilmMarketNotGuardian").withArgs(d.outsider.address);
      await time.increase(CHALLENGE_WINDOW);
      const t = await d.market.tallyOf(0n);
      await expect(d.market.connect(d.guardian).dispute(0n, "late"))
        .to.be.revertedWithCustomError(d.market, "FilmMarketChallengeWindowClosed").withArgs(0n, t.claimableAt);
      await expect(d.market.connect(d.guardian).dispute(5n, "none"))
        .to.be.revertedWithCustomError(d.market, "FilmMarketNoTally").withArgs(5n);
    });

    it("lets a threshold of signers dispute with signatures, not fewer", async () => {
      const d = await loadFixture(postedFixture);
      const two = await signDispute(d.market, d.tally, d.oracles.slice(0, 2));
      await expect(d.market.disputeWithSignatures(d.tally, two, "x"))
        .to.be.revertedWithCustomError(d.market, "FilmMarketThresholdNotMet");
      const three = await signDispute(d.market, d.tally, d.oracles.slice(1, 4));
      expect(await d.market.disputeDigest(d.tally)).to.equal(TypedDataEncoder.hash(
        await eip712Domain(d.market), DISPUTE_TYPES,
        { period: 0n, tallyDigest: await d.market.tallyDigest(d.tally) },
      ));
      await expect(d.market.connect(d.outsider).disputeWithSignatures(d.tally, three, "signers disagree"))
        .to.emit(d.market, "TallyDisputed");
      expect((await d.market.tallyOf(0n)).status).to.equal(2n);
    });

    it("refuses a signers' dispute naming a tally that is not the one posted, or no tally", async () => {
      const d = await loadFixture(postedFixture);
      for (const other of [
        { ...d.tally, totalViews: d.tally.totalViews + 1n },
        { ...d.tally, revision: 1 },
        { ...d.tally, root: "0x" + "ab".repeat(32) },
      ]) {
        const sigs = await signDispute(d.market, other, d.oracles.slice(0, 3));
        await expect(d.market.disputeWithSignatures(other, sigs, "x"))
          .to.be.revertedWithCustomError(d.market, "FilmMarketTallyMismatch").withArgs(0n);
      }
      const none = { ...d.tally, period: 5n };
      await expect(d.market.disputeWithSignatures(none, await signDispute(d.market, none, d.oracles.slice(0, 3)), "x"))
        .to.be.revertedWithCustomError(d.market, "FilmMarketNoTally").withArgs(5n);
      // Dispute signatures are for this contract and chain only: another domain recovers strangers.
      const domain = { ...(await eip712Domain(d.market)), chainId: 1n };
      const digest = TypedDataEncoder.hash(domain, TALLY_TYPES, d.tally);
      const foreign = await signSorted(d.oracles.slice(0, 3), (w) =>
        w.signTypedData(domain, DISPUTE_TYPES, { period: 0n, tallyDigest: digest }));
      await expect(d.market.disputeWithSignatures(d.tally, foreign, "x"))
        .to.be.revertedWithCustomError(d.market, "FilmMarketUnknownSigner");
    });
  });

  describe("claims", () => {
    it("pays each film's owner exactly the formula's share after the window, once", async () => {
      const d = await loadFixture(postedFixture);
      const { amount } = await pool(d, 0n);
      expect(amount).to.be.greaterThan(0n);
      await expect(d.market.claim(claimRequest(d.tree, 0n, LEAVES[0])))
        .to.be.revertedWithCustomError(d.market, "FilmMarketNotClaimable");
      await time.increase(CHALLENGE_WINDOW);

      const owners = [d.creatorA, d.creatorA, d.creatorB];
      let paid = 0n;
      for (const [i, leaf] of LEAVES.entries()) {
        const share = expectedShare(amount, leaf, 6n, 4_400n, BigInt(VIEW_WEIGHT_BPS));
        expect(await d.market.shareOf(0n, leaf[1], leaf[2])).to.equal(share);
        const tx = d.market.connect(d.outsider).claim(claimRequest(d.tree, 0n, leaf));
        await expect(tx).to.emit(d.market, "Claimed").withArgs(0n, leaf[0], owners[i].address, share);
        await expect(tx).to.changeTokenBalances(d.ethers, d.token, [owners[i], d.market], [share, -share]);
        paid += share;
        expect(await d.market.isClaimed(0n, leaf[0])).to.equal(true);
      }
      const after = await pool(d, 0n);
      expect(after.paid).to.equal(paid);
      expect(after.claimedCount).to.equal(3n);
      expect(amount - paid).to.be.lessThan(3n); // rounding: under one unit per film
      await expect(d.market.claim(claimRequest(d.tree, 0n, LEAVES[0])))
        .to.be.revertedWithCustomError(d.market, "FilmMarketAlreadyClaimed").withArgs(0n, 1n);
    });

    it("pays the listing's owner at claim time", async () => {
      const d = await loadFixture(postedFixture);
      await time.increase(CHALLENGE_WINDOW);
      await d.listings.connect(d.creatorB).transferFrom(d.creatorB.address, d.viewer3.address, 3n);
      await expect(d.market.claim(claimRequest(d.tree, 0n, LEAVES[2])))
        .to.emit(d.market, "Claimed").withArgs(0n, 3n, d.viewer3.address, (v: bigint) => v > 0n);
    });

    it("refuses a leaf that is not in the tree", async () => {
      const d = await loadFixture(postedFixture);
      await time.increase(CHALLENGE_WINDOW);
      const forged = { ...claimRequest(d.tree, 0n, LEAVES[0]), views: 4n };
      await expect(d.market.claim(forged)).to.be.revertedWithCustomError(d.market, "FilmMarketInvalidProof").withArgs(0n, 1n);
    });

    it("claims many films in one batch, one transfer per consecutive owner", async () => {
      const d = await loadFixture(postedFixture);
      await time.increase(CHALLENGE_WINDOW);
      const { amount } = await pool(d, 0n);
      const shares = LEAVES.map((l) => expectedShare(amount, l, 6n, 4_400n, BigInt(VIEW_WEIGHT_BPS)));
      const tx = d.market.claimBatch(LEAVES.map((l) => claimRequest(d.tree, 0n, l)));
      await expect(tx).to.changeTokenBalances(d.ethers, d.token, [d.creatorA, d.creatorB], [shares[0] + shares[1], shares[2]]);
      const receipt = await (await tx).wait();
      const transfers = receipt!.logs.filter((l) => l.address === d.config.paymentToken);
      expect(transfers.length).to.equal(2);
      await expect(d.market.claimBatch([])).to.be.revertedWithCustomError(d.market, "FilmMarketEmptyBatch");
      // Already claimed: a single claim says so, a batch skips it (no event, nothing moves).
      await expect(d.market.claim(claimRequest(d.tree, 0n, LEAVES[1])))
        .to.be.revertedWithCustomError(d.market, "FilmMarketAlreadyClaimed").withArgs(0n, 2n);
      expect(await d.market.claimBatch.staticCall([claimRequest(d.tree, 0n, LEAVES[1])])).to.equal(0n);
      const again = d.market.claimBatch(LEAVES.map((l) => claimRequest(d.tree, 0n, l)));
      await expect(again).to.not.emit(d.market, "Claimed");
      await expect(again).to.changeTokenBalances(d.ethers, d.token, [d.market, d.creatorA, d.creatorB], [0n, 0n, 0n]);
      expect((await pool(d, 0n)).claimedCount).to.equal(3n);
    });

    it("skips a claimed item in a batch but still refuses a forged one", async () => {
      const d = await loadFixture(postedFixture);
      await time.increase(CHALLENGE_WINDOW);
      await d.market.claim(claimRequest(d.tree, 0n, LEAVES[0]));
      const forged = { ...claimRequest(d.tree, 0n, LEAVES[2]), views: 99n };
      await expect(d.market.claimBatch([claimRequest(d.tree, 0n, LEAVES[0]), forged]))
        .to.be.revertedWithCustomError(d.market, "FilmMarketInvalidProof").withArgs(0n, 3n);
    });

    it("never pays more than the pool, even for a tally whose totals understate its leaves", async () => {
      const d = await loadFixture(subscribedFixture);
      await endPeriod(d, 0n);
      const leaves: Leaf[] = [[1n, 5n, 500n], [3n, 5n, 500n]];
      const { tree, tally } = buildTally(0n, leaves);
      const lying = { ...tally, totalViews: 5n, totalSeconds: 500n }; // each leaf claims the whole pool
      await d.market.postTally(lying, await signTally(d.market, lying, d.oracles.slice(0, 3)));
      await time.increase(CHALLENGE_WINDOW);
      const { amount } = await pool(d, 0n);
      await d.market.claim(claimRequest(tree, 0n, leaves[0]));
      await expect(d.market.claim(claimRequest(tree, 0n, leaves[1])))
        .to.be.revertedWithCustomError(d.market, "FilmMarketPoolExceeded").withArgs(0n, amount, 0n);
      expect((await pool(d, 0n)).paid).to.equal(amount);
    });

    it("quotes no share for a period without a tally", async () => {
      const d = await loadFixture(subscribedFixture);
      expect(await d.market.shareOf(0n, 5n, 500n)).to.equal(0n);
    });

    it("refuses claims of a period without a tally", async () => {
      const d = await loadFixture(postedFixture);
      await expect(d.market.claim(claimRequest(d.tree, 1n, LEAVES[0])))
        .to.be.revertedWithCustomError(d.market, "FilmMarketNoTally").withArgs(1n);
    });
  });

  describe("claim deadline", () => {
    it("closes claims CLAIM_WINDOW after they open; then the rest rolls over whatever was claimed", async () => {
      const d = await loadFixture(postedFixture);
      const { claimableAt } = await d.market.tallyOf(0n);
      const window = await d.market.CLAIM_WINDOW();
      expect(window).to.equal(180n * 86_400n);
      expect(await d.market.claimDeadline(0n)).to.equal(claimableAt + window);
      expect(await d.market.claimDeadline(7n)).to.equal(0n);
      await time.increaseTo(claimableAt);
      await d.market.claim(claimRequest(d.tree, 0n, LEAVES[0]));
      await expect(d.market.rollOver(0n)).to.be.revertedWithCustomError(d.market, "FilmMarketClaimsOutstanding").withArgs(0n, 1n, 3n);
      await time.increaseTo(claimableAt + window - 2n);
      await d.market.claim(claimRequest(d.tree, 0n, LEAVES[1])); // the last second of the window
      await expect(d.market.claim(claimRequest(d.tree, 0n, LEAVES[2])))
        .to.be.revertedWithCustomError(d.market, "FilmMarketClaimsClosed").withArgs(0n, claimableAt + window);
      await expect(d.market.claimBatch([claimRequest(d.tree, 0n, LEAVES[2])]))
        .to.be.revertedWithCustomError(d.market, "FilmMarketClaimsClosed");
      const { amount, paid } = await pool(d, 0n);
      const current = await d.market.currentPeriod();
      await expect(d.market.rollOver(0n)).to.emit(d.market, "RemainderRolledOver").withArgs(0n, current, amount - paid);
      expect((await pool(d, 0n)).paid).to.equal(amount);
      await expect(d.market.rollOver(0n)).to.be.revertedWithCustomError(d.market, "FilmMarketNothingToRollOver");
    });
  });

  describe("rollOver", () => {
    it("moves the rounding remainder into the current period once every film claimed", async () => {
      const d = await loadFixture(postedFixture);
      await expect(d.market.rollOver(0n)).to.be.revertedWithCustomError(d.market, "FilmMarketNotClaimable");
      await time.increase(CHALLENGE_WINDOW);
      await d.market.claimBatch(LEAVES.slice(0, 2).map((l) => claimRequest(d.tree, 0n, l)));
      await expect(d.market.rollOver(0n))
        .to.be.revertedWithCustomError(d.market, "FilmMarketClaimsOutstanding").withArgs(0n, 2n, 3n);
      await d.market.claim(claimRequest(d.tree, 0n, LEAVES[2]));
      const before = await pool(d, 0n);
      const remainder = before.amount - before.paid;
      const current = await d.market.currentPeriod();
      const target = await pool(d, current);
      if (remainder === 0n) {
        await expect(d.market.rollOver(0n)).to.be.revertedWithCustomError(d.market, "FilmMarketNothingToRollOver");
        return;
      }
      await expect(d.market.rollOver(0n)).to.emit(d.market, "RemainderRolledOver").withArgs(0n, current, remainder);
      expect((await pool(d, 0n)).paid).to.equal(before.amount);
      expect((await pool(d, current)).amount).to.equal(target.amount + remainder);
      await expect(d.market.rollOver(0n)).to.be.revertedWithCustomError(d.market, "FilmMarketNothingToRollOver");
    });

    it("rolls a whole pool over when the period's tally has no films", async () => {
      const d = await loadFixture(subscribedFixture);
      await endPeriod(d, 0n);
      const { tally } = buildTally(0n, []);
      await d.market.postTally(tally, await signTally(d.market, tally, d.oracles.slice(0, 3)));
      expect(await d.market.shareOf(0n, 1n, 1n)).to.equal(0n); // no watch time: nothing to share
      await time.increase(CHALLENGE_WINDOW);
      const { amount } = await pool(d, 0n);
      const net = 3n * MONTHLY_PRICE * (BPS - BigInt(FEE_BPS)) / BPS;
      expect(amount).to.be.lessThanOrEqual(net);
      await expect(d.market.rollOver(0n)).to.emit(d.market, "RemainderRolledOver").withArgs(0n, 1n, amount);
    });
  });
});
