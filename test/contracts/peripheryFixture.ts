// The market of fixture.ts with its periphery: SubscriptionRenewer (auto-renewal) and
// SignedPurchases (gasless purchases a relayer submits), plus the EIP-712 signing the viewer's
// wallet does for them. Importing this file does nothing.
import type { NetworkConnection } from "hardhat/types/network";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { Signature } from "ethers";
import { PERMIT_TYPES as CORE_PERMIT_TYPES } from "@ai-films/core/chain/permitDomain";
import {
  PURCHASES_DOMAIN_NAME,
  SUBSCRIPTION_PURCHASE_TYPES as CORE_SUBSCRIPTION_PURCHASE_TYPES,
  VIEW_PURCHASE_TYPES as CORE_VIEW_PURCHASE_TYPES,
} from "@ai-films/core/chain/purchaseTypes";
import type { SignedPurchases, SubscriptionRenewer, TestDollar } from "../../types/ethers-contracts/index.ts";
import { deployMarket, type Deployment } from "./fixture.ts";

export async function deployPeriphery(connection: NetworkConnection) {
  const d = await deployMarket(connection);
  const renewer = (await d.ethers.deployContract("SubscriptionRenewer", [await d.market.getAddress()])) as unknown as SubscriptionRenewer;
  const purchases = (await d.ethers.deployContract("SignedPurchases", [await d.market.getAddress()])) as unknown as SignedPurchases;
  return { ...d, renewer, purchases };
}

export type PeripheryDeployment = Awaited<ReturnType<typeof deployPeriphery>>;

/** ethers takes mutable field lists: the very types the wallet signs (core), shallow-copied. */
function forEthers<T extends Record<string, readonly { name: string; type: string }[]>>(types: T) {
  return Object.fromEntries(Object.entries(types).map(([name, fields]) => [name, [...fields]])) as {
    [K in keyof T]: { name: string; type: string }[];
  };
}

export const VIEW_PURCHASE_TYPES = forEthers(CORE_VIEW_PURCHASE_TYPES);
export const SUBSCRIPTION_PURCHASE_TYPES = forEthers(CORE_SUBSCRIPTION_PURCHASE_TYPES);
const PERMIT_TYPES = forEthers(CORE_PERMIT_TYPES);

export async function purchasesDomain(purchases: SignedPurchases) {
  const { chainId } = await purchases.runner!.provider!.getNetwork();
  return { name: PURCHASES_DOMAIN_NAME, version: "1", chainId, verifyingContract: await purchases.getAddress() };
}

/** An EIP-2612 permit by `owner` letting `spender` take `value` of the TestDollar. */
export async function signPermit(token: TestDollar, owner: HardhatEthersSigner, spender: string, value: bigint, deadline: bigint) {
  const { chainId } = await owner.provider!.getNetwork();
  const domain = { name: await token.name(), version: "1", chainId, verifyingContract: await token.getAddress() };
  const nonce = await token.nonces(owner.address);
  const sig = await owner.signTypedData(domain, PERMIT_TYPES, { owner: owner.address, spender, value, nonce, deadline });
  const { v, r, s } = Signature.from(sig);
  return { value, deadline, v, r, s };
}

/** No permit: the viewer approved the contract already. */
export const NO_PERMIT = { value: 0n, deadline: 0n, v: 0, r: `0x${"00".repeat(32)}`, s: `0x${"00".repeat(32)}` };

export async function now(d: Pick<Deployment, "ethers">) {
  return BigInt((await d.ethers.provider.getBlock("latest"))!.timestamp);
}

/**
 * What the market owes (every payee's earnings + accrued fees + every pool's unpaid part) must
 * not exceed what it holds, and the periphery contracts hold nothing between transactions.
 */
export async function owedAndHeld(d: PeripheryDeployment, payees: string[], lastPeriod: bigint) {
  let owed = await d.market.accruedFees();
  for (const a of payees) owed += await d.market.earningsOf(a);
  for (let p = 0n; p <= lastPeriod; p++) {
    const [amount, paid] = await d.market.poolOf(p);
    owed += amount - paid;
  }
  return {
    owed,
    held: await d.token.balanceOf(await d.market.getAddress()),
    renewerHeld: await d.token.balanceOf(await d.renewer.getAddress()),
    purchasesHeld: await d.token.balanceOf(await d.purchases.getAddress()),
  };
}
