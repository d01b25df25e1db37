/**
 * Recording heartbeats into the view ledger. One beat is one statement, the database function
 * `ledger_record_heartbeat` (db/migrations/006_record_heartbeat.sql, given one clock per viewer by
 * 010_viewer_clock.sql), so one round trip: it locks, in a fixed order, the rows it reads and
 * writes: session → viewer clock → viewer-day → counter → history. Every
 * beat takes at most one row of each kind and always in that order, so concurrent beats queue on
 * the rows they share (no lost or doubled seconds) and can never deadlock one another. Validation
 * and the numbers of the rules stay here (rules.ts); the function only applies them.
 */
import type { Database } from "../db/index.ts";
import { periodOf, type PeriodClock } from "./periods.ts";
import {
  DAILY_CAP_SECONDS,
  MAX_FUTURE_SKEW_SECONDS,
  MAX_SECONDS_PER_BEAT,
  filmCapSeconds,
  viewThresholdSeconds,
  type Entitlement,
} from "./rules.ts";
import {
  LedgerInputError,
  parseAddress,
  parseEntitlement,
  parseFilmDuration,
  parseFilmId,
  parsePosition,
  parseSessionId,
  parseUnixSeconds,
} from "./validate.ts";

export interface Heartbeat {
  viewer: string;
  filmId: bigint | number | string;
  /** The player's session; the first beat of a new id starts its clock. */
  sessionId: string;
  /** Server time the beat arrived, unix seconds. Never the client's clock. */
  at: number;
  /** Why the server let this viewer watch; checked by the caller before recording. */
  entitlement: Entitlement;
  filmDurationSeconds: number;
  /** Playback position, for "continue watching". */
  positionSeconds?: number;
}

export interface HeartbeatResult {
  /** The contract period of `at`; the beat's seconds (if any) went there. */
  period: number;
  addedSeconds: number;
  /** True only for the beat that made this (period, viewer, film) a unique view. */
  viewCounted: boolean;
  /**
   * Which cap cut this beat short, if one did: the per-film or daily cap, or the viewer's clock
   * (another session of this viewer was already credited for that time).
   */
  capped: "film" | "day" | "clock" | null;
  /** Why the beat added nothing without being capped: a stamp not after the session's last one, or in the future. */
  ignored: "out-of-order" | "future" | null;
}

/**
 * Records one heartbeat. A beat that spans a period or UTC-day boundary is credited wholly to the
 * period and day of `at`: a beat carries at most 15 s, so splitting it would buy little
 * precision, and "where the beat landed" is what a verifier can recompute from beat times alone.
 *
 * `now` (unix seconds, default the system clock) is only used to refuse beats from the future.
 */
export async function recordHeartbeat(
  db: Database,
  clock: PeriodClock,
  beat: Heartbeat,
  options: { now?: number } = {},
): Promise<HeartbeatResult> {
  const call = heartbeatCall(clock, beat, options);
  if ("ignored" in call) return call;
  const rows = await db.query<HeartbeatRow>(
    "SELECT r_added::text, r_view_counted, r_capped, r_ignored FROM ledger_record_heartbeat($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    call.params,
  );
  return heartbeatResult(call.period, rows[0]);
}

/** What the ledger's SQL functions answer for one beat. */
export interface HeartbeatRow {
  r_added: string;
  r_view_counted: boolean;
  r_capped: "film" | "day" | "clock" | null;
  r_ignored: string | null;
}

/**
 * A beat validated and turned into the twelve parameters of `ledger_record_heartbeat` (also the
 * first twelve of `ledger_record_signed_heartbeat`), or the answer for a beat from the future.
 * Throws LedgerInputError for bad input.
 */
export function heartbeatCall(
  clock: PeriodClock,
  beat: Heartbeat,
  options: { now?: number } = {},
): { period: number; params: unknown[] } | (HeartbeatResult & { ignored: "future" }) {
  const viewer = parseAddress(beat.viewer);
  const filmId = parseFilmId(beat.filmId).toString();
  const sessionId = parseSessionId(beat.sessionId);
  const at = parseUnixSeconds(beat.at, "at");
  const entitlement = parseEntitlement(beat.entitlement);
  const duration = parseFilmDuration(beat.filmDurationSeconds);
  const position = parsePosition(beat.positionSeconds);
  if (at < clock.genesis) {
    throw new LedgerInputError(`beat time ${at} is before the first period starts (${clock.genesis})`);
  }
  const period = periodOf(clock, at);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (at > now + MAX_FUTURE_SKEW_SECONDS) return { period, addedSeconds: 0, viewCounted: false, capped: null, ignored: "future" };
  return {
    period,
    params: [
      viewer,
      filmId,
      sessionId,
      at,
      entitlement,
      period,
      utcDay(at),
      position,
      MAX_SECONDS_PER_BEAT,
      filmCapSeconds(duration),
      DAILY_CAP_SECONDS,
      viewThresholdSeconds(duration),
    ],
  };
}

/** The result of a beat the ledger applied (or ignored as out of order). */
export function heartbeatResult(period: number, row: HeartbeatRow): HeartbeatResult {
  return {
    period,
    addedSeconds: Number(row.r_added),
    viewCounted: row.r_view_counted,
    capped: row.r_capped,
    ignored: row.r_ignored === "out-of-order" ? "out-of-order" : null,
  };
}

/** The UTC calendar day of unix time `at`, as YYYY-MM-DD. */
export function utcDay(at: number): string {
  return new Date(at * 1000).toISOString().slice(0, 10);
}
