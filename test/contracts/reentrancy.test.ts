// Reentrancy: the market paid in a hostile token (contracts/test/ReentrantToken.sol) that calls
// back into the market from inside `transfer`, `transferFrom` or `permit`, before or after the
// balances move. For every path that moves money, the callback — into the same function or into
// another money function — must be refused with ReentrancyGuardReentrantCall(), the outer call
// must take effect exactly once, and the market must still hold exactly what it owes.
//
// The token is also an account of its own (through `execute`): it owns film 2, holds
// pay-per-view earnings, has a balance and an allowance, so every re-entered call would succeed
// and pay it if the guard let it through.
//
// `postTally` and `rollOver` move no tokens (rollOver only moves a remainder between pools), so
// they carry no guard; the last test shows a rollOver re-entered during a claim's transfer sees
// settled state and leaves the books consistent.
import { expect } from "chai";
import { network } from "hardhat";
import type { ContractTransactionReceipt, ContractTransactionResponse, Interface, LogDescription } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkConnection } from "hardhat/types/network";
import type { FilmListings, FilmMarket, ReentrantToken } from "../../types/ethers-contracts/index.ts";
import {
  buildTally, CHALLENGE_WINDOW, claimRequest, endPeriod, FEE_BPS, FILM_PRICE, MONTHLY_PRICE,
  PASS_WINDOW, PERIOD, signTally, USD, VIEW_WEIGHT_BPS, BPS, type Leaf,
} from "./fixture.ts";

const { networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

// Hook points of ReentrantToken.
const ON_TRANSFER = 1;
const ON_TRANSFER_FROM = 2;
const ON_PERMIT = 4;
const TIMINGS = [
  { before: true, label: "before the balances move" },
  { before: false, label: "after the balances move" },
];
const FILM2_PRICE = 1n * USD;
const FILM3_PRICE = 1n * USD;

/** The market of fixture.ts, paid in the hostile token. Film 2 belongs to the token itself. */
async function hostileFixture(connection: NetworkConnection) {
  const { ethers } = connection;
  const [admin, treasury, guardian, creatorA, creatorB, viewer1, viewer2, viewer3, outsider] =
    await ethers.getSigners();
  const oracles = Array.from({ length: 5 }, (_, i) =>
    new ethers.Wallet(ethers.keccak256(ethers.toUtf8Bytes(`oracle-${i}`)), ethers.provider),
  );
  const token = (await ethers.deployContract("ReentrantToken")) as unknown as ReentrantToken;
  const listings = (await ethers.deployContract("FilmListings")) as unknown as FilmListings;
  const genesis = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  const config = {
    paymentToken: await token.getAddress(),
    listings: await listings.getAddress(),
    admin: admin.address,
    guardian: guardian.address,
    treasury: treasury.address,
    feeBps: FEE_BPS,
    viewWeightBps: VIEW_WEIGHT_BPS,
    monthlyPrice: MONTHLY_PRICE,
    passWindow: PASS_WINDOW,
    challengeWindow: CHALLENGE_WINDOW,
    genesis,
    periodLength: PERIOD,
    oracleSigners: oracles.map((o) => o.address),
    oracleThreshold: 3,
  };
  const market = (await ethers.deployContract("FilmMarket", [config])) as unknown as FilmMarket;
  const marketAddress = await market.getAddress();
  const tokenAddress = await token.getAddress();

  await listings.connect(creatorA).mint("ipfs://bafyfilm1", 600, FILM_PRICE);
  await token.execute(listings, listings.interface.encodeFunctionData("mint", ["ipfs://bafyhostile", 300, FILM2_PRICE]));
  await listings.connect(creatorB).mint("ipfs://bafyfilm3", 1_200, FILM3_PRICE);
  expect(await listings.ownerOf(2n)).to.equal(tokenAddress);

  // Viewers 1–3 approve the market; the outsider pays with permits only.
  for (const v of [viewer1, viewer2, viewer3, outsider]) await token.mint(v.address, 10_000n * USD);
  for (const v of [viewer1, viewer2, viewer3]) await token.connect(v).approve(marketAddress, ethers.MaxUint256);
  // The token as a customer: a balance and an allowance of its own.
  await token.mint(tokenAddress, 10_000n * USD);
  await token.execute(token, token.interface.encodeFunctionData("approve", [marketAddress, ethers.MaxUint256]));

  return {
    ethers, token, listings, market, config, genesis, oracles, marketAddress, tokenAddress,
    admin, treasury, guardian, creatorA, creatorB, viewer1, viewer2, viewer3, outsider,
  };
}
type D = Awaited<ReturnType<typeof hostileFixture>>;

/** The token has pay-per-view earnings (viewer2 bought film 2) and fees have accrued. */
async function earningFixture(connection: NetworkConnection) {
  const d = await hostileFixture(connection);
  await d.market.connect(d.viewer2).buyView(2n, FILM2_PRICE, PASS_WINDOW);
  await d.market.connect(d.viewer2).buyView(1n, FILM_PRICE, PASS_WINDOW);
  return d;
}

const LEAVES: Leaf[] = [
  [1n, 3n, 1_500n],
  [2n, 1n, 200n],
  [3n, 2n, 2_700n],
];

/** Period 0 funded by three subscribers, settled with LEAVES, claimable; the token has earnings too. */
async function claimableFixture(connection: NetworkConnection) {
  const d = await earningFixture(connection);
  for (const v of [d.viewer1, d.viewer2, d.viewer3]) await d.market.connect(v).subscribe(1, MONTHLY_PRICE);
  await endPeriod(d, 0n);
  const { tree, tally } = buildTally(0n, LEAVES);
  await d.market.postTally(tally, await signTally(d.market, tally, d.oracles.slice(0, 3)));
  await time.increase(CHALLENGE_WINDOW);
  const requests = LEAVES.map((l) => claimRequest(tree, 0n, l));
  return { ...d, tree, tally, requests };
}

// ------------------------------------------------------------------------------- helpers

function guardError(d: D) {
  return d.market.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);
}

function call(d: D, name: string, args: unknown[]) {
  // By name at run time: the typed interface only accepts its literal function names.
  const marketInterface: Interface = d.market.interface;
  return marketInterface.encodeFunctionData(name, args);
}

/**
 * Arms the token to call the market with `data` at `mask` (at most `shots` times), runs `act`,
 * disarms it and checks that exactly `expectedAttempts` callbacks were made and that every one
 * was refused by the reentrancy guard. Returns the receipt of the outer call.
 */
async function underAttack(
  d: D,
  opts: { data: string; mask: number; before: boolean; shots?: number; expectedAttempts?: number },
  act: () => Promise<ContractTransactionResponse>,
): Promise<ContractTransactionReceipt> {
  const shots = opts.shots ?? 1;
  await d.token.resetRecord();
  await d.token.arm(d.marketAddress, opts.data, opts.mask, opts.before, shots);
  const tx = await act();
  const receipt = (await tx.wait())!;
  await d.token.disarm();
  const attempts = await d.token.attempts();
  expect(attempts).to.equal(BigInt(opts.expectedAttempts ?? shots), "callbacks made");
  expect(await d.token.failures()).to.equal(attempts, "every callback reverted");
  for (let i = 0n; i < attempts; i++) expect(await d.token.resultAt(i)).to.equal(guardError(d));
  expect(await d.token.lastSuccess()).to.equal(false);
  expect(await d.token.lastReturnData()).to.equal(guardError(d));
  return receipt;
}

/** Makes the token itself call `market.<name>(args)`. */
function asToken(d: D, name: string, args: unknown[]) {
  return d.token.execute(d.marketAddress, call(d, name, args));
}

/** Parsed market events of `name` in a receipt. */
function eventsOf(d: D, receipt: ContractTransactionReceipt, name: string) {
  return receipt.logs
    .filter((l) => l.address === d.marketAddress)
    .map((l) => d.market.interface.parseLog(l))
    .filter((e): e is LogDescription => !!e && e.name === name);
}

async function poolOf(d: D, period: bigint) {
  const [amount, paid, subscribers, claimedCount] = await d.market.poolOf(period);
  return { amount, paid, subscribers, claimedCount };
}

/**
 * The market holds exactly what it owes: every payee's earnings + accrued fees + every pool's
 * unpaid part (all payees of these tests: creators A and B and the token). Owing no more than it
 * holds is the safety property; equality shows nothing was paid twice or left unaccounted.
 */
async function expectSolvent(d: D) {
  let owed = await d.market.accruedFees();
  for (const a of [d.creatorA.address, d.creatorB.address, d.tokenAddress]) owed += await d.market.earningsOf(a);
  const last = (await d.market.currentPeriod()) + 14n;
  for (let p = 0n; p <= last; p++) {
    const { amount, paid } = await poolOf(d, p);
    expect(paid).to.be.lessThanOrEqual(amount);
    owed += amount - paid;
  }
  const held = await d.token.balanceOf(d.marketAddress);
  expect(held).to.be.greaterThanOrEqual(owed);
  expect(held).to.equal(owed);
}

async function now(d: D) {
  return BigInt((await d.ethers.provider.getBlock("latest"))!.timestamp);
}

/** Timestamp of the block that mined `receipt`. */
async function minedAt(d: D, receipt: ContractTransactionReceipt) {
  return BigInt((await d.ethers.provider.getBlock(receipt.blockNumber))!.timestamp);
}

async function permitSignature(d: D, owner: HardhatEthersSigner, value: bigint) {
  const { chainId } = await d.ethers.provider.getNetwork();
  const deadline = (await now(d)) + 3_600n;
  const nonce = await d.token.nonces(owner.address);
  const sig = await owner.signTypedData(
    { name: "Reentrant Dollar", version: "1", chainId, verifyingContract: d.tokenAddress },
    {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    { owner: owner.address, spender: d.marketAddress, value, nonce, deadline },
  );
  const { v, r, s } = d.ethers.Signature.from(sig);
  return { deadline, v, r, s };
}

const fee = (amount: bigint) => (amount * BigInt(FEE_BPS)) / BPS;

// ------------------------------------------------------------------------------- tests

describe("Reentrancy (hostile payment token)", () => {
  it("the hostile token really calls back: an unguarded target is reached and the call succeeds", async () => {
    const d = await loadFixture(hostileFixture);
    // Control: a view of the market answers from inside transferFrom, so the refusals below are
    // the guard's doing, not a broken hook.
    await d.token.arm(d.marketAddress, call(d, "accruedFees", []), ON_TRANSFER_FROM, true, 1);
    await d.market.connect(d.viewer1).buyView(1n, FILM_PRICE, PASS_WINDOW);
    expect(await d.token.attempts()).to.equal(1n);
    expect(await d.token.lastSuccess()).to.equal(true);
    // And unarmed, a re-entered call made on its own goes through (the token can buy).
    await asToken(d, "buyView", [1n, FILM_PRICE, PASS_WINDOW]);
    expect(await d.market.passExpiry(1n, d.tokenAddress)).to.be.greaterThan(0n);
  });

  describe("buyView", () => {
    for (const { before, label } of TIMINGS) {
      it(`refuses a re-entered buyView ${label}; the pass, earnings and fee are booked once`, async () => {
        const d = await loadFixture(hostileFixture);
        const receipt = await underAttack(
          d, { data: call(d, "buyView", [1n, FILM_PRICE, PASS_WINDOW]), mask: ON_TRANSFER_FROM, before },
          () => d.market.connect(d.viewer1).buyView(1n, FILM_PRICE, PASS_WINDOW),
        );
        expect(eventsOf(d, receipt, "ViewPurchased")).to.have.length(1);
        expect(await d.market.passExpiry(1n, d.viewer1.address)).to.equal((await minedAt(d, receipt)) + BigInt(PASS_WINDOW));
        expect(await d.market.passExpiry(1n, d.tokenAddress)).to.equal(0n);
        expect(await d.market.earningsOf(d.creatorA.address)).to.equal(FILM_PRICE - fee(FILM_PRICE));
        expect(await d.market.accruedFees()).to.equal(fee(FILM_PRICE));
        expect(await d.token.balanceOf(d.marketAddress)).to.equal(FILM_PRICE);
        await expectSolvent(d);
      });

      it(`refuses withdrawEarnings re-entered from buyView ${label}`, async () => {
        const d = await loadFixture(earningFixture);
        const owed = await d.market.earningsOf(d.tokenAddress);
        expect(owed).to.be.greaterThan(0n);
        const tokenBalance = await d.token.balanceOf(d.tokenAddress);
        await underAttack(
          d, { data: call(d, "withdrawEarnings", [d.tokenAddress]), mask: ON_TRANSFER_FROM, before },
          () => d.market.connect(d.viewer1).buyView(1n, FILM_PRICE, PASS_WINDOW),
        );
        expect(await d.market.earningsOf(d.tokenAddress)).to.equal(owed);
        expect(await d.token.balanceOf(d.tokenAddress)).to.equal(tokenBalance);
        await expectSolvent(d);
      });
    }
  });

  describe("buyViewWithPermit", () => {
    for (const { before, label } of TIMINGS) {
      it(`refuses re-entry from permit and from transferFrom ${label}`, async () => {
        const d = await loadFixture(earningFixture);
        const { deadline, v, r, s } = await permitSignature(d, d.outsider, FILM_PRICE);
        const buyerBefore = await d.token.balanceOf(d.outsider.address);
        const owed = await d.market.earningsOf(d.tokenAddress);
        const feesBefore = await d.market.accruedFees();
        // Two callbacks: one from permit (same function, as the token), one from transferFrom (another money function).
        const receipt = await underAttack(
          d,
          {
            data: call(d, "buyViewWithPermit", [1n, FILM_PRICE, PASS_WINDOW, deadline, v, r, s]),
            mask: ON_PERMIT | ON_TRANSFER_FROM, before, shots: 2,
          },
          () => d.market.connect(d.outsider).buyViewWithPermit(1n, FILM_PRICE, PASS_WINDOW, deadline, v, r, s),
        );
        expect(eventsOf(d, receipt, "ViewPurchased")).to.have.length(1);
        expect(await d.token.balanceOf(d.outsider.address)).to.equal(buyerBefore - FILM_PRICE);
        expect(await d.market.passExpiry(1n, d.outsider.address)).to.equal((await minedAt(d, receipt)) + BigInt(PASS_WINDOW));
        expect(await d.market.passExpiry(1n, d.tokenAddress)).to.equal(0n);
        expect(await d.market.accruedFees()).to.equal(feesBefore + fee(FILM_PRICE));
        expect(await d.market.earningsOf(d.tokenAddress)).to.equal(owed);
        await expectSolvent(d);
      });

      it(`refuses withdrawFees re-entered from buyViewWithPermit's permit ${label}`, async () => {
        const d = await loadFixture(earningFixture);
        const feesBefore = await d.market.accruedFees();
        const { deadline, v, r, s } = await permitSignature(d, d.outsider, FILM_PRICE);
        await underAttack(
          d, { data: call(d, "withdrawFees", []), mask: ON_PERMIT, before },
          () => d.market.connect(d.outsider).buyViewWithPermit(1n, FILM_PRICE, PASS_WINDOW, deadline, v, r, s),
        );
        expect(await d.token.balanceOf(d.treasury.address)).to.equal(0n);
        expect(await d.market.accruedFees()).to.equal(feesBefore + fee(FILM_PRICE));
        await expectSolvent(d);
      });
    }
  });

  describe("subscribe", () => {
    for (const { before, label } of TIMINGS) {
      it(`refuses a re-entered subscribe ${label}; one subscription, one pool funding`, async () => {
        const d = await loadFixture(hostileFixture);
        const receipt = await underAttack(
          d, { data: call(d, "subscribe", [1n, MONTHLY_PRICE]), mask: ON_TRANSFER_FROM, before },
          () => d.market.connect(d.viewer1).subscribe(1, MONTHLY_PRICE),
        );
        expect(eventsOf(d, receipt, "Subscribed")).to.have.length(1);
        expect(await d.market.subscriptionEnd(d.viewer1.address)).to.equal((await minedAt(d, receipt)) + BigInt(PERIOD));
        expect(await d.market.subscriptionEnd(d.tokenAddress)).to.equal(0n);
        const [p0, p1] = [await poolOf(d, 0n), await poolOf(d, 1n)];
        expect(p0.amount + p1.amount).to.equal(MONTHLY_PRICE - fee(MONTHLY_PRICE));
        expect(p0.subscribers).to.equal(1n);
        expect(await d.market.accruedFees()).to.equal(fee(MONTHLY_PRICE));
        await expectSolvent(d);
      });

      it(`refuses withdrawFees re-entered from subscribe ${label} (fees of a payment not yet received)`, async () => {
        const d = await loadFixture(earningFixture);
        const feesBefore = await d.market.accruedFees();
        await underAttack(
          d, { data: call(d, "withdrawFees", []), mask: ON_TRANSFER_FROM, before },
          () => d.market.connect(d.viewer1).subscribe(3, MONTHLY_PRICE),
        );
        expect(await d.token.balanceOf(d.treasury.address)).to.equal(0n);
        expect(await d.market.accruedFees()).to.equal(feesBefore + fee(3n * MONTHLY_PRICE));
        await expectSolvent(d);
      });
    }
  });

  describe("subscribeWithPermit", () => {
    for (const { before, label } of TIMINGS) {
      it(`refuses re-entry from permit and from transferFrom ${label}`, async () => {
        const d = await loadFixture(earningFixture);
        const total = 2n * MONTHLY_PRICE;
        const { deadline, v, r, s } = await permitSignature(d, d.outsider, total);
        const payerBefore = await d.token.balanceOf(d.outsider.address);
        const receipt = await underAttack(
          d,
          {
            data: call(d, "subscribeWithPermit", [2n, MONTHLY_PRICE, deadline, v, r, s]),
            mask: ON_PERMIT | ON_TRANSFER_FROM, before, shots: 2,
          },
          () => d.market.connect(d.outsider).subscribeWithPermit(2, MONTHLY_PRICE, deadline, v, r, s),
        );
        expect(eventsOf(d, receipt, "Subscribed")).to.have.length(1);
        expect(await d.token.balanceOf(d.outsider.address)).to.equal(payerBefore - total);
        expect(await d.market.subscriptionEnd(d.outsider.address)).to.equal((await minedAt(d, receipt)) + 2n * BigInt(PERIOD));
        expect(await d.market.subscriptionEnd(d.tokenAddress)).to.equal(0n);
        await expectSolvent(d);
      });

      it(`refuses withdrawEarnings re-entered from subscribeWithPermit's transferFrom ${label}`, async () => {
        const d = await loadFixture(earningFixture);
        const owed = await d.market.earningsOf(d.tokenAddress);
        const { deadline, v, r, s } = await permitSignature(d, d.outsider, MONTHLY_PRICE);
        await underAttack(
          d, { data: call(d, "withdrawEarnings", [d.tokenAddress]), mask: ON_TRANSFER_FROM, before },
          () => d.market.connect(d.outsider).subscribeWithPermit(1, MONTHLY_PRICE, deadline, v, r, s),
        );
        expect(await d.market.earningsOf(d.tokenAddress)).to.equal(owed);
        await expectSolvent(d);
      });
    }
  });

  describe("withdrawEarnings", () => {
    for (const { before, label } of TIMINGS) {
      it(`pays the earnings once when the payee re-enters withdrawEarnings ${label}`, async () => {
        const d = await loadFixture(earningFixture);
        // Another purchase of film 2, so a second withdrawal would have something to take.
        await d.market.connect(d.viewer1).buyView(2n, FILM2_PRICE, PASS_WINDOW);
        const owed = await d.market.earningsOf(d.tokenAddress);
        expect(owed).to.equal(2n * (FILM2_PRICE - fee(FILM2_PRICE)));
        const balanceBefore = await d.token.balanceOf(d.tokenAddress);
        const receipt = await underAttack(
          d, { data: call(d, "withdrawEarnings", [d.tokenAddress]), mask: ON_TRANSFER, before },
          () => asToken(d, "withdrawEarnings", [d.tokenAddress]),
        );
        expect(eventsOf(d, receipt, "EarningsWithdrawn")).to.have.length(1);
        expect(await d.token.balanceOf(d.tokenAddress)).to.equal(balanceBefore + owed);
        expect(await d.market.earningsOf(d.tokenAddress)).to.equal(0n);
        await expectSolvent(d);
      });

      it(`refuses withdrawFees and buyView re-entered from withdrawEarnings ${label}`, async () => {
        for (const reentry of ["withdrawFees", "buyView"]) {
          const d = await loadFixture(earningFixture);
          const fees = await d.market.accruedFees();
          const owedA = await d.market.earningsOf(d.creatorA.address);
          const data = reentry === "withdrawFees" ? call(d, "withdrawFees", []) : call(d, "buyView", [1n, FILM_PRICE, PASS_WINDOW]);
          await underAttack(
            d, { data, mask: ON_TRANSFER, before },
            () => d.market.connect(d.creatorA).withdrawEarnings(d.creatorA.address),
          );
          expect(await d.token.balanceOf(d.creatorA.address)).to.equal(owedA);
          expect(await d.market.earningsOf(d.creatorA.address)).to.equal(0n);
          expect(await d.market.accruedFees()).to.equal(fees);
          expect(await d.market.passExpiry(1n, d.tokenAddress)).to.equal(0n);
          await expectSolvent(d);
        }
      });
    }
  });

  describe("withdrawFees", () => {
    for (const { before, label } of TIMINGS) {
      it(`sends the fees once when the token re-enters withdrawFees or withdrawEarnings ${label}`, async () => {
        for (const name of ["withdrawFees", "withdrawEarnings"]) {
          const d = await loadFixture(earningFixture);
          const fees = await d.market.accruedFees();
          const owed = await d.market.earningsOf(d.tokenAddress);
          const data = name === "withdrawFees" ? call(d, name, []) : call(d, name, [d.tokenAddress]);
          const receipt = await underAttack(
            d, { data, mask: ON_TRANSFER, before },
            () => d.market.connect(d.outsider).withdrawFees(),
          );
          expect(eventsOf(d, receipt, "FeesWithdrawn")).to.have.length(1);
          expect(await d.token.balanceOf(d.treasury.address)).to.equal(fees);
          expect(await d.market.accruedFees()).to.equal(0n);
          expect(await d.market.earningsOf(d.tokenAddress)).to.equal(owed);
          await expectSolvent(d);
        }
      });
    }
  });

  describe("claim", () => {
    for (const { before, label } of TIMINGS) {
      it(`refuses claim (same film, another film) and withdrawEarnings re-entered ${label}`, async () => {
        for (const reentry of ["same film", "another film", "withdrawEarnings"]) {
          const d = await loadFixture(claimableFixture);
          const { amount } = await poolOf(d, 0n);
          const data =
            reentry === "same film" ? call(d, "claim", [d.requests[1]])
            : reentry === "another film" ? call(d, "claim", [d.requests[2]])
            : call(d, "withdrawEarnings", [d.tokenAddress]);
          const share = await d.market.shareOf(0n, LEAVES[1][1], LEAVES[1][2]);
          const owed = await d.market.earningsOf(d.tokenAddress);
          const balanceBefore = await d.token.balanceOf(d.tokenAddress);
          // Film 2 belongs to the token: its claim pays the token, which calls back.
          const receipt = await underAttack(
            d, { data, mask: ON_TRANSFER, before },
            () => d.market.connect(d.outsider).claim(d.requests[1]),
          );
          expect(eventsOf(d, receipt, "Claimed")).to.have.length(1);
          expect(await d.token.balanceOf(d.tokenAddress)).to.equal(balanceBefore + share, reentry);
          expect(await d.market.earningsOf(d.tokenAddress)).to.equal(owed);
          expect(await d.market.isClaimed(0n, 3n)).to.equal(false);
          const after = await poolOf(d, 0n);
          expect(after.paid).to.equal(share);
          expect(after.claimedCount).to.equal(1n);
          expect(after.amount).to.equal(amount);
          await expectSolvent(d);
          // The refused claim can still be made afterwards, once.
          await d.market.claim(d.requests[2]);
          expect(await d.market.isClaimed(0n, 3n)).to.equal(true);
          await expectSolvent(d);
        }
      });
    }
  });

  describe("claimBatch", () => {
    for (const { before, label } of TIMINGS) {
      it(`pays each owner once when every transfer of a batch re-enters ${label}`, async () => {
        for (const reentry of ["claimBatch", "claim", "withdrawEarnings"]) {
          const d = await loadFixture(claimableFixture);
          const { amount } = await poolOf(d, 0n);
          const shares = await Promise.all(LEAVES.map((l) => d.market.shareOf(0n, l[1], l[2])));
          const data =
            reentry === "claimBatch" ? call(d, "claimBatch", [d.requests])
            : reentry === "claim" ? call(d, "claim", [d.requests[0]])
            : call(d, "withdrawEarnings", [d.tokenAddress]);
          const owed = await d.market.earningsOf(d.tokenAddress);
          const [a, b, t] = await Promise.all(
            [d.creatorA.address, d.creatorB.address, d.tokenAddress].map((x) => d.token.balanceOf(x)),
          );
          // Owners A, token, B: three transfers, three callbacks.
          const receipt = await underAttack(
            d, { data, mask: ON_TRANSFER, before, shots: 5, expectedAttempts: 3 },
            () => d.market.connect(d.outsider).claimBatch(d.requests),
          );
          expect(eventsOf(d, receipt, "Claimed")).to.have.length(3);
          expect(await d.token.balanceOf(d.creatorA.address)).to.equal(a + shares[0]);
          expect(await d.token.balanceOf(d.tokenAddress)).to.equal(t + shares[1]);
          expect(await d.token.balanceOf(d.creatorB.address)).to.equal(b + shares[2]);
          expect(await d.market.earningsOf(d.tokenAddress)).to.equal(owed);
          const after = await poolOf(d, 0n);
          expect(after.paid).to.equal(shares[0] + shares[1] + shares[2]);
          expect(after.claimedCount).to.equal(3n);
          expect(amount - after.paid).to.be.lessThan(3n);
          await expectSolvent(d);
        }
      });
    }
  });

  describe("a refused transfer credited as earnings", () => {
    for (const { before, label } of TIMINGS) {
      it(`credits the share once when the refused payee re-enters claim, claimBatch or withdrawEarnings ${label}`, async () => {
        for (const reentry of ["claim", "claimBatch", "withdrawEarnings"]) {
          const d = await loadFixture(claimableFixture);
          await d.token.refuse(d.tokenAddress); // film 2's owner, the token itself, is refused
          const shares = await Promise.all(LEAVES.map((l) => d.market.shareOf(0n, l[1], l[2])));
          const data =
            reentry === "claim" ? call(d, "claim", [d.requests[2]])
            : reentry === "claimBatch" ? call(d, "claimBatch", [d.requests])
            : call(d, "withdrawEarnings", [d.tokenAddress]);
          const owed = await d.market.earningsOf(d.tokenAddress);
          const held = await d.token.balanceOf(d.tokenAddress);
          // Owners A, token, B: three transfers, three callbacks; the token's transfer fails.
          const receipt = await underAttack(
            d, { data, mask: ON_TRANSFER, before, shots: 5, expectedAttempts: 3 },
            () => d.market.connect(d.outsider).claimBatch(d.requests),
          );
          expect(eventsOf(d, receipt, "Claimed")).to.have.length(3);
          const credits = eventsOf(d, receipt, "ClaimCredited");
          expect(credits.map((e) => [e.args.payee, e.args.amount])).to.deep.equal([[d.tokenAddress, shares[1]]]);
          expect(await d.market.earningsOf(d.tokenAddress)).to.equal(owed + shares[1], reentry);
          expect(await d.token.balanceOf(d.tokenAddress)).to.equal(held);
          expect((await poolOf(d, 0n)).claimedCount).to.equal(3n);
          await expectSolvent(d);
        }
      });
    }
  });

  describe("postTally and rollOver (no token moves, no guard)", () => {
    it("a rollOver re-entered during the last claim's transfer sees settled state; books stay consistent", async () => {
      const d = await loadFixture(claimableFixture);
      await d.market.claimBatch([d.requests[0], d.requests[2]]);
      const before = await poolOf(d, 0n);
      const share = await d.market.shareOf(0n, LEAVES[1][1], LEAVES[1][2]);
      const remainder = before.amount - before.paid - share;
      const current = await d.market.currentPeriod();
      const target = await poolOf(d, current);

      await d.token.resetRecord();
      await d.token.arm(d.marketAddress, call(d, "rollOver", [0n]), ON_TRANSFER, false, 1);
      await d.market.claim(d.requests[1]);
      await d.token.disarm();
      expect(await d.token.attempts()).to.equal(1n);
      if (remainder === 0n) {
        // Nothing to roll over: the callback reverted with the market's own error, not the guard.
        expect(await d.token.lastSuccess()).to.equal(false);
        expect(await d.token.lastReturnData()).to.equal(
          d.market.interface.encodeErrorResult("FilmMarketNothingToRollOver", [0n]),
        );
      } else {
        expect(await d.token.lastSuccess()).to.equal(true);
        expect((await poolOf(d, 0n)).paid).to.equal(before.amount);
        expect((await poolOf(d, current)).amount).to.equal(target.amount + remainder);
        await expect(d.market.rollOver(0n)).to.be.revertedWithCustomError(d.market, "FilmMarketNothingToRollOver");
      }
      await expectSolvent(d);
    });

    it("a rollOver re-entered during a mid-batch transfer is not undone by the rest of the batch", async () => {
      // claimBatch books a period in memory and writes it back once; it must write back before each
      // transfer and read the books again after it, or it would overwrite what the re-entered
      // rollOver booked and let the remainder be rolled over twice.
      const d = await loadFixture(claimableFixture);
      const { amount } = await poolOf(d, 0n);
      const shares = await Promise.all(LEAVES.map((l) => d.market.shareOf(0n, l[1], l[2])));
      const remainder = amount - shares.reduce((a, b) => a + b, 0n);
      const current = await d.market.currentPeriod();
      const target = await poolOf(d, current);

      await d.token.resetRecord();
      await d.token.arm(d.marketAddress, call(d, "rollOver", [0n]), ON_TRANSFER, false, 2);
      // Owners A, token, B, then A's film again (skipped). A is paid when the token's film is booked
      // (two claims out: that rollOver is refused), the token when B's is (all three booked: the
      // rollOver goes through), and A's film comes after it.
      await d.market.claimBatch([d.requests[0], d.requests[1], d.requests[2], d.requests[0]]);
      await d.token.disarm();
      expect(await d.token.attempts()).to.equal(2n);
      const after = await poolOf(d, 0n);
      expect(after.claimedCount).to.equal(3n);
      // The rounding dust moved once, by the re-entered rollOver, and the batch left it moved.
      expect(remainder).to.be.greaterThan(0n);
      expect(await d.token.lastSuccess()).to.equal(true);
      expect(after.paid).to.equal(amount);
      expect((await poolOf(d, current)).amount).to.equal(target.amount + remainder);
      await expect(d.market.rollOver(0n)).to.be.revertedWithCustomError(d.market, "FilmMarketNothingToRollOver");
      await expectSolvent(d);
    });

    it("a hostile token cannot get postTally to move money: posting changes no balance", async () => {
      const d = await loadFixture(earningFixture);
      for (const v of [d.viewer1, d.viewer2]) await d.market.connect(v).subscribe(1, MONTHLY_PRICE);
      await endPeriod(d, 0n);
      const held = await d.token.balanceOf(d.marketAddress);
      await d.token.arm(d.marketAddress, call(d, "withdrawFees", []), ON_TRANSFER | ON_TRANSFER_FROM, true, 5);
      await d.token.resetRecord();
      const { tally } = buildTally(0n, LEAVES);
      await d.market.postTally(tally, await signTally(d.market, tally, d.oracles.slice(0, 3)));
      await d.token.disarm();
      expect(await d.token.attempts()).to.equal(0n); // the token was never called
      expect(await d.token.balanceOf(d.marketAddress)).to.equal(held);
      await expectSolvent(d);
    });
  });
});
