/**
 * The view ledger: heartbeats in, per-(period, viewer, film) counters with the counting rules'
 * caps, and the aggregation into a period's tally leaves that the oracle publishes. Its tables
 * live in the shared database (`@ai-films/core/db`).
 *
 *   await recordHeartbeat(db, clock, { viewer, filmId, sessionId, at, entitlement, filmDurationSeconds });
 *   const leaves = await aggregatePeriod(db, period);
 */
export { recordHeartbeat, utcDay, type Heartbeat, type HeartbeatResult } from "./ledger.ts";
export { LedgerInputError } from "./validate.ts";
export { aggregatePeriod, periodTotals, totalsOf, type PeriodTotals, type TallyLeaf } from "./aggregate.ts";
export { viewerFilmCounts } from "./viewerCounts.ts";
export { filmStats, viewerHistory, type FilmStats, type HistoryEntry } from "./stats.ts";
export { periodBounds, periodOf, type PeriodClock } from "./periods.ts";
export {
  COUNTED_ENTITLEMENT,
  DAILY_CAP_SECONDS,
  ENTITLEMENTS,
  FILM_CAP_DURATION_MULTIPLE,
  HEARTBEAT_INTERVAL_SECONDS,
  HEARTBEAT_SLACK_SECONDS,
  LEDGER_RULES_CHANGES,
  LEDGER_RULES_VERSION,
  MAX_FUTURE_SKEW_SECONDS,
  MAX_SECONDS_PER_BEAT,
  MAX_SESSION_ID_LENGTH,
  VIEW_THRESHOLD_MAX_SECONDS,
  filmCapSeconds,
  viewThresholdSeconds,
  type Entitlement,
} from "./rules.ts";
