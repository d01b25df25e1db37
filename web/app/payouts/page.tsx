/**
 * Payouts, in the open: for every period the pool, subscribers, views and watch time, the posted
 * root and the tally file (downloadable from our IPFS gateway), the signers, the challenge window,
 * the status, the per-film split, and the result of running `oracle verify`'s checks on this
 * server. Plus how the split works (the formula, and split method 2's per-subscriber cap with a
 * worked example), with the market's current parameters, and the parameter changes waiting in the
 * governance timelock, with when they can take effect. The words come from the `payouts` catalogue;
 * numbers, amounts, dates and durations are formatted for the page's language.
 */
import type { Metadata } from "next";
import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { getLocale, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { formatDate, formatDollars, formatNumber, formatPercent, formatTimeLeft, formatWatchTime, shortAddress } from "@/lib/format";
import { payouts, type GovernanceState, type PendingCall, type PeriodPayout } from "@/lib/server/payouts";
import { checkKey } from "./verifyChecks";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("payouts");
  return { title: t("title") };
}

/** What a value the index or the chain could not give reads as, in every language. */
const UNKNOWN = "?";

const STATUS_KEY = {
  open: "status.open",
  "awaiting-tally": "status.awaitingTally",
  posted: "status.posted",
  disputed: "status.disputed",
  claimable: "status.claimable",
  settled: "status.settled",
} as const satisfies Record<PeriodPayout["status"], string>;

/** Basis points as a percentage in the page's language: 1250 → "12.5%" / "12,5 %". */
const percentOfBps = (bps: number | null, locale: string) => (bps === null ? UNKNOWN : formatPercent(bps / 10_000, locale, 2));

/** A count given as a number or as a decimal string (method 2's weighted units), in the page's digits. */
function count(value: number | string, locale: string): string {
  if (typeof value === "number") return formatNumber(value, locale);
  return /^\d+$/.test(value) ? formatNumber(BigInt(value), locale) : formatNumber(Number(value), locale);
}

/** "(3 days, 2 hr left)"'s inside, or "expired" once the moment has passed. */
function useTimeLeft(now: number) {
  const tc = useTranslations("common");
  const locale = useLocale();
  return (until: number) => {
    const left = formatTimeLeft(until, now, locale);
    return left === null ? tc("expired") : tc("timeLeft", { time: left });
  };
}

const mono = (chunks: ReactNode) => <span className="mono">{chunks}</span>;
const strong = (chunks: ReactNode) => <strong>{chunks}</strong>;
const em = (chunks: ReactNode) => <em>{chunks}</em>;

export default async function PayoutsPage() {
  const [t, locale] = await Promise.all([getTranslations("payouts"), getLocale()]);
  let data: Awaited<ReturnType<typeof payouts>> | null = null;
  try {
    data = await payouts();
  } catch (error) {
    console.error("payouts:", error);
  }
  if (!data) {
    return (
      <div className="payouts">
        <h1>{t("title")}</h1>
        <p className="error" role="alert" data-testid="payouts-error">
          {t("unavailable")}
        </p>
      </div>
    );
  }
  const { periods, params, governance, now } = data;
  // The chain's weight of the running period when it answers: the indexed one may already be the next period's.
  const w = governance?.viewWeight.current ?? params?.viewWeightBps ?? null;
  const viewWeight = (chunks: ReactNode) => <span data-testid="param-view-weight">{chunks}</span>;

  return (
    <div className="payouts" data-testid="payouts-page">
      <h1>{t("heading")}</h1>
      <p className="muted">{t.rich("intro", { code: (chunks) => <code>{chunks}</code> })}</p>

      <section className="panel" data-testid="payouts-how">
        <h2>{t("how.heading")}</h2>
        <p>
          {t.rich("how.pool", {
            fee: percentOfBps(params?.feeBps ?? null, locale),
            param: (chunks) => <strong data-testid="param-fee">{chunks}</strong>,
          })}
        </p>
        <p className="formula" data-testid="payouts-formula">
          {t("how.formula")}
        </p>
        <p>
          {t.rich("how.terms", { em })}{" "}
          {w === null
            ? t.rich("how.todayUnknown", { strong, param: viewWeight })
            : t.rich("how.today", {
                strong,
                param: viewWeight,
                weight: percentOfBps(w, locale),
                rest: percentOfBps(10_000 - w, locale),
              })}{" "}
          {t("how.fixedPerPeriod")}
        </p>
        <SplitMethodExplainer />
        <dl className="stats">
          <div>
            <dt>{t("params.subscription")}</dt>
            <dd data-testid="param-monthly-price">
              {params?.monthlyPrice ? t("params.perMonth", { price: formatDollars(params.monthlyPrice, locale) }) : UNKNOWN}
            </dd>
          </div>
          <div>
            <dt>{t("params.periodLength")}</dt>
            <dd>{params ? formatWatchTime(params.periodLength, locale) : UNKNOWN}</dd>
          </div>
          <div>
            <dt>{t("params.challengeWindow")}</dt>
            <dd data-testid="param-challenge-window">
              {params?.challengeWindow != null ? formatWatchTime(params.challengeWindow, locale) : UNKNOWN}
            </dd>
          </div>
          <div>
            <dt>{t("params.signatures")}</dt>
            <dd data-testid="param-threshold">
              {t("params.signaturesOf", {
                needed: params?.oracleThreshold != null ? formatNumber(params.oracleThreshold, locale) : UNKNOWN,
                total: params ? formatNumber(params.oracleSigners.length, locale) : UNKNOWN,
              })}
            </dd>
          </div>
        </dl>
        <p className="muted small">
          {t.rich("how.rules", { block: String(params?.asOfBlock ?? UNKNOWN), market: params?.market ?? UNKNOWN, mono })}
        </p>
      </section>

      <Governance governance={governance} now={now} />

      {periods.length === 0 && (
        <p className="muted" data-testid="payouts-empty">
          {t("noPeriods")}
        </p>
      )}
      {periods.map((p) => (
        <Period key={p.period} p={p} now={now} />
      ))}
    </div>
  );
}

/** The numbers of the worked example: three subscribers at 10 USD, a 10 % fee, so a 27 USD pool. */
const EXAMPLE = {
  price: 10,
  fee: 0.1,
  pool: 27,
  cap: 0.975,
  capUsd: 9.75,
  rest: 17.25,
  each: 8.625,
  method1Bot: 26.78,
  method1Honest: 0.11,
  honestHours: 1,
  botHours: 240,
  dailyHours: 8,
  method1BotShare: 0.99,
};

/** Split method 2 in plain words, with a worked example small enough to check by hand. */
function SplitMethodExplainer() {
  const t = useTranslations("payouts.split");
  const locale = useLocale();
  // Dollars of the example as written by hand: "$10", "$8.625" (the half cent matters to check the sums).
  const usd = (value: number) =>
    new Intl.NumberFormat(locale, { style: "currency", currency: "USD", minimumFractionDigits: 0, maximumFractionDigits: 3 }).format(value);
  const cap = formatPercent(EXAMPLE.cap, locale);
  return (
    <section aria-labelledby="split-method-heading" data-testid="split-method">
      <h3 id="split-method-heading">{t("heading")}</h3>
      <p>{t.rich("body", { em, strong, cap })}</p>
      <p>{t("why", { hours: EXAMPLE.dailyHours, cap })}</p>
      <table className="table" data-testid="split-example">
        <caption>{t("caption", { price: usd(EXAMPLE.price), fee: formatPercent(EXAMPLE.fee, locale), pool: usd(EXAMPLE.pool) })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("subscriber")}</th>
            <th scope="col">{t("watched")}</th>
            <th scope="col">{t("method1")}</th>
            <th scope="col">{t("method2", { cap })}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">{t("alice")}</th>
            <td>{t("hoursOfFilm", { hours: EXAMPLE.honestHours, film: "A" })}</td>
            <td>{t("toFilm", { amount: usd(EXAMPLE.method1Honest), film: "A" })}</td>
            <td>{t("toFilm", { amount: usd(EXAMPLE.each), film: "A" })}</td>
          </tr>
          <tr>
            <th scope="row">{t("bob")}</th>
            <td>{t("hoursOfFilm", { hours: EXAMPLE.honestHours, film: "B" })}</td>
            <td>{t("toFilm", { amount: usd(EXAMPLE.method1Honest), film: "B" })}</td>
            <td>{t("toFilm", { amount: usd(EXAMPLE.each), film: "B" })}</td>
          </tr>
          <tr>
            <th scope="row">{t("bot")}</th>
            <td>{t("hoursOfOwnFilm", { hours: EXAMPLE.botHours, film: "F" })}</td>
            <td>{t("botMethod1", { amount: usd(EXAMPLE.method1Bot), film: "F", paid: formatNumber(EXAMPLE.price, locale) })}</td>
            <td>{t("botMethod2", { amount: usd(EXAMPLE.capUsd), film: "F" })}</td>
          </tr>
        </tbody>
      </table>
      <p className="muted small">
        {t("note", {
          botHours: formatNumber(EXAMPLE.botHours, locale),
          allHours: formatNumber(EXAMPLE.botHours + 2 * EXAMPLE.honestHours, locale),
          share: formatPercent(EXAMPLE.method1BotShare, locale),
          cap: usd(EXAMPLE.capUsd),
          rest: usd(EXAMPLE.rest),
          each: usd(EXAMPLE.each),
        })}
      </p>
    </section>
  );
}

/** Who can change the rules, and the changes already announced: read from the chain, not the index. */
function Governance({ governance, now }: { governance: GovernanceState | null; now: number }) {
  const t = useTranslations("payouts.governance");
  const locale = useLocale();
  const timeLeft = useTimeLeft(now);
  if (!governance) {
    return (
      <section className="panel" data-testid="payouts-governance">
        <h2>{t("heading")}</h2>
        <p className="muted">{t("unavailable")}</p>
      </section>
    );
  }
  const pct = (bps: string | number) => percentOfBps(Number(bps), locale);
  const duration = (seconds: string) => formatWatchTime(Number(seconds), locale);
  /** What a pending call changes, in words; calls not listed show their raw name and arguments. */
  const describe = ({ functionName, args, target }: PendingCall): string => {
    const [a = ""] = args;
    switch (functionName) {
      case "setFee":
        return t("change.setFee", { fee: pct(a) });
      case "setViewWeight":
        return t("change.setViewWeight", { weight: pct(a) });
      case "setMonthlyPrice":
        return t("change.setMonthlyPrice", { price: formatDollars(a, locale) });
      case "setPassWindow":
        return t("change.setPassWindow", { duration: duration(a) });
      case "setChallengeWindow":
        return t("change.setChallengeWindow", { duration: duration(a) });
      case "setTreasury":
        return t("change.setTreasury", { account: a });
      case "addOracleSigner":
        return t("change.addOracleSigner", { account: a });
      case "removeOracleSigner":
        return t("change.removeOracleSigner", { account: a });
      case "setOracleThreshold":
        return t("change.setOracleThreshold", { count: Number(a) });
      case "pause":
        return t("change.pause");
      case "unpause":
        return t("change.unpause");
      case "updateDelay":
        return t("change.updateDelay", { duration: duration(a) });
      default:
        return t("change.other", { call: functionName ?? t("change.unknownCall"), args: args.join(", "), target: shortAddress(target) });
    }
  };
  const next = governance.viewWeight.next;
  return (
    <section className="panel" data-testid="payouts-governance">
      <h2>{t("heading")}</h2>
      {governance.timelock ? (
        <p>
          {t.rich("timelock", {
            timelock: governance.timelock,
            delay: formatWatchTime(governance.minDelay ?? 0, locale),
            mono,
            param: (chunks) => <strong data-testid="governance-delay">{chunks}</strong>,
          })}
        </p>
      ) : (
        <p className="muted">{t("noTimelock")}</p>
      )}
      <ul className="checks">
        {next && (
          <li data-testid="pending-change" data-kind="view-weight">
            {t("nextViewWeight", {
              weight: pct(next.bps),
              period: next.fromPeriod,
              date: formatDate(next.from, locale),
              left: timeLeft(next.from),
            })}
          </li>
        )}
        {governance.pending.map((op) => {
          const changes = op.calls.map(describe).join("; ");
          const announced = formatDate(op.scheduledAt, locale);
          return (
            <li key={op.id} data-testid="pending-change" data-ready-at={op.readyAt}>
              {now < op.readyAt
                ? t("scheduled", { changes, announced, readyAt: formatDate(op.readyAt, locale), left: timeLeft(op.readyAt) })
                : t("ready", { changes, announced })}
            </li>
          );
        })}
      </ul>
      {!next && governance.pending.length === 0 && (
        <p className="muted" data-testid="governance-none">
          {t("none")}
        </p>
      )}
    </section>
  );
}

function Period({ p, now }: { p: PeriodPayout; now: number }) {
  const t = useTranslations("payouts");
  const locale = useLocale();
  const timeLeft = useTimeLeft(now);
  const tally = p.tally;
  const verify = p.verify;
  const weighted = Boolean(p.method?.weighted);
  const dates = { start: formatDate(p.start, locale), end: formatDate(p.end, locale) };
  const sharePercent = new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return (
    <section className="panel period" data-testid="payout-period" data-period={p.period} data-status={p.status}>
      <h2>
        {t("period.heading", { period: p.period })}{" "}
        <span className={`status status-${p.status}`} data-testid="period-status">
          {t(STATUS_KEY[p.status])}
        </span>
      </h2>
      <p className="muted small">
        {p.status === "open" ? t("period.datesOpen", { ...dates, left: timeLeft(p.end) }) : t("period.dates", dates)}
      </p>
      <dl className="stats">
        <div>
          <dt>{t("period.pool")}</dt>
          <dd data-testid="period-pool" data-units={p.pool}>
            {formatDollars(p.pool, locale)}
          </dd>
        </div>
        <div>
          <dt>{t("period.subscribers")}</dt>
          <dd data-testid="period-subscribers">{formatNumber(p.subscribers, locale)}</dd>
        </div>
        <div>
          <dt>{t("period.views")}</dt>
          <dd data-testid="period-views">{formatNumber(tally && !weighted ? tally.totalViews : p.ledger.views, locale)}</dd>
        </div>
        <div>
          <dt>{t("period.watchTime")}</dt>
          <dd data-testid="period-watch-time">
            {formatWatchTime(tally && !weighted ? tally.totalSeconds : p.ledger.watchSeconds, locale)}
          </dd>
        </div>
        <div>
          <dt>{t("period.paid")}</dt>
          <dd data-testid="period-paid">{formatDollars(p.paid, locale)}</dd>
        </div>
      </dl>
      {!tally && <p className="muted">{p.status === "open" ? t("period.soFar") : t("period.noTally")}</p>}
      {p.rolledIn !== "0" && <p className="muted small">{t("period.rolledIn", { amount: formatDollars(p.rolledIn, locale) })}</p>}
      {p.rolledOver && (
        <p className="muted small">
          {t("period.rolledOver", { amount: formatDollars(p.rolledOver.amount, locale), period: p.rolledOver.intoPeriod })}
        </p>
      )}
      {tally && (
        <>
          <dl className="facts">
            <dt>{t("tally.root")}</dt>
            <dd className="mono" data-testid="period-root">
              {tally.root}
            </dd>
            <dt>{t("tally.file")}</dt>
            <dd>
              <a
                className="mono"
                href={`/ipfs/${tally.dataCid}`}
                download={`tally-period-${p.period}.json`}
                data-testid="period-tally-link"
              >
                {tally.dataCid}
              </a>
            </dd>
            <dt>{t("tally.method")}</dt>
            <dd data-testid="period-method" data-method={p.method?.version ?? ""}>
              {p.method === null
                ? UNKNOWN
                : p.method.version === 2
                  ? t("tally.method2", { cap: percentOfBps(p.method.capBps, locale) })
                  : t("tally.method1")}
            </dd>
            <dt>{t("tally.signers")}</dt>
            <dd data-testid="period-signers">
              {tally.signers.map((s) => (
                <span key={s} className="mono signer">
                  {s}
                </span>
              ))}
            </dd>
            <dt>{t("tally.posted")}</dt>
            <dd>
              {t("tally.postedAt", {
                date: formatDate(tally.postedAt, locale),
                block: String(tally.postedBlock),
                weight: percentOfBps(tally.viewWeightBps, locale),
              })}
            </dd>
            <dt>{t("tally.window")}</dt>
            <dd data-testid="period-window">
              {now < tally.claimableAt
                ? t("tally.windowOpen", { date: formatDate(tally.claimableAt, locale), left: timeLeft(tally.claimableAt) })
                : t("tally.windowClosed", { date: formatDate(tally.claimableAt, locale) })}
            </dd>
            {tally.dispute && (
              <>
                <dt>{t("tally.dispute")}</dt>
                <dd>{t.rich("tally.disputedBy", { by: tally.dispute.by, reason: tally.dispute.reason || t("tally.noReason"), mono })}</dd>
              </>
            )}
          </dl>
          {p.fileError ? (
            <p className="error" data-testid="period-file-error">
              {/* The reason is the reader's own (English) error message. */}
              {t.rich("tally.fileError", { reason: p.fileError, raw: (chunks) => <span lang="en">{chunks}</span> })}
            </p>
          ) : p.films.length === 0 ? (
            <p className="muted">{t("tally.nothingWatched")}</p>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="period-films">
                <thead>
                  <tr>
                    <th scope="col">{t("films.film")}</th>
                    <th scope="col">{weighted ? t("films.weightedViews") : t("films.views")}</th>
                    <th scope="col">{weighted ? t("films.weightedSeconds") : t("films.seconds")}</th>
                    <th scope="col">{t("films.share")}</th>
                    <th scope="col">{t("films.amount")}</th>
                    <th scope="col">{t("films.claimed")}</th>
                  </tr>
                </thead>
                <tbody>
                  {p.films.map((f) => (
                    <tr
                      key={f.filmId}
                      data-testid="period-film-row"
                      data-film-id={f.filmId}
                      data-amount={f.amount}
                      data-claimed={Boolean(f.claimed)}
                    >
                      <td>
                        <Link href={`/films/${f.filmId}`}>{f.title ?? t("films.untitled", { id: f.filmId })}</Link>
                      </td>
                      <td>{count(f.views, locale)}</td>
                      <td>{count(f.seconds, locale)}</td>
                      <td data-testid="film-share">{sharePercent.format(f.fraction)}</td>
                      <td data-testid="film-amount">{formatDollars(f.amount, locale)}</td>
                      <td>{f.claimed ? t.rich("films.claimedTo", { payee: shortAddress(f.claimed.payee), mono }) : t("films.notYet")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div className="verify" data-testid="period-verify" data-ok={verify ? String(verify.ok) : "unknown"}>
            <h3>
              {verify?.ok
                ? t.rich("verify.passed", {
                    ok: (chunks) => (
                      <span className="success">
                        <span aria-hidden="true">✓</span> {chunks}
                      </span>
                    ),
                  })
                : t.rich("verify.failed", {
                    bad: (chunks) => (
                      <span className="error">
                        <span aria-hidden="true">✗</span> {chunks}
                      </span>
                    ),
                  })}
            </h3>
            {verify && "error" in verify ? (
              <p className="error" lang="en">
                {verify.error}
              </p>
            ) : verify ? (
              <ul className="checks">
                {verify.checks.map((c) => {
                  const key = checkKey(c.name);
                  return (
                    <li key={c.name} data-testid="verify-check" data-ok={c.ok}>
                      <span
                        className={c.ok ? "success" : "error"}
                        role="img"
                        aria-label={c.ok ? t("verify.checkPassed") : t("verify.checkFailed")}
                      >
                        {c.ok ? "✓" : "✗"}
                      </span>{" "}
                      {key ? t(key) : c.name}{" "}
                      {/* The detail is the verifier's own (English, technical) wording, as `oracle verify` prints it. */}
                      <span className="muted small" lang="en">
                        — {c.detail}
                      </span>
                    </li>
                  );
                })}
              </ul>
            ) : null}
          </div>
        </>
      )}
    </section>
  );
}
