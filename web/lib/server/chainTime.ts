/**
 * "Now" as the contracts see it, for stamping heartbeats into the contract's periods.
 *
 * On a real network block time follows wall-clock time, so now is the server clock. On a local
 * chain a developer (or the demo, or a test) may move time forward with evm_increaseTime so a
 * period ends; the ledger must then put beats in the period the contract is in, not the one the
 * wall clock is in. So: now = wall clock + how far the latest block is ahead of it (never behind:
 * an idle local chain's last block is simply old). The offset is refreshed every few seconds and
 * never decreases, so beat stamps stay monotonic for the ledger's per-session clock.
 */
import "server-only";
import { chainLead, clampedPeriodOf, estimateChainNow, periodBounds, type BlockReading } from "@ai-films/core/domain";
import type { PeriodClock } from "@ai-films/core/ledger";
import { IS_LOCAL_CHAIN } from "../config";
import { getChain } from "./services";

const REFRESH_MS = 5_000;

/** `reading`: the one furthest ahead of the wall clock so far, so the estimate never steps back. */
type State = { reading: BlockReading | null; checkedAt: number; clock?: PeriodClock; refreshing?: Promise<void> };
const g = globalThis as typeof globalThis & { __aiFilmsChainTime?: State };
const state: State = (g.__aiFilmsChainTime ??= { reading: null, checkedAt: 0 });

const wallSeconds = () => Math.floor(Date.now() / 1000);

async function refresh(): Promise<void> {
  const chain = await getChain();
  const block = await chain.publicClient.getBlock({ blockTag: "latest" });
  const reading = { blockTime: Number(block.timestamp), observedAt: wallSeconds() };
  if (!state.reading || chainLead(reading) >= chainLead(state.reading)) state.reading = reading;
  state.checkedAt = Date.now();
}

/** Unix seconds, aligned with the chain on local networks. */
export async function chainNow(): Promise<number> {
  if (IS_LOCAL_CHAIN && Date.now() - state.checkedAt > REFRESH_MS) {
    state.refreshing ??= refresh().finally(() => {
      state.refreshing = undefined;
    });
    try {
      await state.refreshing;
    } catch {
      // chain unreachable: keep the last known offset
    }
  }
  return estimateChainNow(state.reading, wallSeconds());
}

/** The contract's period clock (genesis, period length), read once: both are immutable. */
export async function periodClock(): Promise<PeriodClock> {
  if (state.clock) return state.clock;
  const chain = await getChain();
  const [genesis, periodLength] = await Promise.all([chain.contracts.market.read.genesis(), chain.contracts.market.read.periodLength()]);
  state.clock = { genesis: Number(genesis), periodLength: Number(periodLength) };
  return state.clock;
}

/** The current period and its bounds, by chain-aligned time. */
export async function currentPeriod(): Promise<{ period: number; start: number; end: number; now: number }> {
  const [clock, now] = await Promise.all([periodClock(), chainNow()]);
  const period = clampedPeriodOf(clock, now);
  return { period, ...periodBounds(clock, period), now };
}
