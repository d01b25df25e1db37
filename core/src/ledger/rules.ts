/**
 * The ledger's counting rules, in one place so the oracle's published method can point at them.
 * Changing any of these changes what a tally means: bump LEDGER_RULES_VERSION when you do.
 */

/**
 * Version of these rules; published with each tally so a verifier knows which method applied.
 * 1: a clock per player session. 2: one clock per viewer (LEDGER_RULES_CHANGES).
 */
export const LEDGER_RULES_VERSION = 2;

/** What each version changed, published in the tally file's method beside the version. */
export const LEDGER_RULES_CHANGES: Readonly<Record<number, string>> = {
  1: "a beat is credited the time since its session's previous beat, at most interval + slack; per-film and daily caps",
  2:
    "one clock per viewer: a beat is credited only time after both its session's previous beat and the latest time " +
    "already credited to any session of the viewer, so parallel sessions, tabs or devices share one clock",
};

/** The player sends a heartbeat this often (seconds). */
export const HEARTBEAT_INTERVAL_SECONDS = 10;

/**
 * Extra time one beat may claim beyond the interval: network jitter and throttled background tabs
 * make beats late; without slack an honest player would lose time on every late beat.
 */
export const HEARTBEAT_SLACK_SECONDS = 5;

/**
 * Most one beat can add: no faster than real time (one clock per viewer, across all of its sessions
 * and films: in any interval a viewer is credited at most its length plus this), and a gap (pause, lost connection, a client
 * that stops beating and later claims the whole gap) earns at most one interval plus slack.
 */
export const MAX_SECONDS_PER_BEAT = HEARTBEAT_INTERVAL_SECONDS + HEARTBEAT_SLACK_SECONDS;

/**
 * A beat stamped this far ahead of the caller's "now" is refused. The stamp is the server's own
 * clock, so a future stamp means a bug or a tampered caller; accepting it would also move the
 * session's clock ahead and make every honest beat after it look out of order.
 */
export const MAX_FUTURE_SKEW_SECONDS = 5;

/**
 * Per (period, viewer, film): at most this many times the film's duration. Rewatching is real
 * viewing, but one account looping a film all period should not drain the subscription pool.
 */
export const FILM_CAP_DURATION_MULTIPLE = 3;

/** Per (viewer, UTC day), across all films: nobody genuinely watches more than this a day. */
export const DAILY_CAP_SECONDS = 8 * 60 * 60;

/**
 * Seconds a viewer must watch (in one period) before the film gets a unique view. Short films
 * would otherwise never reach it, so the threshold is never longer than the film itself.
 */
export const VIEW_THRESHOLD_MAX_SECONDS = 30;

/** Session ids come from the client; bounded so they cannot bloat the table or its index. */
export const MAX_SESSION_ID_LENGTH = 128;

/** Why the viewer could watch. Everything is stored for stats; see COUNTED_ENTITLEMENT. */
export const ENTITLEMENTS = ["subscription", "pass", "owner", "free"] as const;
export type Entitlement = (typeof ENTITLEMENTS)[number];

/**
 * Only subscription watching is paid from the subscription pool, so only it enters the tally.
 * Passes were already paid per view, owners watching their own film must not earn from it, and
 * free films have nothing to share.
 */
export const COUNTED_ENTITLEMENT: Entitlement = "subscription";

/** Per-(period, viewer, film) cap in seconds for a film of this duration. */
export function filmCapSeconds(filmDurationSeconds: number): number {
  return FILM_CAP_DURATION_MULTIPLE * filmDurationSeconds;
}

/** Watched seconds that make a unique view for a film of this duration. */
export function viewThresholdSeconds(filmDurationSeconds: number): number {
  return Math.min(VIEW_THRESHOLD_MAX_SECONDS, filmDurationSeconds);
}
