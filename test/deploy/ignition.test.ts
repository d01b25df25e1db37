// The Ignition modules deploy a correctly wired AI Films: the market points at its listings and
// payment token, a TimelockController holds the admin roles (its proposers schedule, its delay is
// on-chain), a separate guardian may pause and dispute, the deployer keeps no role, and the oracle
// signers and settings come from the parameter file. Runs on the in-process network, like `npx hardhat ignition deploy` without --network.
import { readFile } from "node:fs/promises";
import { expect } from "chai";
import { network } from "hardhat";
import AIFilmsModule from "../../ignition/modules/AIFilms.ts";
import LocalAIFilmsModule from "../../ignition/modules/LocalAIFilms.ts";
import LocalUsdcShapedAIFilmsModule from "../../ignition/modules/LocalUsdcShapedAIFilms.ts";

const localParameters = JSON.parse(await readFile(new URL("../../ignition/parameters/local.json", import.meta.url), "utf8"));
const local = localParameters.LocalAIFilms;

const { ignition, ethers, networkHelpers } = await network.create();

type Deployed = Awaited<ReturnType<typeof ignition.deploy<"LocalAIFilms", string, typeof LocalAIFilmsModule.results>>>;

/** The timelock holds the market's admin and oracle-manager roles and nothing administers it but itself; the guardian is apart. */
async function expectGovernance(
  market: Deployed["market"],
  timelock: Deployed["timelock"],
  expected: { delay: number; proposer: string; guardian: string },
) {
  const address = await timelock.getAddress();
  const [admin, guardianRole, manager] = [
    await market.DEFAULT_ADMIN_ROLE(),
    await market.GUARDIAN_ROLE(),
    await market.ORACLE_MANAGER_ROLE(),
  ];
  expect([
    await market.hasRole(admin, address),
    await market.hasRole(manager, address),
    await market.hasRole(guardianRole, address),
  ]).to.deep.equal([true, true, false]);
  expect(await market.hasRole(guardianRole, expected.guardian)).to.equal(true);
  for (const role of [admin, manager]) expect(await market.hasRole(role, expected.guardian)).to.equal(false);
  for (const role of [admin, guardianRole, manager]) expect(await market.hasRole(role, expected.proposer)).to.equal(false);
  expect(await timelock.getMinDelay()).to.equal(BigInt(expected.delay));
  expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), expected.proposer)).to.equal(true);
  expect(await timelock.hasRole(await timelock.DEFAULT_ADMIN_ROLE(), address)).to.equal(true);
  expect(await timelock.hasRole(await timelock.DEFAULT_ADMIN_ROLE(), expected.proposer)).to.equal(false);
  // The guardian can cancel a scheduled change during its delay, and do nothing else there.
  expect(await timelock.hasRole(await timelock.CANCELLER_ROLE(), expected.guardian)).to.equal(true);
  for (const role of [await timelock.PROPOSER_ROLE(), await timelock.EXECUTOR_ROLE(), await timelock.DEFAULT_ADMIN_ROLE()]) {
    expect(await timelock.hasRole(role, expected.guardian)).to.equal(false);
  }
}

describe("Ignition deployment", () => {
  async function deployLocal() {
    return ignition.deploy(LocalAIFilmsModule, { parameters: localParameters });
  }

  it("names Hardhat's accounts #0–#2 and #7–#9 in the local parameters", async () => {
    const accounts = await ethers.getSigners();
    expect(local.proposers).to.deep.equal([accounts[0].address]);
    expect(local.executors).to.deep.equal([accounts[0].address]);
    expect(local.treasury).to.equal(accounts[1].address);
    expect(local.guardian).to.equal(accounts[2].address);
    expect(local.oracleSigners).to.deep.equal([7, 8, 9].map((i) => accounts[i].address));
  });

  it("wires the local market to its own TestDollar and listings", async () => {
    const { market, listings, paymentToken } = await networkHelpers.loadFixture(deployLocal);
    expect(await market.listings()).to.equal(await listings.getAddress());
    expect(await market.paymentToken()).to.equal(await paymentToken.getAddress());
    expect(await paymentToken.symbol()).to.equal("tUSD");
    expect(await paymentToken.decimals()).to.equal(6n);
    expect(await listings.totalListings()).to.equal(0n);
  });

  it("deploys the periphery (renewer, signed purchases) pointed at the market and its token", async () => {
    const { market, paymentToken, renewer, signedPurchases } = await networkHelpers.loadFixture(deployLocal);
    for (const periphery of [renewer, signedPurchases]) {
      expect(await periphery.market()).to.equal(await market.getAddress());
      expect(await periphery.paymentToken()).to.equal(await paymentToken.getAddress());
    }
  });

  it("deploys the splitter factory pointed at the market and its listings", async () => {
    const { market, listings, splitterFactory } = await networkHelpers.loadFixture(deployLocal);
    expect(await splitterFactory.market()).to.equal(await market.getAddress());
    expect(await splitterFactory.listings()).to.equal(await listings.getAddress());
    expect(await splitterFactory.implementation()).to.not.equal("0x" + "00".repeat(20));
  });

  it("gives the timelock the admin roles with the local delay, the guardian its own, the proposer and the treasury none", async () => {
    const { market, timelock } = await networkHelpers.loadFixture(deployLocal);
    await expectGovernance(market, timelock, { delay: local.timelockDelay, proposer: local.proposers[0], guardian: local.guardian });
    for (const role of [await market.DEFAULT_ADMIN_ROLE(), await market.GUARDIAN_ROLE(), await market.ORACLE_MANAGER_ROLE()]) {
      expect(await market.hasRole(role, local.treasury)).to.equal(false);
    }
  });

  it("registers the oracle signers with the threshold", async () => {
    const { market } = await networkHelpers.loadFixture(deployLocal);
    for (const signer of local.oracleSigners) expect(await market.isOracleSigner(signer)).to.equal(true);
    expect(await market.isOracleSigner(local.proposers[0])).to.equal(false);
    expect(await market.oracleSignerCount()).to.equal(3n);
    expect(await market.oracleThreshold()).to.equal(2n);
  });

  it("applies the parameters and starts the periods at the deployment when genesis is 0", async () => {
    const { market } = await networkHelpers.loadFixture(deployLocal);
    expect(await market.treasury()).to.equal(local.treasury);
    expect(await market.feeBps()).to.equal(BigInt(local.feeBps));
    expect(await market.viewWeightBps()).to.equal(BigInt(local.viewWeightBps));
    expect(await market.monthlyPrice()).to.equal(5_000_000n);
    expect(await market.passWindow()).to.equal(48n * 3600n);
    expect(await market.challengeWindow()).to.equal(3600n);
    expect(await market.periodLength()).to.equal(30n * 86_400n);

    // The constructor registers the signers, so their events date the deployment.
    const [added] = await market.queryFilter(market.filters.OracleSignerAdded());
    const deployBlock = await ethers.provider.getBlock(added.blockNumber);
    expect(local.genesis).to.equal(0);
    expect(await market.genesis()).to.equal(BigInt(deployBlock!.timestamp));
  });

  it("lets a creator mint a listing the market can price", async () => {
    const { market, listings } = await networkHelpers.loadFixture(deployLocal);
    const [, , creator, viewer] = await ethers.getSigners();
    await (listings.connect(creator) as typeof listings).mint("ipfs://bafyfilm", 600, 2_000_000n);
    expect(await market.canWatch(creator.address, 1n)).to.equal(true);
    expect(await market.canWatch(viewer.address, 1n)).to.equal(false);
  });

  it("points the real-network module at an existing ERC-20 instead of deploying one", async () => {
    const usdcStandIn = await ethers.deployContract("TestDollar");
    const token = await usdcStandIn.getAddress();
    const { market, paymentToken } = await ignition.deploy(AIFilmsModule, {
      parameters: { AIFilms: { ...local, paymentToken: token } },
    });
    expect(await paymentToken.getAddress()).to.equal(token);
    expect(await market.paymentToken()).to.equal(token);
    expect(await paymentToken.decimals()).to.equal(6n);
  });

  it("deploys the real-network market governed by a timelock with the delay, proposers and guardian given, the deployer holding no role", async () => {
    const accounts = await ethers.getSigners();
    const [deployer, multisig, guardian] = [accounts[0], accounts[5], accounts[6]];
    const usdcStandIn = await ethers.deployContract("TestDollar");
    const delay = 2 * 86_400;
    const { market, timelock } = await ignition.deploy(AIFilmsModule, {
      parameters: {
        AIFilms: {
          ...local,
          paymentToken: await usdcStandIn.getAddress(),
          timelockDelay: delay,
          proposers: [multisig.address],
          executors: [multisig.address],
          guardian: guardian.address,
        },
      },
    });
    await expectGovernance(market, timelock, { delay, proposer: multisig.address, guardian: guardian.address });
    for (const role of [
      await timelock.DEFAULT_ADMIN_ROLE(),
      await timelock.PROPOSER_ROLE(),
      await timelock.EXECUTOR_ROLE(),
      await timelock.CANCELLER_ROLE(),
    ]) {
      expect(await timelock.hasRole(role, deployer.address), "the deployer holds a timelock role").to.equal(false);
    }
    for (const role of [await market.DEFAULT_ADMIN_ROLE(), await market.GUARDIAN_ROLE(), await market.ORACLE_MANAGER_ROLE()]) {
      expect(await market.hasRole(role, deployer.address), "the deployer holds a market role").to.equal(false);
    }

    // The multisig's change waits out the delay.
    const data = market.interface.encodeFunctionData("setFee", [1_500]);
    const salt = ethers.id("fee");
    const proposer = timelock.connect(multisig) as typeof timelock;
    await proposer.schedule(await market.getAddress(), 0, data, ethers.ZeroHash, salt, delay);
    await expect(proposer.execute(await market.getAddress(), 0, data, ethers.ZeroHash, salt)).to.be.revertedWithCustomError(
      timelock,
      "TimelockUnexpectedOperationState",
    );
    await networkHelpers.time.increase(delay);
    await expect(proposer.execute(await market.getAddress(), 0, data, ethers.ZeroHash, salt)).to.emit(market, "FeeChanged");

    // A change the guardian sees coming (a stolen proposer key, a bad parameter) is cancelled before it can run.
    const rug = market.interface.encodeFunctionData("setChallengeWindow", [3_600]);
    const rugSalt = ethers.id("rug");
    await proposer.schedule(await market.getAddress(), 0, rug, ethers.ZeroHash, rugSalt, delay);
    const id = await timelock.hashOperation(await market.getAddress(), 0, rug, ethers.ZeroHash, rugSalt);
    await (timelock.connect(guardian) as typeof timelock).cancel(id);
    await networkHelpers.time.increase(delay);
    await expect(proposer.execute(await market.getAddress(), 0, rug, ethers.ZeroHash, rugSalt)).to.be.revertedWithCustomError(
      timelock,
      "TimelockUnexpectedOperationState",
    );
  });

  it("points the real-network module at a USDC-shaped token, and the local USDC-shaped module deploys one with local.json's settings", async () => {
    const usdcShaped = await ethers.deployContract("UsdcShapedToken");
    const token = await usdcShaped.getAddress();
    const onReal = await ignition.deploy(AIFilmsModule, { parameters: { AIFilms: { ...local, paymentToken: token } } });
    expect(await onReal.market.paymentToken()).to.equal(token);
    expect(await onReal.paymentToken.symbol()).to.equal("USDC");

    const { market, paymentToken } = await ignition.deploy(LocalUsdcShapedAIFilmsModule, { parameters: { LocalUsdcShapedAIFilms: local } });
    expect(await market.paymentToken()).to.equal(await paymentToken.getAddress());
    expect(await paymentToken.symbol()).to.equal("USDC");
    expect(await market.monthlyPrice()).to.equal(5_000_000n);
  });
});
