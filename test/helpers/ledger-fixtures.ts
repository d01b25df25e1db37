/** Shared values for ledger tests: a contract-like period clock and a beat builder. */
import type { Database } from "@ai-films/core/db";
import { recordHeartbeat, type Heartbeat, type HeartbeatResult, type PeriodClock } from "@ai-films/core/ledger";

/** Weekly periods from 2023-11-14T22:13:20Z, as a contract might report them. */
export const CLOCK: PeriodClock = { genesis: 1_700_000_000, periodLength: 7 * 24 * 3600 };
/** 2023-11-15T00:00:00Z: the first UTC midnight after genesis, still in period 0. */
export const MIDNIGHT = 1_700_006_400;
/** A time well inside period 0, one hour before MIDNIGHT. */
export const T0 = MIDNIGHT - 3600;
/** "Now" for tests: later than every beat they send, so none is refused as from the future. */
export const NOW = CLOCK.genesis + 100 * 7 * 24 * 3600;

export function address(n: number): string {
  return `0x${n.toString(16).padStart(40, "0")}`;
}
export const ALICE = address(0xa11ce);
export const BOB = address(0xb0b);

export const LONG_FILM = 3600; // threshold 30 s, cap 3 h

export function beat(overrides: Partial<Heartbeat> = {}): Heartbeat {
  return {
    viewer: ALICE,
    filmId: 1n,
    sessionId: "s1",
    at: T0,
    entitlement: "subscription",
    filmDurationSeconds: LONG_FILM,
    ...overrides,
  };
}

/** Records a beat with `now` pinned to NOW unless given. */
export function record(db: Database, overrides: Partial<Heartbeat> = {}, now = NOW): Promise<HeartbeatResult> {
  return recordHeartbeat(db, CLOCK, beat(overrides), { now });
}

/** Records beats at the given times, one after another, returning the results. */
export async function recordSeries(db: Database, times: readonly number[], overrides: Partial<Heartbeat> = {}): Promise<HeartbeatResult[]> {
  const results: HeartbeatResult[] = [];
  for (const at of times) results.push(await record(db, { ...overrides, at }));
  return results;
}

/** Times `start, start+step, …` (count of them). */
export function every(step: number, count: number, start = T0): number[] {
  return Array.from({ length: count }, (_, i) => start + i * step);
}

export async function counter(db: Database, period: number, viewer: string, filmId: bigint) {
  const rows = await db.query<{ seconds: string; view_counted: boolean; view_entitlement: string | null }>(
    `SELECT seconds::text AS seconds, view_counted, view_entitlement FROM view_counters
     WHERE period = $1 AND viewer = $2 AND film_id = $3`,
    [period, viewer, filmId.toString()],
  );
  return rows.length
    ? { seconds: Number(rows[0].seconds), viewCounted: rows[0].view_counted, viewEntitlement: rows[0].view_entitlement }
    : undefined;
}

export async function daySeconds(db: Database, viewer: string, day: string): Promise<number> {
  const rows = await db.query<{ seconds: string }>("SELECT seconds::text AS seconds FROM viewer_days WHERE viewer = $1 AND day = $2", [
    viewer,
    day,
  ]);
  return rows.length ? Number(rows[0].seconds) : 0;
}

export const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
