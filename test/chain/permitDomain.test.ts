// The permit domain for each shape of payment token, read from tokens deployed on Hardhat's EVM:
// a domain is right when the token itself accepts a permit signed under it.
import { expect } from "chai";
import { network } from "hardhat";
import { createPublicClient, custom, type Address, type PublicClient } from "viem";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { PERMIT_TYPES, resolvePermitDomain, type PermitDomain } from "@ai-films/core/chain/permitDomain";

const connection = await network.create();
const { ethers } = connection;
const client = createPublicClient({ transport: custom(connection.provider) }) as PublicClient;
const [owner, spender] = await ethers.getSigners();

/** Signs a permit under `domain` and submits it to the token: the token's own check of the domain. */
async function permitUnder(token: Address, domain: PermitDomain, signer: HardhatEthersSigner) {
  const contract = await ethers.getContractAt("UsdcShapedToken", token); // the IERC20Permit surface, shared by both tokens
  const deadline = BigInt((await ethers.provider.getBlock("latest"))!.timestamp) + 3600n;
  const message = {
    owner: signer.address,
    spender: spender.address,
    value: 5_000_000n,
    nonce: await contract.nonces(signer.address),
    deadline,
  };
  const { v, r, s } = ethers.Signature.from(await signer.signTypedData(domain, { Permit: [...PERMIT_TYPES.Permit] }, message));
  await contract.permit(signer.address, spender.address, message.value, deadline, v, r, s);
  return contract.allowance(signer.address, spender.address);
}

describe("resolvePermitDomain", () => {
  it("takes an OpenZeppelin ERC20Permit token's domain from eip712Domain() (EIP-5267), version 1", async () => {
    const token = (await (await ethers.deployContract("TestDollar")).getAddress()) as Address;
    const resolved = await resolvePermitDomain(client, token);
    expect(resolved).to.deep.equal({
      ok: true,
      source: "eip5267",
      domain: { name: "Test Dollar", version: "1", chainId: 31337, verifyingContract: token },
    });
    expect(await permitUnder(token, resolved.ok ? resolved.domain : {}, owner)).to.equal(5_000_000n);
  });

  it("builds a USDC-shaped token's domain from name() and version() 2, checked against DOMAIN_SEPARATOR()", async () => {
    const usdc = await ethers.deployContract("UsdcShapedToken");
    const token = (await usdc.getAddress()) as Address;
    // The token has no EIP-5267: the call a client made before this module reverts.
    const eip5267 = client.readContract({
      address: token,
      abi: [{ type: "function", name: "eip712Domain", inputs: [], outputs: [{ type: "bytes1" }], stateMutability: "view" }],
      functionName: "eip712Domain",
    });
    await eip5267.then(
      () => expect.fail("eip712Domain() answered"),
      () => undefined,
    );
    const resolved = await resolvePermitDomain(client, token);
    expect(resolved).to.deep.equal({
      ok: true,
      source: "name-version",
      domain: { name: "USD Coin", version: "2", chainId: 31337, verifyingContract: token },
    });
    expect(await permitUnder(token, resolved.ok ? resolved.domain : {}, owner)).to.equal(5_000_000n);
  });

  it("a version-1 domain (what a client guessing OpenZeppelin's default would sign) is refused by the USDC-shaped token", async () => {
    const token = (await (await ethers.deployContract("UsdcShapedToken")).getAddress()) as Address;
    const wrong: PermitDomain = { name: "USD Coin", version: "1", chainId: 31337, verifyingContract: token };
    await permitUnder(token, wrong, owner).then(
      () => expect.fail("a permit under version 1 was accepted"),
      (error: Error) => expect(error.message).to.match(/UsdcShapedTokenInvalidSignature/),
    );
  });

  it("answers no-domain-separator for a token without permit, so the caller approves instead", async () => {
    const token = (await (await ethers.deployContract("BlacklistToken")).getAddress()) as Address;
    expect(await resolvePermitDomain(client, token)).to.deep.equal({ ok: false, reason: "no-domain-separator" });
  });

  it("answers no-domain-separator for an address with no contract", async () => {
    expect(await resolvePermitDomain(client, spender.address as Address)).to.deep.equal({ ok: false, reason: "no-domain-separator" });
  });
});
