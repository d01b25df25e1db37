/**
 * The creator studio (signed in): upload and mint, "My films" with on-chain price and sales
 * controls, earnings per period (charts and totals), and claims of pool shares and pay-per-view
 * earnings. Everything shown is server-rendered from the indexer and the ledger; the wallet parts
 * are islands loaded after the page.
 */
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { Address } from "viem";
import { BarChart } from "@/components/Charts";
import { ClaimsSlot, FilmControlsSlot, ProfileSlot, SplitsSlot, UploadSlot } from "@/components/slots";
import { formatDollars, formatWatchTime } from "@/lib/format";
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
export const metadata: Metadata = { title: "Studio" };

const dollars = (units: string | bigint) => Number(BigInt(units)) / 1e6;

export default async function StudioPage() {
  const session = await currentSession();
  if (!session) {
    return (
      <div className="studio" data-testid="studio-signed-out">
        <h1>Creator studio</h1>
        <p className="muted">Connect your wallet and sign in (top right) to upload films, set prices and claim your earnings.</p>
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
      .map((s) => ({ filmId: s.filmId, title: s.title ?? `Film #${s.filmId}` }));
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
        <h1>Creator studio</h1>
        <p className="error" role="alert" data-testid="studio-unavailable">
          The studio can&apos;t be read right now: the chain is not answering. Try again shortly.
        </p>
      </div>
    );
  }
  const { overview, addresses, tools, genreList, claims, balance, wallet, jobs, splits } = data;
  const profile = await profileOf(session.address).catch(() => null);
  const { totals, periods, films } = overview;
  const chartPeriods = periods.slice(-12);

  return (
    <div className="studio" data-testid="studio-page" data-address={session.address}>
      <h1>Creator studio</h1>
      <p className="muted">
        Signed in as <span className="mono">{session.address}</span> ·{" "}
        <Link href={`/creators/${session.address.toLowerCase()}`} data-testid="studio-public-page">
          your public page
        </Link>
      </p>

      <section className="panel" data-testid="studio-upload">
        <h2>Upload a film</h2>
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
            <h3>Recent uploads</h3>
            <ul>
              {jobs.map((job) => (
                <li key={job.id} data-testid="studio-job" data-job-id={job.id} data-state={job.state} data-code={job.error?.code}>
                  <strong>{job.title}</strong>{" "}
                  <span className="muted">
                    {job.state === "running"
                      ? `processing${job.stage ? ` (${job.stage})` : ""}, ${Math.round(job.percent)} %`
                      : job.state === "done"
                        ? "processed"
                        : "failed"}
                  </span>
                  {job.error && (
                    <p className="error small" data-testid="studio-job-error">
                      {job.error.message}
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
        <h2>My films</h2>
        {films.length === 0 ? (
          <p className="muted" data-testid="studio-films-empty">
            No listings yet. Upload a film and mint it: it appears here and in the catalogue.
          </p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Film</th>
                  <th>Views</th>
                  <th>Watch time</th>
                  <th>This period</th>
                  <th>Passes</th>
                  <th>Pay-per-view</th>
                  <th>Pool</th>
                  <th>Price and sales</th>
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
                        {f.salesPaused ? " · sales paused" : ""}
                        {f.metadataStatus !== "ok" ? ` · metadata ${f.metadataStatus}${f.metadataError ? `: ${f.metadataError}` : ""}` : ""}
                      </div>
                    </td>
                    <td data-testid="film-views">{f.views}</td>
                    <td data-testid="film-watch-time">{formatWatchTime(f.watchSeconds)}</td>
                    <td>
                      {f.thisPeriod.views} · {formatWatchTime(f.thisPeriod.watchSeconds)}
                    </td>
                    <td>{f.passesSold}</td>
                    <td data-testid="film-ppv-revenue">{formatDollars(f.ppvRevenue)}</td>
                    <td data-testid="film-pool-earnings">{formatDollars(f.poolEarnings)}</td>
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
        <h2>Earnings</h2>
        <dl className="stats" data-testid="earnings-totals">
          <div>
            <dt>Views</dt>
            <dd data-testid="total-views">{totals.views}</dd>
          </div>
          <div>
            <dt>Watch time</dt>
            <dd data-testid="total-watch-time">{formatWatchTime(totals.watchSeconds)}</dd>
          </div>
          <div>
            <dt>Pay-per-view</dt>
            <dd data-testid="total-ppv">{formatDollars(totals.ppvRevenue)}</dd>
          </div>
          <div>
            <dt>Pool (claimed)</dt>
            <dd data-testid="total-pool">{formatDollars(totals.poolEarnings)}</dd>
          </div>
          <div>
            <dt>Total earned</dt>
            <dd data-testid="total-earnings">{formatDollars(totals.earnings)}</dd>
          </div>
        </dl>
        <div className="charts">
          <BarChart
            title="Views per period"
            testId="chart-views"
            series={[{ label: "Views", color: "#7fd1ff" }]}
            data={chartPeriods.map((p) => ({ label: `P${p.period}`, values: [p.views], titles: [`${p.views} views`] }))}
          />
          <BarChart
            title="Watch time per period (minutes)"
            testId="chart-watch-time"
            series={[{ label: "Minutes", color: "#a78bfa" }]}
            data={chartPeriods.map((p) => ({
              label: `P${p.period}`,
              values: [p.watchSeconds / 60],
              titles: [formatWatchTime(p.watchSeconds)],
            }))}
          />
          <BarChart
            title="Earnings per period"
            testId="chart-earnings"
            series={[
              { label: "Pay-per-view", color: "#f5a524" },
              { label: "Pool", color: "#34d399" },
            ]}
            data={chartPeriods.map((p) => ({
              label: `P${p.period}`,
              values: [dollars(p.ppvRevenue), dollars(p.poolEarnings)],
              titles: [`pay-per-view ${formatDollars(p.ppvRevenue)}`, `pool ${formatDollars(p.poolEarnings)}`],
            }))}
          />
        </div>
        <div className="table-wrap">
          <table className="table" data-testid="earnings-table">
            <thead>
              <tr>
                <th>Period</th>
                <th>Views</th>
                <th>Watch time</th>
                <th>Subscriber views</th>
                <th>Passes</th>
                <th>Pay-per-view</th>
                <th>Pool</th>
              </tr>
            </thead>
            <tbody>
              {[...periods].reverse().map((p) => (
                <tr key={p.period} data-testid="earnings-row" data-period={p.period}>
                  <td>
                    {p.period}
                    {p.period === overview.currentPeriod ? " (now)" : ""}
                  </td>
                  <td>{p.views}</td>
                  <td>{formatWatchTime(p.watchSeconds)}</td>
                  <td>{p.subscriptionViews}</td>
                  <td>{p.passesSold}</td>
                  <td>{formatDollars(p.ppvRevenue)}</td>
                  <td>{formatDollars(p.poolEarnings)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="muted small">Pool earnings count when claimed; pay-per-view when a pass is sold (price less the platform fee).</p>
      </section>

      {splits.length > 0 && (
        <section className="panel" data-testid="studio-splits">
          <h2>Split films</h2>
          <SplitsSlot
            account={session.address}
            splits={splits.map((s) => ({
              filmId: s.filmId,
              title: s.title ?? `Film #${s.filmId}`,
              splitter: s.splitter as Address,
              controller: s.controller,
              totalShares: s.totalShares,
              payees: s.payees.map((p) => ({ payee: p.payee as Address, shares: p.shares })),
              amounts: s.amounts?.map((a) => ({ payee: a.payee as Address, released: a.released, releasable: a.releasable })) ?? null,
            }))}
          />
          <p className="muted small">
            Each collaborator withdraws their own share; a film&apos;s pool share is claimed below and paid to its splitter.
          </p>
        </section>
      )}

      <section className="panel" data-testid="studio-claims">
        <h2>Claims</h2>
        <ClaimsSlot
          market={addresses.market}
          token={addresses.token}
          creator={session.address as Address}
          claims={claims}
          ppvBalance={balance.toString()}
          tokenBalance={wallet.toString()}
        />
        <p className="muted small">
          Shares come from the oracle&apos;s posted tally; see <Link href="/payouts">Payouts</Link> for how each period was split.
        </p>
      </section>
    </div>
  );
}
