/**
 * Recording heartbeats into the view ledger. One beat is one transaction that locks, in a fixed
 * order, the rows it reads and writes: session → viewer-day → counter → history. Every beat takes
 * at most one row of each kind and always in that order, so concurrent beats queue on the rows
 * they share (no lost or doubled seconds) and can never deadlock one another.
 */
import type { Database, Queryable } from "../db/index.ts";
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
  /** Which cap cut this beat short, if one did. */
  capped: "film" | "day" | null;
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
  const nothing = { period, addedSeconds: 0, viewCounted: false, capped: null, ignored: null } as const;

  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (at > now + MAX_FUTURE_SKEW_SECONDS) return { ...nothing, ignored: "future" };

  return db.transaction(async (tx) => {
    const previousBeat = await lockSession(tx, viewer, filmId, sessionId, at);
    if (previousBeat === null) {
      // First beat: nothing has been watched yet in this session, it only starts the clock.
      await recordHistory(tx, viewer, filmId, at, position);
      return nothing;
    }
    // Equal stamps count as out of order: a replayed beat must not add anything.
    if (at <= previousBeat) return { ...nothing, ignored: "out-of-order" };
    await tx.query(
      `UPDATE heartbeat_sessions SET last_beat_at = $4, beats = beats + 1
       WHERE viewer = $1 AND film_id = $2 AND session_id = $3`,
      [viewer, filmId, sessionId, at],
    );

    const claimed = Math.min(at - previousBeat, MAX_SECONDS_PER_BEAT);
    const day = utcDay(at);
    const daySeconds = await lockViewerDay(tx, viewer, day);
    const counter = await lockCounter(tx, period, viewer, filmId, entitlement, at);

    const filmRoom = Math.max(0, filmCapSeconds(duration) - counter.seconds);
    const dayRoom = Math.max(0, DAILY_CAP_SECONDS - daySeconds);
    const added = Math.min(claimed, filmRoom, dayRoom);
    const capped = added < claimed ? (filmRoom <= dayRoom ? "film" : "day") : null;
    const total = counter.seconds + added;
    const viewCounted = !counter.viewCounted && total > 0 && total >= viewThresholdSeconds(duration);

    if (added > 0 || viewCounted) {
      // The column name comes from the closed Entitlement type, never from raw input.
      const column = `seconds_${entitlement}`;
      await tx.query(
        `UPDATE view_counters SET
           seconds = seconds + $4,
           ${column} = ${column} + $4,
           view_counted = view_counted OR $5,
           view_entitlement = CASE WHEN $5 THEN $6 ELSE view_entitlement END,
           last_entitlement = $6,
           updated_at = $7
         WHERE period = $1 AND viewer = $2 AND film_id = $3`,
        [period, viewer, filmId, added, viewCounted, entitlement, at],
      );
      await tx.query("UPDATE viewer_days SET seconds = seconds + $3 WHERE viewer = $1 AND day = $2", [viewer, day, added]);
    }
    await recordHistory(tx, viewer, filmId, at, position);
    return { period, addedSeconds: added, viewCounted, capped, ignored: null };
  });
}

/**
 * Locks the session row and returns its previous beat time, or creates it (locked until commit)
 * and returns null. Two first beats racing on one new id: the loser's insert waits for the winner
 * to commit, finds the row, and then reads it like any later beat.
 */
async function lockSession(tx: Queryable, viewer: string, filmId: string, sessionId: string, at: number): Promise<number | null> {
  const key = [viewer, filmId, sessionId];
  const select = `SELECT last_beat_at::text AS last FROM heartbeat_sessions
                  WHERE viewer = $1 AND film_id = $2 AND session_id = $3 FOR UPDATE`;
  const existing = await tx.query<{ last: string }>(select, key);
  if (existing.length > 0) return Number(existing[0].last);
  const inserted = await tx.query(
    `INSERT INTO heartbeat_sessions (viewer, film_id, session_id, started_at, last_beat_at, beats)
     VALUES ($1, $2, $3, $4, $4, 1) ON CONFLICT DO NOTHING RETURNING 1`,
    [...key, at],
  );
  if (inserted.length > 0) return null;
  const raced = await tx.query<{ last: string }>(select, key);
  return Number(raced[0].last);
}

/**
 * Creates-or-locks a row and reads it in one statement: the no-op DO UPDATE takes the row lock
 * that a plain ON CONFLICT DO NOTHING would not.
 */
async function lockViewerDay(tx: Queryable, viewer: string, day: string): Promise<number> {
  const rows = await tx.query<{ seconds: string }>(
    `INSERT INTO viewer_days (viewer, day) VALUES ($1, $2)
     ON CONFLICT (viewer, day) DO UPDATE SET seconds = viewer_days.seconds
     RETURNING seconds::text AS seconds`,
    [viewer, day],
  );
  return Number(rows[0].seconds);
}

async function lockCounter(
  tx: Queryable,
  period: number,
  viewer: string,
  filmId: string,
  entitlement: Entitlement,
  at: number,
): Promise<{ seconds: number; viewCounted: boolean }> {
  const rows = await tx.query<{ seconds: string; view_counted: boolean }>(
    `INSERT INTO view_counters (period, viewer, film_id, last_entitlement, updated_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (period, viewer, film_id) DO UPDATE SET seconds = view_counters.seconds
     RETURNING seconds::text AS seconds, view_counted`,
    [period, viewer, filmId, entitlement, at],
  );
  return { seconds: Number(rows[0].seconds), viewCounted: rows[0].view_counted };
}

/** Keeps the latest position per (viewer, film); a late-arriving older beat cannot rewind it. */
async function recordHistory(tx: Queryable, viewer: string, filmId: string, at: number, position: number | null): Promise<void> {
  await tx.query(
    `INSERT INTO viewer_films (viewer, film_id, first_watched_at, last_watched_at, position_seconds)
     VALUES ($1, $2, $3, $3, $4)
     ON CONFLICT (viewer, film_id) DO UPDATE SET
       position_seconds = CASE WHEN EXCLUDED.last_watched_at >= viewer_films.last_watched_at
                               THEN COALESCE(EXCLUDED.position_seconds, viewer_films.position_seconds)
                               ELSE viewer_films.position_seconds END,
       last_watched_at  = GREATEST(viewer_films.last_watched_at, EXCLUDED.last_watched_at),
       first_watched_at = LEAST(viewer_films.first_watched_at, EXCLUDED.first_watched_at)`,
    [viewer, filmId, at, position],
  );
}

/** The UTC calendar day of unix time `at`, as YYYY-MM-DD. */
export function utcDay(at: number): string {
  return new Date(at * 1000).toISOString().slice(0, 10);
}
