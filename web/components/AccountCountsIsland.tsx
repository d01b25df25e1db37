"use client";
/**
 * "What was counted for you": for each settled period, the signed-in wallet's counted lines (film,
 * seconds, view or not), each checked here, in the browser, against the posted tally:
 *  1. the chain's `tallyOf(period)` is posted (not disputed) and its root is the one the server
 *     names; the TallyPosted event with that root gives the tally file's CID (the CID the oracle
 *     signers signed);
 *  2. the file, fetched by that CID through this site's IPFS gateway, hashes to the CID (for a
 *     one-block file, what tally files are: otherwise the gateway is trusted for it);
 *  3. the file is this period's, its film root and totals are the chain's;
 *  4. each line, with the salt and proof the server handed this wallet only, hashes up to the
 *     viewer root the file commits to.
 * The server is trusted for nothing that is checked; it could still leave a line out (a wallet
 * that watched and sees no line knows something is wrong).
 */
import { useEffect, useState } from "react";
import { createPublicClient, http, type Address, type Hex } from "viem";
import { filmMarketAbi } from "@ai-films/core/chain/abis";
import { bytesMatchCid, verifyViewerLine, type ViewerLineProof } from "@ai-films/core/oracle/viewerProof";
import { publicRpcUrl } from "@/lib/config";
import { formatDate, formatWatchTime } from "@/lib/format";
import { COUNTS_TEXT } from "./viewerStrings";

export interface AccountCountsProps {
  market: Address;
}

interface Line extends ViewerLineProof {
  viewerRoot: Hex;
  title: string | null;
}
interface Period {
  period: number;
  root: Hex;
  dataCid: string;
  block: number;
  claimableAt: number;
  lines: Line[];
}
interface Check {
  name: string;
  ok: boolean | null;
  detail: string;
}
interface Checked {
  checks: Check[];
  /** Per line (same order): included under the file's viewer root. */
  included: boolean[];
  start?: number;
  end?: number;
}

/** Posted, in TallyStatus (contracts/interfaces/IFilmMarket.sol). */
const POSTED = 1;

async function checkPeriod(market: Address, p: Period): Promise<Checked> {
  const checks: Check[] = [];
  const no = (lines: Line[]) => ({ checks, included: lines.map(() => false) });
  const client = createPublicClient({ transport: http(publicRpcUrl()) });
  const tally = await client.readContract({ address: market, abi: filmMarketAbi, functionName: "tallyOf", args: [BigInt(p.period)] });
  const chainRoot = (tally.root as string).toLowerCase();
  checks.push({
    name: COUNTS_TEXT.checkChain,
    ok: Number(tally.status) === POSTED && chainRoot === p.root.toLowerCase(),
    detail: `root ${chainRoot}`,
  });
  const events = await client.getContractEvents({
    address: market,
    abi: filmMarketAbi,
    eventName: "TallyPosted",
    args: { period: BigInt(p.period) },
    fromBlock: BigInt(p.block),
    toBlock: BigInt(p.block),
  });
  const posting = events.find((e) => (e.args.root as string | undefined)?.toLowerCase() === chainRoot);
  const cid = posting?.args.dataCid as string | undefined;
  checks.push({ name: COUNTS_TEXT.checkCid, ok: cid === p.dataCid, detail: cid ?? "no TallyPosted event with this root" });
  if (!cid) return no(p.lines);
  const response = await fetch(`/ipfs/${encodeURIComponent(cid)}`);
  if (!response.ok) {
    checks.push({ name: COUNTS_TEXT.checkBytes, ok: false, detail: `the gateway answered ${response.status}` });
    return no(p.lines);
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const hashed = await bytesMatchCid(cid, bytes);
  checks.push({ name: COUNTS_TEXT.checkBytes, ok: hashed, detail: hashed === null ? COUNTS_TEXT.bigFile : `${bytes.length} bytes` });
  let file: {
    period?: number;
    root?: string;
    totals?: { views?: string; seconds?: string; leafCount?: number };
    viewers?: { root?: string };
    periodStart?: number;
    periodEnd?: number;
  };
  try {
    file = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    checks.push({ name: COUNTS_TEXT.checkFile, ok: false, detail: "not JSON" });
    return no(p.lines);
  }
  checks.push({
    name: COUNTS_TEXT.checkFile,
    ok:
      file.period === p.period &&
      file.root?.toLowerCase() === chainRoot &&
      file.totals?.views === String(tally.totalViews) &&
      file.totals?.seconds === String(tally.totalSeconds) &&
      file.totals?.leafCount === Number(tally.leafCount),
    detail: `period ${file.period}, root ${file.root}`,
  });
  const viewerRoot = file.viewers?.root;
  checks.push({ name: COUNTS_TEXT.checkViewerRoot, ok: typeof viewerRoot === "string", detail: viewerRoot ?? COUNTS_TEXT.noViewerRoot });
  const included = p.lines.map(
    (line) =>
      typeof viewerRoot === "string" && line.viewerRoot.toLowerCase() === viewerRoot.toLowerCase() && verifyViewerLine(viewerRoot, line),
  );
  return { checks, included, start: file.periodStart, end: file.periodEnd };
}

function PeriodCounts({ market, p }: { market: Address; p: Period }) {
  const [checked, setChecked] = useState<Checked | { error: string } | null>(null);
  useEffect(() => {
    let live = true;
    checkPeriod(market, p)
      .then((c) => live && setChecked(c))
      .catch((error: unknown) => live && setChecked({ error: error instanceof Error ? error.message.split("\n")[0] : String(error) }));
    return () => {
      live = false;
    };
  }, [market, p]);
  const result = checked && "checks" in checked ? checked : null;
  const periodOk = result ? result.checks.every((c) => c.ok !== false) : null;
  return (
    <li className="counted-period" data-testid="counted-period" data-period={p.period} data-checked={result ? String(periodOk) : "pending"}>
      <h3>
        {COUNTS_TEXT.period(p.period)}
        {result?.start && result.end ? ` (${formatDate(result.start)} – ${formatDate(result.end)})` : ""}
      </h3>
      <ul className="list">
        {p.lines.map((line, i) => {
          const included = result ? periodOk === true && result.included[i] : null;
          return (
            <li
              key={`${line.filmId}-${line.viewerRoot}`}
              data-testid="counted-line"
              data-film-id={line.filmId}
              data-seconds={line.seconds}
              data-view={line.views === "1"}
              data-verified={included === null ? "pending" : String(included)}
            >
              {COUNTS_TEXT.counted(formatWatchTime(Number(line.seconds)), line.title ?? COUNTS_TEXT.film(line.filmId))}
              {line.views === "1" ? COUNTS_TEXT.aView : ""} —{" "}
              {included === null ? (
                <span className="muted">{COUNTS_TEXT.checking}</span>
              ) : included ? (
                <span className="success">
                  {COUNTS_TEXT.included} <span aria-hidden="true">✓</span>
                </span>
              ) : (
                <span className="error">
                  {COUNTS_TEXT.notIncluded} <span aria-hidden="true">✗</span>
                </span>
              )}
            </li>
          );
        })}
      </ul>
      {checked && "error" in checked ? (
        <p className="error" role="alert" data-testid="counted-error">
          {COUNTS_TEXT.checkFailed(checked.error)}
        </p>
      ) : result ? (
        <details data-testid="counted-checks">
          <summary>{COUNTS_TEXT.whatWasChecked}</summary>
          <ul className="list">
            {result.checks.map((c) => (
              <li key={c.name} data-testid="counted-check" data-ok={String(c.ok)}>
                {c.ok === false ? "✗" : c.ok ? "✓" : "–"} {c.name}: <span className="mono">{c.detail}</span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </li>
  );
}

export default function AccountCountsIsland({ market }: AccountCountsProps) {
  const [periods, setPeriods] = useState<Period[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    fetch("/api/account/counts", { cache: "no-store" })
      .then(async (res) => {
        const body = (await res.json()) as { periods?: Period[]; message?: string };
        if (!res.ok || !body.periods) throw new Error(body.message ?? `HTTP ${res.status}`);
        if (live) setPeriods(body.periods);
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, []);
  if (error)
    return (
      <p className="error" role="alert" data-testid="counted-error">
        {COUNTS_TEXT.loadFailed(error)}
      </p>
    );
  if (!periods) return <p className="muted">{COUNTS_TEXT.loading}</p>;
  if (periods.length === 0)
    return (
      <p className="muted" data-testid="counted-none">
        {COUNTS_TEXT.none}
      </p>
    );
  return (
    <ul className="list counted-periods" data-testid="counted-periods">
      {periods.map((p) => (
        <PeriodCounts key={p.period} market={market} p={p} />
      ))}
    </ul>
  );
}
