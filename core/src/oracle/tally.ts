// `oracle tally`: splits an ended period of the ledger into one leaf per film with the period's
// split method (domain/split.ts; method 2 unless told), builds the Merkle tree, commits to the
// per-viewer lines with a second, salted tree (viewerLines.ts), writes the tally file beside the
// period's other oracle files and keeps the lines, salts and proofs in the platform's database.
import { DEFAULT_CAP_BPS, DEFAULT_SPLIT_METHOD, type SplitMethod } from "../domain/split.ts";
import type { Queryable } from "../db/index.ts";
import type { ChainContext } from "../chain/context.ts";
import { readPeriod, tallyRevision, viewWeightForPeriod } from "./chainReads.ts";
import { OracleError } from "./errors.ts";
import { periodSplit } from "./periodSplit.ts";
import { silentProgress, type Progress } from "./progress.ts";
import { buildTallyFile, serializeTallyFile, type TallyFile } from "./tallyFile.ts";
import { commitViewerLines, storeViewerLines, viewerSaltKey } from "./viewerLines.ts";
import { periodFiles, readJsonIfExists, writeAtomic } from "./workdir.ts";
import { writeReceiptsArchive } from "./archiveExport.ts";
import type { TallyStore } from "./store.ts";
import type { Hex } from "viem";
import { viewerFilmCounts } from "../ledger/viewerCounts.ts";

/**
 * Beats stamped just before a period's end can commit just after it; waiting this long after the
 * end before aggregating keeps them in the tally.
 */
export const DEFAULT_GRACE_SECONDS = 60;

const DEFAULT_METHOD: SplitMethod =
  DEFAULT_SPLIT_METHOD === 2 ? { version: 2, capBps: DEFAULT_CAP_BPS } : { version: DEFAULT_SPLIT_METHOD };

export interface TallyOptions {
  period: number;
  ledger: Queryable;
  allowEmpty?: boolean;
  /** Replace an existing, different tally file even if it was published or signed. */
  force?: boolean;
  graceSeconds?: number;
  /** The split method; new periods use DEFAULT_SPLIT_METHOD (2, ScaledUserProp) with DEFAULT_CAP_BPS. */
  method?: SplitMethod;
  filesRoot?: string;
  /** The viewer-salt key (32 bytes); else ORACLE_VIEWER_SALT_KEY or the key file in the oracle dir. */
  viewerSaltKey?: Uint8Array;
  progress?: Progress;
  /**
   * Write the period's receipts archive, sealed to these operators' public keys, to this store and
   * name it in the tally file, so operators can recompute it (the CLI always does).
   */
  archive?: { store: TallyStore; operatorKeys: readonly Hex[] };
}

export interface TallyResult {
  file: TallyFile;
  text: string;
  path: string;
  /** False when an identical tally file was already there. */
  written: boolean;
}

export async function runTally(ctx: ChainContext, options: TallyOptions): Promise<TallyResult> {
  const progress = options.progress ?? silentProgress;
  const grace = options.graceSeconds ?? DEFAULT_GRACE_SECONDS;
  progress.step("reading the period from the chain");
  const state = await readPeriod(ctx, options.period);
  if (state.chainTime < state.end + grace) {
    throw new OracleError(
      `Period ${options.period} has not ended: it ends at ${iso(state.end)}` +
        (grace ? ` (tallied ${grace} s later)` : "") +
        `; chain time is ${iso(state.chainTime)}.`,
    );
  }
  const method = options.method ?? DEFAULT_METHOD;
  const viewWeightBps = await viewWeightForPeriod(ctx, options.period);
  progress.step(`splitting the ledger's watching (method ${method.version})`);
  const counts = await viewerFilmCounts(options.ledger, options.period);
  const split = await periodSplit(ctx, options.ledger, options.period, method, { pool: state.pool, viewWeightBps }, counts);
  const leaves = split.leaves;
  if (leaves.length === 0 && !options.allowEmpty) {
    throw new OracleError(
      `Period ${options.period} is empty: no subscriber watching is in the ledger. ` +
        `To post an empty tally that rolls its pool (${state.pool} units) into a later period, run tally with --allow-empty.`,
    );
  }
  progress.step(`building the Merkle trees of ${leaves.length} films and ${counts.length} viewer lines`);
  const revision = tallyRevision(state.tally);
  const key = options.viewerSaltKey ?? (await viewerSaltKey(ctx.chainId, options.filesRoot));
  const viewers = commitViewerLines(counts, key, { chainId: ctx.chainId, market: ctx.market, period: options.period, revision });
  const file = buildTallyFile(
    {
      chainId: ctx.chainId,
      market: ctx.market,
      period: options.period,
      revision,
      periodStart: state.start,
      periodEnd: state.end,
      viewWeightBps,
      pool: state.pool,
    },
    split,
    method,
    viewers,
  );
  if (options.archive) {
    progress.step("sealing the receipts archive to the operators");
    const { cid } = await writeReceiptsArchive(
      ctx,
      options.ledger,
      options.archive.store,
      options.period,
      options.archive.operatorKeys,
      options.filesRoot,
    );
    file.receiptsCid = cid;
  }
  const text = serializeTallyFile(file);
  const paths = periodFiles(ctx.chainId, options.period, options.filesRoot);
  progress.step("writing the tally file");
  const existing = await readJsonIfExists<TallyFile>(paths.tally);
  if (existing && serializeTallyFile(existing) === text) {
    await storeViewerLines(options.ledger, options.period, file.root, viewers);
    return { file, text, path: paths.tally, written: false };
  }
  if (existing) {
    const published = await readJsonIfExists(paths.publication);
    const signed = await readJsonIfExists(paths.signatures);
    if ((published || signed) && !options.force) {
      throw new OracleError(
        `A different tally for period ${options.period} is already ${signed ? "signed" : "published"} (root ${existing.root}); ` +
          `the ledger now gives root ${file.root}. Re-run with --force to replace it and drop its signatures.`,
      );
    }
  }
  // The lines first: a tally file on disk always has its lines in the database (storing is idempotent).
  progress.step("keeping each viewer's lines and proofs for their account page");
  await storeViewerLines(options.ledger, options.period, file.root, viewers);
  await writeAtomic(paths.tally, text);
  return { file, text, path: paths.tally, written: true };
}

export function iso(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(".000Z", "Z");
}
