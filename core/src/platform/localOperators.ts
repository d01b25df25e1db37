// The oracle operators of the local chain (`npm start`, chain 31337): Hardhat's well-known accounts
// #7–#9, those of them the market registered as signers. The local platform seals each period's
// receipts archive to them and opens it with their keys, so it needs no ORACLE_OPERATOR_KEYS.
// Never anywhere but a local chain.
import type { Hex } from "viem";
import type { HDAccount } from "viem/accounts";
import type { ChainContext } from "../chain/context.ts";
import { signerSet } from "../oracle/chainReads.ts";
import { account, DEMO_ACCOUNTS, privateKeyOf } from "./accounts.ts";

export interface LocalOperator {
  account: HDAccount;
  /** The raw key: signs, and opens the archive sealed to `account.publicKey`. */
  key: Hex;
}

/** The registered signers among the local oracle accounts, in account order. */
export async function localOperators(ctx: ChainContext): Promise<LocalOperator[]> {
  const candidates = DEMO_ACCOUNTS.oracles.map((index) => ({ account: account(index), key: privateKeyOf(index) }));
  const { registered } = await signerSet(
    ctx,
    candidates.map((c) => c.account.address),
  );
  return candidates.filter((c) => registered.includes(c.account.address));
}
