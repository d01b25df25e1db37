/**
 * The UI strings of the viewer's own rows and the watchlist button, kept together (plain English
 * for now) until they move into the i18n catalogues; the player's and the account page's strings
 * are in the "player" and "account" catalogues.
 */
export const VIEWER_STRINGS = {
  continueWatching: "Continue watching",
  watchlist: "Watchlist",
  addToWatchlist: "Add to watchlist",
  onWatchlist: "On your watchlist",
  removeFromWatchlist: "Remove from watchlist",
  watchlistFailed: "Your watchlist could not be changed just now; try again.",
  watchlistSignIn: "Sign in to keep a watchlist.",
} as const;
