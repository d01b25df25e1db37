// The published tally: every leaf (as OpenZeppelin StandardMerkleTree's standard dump), the totals,
// the pool, the parameters, the revision and the split method (domain/split.ts) with its parameters;
// from format 3 also the root (and sums) of the per-viewer lines' tree (viewerLines.ts), never the
// lines themselves. Format 2 files (no viewer root) stay readable. Serialised deterministically
// (fixed key order, integers as decimal strings, no timestamps) so the same ledger and revision
// give byte-identical files.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress, type Address, type Hex } from "viem";
import { LEDGER_RULES_CHANGES, LEDGER_RULES_VERSION } from "../ledger/rules.ts";
import { describeSplitMethod, parseSplitMethod, type SplitMethod, type SplitResult } from "../domain/split.ts";
import type { TallyLeaf } from "../ledger/aggregate.ts";
import { OracleError } from "./errors.ts";
import { standardTreeDump, type StandardTreeDump } from "./merkleTree.ts";
import type { ViewerCommitment, ViewerSummary } from "./viewerLines.ts";
import { VIEWER_LEAF_ENCODING } from "./viewerProof.ts";

/** The format new tallies are written in: format 2 plus the viewer tree's root. */
export const TALLY_FORMAT = "ai-films-tally/3";
/** Before viewer roots: still read, checked and verified. */
export const TALLY_FORMAT_V2 = "ai-films-tally/2";
const TALLY_FORMATS: readonly string[] = [TALLY_FORMAT_V2, TALLY_FORMAT];
export const LEAF_ENCODING = ["uint256", "uint64", "uint64"] as const;
export const ZERO_ROOT: Hex = `0x${"00".repeat(32)}`;

const FORMULA = "share = pool * (w * views / totalViews + (1 - w) * seconds / totalSeconds), w = viewWeightBps / 10000, rounded down";
const DESCRIPTIONS: Record<number, string> = {
  1: "Global proportional: leaves carry each film's raw subscription views and seconds.",
  2:
    "ScaledUserProp (Ghosh, Neoh, Teh, Tyrovolas, ICML 2025) on each part of the formula: a subscriber directs at most " +
    "capBps/10000 of what they paid for the period; under that cap, in proportion to their views (seconds) scaled by one " +
    "factor for all; spread over their films by their own views (seconds). Leaves carry these weighted counts in units of " +
    "1/unitScale; totals exceed the leaves' sums by the reserve nobody could direct, which rolls over.",
};

type LeafValue = [string, string, string];

export interface TallyFile {
  format: typeof TALLY_FORMAT | typeof TALLY_FORMAT_V2;
  /** The split method (version 1 when `name` is absent: files written before methods were versioned). */
  method: {
    version: number;
    name?: string;
    /** Method 2: the cap, in basis points of what a subscriber paid for the period. */
    capBps?: number;
    /** Method 2: leaves count 1/unitScale views and seconds. */
    unitScale?: string;
    description?: string;
    ledgerRules: number;
    /** What this version of the ledger rules changed (absent in files from before version 2). */
    ledgerRulesChange?: string;
    leafEncoding: string[];
    formula: string;
  };
  chainId: number;
  market: Address;
  period: number;
  /** How many tallies of the period were disputed before this one (part of what is signed). */
  revision: number;
  periodStart: number;
  periodEnd: number;
  viewWeightBps: number;
  pool: string;
  /** The contract's totals: the leaves' sums plus `reserve` (method 2), which no leaf can claim and rolls over. */
  totals: { views: string; seconds: string; leafCount: number; reserve?: { views: string; seconds: string } };
  root: Hex;
  /** `StandardMerkleTree.dump()`, or null for a period with no counted watching. */
  tree: StandardTreeDump<LeafValue> | null;
  /**
   * Format 3: the root of the per-viewer lines' tree (ZERO_ROOT when there are none), how many
   * lines and their raw sums, the leaf encoding and how salts are made. Absent in format 2.
   */
  viewers?: ViewerSummary;
  /**
   * The CID of the period's receipts archive, sealed to the operators (receiptsArchive.ts), from
   * which each operator recomputes this file; absent in files written without one.
   */
  receiptsCid?: string;
}

/** The EIP-712 `Tally` struct the signers sign and the contract stores. */
export interface TallyStruct {
  period: bigint;
  revision: number;
  root: Hex;
  totalViews: bigint;
  totalSeconds: bigint;
  leafCount: number;
  viewWeightBps: number;
  dataCid: string;
}

export interface TallyContext {
  chainId: number;
  market: Address;
  period: number;
  revision: number;
  periodStart: number;
  periodEnd: number;
  viewWeightBps: number;
  pool: bigint;
}

/**
 * The tally file of `split` (a split method's result), or of plain leaves (method 1: totals are
 * their sums). With the period's viewer lines committed (`viewers`), a format 3 file carrying their
 * root; without, a format 2 file as older oracles wrote.
 */
export function buildTallyFile(
  context: TallyContext,
  split: readonly TallyLeaf[] | SplitResult,
  method: SplitMethod = { version: 1 },
  viewers?: ViewerCommitment,
): TallyFile {
  const leaves = "leaves" in split ? split.leaves : split;
  const reserve = "leaves" in split ? split.reserve : { views: 0n, seconds: 0n };
  const sorted = [...leaves].sort((a, b) => (a.filmId < b.filmId ? -1 : a.filmId > b.filmId ? 1 : 0));
  const values: LeafValue[] = sorted.map((l) => [l.filmId.toString(), l.views.toString(), l.seconds.toString()]);
  const tree = values.length ? standardTreeDump(values, LEAF_ENCODING) : null;
  return {
    format: viewers ? TALLY_FORMAT : TALLY_FORMAT_V2,
    method: {
      ...describeSplitMethod(method),
      ...(method.version === 2 ? { unitScale: ("leaves" in split ? split.unitScale : 1n).toString() } : {}),
      description: DESCRIPTIONS[method.version],
      ledgerRules: LEDGER_RULES_VERSION,
      ledgerRulesChange: LEDGER_RULES_CHANGES[LEDGER_RULES_VERSION],
      leafEncoding: [...LEAF_ENCODING],
      formula: FORMULA,
    },
    chainId: context.chainId,
    market: getAddress(context.market),
    period: context.period,
    revision: context.revision,
    periodStart: context.periodStart,
    periodEnd: context.periodEnd,
    viewWeightBps: context.viewWeightBps,
    pool: context.pool.toString(),
    totals: {
      views: (sorted.reduce((s, l) => s + l.views, 0n) + reserve.views).toString(),
      seconds: (sorted.reduce((s, l) => s + l.seconds, 0n) + reserve.seconds).toString(),
      leafCount: sorted.length,
      ...(method.version === 1 ? {} : { reserve: { views: reserve.views.toString(), seconds: reserve.seconds.toString() } }),
    },
    root: (tree?.tree[0] as Hex | undefined) ?? ZERO_ROOT,
    tree,
    ...(viewers ? { viewers: { ...viewers.summary, leafEncoding: [...viewers.summary.leafEncoding] } } : {}),
  };
}

export function serializeTallyFile(file: TallyFile): string {
  return JSON.stringify(file, null, 2) + "\n";
}

/** The split method a tally file names (files from before methods were versioned are method 1). */
export function splitMethodOf(file: TallyFile): SplitMethod {
  if (!file.method?.name) return { version: 1 };
  return parseSplitMethod(file.method);
}

/** The leaves a tally file carries, recomputed from its tree dump. */
export function leavesOf(file: TallyFile): TallyLeaf[] {
  if (!file.tree) return [];
  return file.tree.values.map(({ value }) => ({ filmId: BigInt(value[0]), views: BigInt(value[1]), seconds: BigInt(value[2]) }));
}

/**
 * Parses a tally file and checks it against itself: the tree rebuilt from its leaves must give its
 * root, and the leaves must add up to its totals. Anything else means the file was altered.
 */
export function parseTallyFile(text: string, source = "tally file"): TallyFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new OracleError(`${source} is not JSON.`);
  }
  const format = (parsed as { format?: unknown } | null)?.format;
  if (typeof format !== "string" || !TALLY_FORMATS.includes(format))
    throw new OracleError(`${source} is not an AI Films tally (format "${format}").`);
  const file = parsed as TallyFile;
  const problems = selfCheck(file);
  if (problems.length) throw new OracleError(`${source} was tampered with: ${problems.join("; ")}.`);
  return file;
}

/** Internal consistency of a tally file; an empty list means consistent. */
export function selfCheck(file: TallyFile): string[] {
  const problems: string[] = [];
  const leaves = leavesOf(file);
  let rebuiltRoot: string = ZERO_ROOT;
  if (file.tree) {
    try {
      const values = file.tree.values.map((v) => v.value);
      rebuiltRoot = standardTreeDump(values, LEAF_ENCODING).tree[0];
    } catch (error) {
      problems.push(`its tree cannot be rebuilt (${(error as Error).message})`);
    }
    if (file.tree.tree?.[0] !== rebuiltRoot)
      problems.push(`its tree's stored root ${file.tree.tree?.[0]} differs from the root of its leaves ${rebuiltRoot}`);
  }
  if (rebuiltRoot !== file.root) problems.push(`root ${file.root} differs from the root of its leaves ${rebuiltRoot}`);
  let method: SplitMethod | null = null;
  try {
    method = splitMethodOf(file);
  } catch (error) {
    problems.push(`its split method is not valid (${(error as Error).message})`);
  }
  const reserve = file.totals.reserve ?? { views: "0", seconds: "0" };
  if (method?.version === 1 && file.totals.reserve) problems.push("a method 1 tally carries a reserve");
  let reserveViews = 0n;
  let reserveSeconds = 0n;
  try {
    [reserveViews, reserveSeconds] = [BigInt(reserve.views), BigInt(reserve.seconds)];
    if (reserveViews < 0n || reserveSeconds < 0n) problems.push("its reserve is negative");
  } catch {
    problems.push("its reserve is not a pair of integers");
  }
  const views = (leaves.reduce((s, l) => s + l.views, 0n) + reserveViews).toString();
  const seconds = (leaves.reduce((s, l) => s + l.seconds, 0n) + reserveSeconds).toString();
  if (views !== file.totals.views) problems.push(`total views ${file.totals.views} differ from the leaves' sum and reserve ${views}`);
  if (seconds !== file.totals.seconds)
    problems.push(`total seconds ${file.totals.seconds} differ from the leaves' sum and reserve ${seconds}`);
  if (leaves.length !== file.totals.leafCount) problems.push(`leaf count ${file.totals.leafCount} differs from ${leaves.length} leaves`);
  const ids = new Set(leaves.map((l) => l.filmId));
  if (ids.size !== leaves.length) problems.push("a film appears in more than one leaf");
  problems.push(...viewerProblems(file, method));
  return problems;
}

/**
 * What the public file can show about its viewer root without the lines: it is there exactly in
 * format 3, well formed, zero exactly when there are no lines, every film leaf has at least one
 * line behind it, and under method 1 (raw counts) the lines add up to the totals.
 */
function viewerProblems(file: TallyFile, method: SplitMethod | null): string[] {
  const viewers = file.viewers;
  if (file.format !== TALLY_FORMAT) return viewers === undefined ? [] : [`a ${file.format} tally carries a viewer root`];
  if (!viewers || typeof viewers !== "object") return ["it has no viewer root"];
  const problems: string[] = [];
  if (typeof viewers.root !== "string" || !/^0x[0-9a-f]{64}$/.test(viewers.root))
    problems.push(`its viewer root ${viewers.root} is not 32 bytes of lowercase hex`);
  if (!Number.isSafeInteger(viewers.lines) || viewers.lines < 0) problems.push(`its viewer line count ${viewers.lines} is not a count`);
  else {
    if ((viewers.lines === 0) !== (viewers.root === ZERO_ROOT))
      problems.push(`its viewer root ${viewers.root} does not fit its ${viewers.lines} viewer lines`);
    if (viewers.lines < file.totals.leafCount)
      problems.push(`its ${viewers.lines} viewer lines cannot cover its ${file.totals.leafCount} films`);
  }
  if (JSON.stringify(viewers.leafEncoding) !== JSON.stringify(VIEWER_LEAF_ENCODING))
    problems.push(`its viewer leaf encoding ${JSON.stringify(viewers.leafEncoding)} is not ${JSON.stringify(VIEWER_LEAF_ENCODING)}`);
  const decimal = /^[0-9]+$/;
  if (!decimal.test(String(viewers.views)) || !decimal.test(String(viewers.seconds))) problems.push("its viewer sums are not integers");
  else if (method?.version === 1 && (viewers.views !== file.totals.views || viewers.seconds !== file.totals.seconds))
    problems.push(
      `its viewer lines add up to ${viewers.views} views and ${viewers.seconds} s, its totals to ${file.totals.views} and ${file.totals.seconds}`,
    );
  return problems;
}

export function tallyStruct(file: TallyFile, dataCid: string): TallyStruct {
  return {
    period: BigInt(file.period),
    revision: file.revision,
    root: file.root,
    totalViews: BigInt(file.totals.views),
    totalSeconds: BigInt(file.totals.seconds),
    leafCount: file.totals.leafCount,
    viewWeightBps: file.viewWeightBps,
    dataCid,
  };
}

/** The Merkle proof of one film's leaf, for a claim. */
export function proofFor(file: TallyFile, filmId: bigint): { leaf: TallyLeaf; proof: Hex[] } | null {
  if (!file.tree) return null;
  const tree = StandardMerkleTree.load(file.tree);
  for (const [i, value] of tree.entries()) {
    if (BigInt(value[0]) === filmId) {
      return { leaf: { filmId, views: BigInt(value[1]), seconds: BigInt(value[2]) }, proof: tree.getProof(i) as Hex[] };
    }
  }
  return null;
}
