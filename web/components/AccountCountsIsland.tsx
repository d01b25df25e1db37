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
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { createPublicClient, http, type Address, type Hex } from "viem";
import { filmMarketAbi } from "@ai-films/core/chain/abis";
import { bytesMatchCid, verifyViewerLine, type ViewerLineProof } from "@ai-films/core/oracle/viewerProof";
import { publicRpcUrl } from "@/lib/config";
import { reasonOf, useApiErrors } from "@/i18n/apiErrors";
import { formatDate, formatWatchTime } from "@/lib/format";

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
type CheckName = "chain" | "cid" | "bytes" | "file" | "viewerRoot";
interface Check {
  name: CheckName;
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

/** The "account.counts.details" messages: what each check found, in the page's words. */
type Say = ReturnType<typeof useTranslations<"account.counts.details">>;

async function checkPeriod(market: Address, p: Period, say: Say, locale: string): Promise<Checked> {
  const checks: Check[] = [];
  const no = (lines: Line[]) => ({ checks, included: lines.map(() => false) });
  const client = createPublicClient({ transport: http(publicRpcUrl()) });
  const tally = await client.readContract({ address: market, abi: filmMarketAbi, functionName: "tallyOf", args: [BigInt(p.period)] });
  const chainRoot = (tally.root as string).toLowerCase();
  checks.push({
    name: "chain",
    ok: Number(tally.status) === POSTED && chainRoot === p.root.toLowerCase(),
    detail: say("root", { root: chainRoot }),
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
  checks.push({ name: "cid", ok: cid === p.dataCid, detail: cid ?? say("noEvent") });
  if (!cid) return no(p.lines);
  const response = await fetch(`/ipfs/${encodeURIComponent(cid)}`);
  if (!response.ok) {
    checks.push({ name: "bytes", ok: false, detail: say("gatewayStatus", { status: String(response.status) }) });
    return no(p.lines);
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const hashed = await bytesMatchCid(cid, bytes);
  checks.push({
    name: "bytes",
    ok: hashed,
    detail:
      hashed === null
        ? say("bigFile")
        : new Intl.NumberFormat(locale, { style: "unit", unit: "byte", unitDisplay: "long" }).format(bytes.length),
  });
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
    checks.push({ name: "file", ok: false, detail: say("notJson") });
    return no(p.lines);
  }
  checks.push({
    name: "file",
    ok:
      file.period === p.period &&
      file.root?.toLowerCase() === chainRoot &&
      file.totals?.views === String(tally.totalViews) &&
      file.totals?.seconds === String(tally.totalSeconds) &&
      file.totals?.leafCount === Number(tally.leafCount),
    detail: say("file", { period: String(file.period), root: String(file.root) }),
  });
  const viewerRoot = file.viewers?.root;
  checks.push({ name: "viewerRoot", ok: typeof viewerRoot === "string", detail: viewerRoot ?? say("noViewerRoot") });
  const included = p.lines.map(
    (line) =>
      typeof viewerRoot === "string" && line.viewerRoot.toLowerCase() === viewerRoot.toLowerCase() && verifyViewerLine(viewerRoot, line),
  );
  return { checks, included, start: file.periodStart, end: file.periodEnd };
}

function PeriodCounts({ market, p }: { market: Address; p: Period }) {
  const t = useTranslations("account.counts");
  const say = useTranslations("account.counts.details");
  const locale = useLocale();
  const [checked, setChecked] = useState<Checked | { error: string } | null>(null);
  useEffect(() => {
    let live = true;
    checkPeriod(market, p, say, locale)
      .then((c) => live && setChecked(c))
      .catch((error: unknown) => live && setChecked({ error: error instanceof Error ? error.message.split("\n")[0] : String(error) }));
    return () => {
      live = false;
    };
  }, [market, p, say, locale]);
  const result = checked && "checks" in checked ? checked : null;
  const periodOk = result ? result.checks.every((c) => c.ok !== false) : null;
  return (
    <li className="counted-period" data-testid="counted-period" data-period={p.period} data-checked={result ? String(periodOk) : "pending"}>
      <h3>
        {result?.start && result.end
          ? t("periodDates", { period: String(p.period), start: formatDate(result.start, locale), end: formatDate(result.end, locale) })
          : t("period", { period: String(p.period) })}
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
              {t(line.views === "1" ? "countedView" : "counted", {
                time: formatWatchTime(Number(line.seconds), locale),
                title: line.title ?? t("film", { id: line.filmId }),
              })}{" "}
              —{" "}
              {included === null ? (
                <span className="muted">{t("checking")}</span>
              ) : included ? (
                <span className="success">
                  {t("included")} <span aria-hidden="true">✓</span>
                </span>
              ) : (
                <span className="error">
                  {t("notIncluded")} <span aria-hidden="true">✗</span>
                </span>
              )}
            </li>
          );
        })}
      </ul>
      {checked && "error" in checked ? (
        <p className="error" role="alert" data-testid="counted-error">
          {t("checkFailed", { why: checked.error })}
        </p>
      ) : result ? (
        <details data-testid="counted-checks">
          <summary>{t("whatWasChecked")}</summary>
          <ul className="list">
            {result.checks.map((c) => (
              <li key={c.name} data-testid="counted-check" data-ok={String(c.ok)}>
                <span aria-hidden="true">{c.ok === false ? "✗" : c.ok ? "✓" : "–"}</span> {t(`checks.${c.name}`)}:{" "}
                <span className="mono">{c.detail}</span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </li>
  );
}

export default function AccountCountsIsland({ market }: AccountCountsProps) {
  const t = useTranslations("account.counts");
  const apiError = useApiErrors();
  const [periods, setPeriods] = useState<Period[] | null>(null);
  /** Why the counts could not be read: the server's reason, or none (not reachable, not our answer). */
  const [error, setError] = useState<{ reason: string | null } | null>(null);
  useEffect(() => {
    let live = true;
    fetch("/api/account/counts", { cache: "no-store" })
      .then(async (res) => {
        const body = (await res.json().catch(() => null)) as { periods?: Period[]; message?: string } | null;
        if (!res.ok || !body?.periods) {
          console.warn("account counts:", body?.message ?? `HTTP ${res.status}`);
          if (live) setError({ reason: reasonOf(body) });
          return;
        }
        if (live) setPeriods(body.periods);
      })
      .catch((e: unknown) => {
        console.warn("account counts:", e);
        if (live) setError({ reason: null });
      });
    return () => {
      live = false;
    };
  }, []);
  if (error)
    return (
      <p className="error" role="alert" data-testid="counted-error">
        {t("loadFailed", { why: error.reason ? apiError(error.reason) : apiError("internal") })}
      </p>
    );
  if (!periods) return <p className="muted">{t("loading")}</p>;
  if (periods.length === 0)
    return (
      <p className="muted" data-testid="counted-none">
        {t("none")}
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
