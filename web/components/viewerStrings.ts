/**
 * The UI strings of the viewer's own rows, the watchlist button and the player's captions/audio
 * menu, kept together (plain English for now) so they move into the i18n catalogues in one go.
 */
export const VIEWER_STRINGS = {
  continueWatching: "Continue watching",
  watchlist: "Watchlist",
  addToWatchlist: "Add to watchlist",
  onWatchlist: "On your watchlist",
  removeFromWatchlist: "Remove from watchlist",
  watchlistFailed: "Your watchlist could not be changed just now; try again.",
  watchlistSignIn: "Sign in to keep a watchlist.",
  captions: "Captions",
  captionsOff: "Off",
  audio: "Audio",
  captionsMenu: "Captions and audio",
} as const;
