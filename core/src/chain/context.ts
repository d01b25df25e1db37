// How scripts reach the chain: one viem public client plus the AI Films contract addresses.
// The CLI builds it from an RPC URL; tests build it on Hardhat's in-process provider.
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  getAddress,
  getContract,
  http,
  type Account,
  type Address,
  type Chain,
  type GetContractReturnType,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { filmListingsAbi, filmMarketAbi, splitterFactoryAbi, testDollarAbi } from "./abis.ts";
import { AiFilmsError, type ModuleCode } from "../errors.ts";
import { DEPLOYMENTS_DIR } from "../paths.ts";

/** A wallet client that always sends as one account on the context's chain. */
export type AccountWallet = WalletClient<Transport, Chain, Account>;

/** What contract instances talk through: the public client, with a wallet for writes. */
type ContractsClient = PublicClient | { public: PublicClient; wallet: AccountWallet };

/**
 * The contracts as viem instances: `read`, `simulate`, `estimateGas`, `getEvents` (and `write`
 * when a wallet is attached), each argument and result typed from the generated ABIs. `token`
 * uses TestDollar's ABI: an ERC-20 with EIP-2612 permit, plus the faucet only local chains have.
 */
export interface AIFilmsContracts<client extends ContractsClient> {
  market: GetContractReturnType<typeof filmMarketAbi, client>;
  listings: GetContractReturnType<typeof filmListingsAbi, client>;
  token: GetContractReturnType<typeof testDollarAbi, client>;
}

export interface ChainContext {
  publicClient: PublicClient;
  chainId: number;
  market: Address;
  listings: Address;
  paymentToken: Address;
  /** The SplitterFactory of this market (collaborator splits), if the deployment has one. */
  splitterFactory?: Address;
  /** Typed reads and events: `ctx.contracts.market.read.monthlyPrice()`. */
  contracts: AIFilmsContracts<PublicClient>;
  /** A wallet client for `account` on the same transport, for the commands that send transactions. */
  walletFor(account: Account): AccountWallet;
  /** `contracts` with `account`'s wallet attached, for typed writes: `.market.write.subscribe([months, price])`. */
  contractsFor(account: Account): AIFilmsContracts<{ public: PublicClient; wallet: AccountWallet }>;
}

/** A failure the user can act on, in one sentence. */
export class ChainError extends AiFilmsError<"chain"> {
  override readonly name = "ChainError";

  constructor(code: ModuleCode<"chain">, message: string) {
    super("chain", code, message);
  }
}

/**
 * The market's SplitterFactory: SPLITTER_FACTORY_ADDRESS, else deployments/<chainId>.json; kept
 * only if a contract there says it serves `market` (a stale export or another deployment's
 * factory is ignored). Undefined where there is none.
 */
export async function resolveSplitterFactory(publicClient: PublicClient, chainId: number, market: Address): Promise<Address | undefined> {
  let candidate = process.env.SPLITTER_FACTORY_ADDRESS?.trim();
  if (!candidate) {
    try {
      const exported = JSON.parse(await readFile(path.join(DEPLOYMENTS_DIR, `${chainId}.json`), "utf8"));
      candidate = exported.contracts?.SplitterFactory?.address;
    } catch {
      return undefined;
    }
  }
  if (!candidate) return undefined;
  try {
    const factory = getAddress(candidate);
    const served = await publicClient.readContract({ address: factory, abi: splitterFactoryAbi, functionName: "market" });
    return getAddress(served) === getAddress(market) ? factory : undefined;
  } catch {
    return undefined;
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
    throw new ChainError(
      "WRONG_CHAIN",
      `Wrong chain: the RPC at ${options.rpcLabel} is chain ${chainId}, expected ${options.expectedChainId}.`,
    );
  }
  const market = await resolveMarketAddress(chainId, options.market);
  const code = await publicClient.getCode({ address: market });
  if (!code || code === "0x") {
    throw new ChainError(
      "NO_CONTRACT",
      `No contract at ${market} on chain ${chainId}: the node was restarted? Redeploy with \`npm run deploy:local\`.`,
    );
  }
  const marketReads = getContract({ address: market, abi: filmMarketAbi, client: publicClient }).read;
  const [listings, paymentToken, splitterFactory] = await Promise.all([
    marketReads.listings(),
    marketReads.paymentToken(),
    resolveSplitterFactory(publicClient, chainId, market),
  ]);
  const chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [] } },
  });
  const walletFor = (account: Account): AccountWallet => createWalletClient({ account, transport, chain });
  const contractsOn = <client extends ContractsClient>(client: client): AIFilmsContracts<client> => ({
    market: getContract({ address: market, abi: filmMarketAbi, client }),
    listings: getContract({ address: listings, abi: filmListingsAbi, client }),
    token: getContract({ address: paymentToken, abi: testDollarAbi, client }),
  });
  const context: ChainContext = {
    publicClient,
    chainId,
    market,
    listings,
    paymentToken,
    splitterFactory,
    contracts: contractsOn(publicClient),
    walletFor,
    contractsFor: (account) => contractsOn({ public: publicClient, wallet: walletFor(account) }),
  };
  return context;
}

/** Connects over HTTP (`RPC_URL`, default the local node). */
export function connectRpc(options: { rpcUrl?: string; market?: string; expectedChainId?: number } = {}) {
  const url = options.rpcUrl ?? process.env.RPC_URL ?? "http://127.0.0.1:8545";
  return contextOn(http(url, { retryCount: 0 }), { ...options, rpcLabel: url });
}

/**
 * Connects through an EIP-1193 provider (Hardhat's in-process network in tests, a browser wallet):
 * anything viem's custom transport accepts.
 */
export function connectProvider(provider: Parameters<typeof custom>[0], options: { market?: string } = {}) {
  return contextOn(custom(provider), { ...options, rpcLabel: "the provider" });
}

export { filmListingsAbi, filmMarketAbi };
