// The Ignition modules deploy a correctly wired AI Films: the market points at its listings and
// payment token, the admin holds every role, and the oracle signers and settings come from the
// parameter file. Runs on the in-process network, like `npx hardhat ignition deploy` without --network.
import { readFile } from "node:fs/promises";
import { expect } from "chai";
import { network } from "hardhat";
import AIFilmsModule from "../../ignition/modules/AIFilms.ts";
import LocalAIFilmsModule from "../../ignition/modules/LocalAIFilms.ts";
import LocalUsdcShapedAIFilmsModule from "../../ignition/modules/LocalUsdcShapedAIFilms.ts";

const localParameters = JSON.parse(await readFile(new URL("../../ignition/parameters/local.json", import.meta.url), "utf8"));
const local = localParameters.LocalAIFilms;

const { ignition, ethers, networkHelpers } = await network.create();

describe("Ignition deployment", () => {
  async function deployLocal() {
    return ignition.deploy(LocalAIFilmsModule, { parameters: localParameters });
  }

  it("names Hardhat's accounts #0, #1 and #7–#9 in the local parameters", async () => {
    const accounts = await ethers.getSigners();
    expect(local.admin).to.equal(accounts[0].address);
    expect(local.treasury).to.equal(accounts[1].address);
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

  it("gives the admin every role and the treasury none", async () => {
    const { market } = await networkHelpers.loadFixture(deployLocal);
    for (const role of [await market.DEFAULT_ADMIN_ROLE(), await market.GUARDIAN_ROLE(), await market.ORACLE_MANAGER_ROLE()]) {
      expect(await market.hasRole(role, local.admin)).to.equal(true);
      expect(await market.hasRole(role, local.treasury)).to.equal(false);
    }
  });

  it("registers the oracle signers with the threshold", async () => {
    const { market } = await networkHelpers.loadFixture(deployLocal);
    for (const signer of local.oracleSigners) expect(await market.isOracleSigner(signer)).to.equal(true);
    expect(await market.isOracleSigner(local.admin)).to.equal(false);
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
