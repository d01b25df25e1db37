// The market with each shape of payment token it meets: TestDollar (OpenZeppelin ERC20Permit,
// EIP-5267, domain version "1") and a USDC-shaped token (no EIP-5267, version "2",
// DOMAIN_SEPARATOR()). Each buys a view and a subscription with a permit whose domain comes from
// the library the purchase panel uses, and with approve + buy, the panel's fallback.
import { expect } from "chai";
import { network } from "hardhat";
import { createPublicClient, custom, type Address, type PublicClient } from "viem";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { PERMIT_TYPES, resolvePermitDomain } from "@ai-films/core/chain/permitDomain";
import { deployMarket, FILM_PRICE, MONTHLY_PRICE, PASS_WINDOW, USD, type Deployment, type FixtureToken } from "./fixture.ts";

const connection = await network.create();
const { networkHelpers } = connection;
const client = createPublicClient({ transport: custom(connection.provider) }) as PublicClient;

async function permitFor(d: Deployment, owner: HardhatEthersSigner, value: bigint) {
  const resolved = await resolvePermitDomain(client, (await d.token.getAddress()) as Address);
  if (!resolved.ok) throw new Error(`no permit domain: ${resolved.reason}`);
  const deadline = BigInt(await networkHelpers.time.latest()) + 3_600n;
  const message = { owner: owner.address, spender: await d.market.getAddress(), value, nonce: await d.token.nonces(owner.address), deadline };
  const signature = await owner.signTypedData(resolved.domain, { Permit: [...PERMIT_TYPES.Permit] }, message);
  const { v, r, s } = d.ethers.Signature.from(signature);
  return { deadline, v, r, s };
}

for (const tokenName of ["TestDollar", "UsdcShapedToken"] satisfies FixtureToken[]) {
  describe(`Paying in ${tokenName}`, () => {
    const fixture = () => deployMarket(connection, tokenName);

    /** A wallet with tokens and no allowance, as a new viewer arrives. */
    async function freshViewer(d: Deployment) {
      const fresh = (await d.ethers.getSigners())[10];
      await d.token.connect(fresh).faucet(100n * USD);
      return fresh;
    }

    it("buys a view with a permit in one transaction", async () => {
      const d = await networkHelpers.loadFixture(fixture);
      const fresh = await freshViewer(d);
      const p = await permitFor(d, fresh, FILM_PRICE);
      await expect(d.market.connect(fresh).buyViewWithPermit(1n, FILM_PRICE, PASS_WINDOW, p.deadline, p.v, p.r, p.s)).to.changeTokenBalance(
        d.ethers,
        d.token,
        fresh,
        -FILM_PRICE,
      );
      expect(await d.market.canWatch(fresh.address, 1n)).to.equal(true);
    });

    it("subscribes with a permit in one transaction", async () => {
      const d = await networkHelpers.loadFixture(fixture);
      const fresh = await freshViewer(d);
      const p = await permitFor(d, fresh, MONTHLY_PRICE);
      await expect(d.market.connect(fresh).subscribeWithPermit(1, MONTHLY_PRICE, p.deadline, p.v, p.r, p.s)).to.changeTokenBalance(
        d.ethers,
        d.token,
        fresh,
        -MONTHLY_PRICE,
      );
      expect(await d.market.isSubscribed(fresh.address)).to.equal(true);
    });

    it("buys a view and subscribes with approve + buy, the fallback when no permit domain checks out", async () => {
      const d = await networkHelpers.loadFixture(fixture);
      const fresh = await freshViewer(d);
      await d.token.connect(fresh).approve(await d.market.getAddress(), FILM_PRICE + MONTHLY_PRICE);
      await d.market.connect(fresh).buyView(1n, FILM_PRICE, PASS_WINDOW);
      await d.market.connect(fresh).subscribe(1, MONTHLY_PRICE);
      expect(await d.market.canWatch(fresh.address, 1n)).to.equal(true);
      expect(await d.market.isSubscribed(fresh.address)).to.equal(true);
      expect(await d.token.balanceOf(fresh.address)).to.equal(100n * USD - FILM_PRICE - MONTHLY_PRICE);
    });
  });
}
