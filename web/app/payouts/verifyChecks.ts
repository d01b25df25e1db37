/**
 * The names `oracle verify` gives its checks (core/src/oracle/verify.ts, English, also printed by
 * the CLI) → the payouts catalogue's words for them. test/web/payoutsChecks.test.ts fails when
 * the verifier gains or renames a check this table does not know.
 */
export const CHECK_KEY = {
  "tally status": "verify.checks.tallyStatus",
  "posting event": "verify.checks.postingEvent",
  "published file": "verify.checks.publishedFile",
  "file is self-consistent": "verify.checks.selfConsistent",
  "file names this chain and contract": "verify.checks.namesThisMarket",
  revision: "verify.checks.revision",
  root: "verify.checks.root",
  "total views": "verify.checks.totalViews",
  "total seconds": "verify.checks.totalSeconds",
  "leaf count": "verify.checks.leafCount",
  "view weight": "verify.checks.viewWeight",
  pool: "verify.checks.pool",
  "split method": "verify.checks.splitMethod",
  "totals match the ledger": "verify.checks.totalsMatchLedger",
  "leaves match the ledger": "verify.checks.leavesMatchLedger",
  "viewer root matches the ledger": "verify.checks.viewerRootMatchesLedger",
  "signers registered now": "verify.checks.signersRegistered",
  "signers are the expected operators": "verify.checks.signersExpected",
} as const;

/** The catalogue key of a check, or null for a name this table does not know (the page then shows the name as is). */
export function checkKey(name: string): (typeof CHECK_KEY)[keyof typeof CHECK_KEY] | null {
  return Object.hasOwn(CHECK_KEY, name) ? CHECK_KEY[name as keyof typeof CHECK_KEY] : null;
}
