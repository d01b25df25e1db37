/**
 * Reading one block range of the AI Films contracts' logs: every log of FilmListings,
 * FilmMarket and (where deployed) the SplitterFactory, decoded with the generated ABIs, in chain
 * order, each with its block's time.
 */
import { decodeEventLog, getAddress, type Abi, type Hex, type Log } from "viem";
import { filmListingsAbi, filmMarketAbi, splitterFactoryAbi } from "../chain/abis.ts";
import type { ChainContext } from "../chain/context.ts";
import { normaliseAddress } from "../domain/addresses.ts";

export type ContractName = "listings" | "market" | "splitters";

/** A decoded log. Args keep the ABI's names; addresses are lowercased, integers are bigint. */
export interface ChainEvent {
  contract: ContractName;
  event: string;
  args: Record<string, unknown>;
  blockNumber: number;
  blockHash: Hex;
  blockTime: number;
  txHash: Hex;
  logIndex: number;
}

export interface BlockRange {
  events: ChainEvent[];
  /** Hash and time of the range's last block. */
  toBlockHash: Hex;
  toBlockTime: number;
  /** Logs of the contracts that no ABI entry decodes (should be none). */
  undecoded: number;
}

const ABIS: Record<ContractName, Abi> = {
  listings: filmListingsAbi as Abi,
  market: filmMarketAbi as Abi,
  splitters: splitterFactoryAbi as Abi,
};

function normalise(value: unknown): unknown {
  const address = normaliseAddress(value);
  if (address !== null) return address;
  if (Array.isArray(value)) return value.map(normalise);
  return value;
}

/** Runs `fn` over `items` with at most `limit` calls in flight. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Fetches and decodes the contracts' logs in [fromBlock, toBlock]. */
export async function readBlockRange(ctx: ChainContext, fromBlock: number, toBlock: number): Promise<BlockRange> {
  const client = ctx.publicClient;
  const contractOf = new Map<string, ContractName>([
    [ctx.listings.toLowerCase(), "listings"],
    [ctx.market.toLowerCase(), "market"],
  ]);
  // The splitter factory, where the deployment has one (collaborator splits).
  if (ctx.splitterFactory) contractOf.set(ctx.splitterFactory.toLowerCase(), "splitters");
  const [logs, last] = await Promise.all([
    client.getLogs({
      address: [...contractOf.keys()].map((a) => getAddress(a)),
      fromBlock: BigInt(fromBlock),
      toBlock: BigInt(toBlock),
    }),
    client.getBlock({ blockNumber: BigInt(toBlock) }),
  ]);

  // Block times: some nodes put them on the log; otherwise one header per block with events.
  const times = new Map<bigint, number>([[last.number, Number(last.timestamp)]]);
  for (const log of logs as Array<Log & { blockTimestamp?: Hex | bigint }>) {
    if (log.blockTimestamp !== undefined && log.blockNumber !== null) times.set(log.blockNumber, Number(log.blockTimestamp));
  }
  const missing = [...new Set(logs.map((l) => l.blockNumber!).filter((n) => !times.has(n)))];
  await mapLimit(missing, 8, async (blockNumber) => {
    const block = await client.getBlock({ blockNumber });
    times.set(blockNumber, Number(block.timestamp));
  });

  const events: ChainEvent[] = [];
  let undecoded = 0;
  for (const log of logs) {
    const contract = contractOf.get(log.address.toLowerCase());
    if (!contract || log.blockNumber === null || log.logIndex === null || log.transactionHash === null) continue;
    let decoded: { eventName: string; args: unknown };
    try {
      decoded = decodeEventLog({ abi: ABIS[contract], data: log.data, topics: log.topics }) as typeof decoded;
    } catch {
      undecoded++;
      continue;
    }
    const args: Record<string, unknown> = {};
    for (const [key, value] of Object.entries((decoded.args ?? {}) as Record<string, unknown>)) args[key] = normalise(value);
    events.push({
      contract,
      event: decoded.eventName,
      args,
      blockNumber: Number(log.blockNumber),
      blockHash: log.blockHash!,
      blockTime: times.get(log.blockNumber)!,
      txHash: log.transactionHash,
      logIndex: log.logIndex,
    });
  }
  events.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
  return { events, toBlockHash: last.hash!, toBlockTime: Number(last.timestamp), undecoded };
}

/** Event args as JSON (bigints as decimal strings), for the chain_events table. */
export function argsJson(args: Record<string, unknown>): string {
  return JSON.stringify(args, (_key, value) => (typeof value === "bigint" ? value.toString() : value));
}
