/**
 * The oracle: an ended period of the ledger → tally file (leaves, Merkle root) → IPFS → operators'
 * EIP-712 signatures → the root posted on FilmMarket, and anyone's verification of a posted tally.
 * Each `run*` is one `npm run oracle` command; the web app uses the proofs and the verification.
 *
 *   const { file } = await runTally(ctx, { ledger: db, period });
 *   await runPublish(ctx, ipfs, period); await runSign(ctx, operator, period); await runPost(ctx, poster, period);
 *   const report = await runVerify(ctx, { period, store: ipfs, ledger: db });
 */
export { runTally, iso, DEFAULT_GRACE_SECONDS, type TallyOptions, type TallyResult } from "./tally.ts";
export { runPublish, type Publication } from "./publish.ts";
export { runSign, tallyDigest, tallyDomain, TALLY_TYPES, type SignatureFile } from "./sign.ts";
export { runPost, EXIT_CONFLICT, type PostResult } from "./post.ts";
export { runVerify, type Check, type VerifyOptions, type VerifyReport } from "./verify.ts";
export { runStatus, phaseOf, type PeriodPhase } from "./status.ts";
export { claimProof, claimRequest, postedTallyFile, type ClaimProof } from "./proof.ts";
export {
  buildTallyFile,
  leavesOf,
  parseTallyFile,
  proofFor,
  selfCheck,
  serializeTallyFile,
  tallyStruct,
  LEAF_ENCODING,
  splitMethodOf,
  TALLY_FORMAT,
  TALLY_FORMAT_V2,
  ZERO_ROOT,
  type TallyContext,
  type TallyFile,
  type TallyStruct,
} from "./tallyFile.ts";
export {
  chainTime,
  currentPeriod,
  periodClock,
  readPeriod,
  readTally,
  signerSet,
  tallyPostings,
  viewWeightForPeriod,
  TALLY_STATUS,
  type OnChainTally,
  type PeriodState,
  type TallyPostedEvent,
  type TallyStatus,
} from "./chainReads.ts";
export { periodSplit } from "./periodSplit.ts";
export {
  commitViewerLines,
  storeViewerLines,
  viewerCountsOf,
  viewerSalt,
  viewerSaltKey,
  VIEWER_SALT_DERIVATION,
  type ViewerCommitment,
  type ViewerPeriodCounts,
  type ViewerSummary,
} from "./viewerLines.ts";
export {
  bytesMatchCid,
  verifyViewerLine,
  viewerLeafHash,
  viewerLeafValue,
  VIEWER_LEAF_ENCODING,
  type ViewerLineProof,
} from "./viewerProof.ts";
export { paymentsInPeriod, subscriptionPayments, type SubscriptionPayment } from "./subscriptionPayments.ts";
export { OracleError } from "./errors.ts";
export { keySourceFromEnv, loadAccount, loadPrivateKey, type KeySource } from "./keys.ts";
export { runRecompute, recomputeTally, checkRecomputation, type Recomputation, type Recomputed } from "./recompute.ts";
export { exportReceipts, parseOperatorKeys, writeReceiptsArchive } from "./archiveExport.ts";
export {
  decodeArchive,
  encodeArchive,
  RECEIPTS_ARCHIVE_FORMAT,
  type ArchivedBeat,
  type ArchivedKey,
  type ReceiptsArchive,
} from "./receiptsArchive.ts";
export { operatorAddress, seal, sealedRecipients, unseal } from "./sealed.ts";
export { chainEntitlements, ACCESS_CACHE_SECONDS, type ChainEntitlements } from "./chainEntitlements.ts";
export { silentProgress, stepProgress, type Progress } from "./progress.ts";
export { DEFAULT_ORACLE_DIR, periodFiles, readText, type PeriodFiles } from "./workdir.ts";
export type { TallyStore } from "./store.ts";
