// The part of the AI Films deployment shared by every network: the film listings (ERC-721) and
// the market, wired to a payment token the calling module provides. Kept as a function rather
// than a module because Ignition modules take no arguments, and the token is a fresh TestDollar
// on local chains but an existing ERC-20 (USDC) on real ones.
import { createRequire } from "node:module";
import type { Artifact, ContractFuture, IgnitionModuleBuilder } from "@nomicfoundation/ignition-core";
import { keccak256, toHex } from "viem";

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

/** TimelockController's role ids (keccak256 of their names; the admin role is zero). */
const CANCELLER_ROLE = keccak256(toHex("CANCELLER_ROLE"));
const DEFAULT_ADMIN_ROLE = `0x${"00".repeat(32)}`;

/**
 * Deploys `FilmListings`, the governance `TimelockController` and `FilmMarket` paying in
 * `paymentToken`. The timelock holds the market's admin and oracle-manager roles, so every change
 * of a parameter, signer or threshold is scheduled in public (`CallScheduled`) by a `proposers`
 * account and executed by an `executors` account no sooner than `timelockDelay` seconds later;
 * `guardian` may pause purchases and dispute tallies at once, and cancel a scheduled change during
 * its delay (a proposer key that was stolen cannot wait a change through). The deployer is the
 * timelock's admin only for the two calls that make the guardian a canceller, then renounces it:
 * from then on the timelock administers itself, and the deployer keeps no role. Every
 * governed setting is a required module parameter (no defaults, so a real deployment never
 * silently takes a local value), except `genesis`, which defaults to 0: the market then starts
 * its periods at its deployment block.
 */
export function buildMarket(m: IgnitionModuleBuilder, paymentToken: ContractFuture<string>) {
  const listings = m.contract("FilmListings");
  const deployer = m.getAccount(0);
  const guardian = m.getParameter<string>("guardian");
  const timelock = m.contract("TimelockController", [
    m.getParameter<number>("timelockDelay"),
    m.getParameter<string[]>("proposers"),
    m.getParameter<string[]>("executors"),
    deployer,
  ]);
  const guardianCancels = m.call(timelock, "grantRole", [CANCELLER_ROLE, guardian], { id: "GuardianCancels" });
  m.call(timelock, "renounceRole", [DEFAULT_ADMIN_ROLE, deployer], { id: "DeployerRenouncesTimelockAdmin", after: [guardianCancels] });
  const market = m.contract("FilmMarket", [
    {
      paymentToken,
      listings,
      admin: timelock,
      guardian,
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
  // The periphery: no owner, no parameters, nothing to govern; each only calls the market's
  // `…For(recipient)` entry points with tokens the viewer let it take.
  const renewer = m.contract("SubscriptionRenewer", [market]);
  const signedPurchases = m.contract("SignedPurchases", [market]);
  // Collaborator splits: makes each split film's FilmSplitter clone; no owner either.
  const splitterFactory = m.contract("SplitterFactory", [market]);
  return { listings, timelock, market, renewer, signedPurchases, splitterFactory };
}
