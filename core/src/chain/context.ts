// How scripts reach the chain: one viem public client plus the AI Films contract addresses.
// The CLI builds it from an RPC URL; tests build it on Hardhat's in-process provider.
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  createPublicClient, createWalletClient, custom, defineChain, getAddress, http, type Account, type Address,
  type EIP1193Provider, type PublicClient, type Transport, type WalletClient,
} from "viem";
import { filmListingsAbi, filmMarketAbi } from "./abis.ts";
import { AiFilmsError, type ModuleCode } from "../errors.ts";
import { DEPLOYMENTS_DIR } from "../paths.ts";

export interface ChainContext {
  publicClient: PublicClient;
  chainId: number;
  market: Address;
  listings: Address;
  paymentToken: Address;
  /** A wallet client for `account` on the same transport, for the commands that send transactions. */
  walletFor(account: Account): WalletClient;
}

/** A failure the user can act on, in one sentence. */
export class ChainError extends AiFilmsError<"chain"> {
  override readonly name = "ChainError";

  constructor(code: ModuleCode<"chain">, message: string) {
    super("chain", code, message);
  }
}


/** The FilmMarket address: explicit, else from deployments/<chainId>.json written by `npm run deploy:local`. */
export async function resolveMarketAddress(chainId: number, explicit?: string): Promise<Address> {
  if (explicit) {
    try {
      return getAddress(explicit);
    } catch {
      throw new ChainError("INVALID_ADDRESS", `MARKET_ADDRESS "${explicit}" is not an address.`);
    }
  }
  try {
    const exported = JSON.parse(await readFile(path.join(DEPLOYMENTS_DIR, `${chainId}.json`), "utf8"));
    return getAddress(exported.contracts.FilmMarket.address);
  } catch {
    throw new ChainError(
      "NO_DEPLOYMENT",
      `No AI Films deployment known for chain ${chainId}: set MARKET_ADDRESS, or deploy with \`npm run deploy:local\`.`,
    );
  }
}

async function contextOn(transport: Transport, options: { market?: string; expectedChainId?: number; rpcLabel: string }) {
  const publicClient = createPublicClient({ transport }) as PublicClient;
  let chainId: number;
  try {
    chainId = await publicClient.getChainId();
  } catch {
    throw new ChainError("UNREACHABLE", `No RPC answering at ${options.rpcLabel}: start a node (\`npm run node\`) or set RPC_URL.`);
  }
  if (options.expectedChainId !== undefined && options.expectedChainId !== chainId) {
    throw new ChainError("WRONG_CHAIN", `Wrong chain: the RPC at ${options.rpcLabel} is chain ${chainId}, expected ${options.expectedChainId}.`);
  }
  const market = await resolveMarketAddress(chainId, options.market);
  const code = await publicClient.getCode({ address: market });
  if (!code || code === "0x") {
    throw new ChainError("NO_CONTRACT", `No contract at ${market} on chain ${chainId}: the node was restarted? Redeploy with \`npm run deploy:local\`.`);
  }
  const [listings, paymentToken] = await Promise.all([
    publicClient.readContract({ address: market, abi: filmMarketAbi, functionName: "listings" }),
    publicClient.readContract({ address: market, abi: filmMarketAbi, functionName: "paymentToken" }),
  ]);
  const chain = defineChain({
    id: chainId, name: `chain ${chainId}`, nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [] } },
  });
  const context: ChainContext = {
    publicClient, chainId, market, listings, paymentToken,
    walletFor: (account) => createWalletClient({ account, transport, chain }),
  };
  return context;
}

/** Connects over HTTP (`RPC_URL`, default the local node). */
export function connectRpc(options: { rpcUrl?: string; market?: string; expectedChainId?: number } = {}) {
  const url = options.rpcUrl ?? process.env.RPC_URL ?? "http://127.0.0.1:8545";
  return contextOn(http(url, { retryCount: 0 }), { ...options, rpcLabel: url });
}

/** Connects through an EIP-1193 provider (Hardhat's in-process network in tests, a browser wallet). */
export function connectProvider(provider: EIP1193Provider | { request: (...args: any[]) => Promise<any> }, options: { market?: string } = {}) {
  return contextOn(custom(provider as EIP1193Provider), { ...options, rpcLabel: "the provider" });
}

export { filmListingsAbi, filmMarketAbi };
