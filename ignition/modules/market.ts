// The part of the AI Films deployment shared by every network: the film listings (ERC-721) and
// the market, wired to a payment token the calling module provides. Kept as a function rather
// than a module because Ignition modules take no arguments, and the token is a fresh TestDollar
// on local chains but an existing ERC-20 (USDC) on real ones.
import { createRequire } from "node:module";
import type { Artifact, ContractFuture, IgnitionModuleBuilder } from "@nomicfoundation/ignition-core";

const require = createRequire(import.meta.url);

/**
 * What the market needs of a payment token it did not deploy: ERC-20 with metadata and EIP-2612
 * permit. Built from OpenZeppelin's compiled interfaces, because Hardhat compiles no artifacts for
 * npm files unless the config asks it to.
 */
export function paymentTokenArtifact(): Artifact {
  const metadata = require("@openzeppelin/contracts/build/contracts/IERC20Metadata.json") as Artifact;
  const permit = require("@openzeppelin/contracts/build/contracts/IERC20Permit.json") as Artifact;
  return { ...metadata, contractName: "PaymentToken", abi: [...metadata.abi, ...permit.abi] };
}

/**
 * Deploys `FilmListings` and `FilmMarket` paying in `paymentToken`. Every governed setting is a
 * required module parameter (no defaults, so a real deployment never silently takes a local
 * value), except `genesis`, which defaults to 0: the market then starts its periods at its
 * deployment block.
 */
export function buildMarket(m: IgnitionModuleBuilder, paymentToken: ContractFuture<string>) {
  const listings = m.contract("FilmListings");
  const market = m.contract("FilmMarket", [
    {
      paymentToken,
      listings,
      admin: m.getParameter<string>("admin"),
      treasury: m.getParameter<string>("treasury"),
      feeBps: m.getParameter<number>("feeBps"),
      viewWeightBps: m.getParameter<number>("viewWeightBps"),
      monthlyPrice: m.getParameter<bigint>("monthlyPrice"),
      passWindow: m.getParameter<number>("passWindow"),
      challengeWindow: m.getParameter<number>("challengeWindow"),
      genesis: m.getParameter<bigint>("genesis", 0n),
      periodLength: m.getParameter<bigint>("periodLength"),
      oracleSigners: m.getParameter<string[]>("oracleSigners"),
      oracleThreshold: m.getParameter<number>("oracleThreshold"),
    },
  ]);
  return { listings, market };
}
