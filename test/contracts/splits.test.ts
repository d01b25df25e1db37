// Collaborator splits (contracts/periphery/FilmSplitter.sol, SplitterFactory.sol): a creator sends
// their film's listing to the factory with the payees and shares; the film's clone splitter then
// owns it, collects its pay-per-view earnings and pool claims, and pays each payee their exact
// share on request. Attacks tried here: re-splitting or re-initialising, moving the listing out,
// releasing someone else's money to oneself, re-entering a release from the token, a payee the
// token refuses, and rounding that would pay out more (or less) than came in.
import { expect } from "chai";
import fc from "fast-check";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type {
  BlacklistToken,
  FilmListings,
  FilmMarket,
  FilmSplitter,
  ReentrantToken,
  SplitterFactory,
} from "../../types/ethers-contracts/index.ts";
import {
  buildTally, CHALLENGE_WINDOW, claimRequest, deployMarket, endPeriod, FEE_BPS, FILM_PRICE, MONTHLY_PRICE,
  PASS_WINDOW, PERIOD, signTally, USD, VIEW_WEIGHT_BPS, BPS, type FixtureToken, type Leaf,
} from "./fixture.ts";

const { networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const NET_PRICE = FILM_PRICE - (FILM_PRICE * BigInt(FEE_BPS)) / BPS;

async function withFactory(connection: NetworkConnection, tokenName: FixtureToken = "TestDollar") {
  const d = await deployMarket(connection, tokenName);
  const factory = (await d.ethers.deployContract("SplitterFactory", [await d.market.getAddress()])) as unknown as SplitterFactory;
  const listings = d.listings as unknown as FilmListings;
  const signers = await d.ethers.getSigners();
  // Collaborators with no other role in the fixture.
  const [director, writer, composer] = signers.slice(9, 12);
  return { ...d, listings, factory, director, writer, composer, signers };
}
type Splits = Awaited<ReturnType<typeof withFactory>>;

const splitsFixture = (c: NetworkConnection) => withFactory(c);
const blacklistFixture = (c: NetworkConnection) => withFactory(c, "BlacklistToken");

function encodeSplit(d: Splits, payees: string[], shares: bigint[]) {
  return d.ethers.AbiCoder.defaultAbiCoder().encode(["address[]", "uint256[]"], [payees, shares]);
}

/** Sends `filmId` to the factory with its split, as the studio does. */
function sendToFactory(d: Splits, owner: HardhatEthersSigner, filmId: bigint, payees: string[], shares: bigint[]) {
  return d.listings
    .connect(owner)
    ["safeTransferFrom(address,address,uint256,bytes)"](owner.address, d.factory.getAddress(), filmId, encodeSplit(d, payees, shares));
}

async function split(d: Splits, owner: HardhatEthersSigner, filmId: bigint, payees: string[], shares: bigint[]) {
  await sendToFactory(d, owner, filmId, payees, shares);
  return (await d.ethers.getContractAt("FilmSplitter", await d.factory.splitterOf(filmId))) as unknown as FilmSplitter;
}

/** Film 1 (creator A, 2 tUSD) split 50/30/20 among A, the director and the composer. */
async function splitFilmFixture(connection: NetworkConnection) {
  const d = await withFactory(connection);
  const payees = [d.creatorA.address, d.director.address, d.composer.address];
  const shares = [50n, 30n, 20n];
  const splitter = await split(d, d.creatorA, 1n, payees, shares);
  return { ...d, splitter, payees, shares };
}

async function received(d: Splits, splitter: FilmSplitter) {
  const at = await splitter.getAddress();
  return (await d.token.balanceOf(at)) + (await d.market.earningsOf(at)) + (await splitter.totalReleased());
}

/** The invariant: what the splitter owes (every payee's releasable) never exceeds what it holds. */
async function expectSolvent(d: Splits, splitter: FilmSplitter) {
  const at = await splitter.getAddress();
  const held = (await d.token.balanceOf(at)) + (await d.market.earningsOf(at));
  let owed = 0n;
  for (const p of await splitter.payees()) owed += await splitter.releasable(p);
  expect(owed).to.be.at.most(held);
  return { held, owed };
}

describe("Collaborator splits", () => {
  describe("making a split", () => {
    it("clones a splitter at the predicted address that owns the listing, with the split fixed", async () => {
      const d = await loadFixture(splitsFixture);
      const predicted = await d.factory.predictSplitter(1n);
      const payees = [d.creatorA.address, d.director.address];
      await expect(sendToFactory(d, d.creatorA, 1n, payees, [70n, 30n]))
        .to.emit(d.factory, "SplitterCreated")
        .withArgs(1n, predicted, d.creatorA.address, payees, [70n, 30n]);
      expect(await d.factory.splitterOf(1n)).to.equal(predicted);
      expect(await d.listings.ownerOf(1n)).to.equal(predicted);
      const splitter = (await d.ethers.getContractAt("FilmSplitter", predicted)) as unknown as FilmSplitter;
      expect(await splitter.payees()).to.deep.equal(payees);
      expect(await splitter.sharesOf(d.director.address)).to.equal(30n);
      expect(await splitter.totalShares()).to.equal(100n);
      expect(await splitter.controller()).to.equal(d.creatorA.address);
      expect(await splitter.filmId()).to.equal(1n);
      // The market now pays the splitter; the creator is no longer the listing's owner.
      const [owner] = await d.listings.saleTerms(1n);
      expect(owner).to.equal(predicted);
    });

    const bad: Array<[string, (d: Splits) => [string[], bigint[]], string]> = [
      ["no payees", () => [[], []], "SplitterInvalidPayeeCount"],
      ["more payees than shares", (d) => [[d.director.address, d.writer.address], [1n]], "SplitterLengthMismatch"],
      ["a zero address", (d) => [[d.director.address, "0x" + "00".repeat(20)], [1n, 1n]], "SplitterZeroAddress"],
      ["a zero share", (d) => [[d.director.address, d.writer.address], [1n, 0n]], "SplitterZeroShares"],
      ["a payee twice", (d) => [[d.director.address, d.writer.address, d.director.address], [1n, 1n, 1n]], "SplitterDuplicatePayee"],
      [
        "101 payees",
        () => [Array.from({ length: 101 }, (_, i) => "0x" + (i + 1).toString(16).padStart(40, "0")), Array(101).fill(1n)],
        "SplitterInvalidPayeeCount",
      ],
    ];
    for (const [label, make, error] of bad) {
      it(`refuses a split with ${label} and leaves the listing with its creator`, async () => {
        const d = await loadFixture(splitsFixture);
        const [payees, shares] = make(d);
        const splitterImpl = await d.ethers.getContractAt("FilmSplitter", await d.factory.implementation());
        await expect(sendToFactory(d, d.creatorA, 1n, payees, shares)).to.be.revertedWithCustomError(splitterImpl, error);
        expect(await d.listings.ownerOf(1n)).to.equal(d.creatorA.address);
        expect(await d.factory.splitterOf(1n)).to.equal(d.ethers.ZeroAddress);
      });
    }

    it("refuses a transfer without a split, and a call that is not the listings' own", async () => {
      const d = await loadFixture(splitsFixture);
      await expect(
        d.listings.connect(d.creatorA)["safeTransferFrom(address,address,uint256)"](d.creatorA.address, d.factory.getAddress(), 1n),
      ).to.be.revertedWithCustomError(d.factory, "SplitterFactoryNoSplit");
      // Someone calling the hook directly (to make a splitter for a film they do not own) is refused.
      await expect(
        d.factory.connect(d.outsider).onERC721Received(d.outsider.address, d.outsider.address, 3n, encodeSplit(d, [d.outsider.address], [1n])),
      )
        .to.be.revertedWithCustomError(d.factory, "SplitterFactoryNotListings")
        .withArgs(d.outsider.address);
      expect(await d.factory.splitterOf(3n)).to.equal(d.ethers.ZeroAddress);
    });

    it("only the owner (or their approved operator) can split a film", async () => {
      const d = await loadFixture(splitsFixture);
      await expect(
        d.listings
          .connect(d.outsider)
          ["safeTransferFrom(address,address,uint256,bytes)"](d.creatorA.address, d.factory.getAddress(), 1n, encodeSplit(d, [d.outsider.address], [1n])),
      ).to.be.revertedWithCustomError(d.listings, "ERC721InsufficientApproval");
    });
  });

  describe("changing a split is refused once set", () => {
    it("a second initialize reverts, on the clone and on the implementation", async () => {
      const d = await loadFixture(splitFilmFixture);
      for (const who of [d.creatorA, d.outsider]) {
        await expect(
          d.splitter.connect(who).initialize(d.market.getAddress(), 1n, who.address, [who.address], [1n]),
        ).to.be.revertedWithCustomError(d.splitter, "InvalidInitialization");
      }
      const impl = (await d.ethers.getContractAt("FilmSplitter", await d.factory.implementation())) as unknown as FilmSplitter;
      await expect(impl.initialize(d.market.getAddress(), 1n, d.outsider.address, [d.outsider.address], [1n])).to.be.revertedWithCustomError(
        impl,
        "InvalidInitialization",
      );
      expect(await d.splitter.payees()).to.deep.equal(d.payees);
    });

    it("the controller cannot move the listing out of the splitter, nor split it again", async () => {
      const d = await loadFixture(splitFilmFixture);
      const at = await d.splitter.getAddress();
      await expect(d.listings.connect(d.creatorA).transferFrom(at, d.creatorA.address, 1n)).to.be.revertedWithCustomError(
        d.listings,
        "ERC721InsufficientApproval",
      );
      await expect(
        d.listings
          .connect(d.creatorA)
          ["safeTransferFrom(address,address,uint256,bytes)"](at, d.factory.getAddress(), 1n, encodeSplit(d, [d.creatorA.address], [1n])),
      ).to.be.revertedWithCustomError(d.listings, "ERC721InsufficientApproval");
      expect(await d.listings.ownerOf(1n)).to.equal(at);
    });

    it("the controller (only) sets the price and pauses sales through the splitter", async () => {
      const d = await loadFixture(splitFilmFixture);
      await expect(d.splitter.connect(d.director).setPrice(5n * USD))
        .to.be.revertedWithCustomError(d.splitter, "SplitterNotController")
        .withArgs(d.director.address);
      await expect(d.splitter.connect(d.outsider).setSalesPaused(true)).to.be.revertedWithCustomError(d.splitter, "SplitterNotController");
      await d.splitter.connect(d.creatorA).setPrice(5n * USD);
      await d.splitter.connect(d.creatorA).setSalesPaused(true);
      const [, price, paused] = await d.listings.saleTerms(1n);
      expect([price, paused]).to.deep.equal([5n * USD, true]);
    });
  });

  describe("paying out", () => {
    it("divides pay-per-view earnings exactly: each payee withdraws their share, collected from the market", async () => {
      const d = await loadFixture(splitFilmFixture);
      for (const v of [d.viewer1, d.viewer2, d.viewer3]) await d.market.connect(v).buyView(1n, FILM_PRICE, PASS_WINDOW);
      const total = 3n * NET_PRICE;
      const at = await d.splitter.getAddress();
      expect(await d.market.earningsOf(at)).to.equal(total);
      expect(await d.splitter.releasable(d.director.address)).to.equal((total * 30n) / 100n);

      const before = await d.token.balanceOf(d.director.address);
      // Anyone may trigger a payee's release; the money goes to the payee only.
      await expect(d.splitter.connect(d.outsider).release(d.director.address))
        .to.emit(d.splitter, "PaymentReleased")
        .withArgs(d.director.address, d.director.address, (total * 30n) / 100n);
      expect((await d.token.balanceOf(d.director.address)) - before).to.equal((total * 30n) / 100n);
      expect(await d.market.earningsOf(at)).to.equal(0n);
      await d.splitter.connect(d.creatorA).release(d.creatorA.address);
      await d.splitter.connect(d.composer).release(d.composer.address);
      expect(await d.splitter.releasedOf(d.creatorA.address)).to.equal((total * 50n) / 100n);
      expect(await d.splitter.releasedOf(d.composer.address)).to.equal((total * 20n) / 100n);
      expect(await d.token.balanceOf(at)).to.equal(0n); // 5.4 tUSD divides evenly
      await expect(d.splitter.release(d.director.address))
        .to.be.revertedWithCustomError(d.splitter, "SplitterNothingDue")
        .withArgs(d.director.address);
    });

    it("receives the film's pool claim and divides it exactly", async () => {
      const d = await loadFixture(splitFilmFixture);
      await d.market.connect(d.viewer1).subscribe(1, MONTHLY_PRICE);
      await endPeriod(d, 0n);
      const leaves: Leaf[] = [
        [1n, 3n, 1_500n],
        [3n, 2n, 2_000n],
      ];
      const { tree, tally } = buildTally(0n, leaves);
      await d.market.postTally(tally, await signTally(d.market, tally, d.oracles.slice(0, 3)));
      await time.increase(CHALLENGE_WINDOW);
      const at = await d.splitter.getAddress();
      // Anyone may claim the film's share; the market pays the listing's owner: the splitter.
      await d.market.connect(d.outsider).claim(claimRequest(tree, 0n, leaves[0]));
      const pool = await d.token.balanceOf(at);
      expect(pool).to.be.greaterThan(0n);
      for (const [i, p] of d.payees.entries()) {
        const signer = [d.creatorA, d.director, d.composer][i];
        const before = await d.token.balanceOf(p);
        await d.splitter.connect(signer).release(p);
        expect((await d.token.balanceOf(p)) - before).to.equal((pool * d.shares[i]) / 100n);
      }
      const dust = await d.token.balanceOf(at);
      expect(dust).to.equal(pool - d.shares.reduce((s, sh) => s + (pool * sh) / 100n, 0n));
      expect(dust).to.be.lessThan(BigInt(d.payees.length));
    });

    it("keeps the rounding remainder claimable: nothing lost, nothing created", async () => {
      const d = await loadFixture(splitsFixture);
      const payees = [d.director.address, d.writer.address, d.composer.address];
      const splitter = await split(d, d.creatorA, 2n, payees, [1n, 1n, 1n]);
      const at = await splitter.getAddress();
      await d.token.connect(d.viewer1).transfer(at, 100n);
      for (const p of payees) expect(await splitter.releasable(p)).to.equal(33n);
      await splitter.release(d.director.address);
      expect(await d.token.balanceOf(at)).to.equal(67n);
      // Two more units arrive: 102 in all, 34 each; the unit left over before is now paid out.
      await d.token.connect(d.viewer1).transfer(at, 2n);
      expect(await splitter.releasable(d.director.address)).to.equal(1n);
      for (const p of payees) await splitter.release(p);
      for (const p of payees) expect(await splitter.releasedOf(p)).to.equal(34n);
      expect(await d.token.balanceOf(at)).to.equal(0n);
      expect(await splitter.totalReleased()).to.equal(102n);
    });

    it("refuses a non-payee and a zero recipient", async () => {
      const d = await loadFixture(splitFilmFixture);
      await d.market.connect(d.viewer1).buyView(1n, FILM_PRICE, PASS_WINDOW);
      await expect(d.splitter.connect(d.outsider).releaseTo(d.outsider.address))
        .to.be.revertedWithCustomError(d.splitter, "SplitterNotPayee")
        .withArgs(d.outsider.address);
      await expect(d.splitter.release(d.outsider.address)).to.be.revertedWithCustomError(d.splitter, "SplitterNotPayee");
      await expect(d.splitter.connect(d.director).releaseTo(d.ethers.ZeroAddress)).to.be.revertedWithCustomError(
        d.splitter,
        "SplitterZeroAddress",
      );
      expect(await d.splitter.releasable(d.outsider.address)).to.equal(0n);
    });

    it("a payee the token refuses blocks only themselves, and can take their share to another address", async () => {
      const d = await loadFixture(blacklistFixture);
      const token = d.token as unknown as BlacklistToken;
      const payees = [d.creatorA.address, d.director.address, d.composer.address];
      const splitter = await split(d, d.creatorA, 1n, payees, [50n, 30n, 20n]);
      for (const v of [d.viewer1, d.viewer2]) await d.market.connect(v).buyView(1n, FILM_PRICE, PASS_WINDOW);
      const total = 2n * NET_PRICE;
      await token.setBlacklisted(d.director.address, true);
      await expect(splitter.release(d.director.address)).to.be.revertedWithCustomError(token, "BlacklistTokenBlocked");
      // The others are paid in full regardless.
      await splitter.release(d.creatorA.address);
      await splitter.release(d.composer.address);
      expect(await splitter.releasedOf(d.creatorA.address)).to.equal((total * 50n) / 100n);
      expect(await splitter.releasedOf(d.composer.address)).to.equal((total * 20n) / 100n);
      // The blocked payee's share waits for them, and they may send it elsewhere.
      expect(await splitter.releasable(d.director.address)).to.equal((total * 30n) / 100n);
      await splitter.connect(d.director).releaseTo(d.writer.address);
      expect(await token.balanceOf(d.writer.address)).to.equal((total * 30n) / 100n);
      await expectSolvent(d, splitter);
    });

    it("pays 50 collaborators their exact shares", async function () {
      this.timeout(120_000);
      const d = await loadFixture(splitsFixture);
      const payees = Array.from({ length: 50 }, () => d.ethers.Wallet.createRandom().address);
      const shares = payees.map((_, i) => BigInt(i + 1)); // 1..50, total 1,275
      const splitter = await split(d, d.creatorA, 1n, payees, shares);
      expect((await splitter.payees()).length).to.equal(50);
      for (const v of [d.viewer1, d.viewer2, d.viewer3]) await d.market.connect(v).buyView(1n, FILM_PRICE, PASS_WINDOW);
      const total = 3n * NET_PRICE;
      for (const [i, p] of payees.entries()) {
        await splitter.release(p);
        expect(await d.token.balanceOf(p)).to.equal((total * shares[i]) / 1_275n);
      }
      const paid = await splitter.totalReleased();
      expect(paid + (await d.token.balanceOf(splitter.getAddress()))).to.equal(total);
      expect(total - paid).to.be.lessThan(50n);
    });
  });

  describe("reentrancy (hostile payment token)", () => {
    const ON_TRANSFER = 1;

    async function hostile(connection: NetworkConnection) {
      const { ethers } = connection;
      const [admin, treasury, guardian, creator, viewer, alice, bob] = await ethers.getSigners();
      const token = (await ethers.deployContract("ReentrantToken")) as unknown as ReentrantToken;
      const listings = (await ethers.deployContract("FilmListings")) as unknown as FilmListings;
      const market = (await ethers.deployContract("FilmMarket", [{
        paymentToken: await token.getAddress(), listings: await listings.getAddress(), admin: admin.address, guardian: guardian.address,
        treasury: treasury.address, feeBps: FEE_BPS, viewWeightBps: VIEW_WEIGHT_BPS, monthlyPrice: MONTHLY_PRICE, passWindow: PASS_WINDOW,
        challengeWindow: CHALLENGE_WINDOW, genesis: 0n, periodLength: PERIOD, oracleSigners: [admin.address], oracleThreshold: 1,
      }])) as unknown as FilmMarket;
      const factory = (await ethers.deployContract("SplitterFactory", [await market.getAddress()])) as unknown as SplitterFactory;
      await listings.connect(creator).mint("ipfs://bafyfilm1", 600, FILM_PRICE);
      const data = ethers.AbiCoder.defaultAbiCoder().encode(["address[]", "uint256[]"], [[alice.address, bob.address], [60n, 40n]]);
      await listings.connect(creator)["safeTransferFrom(address,address,uint256,bytes)"](creator.address, factory.getAddress(), 1n, data);
      const splitter = (await ethers.getContractAt("FilmSplitter", await factory.splitterOf(1n))) as unknown as FilmSplitter;
      await token.mint(viewer.address, 1_000n * USD);
      await token.connect(viewer).approve(market.getAddress(), ethers.MaxUint256);
      for (let i = 0; i < 3; i++) await market.connect(viewer).buyViewFor(ethers.Wallet.createRandom().address, 1n, FILM_PRICE, PASS_WINDOW);
      return { ethers, token, market, splitter, alice, bob };
    }

    for (const before of [true, false]) {
      const calls: Array<[string, (s: FilmSplitter, who: string) => string]> = [
        ["release", (s, who) => s.interface.encodeFunctionData("release", [who])],
        ["collect", (s) => s.interface.encodeFunctionData("collect")],
      ];
      for (const [label, target] of calls) {
        it(`refuses ${label} re-entered from the token's transfer ${before ? "before" : "after"} the balances move`, async () => {
          const d = await loadFixture(hostile);
          const at = await d.splitter.getAddress();
          const total = 3n * NET_PRICE;
          // Two shots: one on the market's payment to the splitter, one on the splitter's to alice.
          await d.token.arm(at, target(d.splitter, d.alice.address), ON_TRANSFER, before, 2);
          await d.splitter.release(d.alice.address);
          expect(await d.token.attempts()).to.equal(2n);
          expect(await d.token.failures()).to.equal(2n);
          const guard = d.splitter.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);
          expect(await d.token.resultAt(0)).to.equal(guard);
          expect(await d.token.resultAt(1)).to.equal(guard);
          // Paid once, exactly; bob's share intact.
          expect(await d.token.balanceOf(d.alice.address)).to.equal((total * 60n) / 100n);
          expect(await d.splitter.releasable(d.bob.address)).to.equal((total * 40n) / 100n);
          await d.token.disarm();
          await d.splitter.release(d.bob.address);
          expect(await d.token.balanceOf(at)).to.equal(0n);
        });
      }
    }
  });

  describe("property: any split, any arrivals and releases", () => {
    it("never owes more than it holds, pays each payee floor(received × share / total), and leaves less than one unit per payee", async function () {
      this.timeout(600_000);
      const d = await loadFixture(splitsFixture);
      const pool = d.signers.slice(9, 19);
      let nextFilm = 4n;
      const runs = Number(process.env.FC_RUNS ?? 25);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: pool.length }),
          fc.array(
            fc.oneof(
              fc.record({ kind: fc.constant("send" as const), amount: fc.bigInt({ min: 1n, max: 10n ** 8n }) }),
              fc.record({ kind: fc.constant("pass" as const) }),
              fc.record({ kind: fc.constant("release" as const), who: fc.nat() }),
            ),
            { minLength: 1, maxLength: 12 },
          ),
          async (shareList, steps) => {
            const payees = pool.slice(0, shareList.length);
            const shares = shareList.map(BigInt);
            const totalShares = shares.reduce((s, x) => s + x, 0n);
            await d.listings.connect(d.creatorA).mint("ipfs://bafyprop", 60, FILM_PRICE);
            const filmId = nextFilm++;
            const splitter = await split(d, d.creatorA, filmId, payees.map((p) => p.address), shares);
            const at = await splitter.getAddress();
            let inflow = 0n;
            for (const step of steps) {
              if (step.kind === "send") {
                await d.token.connect(d.viewer1).faucet(step.amount);
                await d.token.connect(d.viewer1).transfer(at, step.amount);
                inflow += step.amount;
              } else if (step.kind === "pass") {
                await d.token.connect(d.viewer2).faucet(FILM_PRICE);
                await d.market.connect(d.viewer2).buyViewFor(d.ethers.Wallet.createRandom().address, filmId, FILM_PRICE, PASS_WINDOW);
                inflow += NET_PRICE;
              } else {
                const i = step.who % payees.length;
                if ((await splitter.releasable(payees[i].address)) > 0n) await splitter.release(payees[i].address);
              }
              expect(await received(d, splitter)).to.equal(inflow);
              await expectSolvent(d, splitter);
              for (const [i, p] of payees.entries()) {
                const entitled = (inflow * shares[i]) / totalShares;
                expect((await splitter.releasedOf(p.address)) + (await splitter.releasable(p.address))).to.equal(entitled);
              }
            }
            // Everyone takes what is due; what stays is rounding dust, less than one unit per payee.
            for (const p of payees) if ((await splitter.releasable(p.address)) > 0n) await splitter.release(p.address);
            const left = await d.token.balanceOf(at);
            expect(left + (await splitter.totalReleased())).to.equal(inflow);
            expect(left).to.be.lessThan(BigInt(payees.length));
          },
        ),
        { numRuns: runs },
      );
    });
  });
});
