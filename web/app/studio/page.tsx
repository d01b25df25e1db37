/**
 * The creator studio (signed in): upload and mint, "My films" with on-chain price and sales
 * controls, earnings per period (charts and totals), and claims of pool shares and pay-per-view
 * earnings. Everything shown is server-rendered from the indexer and the ledger; the wallet parts
 * are islands loaded after the page.
 */
import type { Metadata } from "next";
import Link from "next/link";
import type { Address } from "viem";
import { BarChart } from "@/components/Charts";
import { ClaimsSlot, FilmControlsSlot, ProfileSlot, SplitsSlot, UploadSlot } from "@/components/slots";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getTranslations } from "next-intl/server";
import { clientMessages } from "@/i18n/clientMessages";
import { reasonOfCode } from "@/components/studio/jobReason";
import { formatDollars, formatNumber, formatPercent, formatWatchTime } from "@/lib/format";
import { aiTools, genres } from "@/lib/server/catalog";
import { profileOf } from "@/lib/server/community";
import { currentSession } from "@/lib/server/session";
import {
  contracts,
  creatorClaims,
  creatorOverview,
  maxUploadBytes,
  ppvBalance,
  recentJobs,
  splitFilms,
  tokenBalance,
  type ClaimRow,
  type RecentJob,
} from "@/lib/server/studio";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("studio");
  return { title: t("metaTitle") };
}

const dollars = (units: string | bigint) => Number(BigInt(units)) / 1e6;

export default async function StudioPage() {
  const [session, t, te, locale] = await Promise.all([currentSession(), getTranslations("studio"), getTranslations("errors"), getLocale()]);
  const money = (units: string | bigint) => formatDollars(units, locale);
  const watchTime = (seconds: number) => formatWatchTime(seconds, locale);
  const count = (n: number | string) => formatNumber(Number(n), locale);
  /** A job's failure in the viewer's words, by its code (the English message is for logs and scripts). */
  const jobError = (code: string) => {
    const reason = reasonOfCode(code) as "unknown";
    return te.has(reason) ? te(reason) : te("unknown");
  };
  if (!session) {
    return (
      <div className="studio" data-testid="studio-signed-out">
        <h1>{t("title")}</h1>
        <p className="muted">{t("signedOut")}</p>
      </div>
    );
  }

  const tProfile = await getTranslations("community.profile");
  let data: {
    overview: Awaited<ReturnType<typeof creatorOverview>>;
    addresses: Awaited<ReturnType<typeof contracts>>;
    tools: string[];
    genreList: string[];
    claims: ClaimRow[];
    balance: bigint;
    wallet: bigint;
    jobs: RecentJob[];
    splits: Awaited<ReturnType<typeof splitFilms>>;
  } | null = null;
  try {
    const [overview, addresses, tools, genreList, balance, wallet, jobs, splits] = await Promise.all([
      creatorOverview(session.address),
      contracts(),
      aiTools(),
      genres(),
      ppvBalance(session.address),
      tokenBalance(session.address as Address),
      recentJobs(session.address).catch((error: unknown) => {
        console.error("studio: recent jobs:", error);
        return [];
      }),
      splitFilms(session.address),
    ]);
    // Pool shares of the films this wallet split are claimed here too: the market pays their splitter.
    const splitClaims = splits
      .filter((s) => s.controller === session.address.toLowerCase())
      .map((s) => ({ filmId: s.filmId, title: s.title ?? t("filmNumber", { id: s.filmId }) }));
    const claims = await creatorClaims(session.address, [
      ...overview.films.map((f) => ({ filmId: f.filmId, title: f.title })),
      ...splitClaims,
    ]);
    data = { overview, addresses, tools, genreList, claims, balance, wallet, jobs, splits };
  } catch (error) {
    console.error("studio:", error);
  }
  if (!data) {
    return (
      <div className="studio">
        <h1>{t("title")}</h1>
        <p className="error" role="alert" data-testid="studio-unavailable">
          {t("unavailable")}
        </p>
      </div>
    );
  }
  const { overview, addresses, tools, genreList, claims, balance, wallet, jobs, splits } = data;
  const profile = await profileOf(session.address).catch(() => null);
  const { totals, periods, films } = overview;
  const chartPeriods = periods.slice(-12);

  return (
    <NextIntlClientProvider messages={await clientMessages(["studio"])}>
      <div className="studio" data-testid="studio-page" data-address={session.address}>
        <h1>{t("title")}</h1>
        <p className="muted">
          {t.rich("signedInAs", {
            address: session.address,
            mono: (chunks) => <span className="mono">{chunks}</span>,
            link: (chunks) => (
              <Link href={`/creators/${session.address.toLowerCase()}`} data-testid="studio-public-page">
                {chunks}
              </Link>
            ),
          })}
        </p>

        <section className="panel" data-testid="studio-upload">
          <h2>{t("upload.heading")}</h2>
          <UploadSlot
            listings={addresses.listings}
            splitterFactory={addresses.splitterFactory}
            creator={session.address}
            maxBytes={maxUploadBytes()}
            toolSuggestions={tools}
            genreSuggestions={genreList}
          />
          {jobs.length > 0 && (
            <div className="studio-jobs" data-testid="studio-jobs">
              <h3>{t("jobs.heading")}</h3>
              <ul>
                {jobs.map((job) => (
                  <li key={job.id} data-testid="studio-job" data-job-id={job.id} data-state={job.state} data-code={job.error?.code}>
                    <strong>{job.title}</strong>{" "}
                    <span className="muted">
                      {job.state === "running"
                        ? job.stage
                          ? t("jobs.runningStage", {
                              stage: t(`upload.stages.${job.stage}`),
                              percent: formatPercent(job.percent / 100, locale, 0),
                            })
                          : t("jobs.running", { percent: formatPercent(job.percent / 100, locale, 0) })
                        : job.state === "done"
                          ? t("jobs.done")
                          : t("jobs.failed")}
                    </span>
                    {job.error && (
                      <p className="error small" data-testid="studio-job-error">
                        {jobError(job.error.code)}
                      </p>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </section>

        <section className="panel" data-testid="studio-profile">
          <h2>{tProfile("title")}</h2>
          <p className="muted">{tProfile("intro")}</p>
          <ProfileSlot account={session.address} current={profile} />
        </section>

        <section className="panel" data-testid="studio-films">
          <h2>{t("films.heading")}</h2>
          {films.length === 0 ? (
            <p className="muted" data-testid="studio-films-empty">
              {t("films.empty")}
            </p>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t("films.film")}</th>
                    <th scope="col">{t("films.views")}</th>
                    <th scope="col">{t("films.watchTime")}</th>
                    <th scope="col">{t("films.thisPeriod")}</th>
                    <th scope="col">{t("films.passes")}</th>
                    <th scope="col">{t("films.ppv")}</th>
                    <th scope="col">{t("films.pool")}</th>
                    <th scope="col">{t("films.priceAndSales")}</th>
                  </tr>
                </thead>
                <tbody>
                  {films.map((f) => (
                    <tr
                      key={f.filmId}
                      data-testid="studio-film-row"
                      data-film-id={f.filmId}
                      data-sales-paused={f.salesPaused}
                      data-price={f.pricePerView}
                    >
                      <td>
                        <Link href={`/films/${f.filmId}`}>{f.title}</Link>
                        <div className="muted small">
                          #{f.filmId}
                          {f.salesPaused ? ` · ${t("films.salesPaused")}` : ""}
                          {f.metadataStatus !== "ok" && (
                            // The indexer's reason is technical English: there on hover, for the creator who asks.
                            <span title={f.metadataError ?? undefined}> · {t("films.metadata", { status: f.metadataStatus })}</span>
                          )}
                        </div>
                      </td>
                      <td data-testid="film-views">{count(f.views)}</td>
                      <td data-testid="film-watch-time">{watchTime(f.watchSeconds)}</td>
                      <td>
                        {count(f.thisPeriod.views)} · {watchTime(f.thisPeriod.watchSeconds)}
                      </td>
                      <td>{count(f.passesSold)}</td>
                      <td data-testid="film-ppv-revenue">{money(f.ppvRevenue)}</td>
                      <td data-testid="film-pool-earnings">{money(f.poolEarnings)}</td>
                      <td>
                        <FilmControlsSlot
                          listings={addresses.listings}
                          filmId={f.filmId}
                          pricePerView={f.pricePerView}
                          salesPaused={f.salesPaused}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>

        <section className="panel" data-testid="studio-earnings">
          <h2>{t("earnings.heading")}</h2>
          <dl className="stats" data-testid="earnings-totals">
            <div>
              <dt>{t("earnings.views")}</dt>
              <dd data-testid="total-views">{count(totals.views)}</dd>
            </div>
            <div>
              <dt>{t("earnings.watchTime")}</dt>
              <dd data-testid="total-watch-time">{watchTime(totals.watchSeconds)}</dd>
            </div>
            <div>
              <dt>{t("earnings.ppv")}</dt>
              <dd data-testid="total-ppv">{money(totals.ppvRevenue)}</dd>
            </div>
            <div>
              <dt>{t("earnings.poolClaimed")}</dt>
              <dd data-testid="total-pool">{money(totals.poolEarnings)}</dd>
            </div>
            <div>
              <dt>{t("earnings.total")}</dt>
              <dd data-testid="total-earnings">{money(totals.earnings)}</dd>
            </div>
          </dl>
          <div className="charts">
            <BarChart
              title={t("earnings.viewsChart")}
              testId="chart-views"
              series={[{ label: t("earnings.views"), color: "#7fd1ff" }]}
              data={chartPeriods.map((p) => ({
                label: t("earnings.periodShort", { period: p.period }),
                values: [p.views],
                titles: [t("earnings.viewCount", { count: p.views })],
              }))}
            />
            <BarChart
              title={t("earnings.watchChart")}
              testId="chart-watch-time"
              series={[{ label: t("earnings.minutes"), color: "#a78bfa" }]}
              data={chartPeriods.map((p) => ({
                label: t("earnings.periodShort", { period: p.period }),
                values: [p.watchSeconds / 60],
                titles: [watchTime(p.watchSeconds)],
              }))}
            />
            <BarChart
              title={t("earnings.earningsChart")}
              testId="chart-earnings"
              series={[
                { label: t("earnings.ppv"), color: "#f5a524" },
                { label: t("earnings.pool"), color: "#34d399" },
              ]}
              data={chartPeriods.map((p) => ({
                label: t("earnings.periodShort", { period: p.period }),
                values: [dollars(p.ppvRevenue), dollars(p.poolEarnings)],
                titles: [t("earnings.ppvBar", { amount: money(p.ppvRevenue) }), t("earnings.poolBar", { amount: money(p.poolEarnings) })],
              }))}
            />
          </div>
          <div className="table-wrap">
            <table className="table" data-testid="earnings-table">
              <thead>
                <tr>
                  <th scope="col">{t("earnings.period")}</th>
                  <th scope="col">{t("earnings.views")}</th>
                  <th scope="col">{t("earnings.watchTime")}</th>
                  <th scope="col">{t("earnings.subscriberViews")}</th>
                  <th scope="col">{t("earnings.passes")}</th>
                  <th scope="col">{t("earnings.ppv")}</th>
                  <th scope="col">{t("earnings.pool")}</th>
                </tr>
              </thead>
              <tbody>
                {[...periods].reverse().map((p) => (
                  <tr key={p.period} data-testid="earnings-row" data-period={p.period}>
                    <td>{p.period === overview.currentPeriod ? t("earnings.currentPeriod", { period: p.period }) : p.period}</td>
                    <td>{count(p.views)}</td>
                    <td>{watchTime(p.watchSeconds)}</td>
                    <td>{count(p.subscriptionViews)}</td>
                    <td>{count(p.passesSold)}</td>
                    <td>{money(p.ppvRevenue)}</td>
                    <td>{money(p.poolEarnings)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted small">{t("earnings.note")}</p>
        </section>

        {splits.length > 0 && (
          <section className="panel" data-testid="studio-splits">
            <h2>{t("splits.heading")}</h2>
            <SplitsSlot
              account={session.address}
              splits={splits.map((s) => ({
                filmId: s.filmId,
                title: s.title ?? t("filmNumber", { id: s.filmId }),
                splitter: s.splitter as Address,
                controller: s.controller,
                totalShares: s.totalShares,
                payees: s.payees.map((p) => ({ payee: p.payee as Address, shares: p.shares })),
                amounts: s.amounts?.map((a) => ({ payee: a.payee as Address, released: a.released, releasable: a.releasable })) ?? null,
              }))}
            />
            <p className="muted small">{t("splits.note")}</p>
          </section>
        )}

        <section className="panel" data-testid="studio-claims">
          <h2>{t("claims.heading")}</h2>
          <ClaimsSlot
            market={addresses.market}
            token={addresses.token}
            creator={session.address as Address}
            claims={claims}
            ppvBalance={balance.toString()}
            tokenBalance={wallet.toString()}
          />
          <p className="muted small">{t.rich("claims.note", { link: (chunks) => <Link href="/payouts">{chunks}</Link> })}</p>
        </section>
      </div>
    </NextIntlClientProvider>
  );
}
