/**
 * The domain rules every part of AI Films shares: film ids, the address format, the market's
 * periods, the chain's time, the payout formula, the split methods and the media job stages. Dependency-free (no npm
 * packages, no `node:` modules) so client components can import it as well as the server.
 */
export { MAX_FILM_ID, isFilmId, toFilmId } from "./ids.ts";
export { isAddressFormat, normaliseAddress, type HexAddress } from "./addresses.ts";
export { clampedPeriodOf, periodBounds, periodOf, periodStart, type PeriodClock } from "./periods.ts";
export { chainLead, estimateChainNow, type BlockReading } from "./chainTime.ts";
export { BPS, shareOf } from "./payouts.ts";
export {
  DEFAULT_CAP_BPS,
  DEFAULT_SPLIT_METHOD,
  SPLIT_METHOD_GLOBAL,
  SPLIT_METHOD_SCALED_USER_PROP,
  describeSplitMethod,
  influenceOf,
  parseSplitMethod,
  splitLeaves,
  type SplitInput,
  type SplitLeaf,
  type SplitMethod,
  type SplitResult,
  type ViewerFilmCount,
} from "./split.ts";
export { JOB_STAGES, type JobStage, type JobState } from "./jobStages.ts";
export {
  MAX_COLLABORATORS,
  SPLIT_PROBLEMS,
  SPLIT_TOTAL_BPS,
  bpsToPercent,
  parseSplit,
  percentToBps,
  type CollaboratorRow,
  type ParsedSplit,
  type SplitIssue,
} from "./collaborators.ts";
export {
  AGE_LIMIT_COOKIE,
  AGE_RATINGS,
  AGE_RATING_LABELS,
  DEFAULT_AGE_LIMIT,
  MAX_MODERATION_REASON,
  MAX_REPORT_TEXT,
  REPORT_REASONS,
  REPORT_REASON_LABELS,
  ageOfRating,
  allowedByAgeLimit,
  hasControlCharacters,
  isAgeRating,
  isReportReason,
  ratingOfAge,
  type AgeRating,
  type ReportReason,
} from "./moderation.ts";
