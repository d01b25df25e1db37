/**
 * The UI strings of the player's captions/audio menu (the viewer's rows and the watchlist button read the
 * catalogue now), kept together (plain English for now) so they move into the i18n catalogues in one go.
 */
export const VIEWER_STRINGS = {
  captions: "Captions",
  captionsOff: "Off",
  audio: "Audio",
  captionsMenu: "Captions and audio",
} as const;

/** The account page's "what was counted for you" section (AccountCountsIsland). */
export const COUNTS_TEXT = {
  heading: "What was counted for you",
  intro:
    "For each settled period, what the posted tally counted for this wallet, film by film. Your browser checks each line against the tally on the chain: nobody else is shown these lines, and the public tally file names no wallet.",
  loading: "Loading what was counted…",
  none: "Nothing counted for this wallet in a settled period yet: subscription watching shows here once its period's tally is posted.",
  loadFailed: (why: string) => `What was counted can't be read right now (${why}). Try again shortly.`,
  period: (n: number) => `Period ${n}`,
  film: (id: string) => `film #${id}`,
  counted: (time: string, title: string) => `counted: ${time} of ${title}`,
  aView: " (a view)",
  checking: "checking…",
  included: "included in the posted tally",
  notIncluded: "NOT included in the posted tally",
  checkFailed: (why: string) => `The check could not run: ${why}`,
  whatWasChecked: "What your browser checked",
  checkChain: "the chain's tally for the period is posted with this root",
  checkCid: "the TallyPosted event names the tally file's CID",
  checkBytes: "the file's bytes hash to that CID",
  checkFile: "the file is this period's, with the chain's root and totals",
  checkViewerRoot: "the file commits to a root of viewer lines",
  bigFile: "a multi-block file: its bytes are taken from this site's gateway unchecked",
  noViewerRoot: "a tally from before viewer roots (format 2): its lines cannot be checked",
} as const;
