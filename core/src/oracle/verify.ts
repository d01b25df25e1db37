// `oracle verify`: anyone with an RPC URL checks a posted tally. It reads the tally on-chain,
// fetches the published file by the CID in the TallyPosted event, rebuilds the tree from the
// file's leaves and compares everything; with the ledger at hand it also recomputes the leaves
// with the split method and parameters the file names.
import type { Address } from "viem";
import type { ChainContext } from "../chain/context.ts";
import type { Queryable } from "../db/index.ts";
import { readPeriod, signerSet, tallyPostings } from "./chainReads.ts";
import { OracleError } from "./errors.ts";
import type { TallyStore } from "./store.ts";
import { periodSplit } from "./periodSplit.ts";
import { leavesOf, selfCheck, splitMethodOf, TALLY_FORMAT, type TallyFile } from "./tallyFile.ts";
import { commitViewerLines } from "./viewerLines.ts";
import { viewerFilmCounts } from "../ledger/viewerCounts.ts";
import type { SplitMethod } from "../domain/split.ts";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface VerifyOptions {
  period: number;
  store: TallyStore;
  ledger?: Queryable;
  /** Operators the verifier trusts; when given, every signer of the posting must be one of them. */
  expectedSigners?: readonly Address[];
  /** The operators' viewer-salt key: with the ledger, the file's viewer root is recomputed too. */
  viewerSaltKey?: Uint8Array;
}

export interface VerifyReport {
  period: number;
  ok: boolean;
  cid: string | null;
  checks: Check[];
}

export async function runVerify(ctx: ChainContext, options: VerifyOptions): Promise<VerifyReport> {
  const { period } = options;
  const state = await readPeriod(ctx, period);
  if (state.tally.status === "none") throw new OracleError(`No tally is posted for period ${period}.`);
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });

  const postings = await tallyPostings(ctx, period);
  const posting = [...postings].reverse().find((p) => p.root === state.tally.root);
  check("tally status", state.tally.status === "posted", state.tally.status);
  if (!posting) {
    check("posting event", false, `no TallyPosted event carries the on-chain root ${state.tally.root}`);
    return { period, ok: false, cid: null, checks };
  }

  let file: TallyFile | null = null;
  try {
    const text = new TextDecoder().decode(await options.store.catBytes(posting.dataCid));
    file = JSON.parse(text) as TallyFile;
    check("published file", true, `${posting.dataCid} (${text.length} bytes)`);
  } catch (error) {
    check("published file", false, `cannot fetch or parse ${posting.dataCid}: ${(error as Error).message}`);
  }

  if (file) {
    const problems = selfCheck(file);
    check(
      "file is self-consistent",
      problems.length === 0,
      problems.join("; ") || "tree rebuilt from its leaves gives its root and totals",
    );
    check(
      "file names this chain and contract",
      file.chainId === ctx.chainId && file.market.toLowerCase() === ctx.market.toLowerCase() && file.period === period,
      `chain ${file.chainId}, market ${file.market}, period ${file.period}`,
    );
    check("revision", file.revision === state.tally.revision, `chain ${state.tally.revision} / file ${file.revision}`);
    check("root", file.root === state.tally.root, `chain ${state.tally.root} / file ${file.root}`);
    check(
      "total views",
      BigInt(file.totals.views) === state.tally.totalViews,
      `chain ${state.tally.totalViews} / file ${file.totals.views}`,
    );
    check(
      "total seconds",
      BigInt(file.totals.seconds) === state.tally.totalSeconds,
      `chain ${state.tally.totalSeconds} / file ${file.totals.seconds}`,
    );
    check("leaf count", file.totals.leafCount === state.tally.leafCount, `chain ${state.tally.leafCount} / file ${file.totals.leafCount}`);
    check(
      "view weight",
      file.viewWeightBps === state.tally.viewWeightBps,
      `chain ${state.tally.viewWeightBps} / file ${file.viewWeightBps}`,
    );
    check("pool", BigInt(file.pool) === state.pool, `chain ${state.pool} / file ${file.pool}`);
    let method: SplitMethod | null = null;
    try {
      method = splitMethodOf(file);
      check(
        "split method",
        true,
        `method ${method.version}${method.version === 2 ? ` (${file.method.name}, capBps ${method.capBps})` : ""}`,
      );
    } catch (error) {
      check("split method", false, (error as Error).message);
    }
    if (options.ledger && method) {
      const split = await periodSplit(ctx, options.ledger, period, method, { pool: state.pool, viewWeightBps: file.viewWeightBps });
      const fromLedger = split.leaves;
      const published = leavesOf(file);
      const totals = `${split.leaves.reduce((s, l) => s + l.views, 0n) + split.reserve.views}/${split.leaves.reduce((s, l) => s + l.seconds, 0n) + split.reserve.seconds}`;
      check(
        "totals match the ledger",
        totals === `${file.totals.views}/${file.totals.seconds}` &&
          (method.version === 1 || file.method.unitScale === split.unitScale.toString()),
        `recomputed ${totals} (views/seconds), file ${file.totals.views}/${file.totals.seconds}`,
      );
      const key = (l: { filmId: bigint; views: bigint; seconds: bigint }) => `${l.filmId}:${l.views}:${l.seconds}`;
      const a = new Set(fromLedger.map(key));
      const b = new Set(published.map(key));
      const onlyLedger = [...a].filter((k) => !b.has(k));
      const onlyFile = [...b].filter((k) => !a.has(k));
      check(
        "leaves match the ledger",
        onlyLedger.length === 0 && onlyFile.length === 0,
        onlyLedger.length + onlyFile.length === 0
          ? `${fromLedger.length} films recomputed from the ledger`
          : `ledger has ${onlyLedger.slice(0, 3).join(", ") || "nothing else"}; file has ${onlyFile.slice(0, 3).join(", ") || "nothing else"} (film:views:seconds)`,
      );
      if (options.viewerSaltKey && file.format === TALLY_FORMAT) {
        const place = { chainId: ctx.chainId, market: ctx.market, period, revision: file.revision };
        const { summary } = commitViewerLines(await viewerFilmCounts(options.ledger, period), options.viewerSaltKey, place);
        check(
          "viewer root matches the ledger",
          summary.root === file.viewers?.root && summary.lines === file.viewers?.lines,
          `recomputed ${summary.root} over ${summary.lines} lines, file ${file.viewers?.root} over ${file.viewers?.lines}`,
        );
      }
    }
  }

  const { registered } = await signerSet(ctx, posting.signers);
  check("signers registered now", registered.length === posting.signers.length, posting.signers.join(", "));
  if (options.expectedSigners) {
    const trusted = new Set(options.expectedSigners.map((a) => a.toLowerCase()));
    const strangers = posting.signers.filter((s) => !trusted.has(s.toLowerCase()));
    check(
      "signers are the expected operators",
      strangers.length === 0,
      strangers.length ? `unexpected signer(s): ${strangers.join(", ")}` : `${posting.signers.length} expected signers`,
    );
  }
  return { period, ok: checks.every((c) => c.ok), cid: posting.dataCid, checks };
}
