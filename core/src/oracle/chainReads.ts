// What the oracle reads from FilmMarket: period bounds and pools, the posted tally, the signers.
import type { Address, Hex } from "viem";
import { filmMarketAbi, type ChainContext } from "../chain/context.ts";
import { periodOf, type PeriodClock } from "../domain/periods.ts";

export const TALLY_STATUS = ["none", "posted", "disputed"] as const;
export type TallyStatus = (typeof TALLY_STATUS)[number];

export interface OnChainTally {
  status: TallyStatus;
  /** The stored tally's revision (0 when none was posted). */
  revision: number;
  root: Hex;
  totalViews: bigint;
  totalSeconds: bigint;
  leafCount: number;
  viewWeightBps: number;
  claimableAt: number;
}

export interface PeriodState {
  period: number;
  start: number;
  end: number;
  /** Time of the latest block: periods are the chain's, not this machine's clock. */
  chainTime: number;
  ended: boolean;
  pool: bigint;
  paid: bigint;
  subscribers: number;
  claimedCount: number;
  tally: OnChainTally;
}

export async function periodClock(ctx: ChainContext): Promise<PeriodClock> {
  const [genesis, periodLength] = await Promise.all([ctx.contracts.market.read.genesis(), ctx.contracts.market.read.periodLength()]);
  return { genesis: Number(genesis), periodLength: Number(periodLength) };
}

/**
 * The chain's time, exactly: the latest block's timestamp (see domain/chainTime.ts). The oracle
 * reads it right before acting rather than estimating, so it never tallies a period the chain
 * has not ended.
 */
export async function chainTime(ctx: ChainContext): Promise<number> {
  const block = await ctx.publicClient.getBlock({ blockTag: "latest" });
  return Number(block.timestamp);
}

export async function readTally(ctx: ChainContext, period: number): Promise<OnChainTally> {
  const t = await ctx.contracts.market.read.tallyOf([BigInt(period)]);
  return {
    status: TALLY_STATUS[Number(t.status)],
    revision: Number(t.revision),
    root: t.root,
    totalViews: t.totalViews,
    totalSeconds: t.totalSeconds,
    leafCount: Number(t.leafCount),
    viewWeightBps: Number(t.viewWeightBps),
    claimableAt: Number(t.claimableAt),
  };
}

/**
 * The revision a tally of the period is for: the posted one's while it stands, else the next one
 * (0 before any tally, the disputed one's + 1 after a dispute).
 */
export function tallyRevision(tally: OnChainTally): number {
  if (tally.status === "none") return 0;
  return tally.status === "posted" ? tally.revision : tally.revision + 1;
}

export async function readPeriod(ctx: ChainContext, period: number): Promise<PeriodState> {
  const [[start, end], pool, now, tally] = await Promise.all([
    ctx.contracts.market.read.periodBounds([BigInt(period)]),
    ctx.contracts.market.read.poolOf([BigInt(period)]),
    chainTime(ctx),
    readTally(ctx, period),
  ]);
  return {
    period,
    start: Number(start),
    end: Number(end),
    chainTime: now,
    ended: now >= Number(end),
    pool: pool[0],
    paid: pool[1],
    subscribers: Number(pool[2]),
    claimedCount: Number(pool[3]),
    tally,
  };
}

export async function currentPeriod(ctx: ChainContext): Promise<number> {
  const clock = await periodClock(ctx);
  return periodOf(clock, await chainTime(ctx));
}

/** The view weight of `period`'s split: fixed before the period started, whatever governance did since. */
export async function viewWeightForPeriod(ctx: ChainContext, period: number): Promise<number> {
  return Number(await ctx.contracts.market.read.viewWeightForPeriod([BigInt(period)]));
}

export async function signerSet(ctx: ChainContext, candidates: readonly Address[]) {
  const [threshold, flags] = await Promise.all([
    ctx.contracts.market.read.oracleThreshold(),
    Promise.all(candidates.map((a) => ctx.contracts.market.read.isOracleSigner([a]))),
  ]);
  return { threshold: Number(threshold), registered: candidates.filter((_, i) => flags[i]) };
}

export interface TallyPostedEvent {
  root: Hex;
  dataCid: string;
  signers: Address[];
  blockNumber: bigint;
  transactionHash: Hex;
}

/** The TallyPosted events of a period, oldest first (a disputed tally may have been replaced). */
export async function tallyPostings(ctx: ChainContext, period: number): Promise<TallyPostedEvent[]> {
  // strict: every log has all its args (ours always decode), which the instance's getEvents does not type.
  const logs = await ctx.publicClient.getContractEvents({
    address: ctx.market,
    abi: filmMarketAbi,
    eventName: "TallyPosted",
    args: { period: BigInt(period) },
    fromBlock: 0n,
    toBlock: "latest",
    strict: true,
  });
  return logs.map((log) => ({
    root: log.args.root,
    dataCid: log.args.dataCid,
    signers: [...log.args.signers],
    blockNumber: log.blockNumber,
    transactionHash: log.transactionHash,
  }));
}
