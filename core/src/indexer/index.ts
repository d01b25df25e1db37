/**
 * The chain indexer and the read models built on it (queries/, one module per page). Server-side
 * only: the web app's route handlers and server components import from here; nothing in it may
 * reach a client bundle.
 *
 *   const stop = startIndexer(ctx, db, { intervalMs: 2000, ipfs });   // follow the chain
 *   const films = await listFilms(db, { sort: "trending", limit: 24 }); // a page's data
 */
export { indexOnce, startIndexer, wipeIndex, deploymentBlock } from "./indexer.ts";
export type { IndexOptions, IndexResult, StartIndexerOptions, StopIndexer } from "./indexer.ts";
export { ipfsMetadataFetcher, parseFilmMetadata, refreshMetadata, MetadataInvalidError } from "./metadata.ts";
export type { FetchMetadata, MediaIngesterLookup, ParsedMetadata, MetadataRefreshOptions, MetadataRefreshResult } from "./metadata.ts";
export { estimateChainNow, readIndexerState } from "./state.ts";
export type { IndexerState } from "./state.ts";
export { QueryInputError, currentPeriod, type MetadataStatus } from "./queries/shared.ts";
export {
  listFilms,
  getFilm,
  filmDurationSeconds,
  genres,
  aiTools,
  type FilmSummary,
  type FilmDetail,
  type ListFilmsOptions,
} from "./queries/catalogue.ts";
export { filmOfContentKey, filmOfLivepeerPlayback, livepeerPlaybackOfFilm } from "./queries/playback.ts";
export { accountOverview, type AccountOverview, type AccountHistoryEntry, type FilmRef } from "./queries/account.ts";
export {
  addToWatchlist,
  removeFromWatchlist,
  isOnWatchlist,
  watchlistFilms,
  continueWatchingFilms,
  leftPartWay,
  MAX_WATCHLIST,
  type WatchlistChange,
  type ContinueWatchingFilm,
} from "./queries/viewerRows.ts";
export {
  follow,
  unfollow,
  isFollowing,
  followerCount,
  followedCreators,
  followedFilms,
  MAX_FOLLOWS,
  type FollowChange,
  type FollowedCreator,
} from "./queries/follows.ts";
export { creatorOverview, type CreatorOverview, type CreatorFilm, type CreatorPeriod } from "./queries/creator.ts";
export {
  periodsOverview,
  periodClaims,
  marketParameters,
  type PeriodOverview,
  type PeriodStatus,
  type TallyInfo,
  type PeriodClaim,
  type MarketParameters,
} from "./queries/payouts.ts";
export { indexerStatus, type IndexerStatus } from "./queries/status.ts";
export {
  fileReport,
  hasOpenReport,
  openReports,
  moderateFilm,
  moderationLog,
  hiddenFilms,
  viewerAgeLimit,
  setViewerAgeLimit,
  type ReportOutcome,
  type NewReport,
  type ReportEntry,
  type ReportedFilm,
  type ModerationAction,
  type ModerationDecision,
  type ModerationOutcome,
} from "./queries/moderation.ts";
