// The chain the oracle tests run against: a PGlite ledger on disk, Hardhat's chain served over
// JSON-RPC (the oracle CLI runs in its own processes and reaches it by URL), and TestDollar,
// FilmListings and FilmMarket deployed with the given operators as the oracle signers.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { network } from "hardhat";
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { openDatabase, type Database } from "@ai-films/core/db";

const USD = 1_000_000n;
/** The period length every oracle test uses: 30 days. */
export const ORACLE_PERIOD = 30 * 86_400;

export interface OracleMarketOptions {
  /** The operators' addresses, registered as the oracle signers. */
  oracleSigners: string[];
  /** How many of them must sign (2). */
  oracleThreshold?: number;
  /** How long a bought view lasts, in seconds (2 days). */
  passWindow?: number;
}

/**
 * TestDollar, FilmListings and FilmMarket from genesis 0, with signer #0 as admin and guardian and
 * signer #1 as treasury: 10% fee, half the pool by views, 10 tUSD a month, 30-day periods, a 1-hour
 * challenge window.
 */
export async function deployOracleMarket(
  ethers: HardhatEthers,
  { oracleSigners, oracleThreshold = 2, passWindow = 2 * 86_400 }: OracleMarketOptions,
) {
  const [admin, treasury] = await ethers.getSigners();
  const token = await ethers.deployContract("TestDollar");
  const listings = await ethers.deployContract("FilmListings");
  const market = await ethers.deployContract("FilmMarket", [
    {
      paymentToken: await token.getAddress(),
      listings: await listings.getAddress(),
      admin: admin.address,
      guardian: admin.address,
      treasury: treasury.address,
      feeBps: 1_000,
      viewWeightBps: 5_000,
      monthlyPrice: 10n * USD,
      passWindow,
      challengeWindow: 3_600,
      genesis: 0,
      periodLength: ORACLE_PERIOD,
      oracleSigners,
      oracleThreshold,
    },
  ]);
  return { token, listings, market };
}

export interface OracleChainOptions extends OracleMarketOptions {
  /** The temporary directory's name prefix. */
  tmpPrefix: string;
  /** The ledger's directory inside it ("ledger"). */
  ledgerDirName?: string;
}

/**
 * A temporary directory with an open PGlite ledger in it, the served chain (its URL and an ethers
 * connection through that URL) and the deployed market. The caller closes `db` once it has
 * written the ledger, and calls `stop()` when done (it closes the server and removes the directory).
 */
export async function startOracleChain({ tmpPrefix, ledgerDirName = "ledger", ...market }: OracleChainOptions) {
  const tmp = await mkdtemp(path.join(tmpdir(), tmpPrefix));
  let server: Awaited<ReturnType<typeof network.createServer>> | undefined;
  let db: Database | undefined;
  const stop = async () => {
    await server?.close();
    await rm(tmp, { recursive: true, force: true });
  };
  try {
    // The ledger first: opening PGlite blocks this process (the chain's server too) for seconds on a
    // busy machine, and the first request after that met a kept-alive socket the server was closing
    // in the same tick (ECONNRESET in the tests' before hooks).
    const ledgerDir = path.join(tmp, ledgerDirName);
    db = await openDatabase({ dataDir: ledgerDir });
    server = await network.createServer("default", "127.0.0.1");
    const { port } = await server.listen();
    const url = `http://127.0.0.1:${port}`;
    const { ethers } = await network.create({ network: "localhost", override: { url } });
    const chainId = Number((await ethers.provider.getNetwork()).chainId);
    const contracts = await deployOracleMarket(ethers, market);
    return { tmp, ledgerDir, db, url, ethers, chainId, ...contracts, stop };
  } catch (error) {
    await db?.close();
    await stop();
    throw error;
  }
}

export type OracleChain = Awaited<ReturnType<typeof startOracleChain>>;
