// Smoke test of an exported local deployment, through viem and the generated ABIs only: reads the
// market's settings and mints a listing as Hardhat account #2. Run after `npm run deploy:local`:
// `npx tsx scripts/deployments/smoke-local.ts` (RPC_URL overrides http://127.0.0.1:8545).
import { createPublicClient, createWalletClient, http, parseEventLogs } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { getDeployment } from "../../deployments/index.js";

// Hardhat's public development mnemonic: its accounts exist only on local chains.
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

const transport = http(process.env.RPC_URL ?? "http://127.0.0.1:8545");
const publicClient = createPublicClient({ chain: hardhat, transport });
const { FilmMarket, FilmListings } = getDeployment(await publicClient.getChainId());

const [monthlyPrice, periodLength, oracleThreshold, listingsAddress] = await Promise.all([
  publicClient.readContract({ ...FilmMarket, functionName: "monthlyPrice" }),
  publicClient.readContract({ ...FilmMarket, functionName: "periodLength" }),
  publicClient.readContract({ ...FilmMarket, functionName: "oracleThreshold" }),
  publicClient.readContract({ ...FilmMarket, functionName: "listings" }),
]);
console.log({ monthlyPrice, periodLength, oracleThreshold, listingsAddress });
if (listingsAddress !== FilmListings.address) throw new Error("FilmMarket.listings() is not the exported FilmListings.");

const creator = mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: 2 });
const wallet = createWalletClient({ account: creator, chain: hardhat, transport });
const { request } = await publicClient.simulateContract({
  ...FilmListings,
  account: creator,
  functionName: "mint",
  args: ["ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", 600, 2_000_000n],
});
const receipt = await publicClient.waitForTransactionReceipt({ hash: await wallet.writeContract(request) });
const [minted] = parseEventLogs({ abi: FilmListings.abi, eventName: "ListingMinted", logs: receipt.logs });
const filmId = minted.args.filmId;
const [owner, price, paused] = await publicClient.readContract({ ...FilmListings, functionName: "saleTerms", args: [filmId] });
console.log({ filmId, owner, price, paused, block: receipt.blockNumber });
