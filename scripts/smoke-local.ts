// Smoke test of an exported local deployment, through viem and the generated ABIs only: reads the
// market's settings and mints a listing as Hardhat account #2. Run after `npm run deploy:local`:
// `npx tsx scripts/smoke-local.ts` (RPC_URL overrides http://127.0.0.1:8545).
import { parseEventLogs } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { connectRpc, filmListingsAbi } from "@ai-films/core/chain";

// Hardhat's public development mnemonic: its accounts exist only on local chains.
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

const ctx = await connectRpc();
const { market, listings } = ctx.contracts;
const [monthlyPrice, periodLength, oracleThreshold] = await Promise.all([
  market.read.monthlyPrice(),
  market.read.periodLength(),
  market.read.oracleThreshold(),
]);
console.log({ market: ctx.market, listings: ctx.listings, monthlyPrice, periodLength, oracleThreshold });

const creator = mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: 2 });
const hash = await ctx
  .contractsFor(creator)
  .listings.write.mint(["ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", 600, 2_000_000n]);
const receipt = await ctx.publicClient.waitForTransactionReceipt({ hash });
const [minted] = parseEventLogs({ abi: filmListingsAbi, eventName: "ListingMinted", logs: receipt.logs });
const [owner, price, paused] = await listings.read.saleTerms([minted.args.filmId]);
console.log({ filmId: minted.args.filmId, owner, price, paused, block: receipt.blockNumber });
