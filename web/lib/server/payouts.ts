/**
 * The open payouts page's data: every period from the indexer (pool, subscribers, tally, status),
 * the per-film split from the published tally file, the result of the same verification as
 * `oracle verify` (chain ↔ published file ↔ this server's ledger), cached per period and root, and
 * the governance read from the chain: the timelock's pending changes and the view weight in force.
 */
import "server-only";
import type { Address } from "viem";
import { governanceState, type GovernanceState } from "@ai-films/core/chain";
import { shareOf } from "@ai-films/core/domain";
import * as queries from "@ai-films/core/indexer";
import { leavesOf, runVerify, splitMethodOf, type VerifyReport } from "@ai-films/core/oracle";
import { chainNow } from "./chainTime";
import { getChain, getDb, getIpfs } from "./services";
import { tallyFileOf } from "./studio";

export type { GovernanceState, PendingCall } from "@ai-films/core/chain";

export interface FilmShare {
  filmId: string;
  /** Null when the index has no title for the film (the page says "Film #12" in its language). */
  title: string | null;
  /** The leaf's views and seconds in whole units (method 2's weighted counts divided by its unit scale, so possibly fractional). */
  views: string;
  seconds: string;
  /** Fraction of the pool, 0–1. */
  fraction: number;
  amount: string;
  claimed: { payee: string; amount: string; txHash: string } | null;
}

/** The split method a period's tally file names (domain/split.ts). */
export interface SplitMethodInfo {
  version: number;
  /** Method 2: the cap in basis points of what a subscriber paid. */
  capBps: number | null;
  /** True when the leaves carry weighted counts rather than raw views and seconds. */
  weighted: boolean;
}

export interface PeriodPayout extends queries.PeriodOverview {
  films: FilmShare[];
  method: SplitMethodInfo | null;
  fileError: string | null;
  verify: VerifyReport | { ok: false; error: string } | null;
}

type VerifyCache = Map<string, Promise<VerifyReport>>;
const g = globalThis as typeof globalThis & { __aiFilmsVerify?: VerifyCache };
const verifyCache: VerifyCache = (g.__aiFilmsVerify ??= new Map());

function expectedSigners(): Address[] | undefined {
  const raw = process.env.ORACLE_EXPECTED_SIGNERS?.trim();
  return raw
    ? (raw
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean) as Address[])
    : undefined;
}

/** runVerify for a posted period, once per (period, root, status): a posted root's checks only change with a dispute. */
export function verifyPeriod(period: number, root: string, status: string): Promise<VerifyReport> {
  const key = `${period}:${root}:${status}`;
  let hit = verifyCache.get(key);
  if (!hit) {
    hit = (async () => {
      const [chain, ipfs, db] = await Promise.all([getChain(), getIpfs(), getDb()]);
      return runVerify(chain, { period, store: ipfs, ledger: db, expectedSigners: expectedSigners() });
    })();
    verifyCache.set(key, hit);
    hit.catch(() => verifyCache.delete(key));
  }
  return hit;
}

/** The timelock's pending operations and the view weight in force, from the market's deployment block on. */
export async function governance(): Promise<GovernanceState> {
  const chain = await getChain();
  const fromBlock = await queries.deploymentBlock(chain.chainId, chain.market);
  return governanceState(chain, { fromBlock: BigInt(fromBlock ?? 0) });
}

export async function payouts(): Promise<{
  periods: PeriodPayout[];
  params: queries.MarketParameters | null;
  governance: GovernanceState | null;
  now: number;
}> {
  const db = await getDb();
  const now = await chainNow().catch(() => undefined);
  const [periods, params, gov] = await Promise.all([
    queries.periodsOverview(db, { nowSeconds: now, limit: 24 }),
    queries.marketParameters(db),
    governance().catch((error: unknown) => {
      console.error("payouts: governance:", error);
      return null;
    }),
  ]);
  const result: PeriodPayout[] = [];
  for (const p of periods) {
    const out: PeriodPayout = { ...p, films: [], method: null, fileError: null, verify: null };
    result.push(out);
    if (!p.tally) continue;
    try {
      const file = await tallyFileOf(p.period, p.tally.root);
      const claims = new Map((await queries.periodClaims(db, p.period)).map((c) => [c.filmId, c]));
      const leaves = leavesOf(file);
      const method = splitMethodOf(file);
      const unitScale = BigInt(file.method.unitScale ?? "1");
      out.method = { version: method.version, capBps: method.version === 2 ? method.capBps : null, weighted: unitScale !== 1n };
      const units = (n: bigint) => (unitScale === 1n ? n.toString() : (Number(n) / Number(unitScale)).toFixed(2));
      const ids = leaves.map((l) => l.filmId.toString());
      const titles = new Map(
        (
          await db.query<{ film_id: string; title: string | null }>(
            "SELECT film_id::text AS film_id, title FROM films WHERE film_id::text = ANY($1)",
            [ids],
          )
        ).map((r) => [r.film_id, r.title]),
      );
      const pool = BigInt(p.pool);
      const V = BigInt(p.tally.totalViews);
      const S = BigInt(p.tally.totalSeconds);
      const w = BigInt(p.tally.viewWeightBps);
      out.films = leaves.map((l) => {
        const id = l.filmId.toString();
        const c = claims.get(id);
        const fraction = S === 0n ? 0 : Number(shareOf(10n ** 12n, l.views, l.seconds, V, S, w)) / 1e12;
        return {
          filmId: id,
          title: titles.get(id) ?? null,
          views: units(l.views),
          seconds: units(l.seconds),
          fraction,
          amount: shareOf(pool, l.views, l.seconds, V, S, w).toString(),
          claimed: c ? { payee: c.payee, amount: c.amount, txHash: c.txHash } : null,
        };
      });
    } catch (error) {
      out.fileError = (error as Error).message;
    }
    try {
      out.verify = await verifyPeriod(p.period, p.tally.root, p.tally.status);
    } catch (error) {
      out.verify = { ok: false, error: (error as Error).message };
    }
  }
  return { periods: result, params, governance: gov, now: now ?? Math.floor(Date.now() / 1000) };
}
