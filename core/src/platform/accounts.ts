// Who is who on the local chain: Hardhat's default accounts from its well-known test mnemonic.
// Never use these keys anywhere but a local chain.
import { bytesToHex, type Hex } from "viem";
import { mnemonicToAccount, type HDAccount } from "viem/accounts";

export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
export const account = (index: number): HDAccount => mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: index });
/** The raw key of account #`index` (the local oracle seals receipts archives to it and opens them with it). */
export const privateKeyOf = (index: number): Hex => bytesToHex(account(index).getHdKey().privateKey!);

/**
 * #0 proposes and executes the timelock's governance, #2 is the guardian (both in
 * ignition/parameters/local.json); #4–#6 stay fresh for the dev wallet; #7–#9 are the oracle signers;
 * #3 pays the renewal keeper's gas and #19 the relayer's (core/src/relay/config.ts). The browser
 * tests take #4, #5, #16, #17 and #20–#39 for their own wallets (test/e2e/platform.ts; the local chain funds forty).
 */
export const DEMO_ACCOUNTS = {
  admin: 0,
  treasury: 1,
  guardian: 2,
  devWallets: [4, 5, 6],
  oracles: [7, 8, 9],
  creators: [10, 11, 12],
  viewers: [13, 14, 15],
  keeper: 3,
  relayer: 19,
} as const;
