/**
 * A film's page: what it is (creator, AI tools, this period's views and watch time), the player
 * (preview for anyone, the full film for an entitled signed-in wallet) and the calls to action.
 * What this viewer may watch is decided here, on the server, from the session and the chain;
 * after a purchase the client refreshes the page to get the new answer.
 */
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { toFilmId } from "@ai-films/core/domain";
import { CreatorLabel } from "@/components/CreatorLabel";
import { PlayerSlot, PurchaseSlot } from "@/components/slots";
import WatchlistButton from "@/components/WatchlistButton";
import AgeGate from "@/components/AgeGate";
import ReportForm from "@/components/ReportForm";
import { allowedByAgeLimit } from "@ai-films/core/domain";
import { requestAgeLimit } from "@/lib/server/ageLimit";
import { hasOpenReport } from "@/lib/server/moderation";
import { formatDollars, formatDuration, formatNumber, formatWatchTime, gatewayUrl, shortAddress } from "@/lib/format";
import { accessNow } from "@/lib/server/access";
import { resumePosition } from "@/lib/server/account";
import { getFilm, type FilmDetail } from "@/lib/server/catalog";
import { marketTerms, type MarketTerms } from "@/lib/server/market";
import { livepeerPlaybackUrl } from "@/lib/server/services";
import { sponsorshipInfo } from "@/lib/server/relay";
import { currentSession } from "@/lib/server/session";
import { onWatchlist } from "@/lib/server/viewerRows";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

async function load(id: string): Promise<FilmDetail | null> {
  const filmId = toFilmId(id);
  return filmId === null ? null : getFilm(filmId);
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const film = await load((await params).id).catch(() => null);
  return { title: film?.title ?? (await getTranslations("film"))("metaTitle") };
}

export default async function FilmPage({ params }: Params) {
  const { id } = await params;
  const film = await load(id);
  if (!film) notFound();

  const [session, t, tm, tc, locale] = await Promise.all([
    currentSession(),
    getTranslations("film"),
    getTranslations("moderation"),
    getTranslations("common"),
    getLocale(),
  ]);
  let terms: MarketTerms | null = null;
  let access: string = "none";
  let resumeAt: number | null = null;
  let chainProblem: string | null = null;
  try {
    terms = await marketTerms();
    // Straight from the chain, not the heartbeat cache: this is what the page is refreshed for
    // right after a purchase.
    if (session) access = await accessNow(session.address, BigInt(film.filmId));
  } catch {
    chainProblem = t("chainProblem");
  }
  if (session) resumeAt = await resumePosition(session.address, film.filmId).catch(() => null);
  const sponsorship = await sponsorshipInfo();
  const gasless = sponsorship.gasless ? sponsorship.signedPurchases : null;
  const saved = session ? await onWatchlist(session.address, film.filmId).catch(() => false) : false;
  const reported = session ? await hasOpenReport(session.address, film.filmId).catch(() => false) : false;
  // An 18+ film, or one above the viewer's own limit, plays only after the viewer confirms.
  const ageLimit = await requestAgeLimit();
  const aboveLimit = ageLimit !== undefined && !allowedByAgeLimit(film.ageRating, ageLimit);

  const root = film.hlsCid ? `/ipfs/${film.hlsCid}` : null;
  const entitled = session !== null && access !== "none";
  // A film Livepeer serves: the full film from Livepeer's CDN with a playback JWT from our server;
  // the IPFS directory then holds only the poster and the preview.
  const livepeer = film.livepeerPlaybackId
    ? {
        playbackUrl: await livepeerPlaybackUrl(film.livepeerPlaybackId),
        tokenUrl: `/api/films/${film.filmId}/playback-token`,
      }
    : null;

  const copyOf = film.copy?.of ?? null;
  return (
    <article className="film-page" data-testid="film-page" data-film-id={film.filmId}>
      {film.hidden ? (
        <p className="notice" role="note" data-testid="hidden-notice">
          <strong>{tm("hidden.notice", { reason: film.hidden.reason })}</strong> {tm("hidden.detail")}
        </p>
      ) : (
        <AgeGate ask={film.ageRating === "18" || aboveLimit} aboveLimit={aboveLimit}>
          <PlayerSlot
            filmId={film.filmId}
            title={film.title}
            posterUrl={gatewayUrl(film.posterUri)}
            previewUrl={root ? `${root}/preview/master.m3u8` : null}
            fullUrl={livepeer ? livepeer.playbackUrl : root ? `${root}/master.m3u8` : null}
            livepeer={livepeer}
            // A copy's key is bound to another wallet's listing: the full film never unlocks here.
            entitled={entitled && !film.copy}
            signedIn={session !== null}
            durationSeconds={film.durationSeconds}
            previewSeconds={film.previewSeconds}
            renditions={film.renditions}
            resumeAt={resumeAt}
          />
        </AgeGate>
      )}

      <div className="film-info">
        <div className="film-heading">
          <h1 data-testid="film-heading">{film.title}</h1>
          <p className="muted">
            {t.rich("byline", {
              creator: () => (
                <span data-testid="film-creator" title={film.creator}>
                  <CreatorLabel address={film.creator} name={film.creatorName} avatarCid={film.creatorAvatar} withAddress />
                </span>
              ),
            })}
            {film.split ? (
              <span data-testid="film-split" data-collaborators={film.split.collaborators}>
                {" · "}
                {t("split", { count: film.split.collaborators })}
              </span>
            ) : (
              film.owner.toLowerCase() !== film.creator.toLowerCase() && <> · {t("ownedBy", { owner: shortAddress(film.owner) })}</>
            )}
            {" · "}
            {formatDuration(film.durationSeconds)}
            {film.genre && <> · {film.genre}</>}
          </p>
          {film.copy && (
            <p className="notice" role="note" data-testid="copy-notice" data-copy-of={film.copy.of?.filmId ?? ""}>
              {copyOf
                ? t.rich("copy.of", {
                    id: copyOf.filmId,
                    title: copyOf.title,
                    name: copyOf.creatorName ?? shortAddress(copyOf.creator),
                    link: (chunks) => <Link href={`/films/${copyOf.filmId}`}>{chunks}</Link>,
                    creator: (chunks) => <span title={copyOf.creator}>{chunks}</span>,
                  })
                : t("copy.unknown")}
            </p>
          )}
          {session && <WatchlistButton filmId={film.filmId} initiallyOn={saved} />}
          {film.ageRating && (
            <p className="muted" data-testid="film-age-rating" data-rating={film.ageRating}>
              {tm("ageRating", { rating: tm(`ageRatings.${film.ageRating}`) })}
            </p>
          )}
        </div>

        {film.aiTools.length > 0 && (
          <ul className="chips" aria-label={t("aiTools")} data-testid="film-ai-tools">
            {film.aiTools.map((tool) => (
              <li key={tool} className="chip">
                {tool}
              </li>
            ))}
          </ul>
        )}

        <dl className="stats" data-testid="film-stats">
          <div>
            <dt>{t("stats.views")}</dt>
            <dd data-testid="film-views">{formatNumber(film.thisPeriod.views, locale)}</dd>
          </div>
          <div>
            <dt>{t("stats.watchTime")}</dt>
            <dd data-testid="film-watch-time">{formatWatchTime(film.thisPeriod.watchSeconds, locale)}</dd>
          </div>
          <div>
            <dt>{t("stats.price")}</dt>
            <dd>{formatDollars(film.pricePerView, locale, { free: tc("free") })}</dd>
          </div>
        </dl>

        <section className="access" data-testid="access-status" data-access={access}>
          {entitled ? (
            <p className="success">
              {access === "owner" && t("access.owner")}
              {access === "pass" && t("access.pass")}
              {access === "subscription" && t("access.subscription")}
              {access === "free" && t("access.free")}
            </p>
          ) : session ? (
            <p className="muted">{t("access.notEntitled")}</p>
          ) : (
            <p className="muted" data-testid="sign-in-hint">
              {t("access.signIn")}
            </p>
          )}
          {chainProblem && (
            <p className="error" role="alert" data-testid="chain-error">
              {chainProblem}
            </p>
          )}
          {terms && !film.copy && !film.hidden && BigInt(film.pricePerView) >= 0n && (
            // Entitled viewers are offered the gift form only: a pass or a month for another wallet.
            <PurchaseSlot
              filmId={film.filmId}
              pricePerView={film.pricePerView}
              salesPaused={film.salesPaused}
              monthlyPrice={terms.monthlyPrice}
              passWindowSeconds={terms.passWindowSeconds}
              market={terms.market}
              token={terms.token}
              tokenSymbol={terms.tokenSymbol}
              signedPurchases={gasless}
              giftOnly={entitled}
            />
          )}
        </section>

        {session ? (
          <ReportForm filmId={film.filmId} alreadyReported={reported} />
        ) : (
          <p className="muted" data-testid="report-sign-in">
            {tm("report.signIn")}
          </p>
        )}

        {film.description && (
          <p className="film-description" data-testid="film-description">
            {film.description}
          </p>
        )}
      </div>
    </article>
  );
}
