/**
 * A creator's public page: their signed profile (name, avatar, bio, links), follower count and a
 * follow button for a signed-in viewer, their totals, and their films ranked by this period's
 * audience (unique viewers this period — every entitlement but the owner's own watching — ties by
 * watch time), from the indexer and the ledger.
 */
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { isAddressFormat } from "@ai-films/core/domain";
import { FilmCard } from "@/components/FilmCard";
import FollowButton from "@/components/FollowButton";
import { EnsNameSlot } from "@/components/slots";
import { formatDollars, formatNumber, formatWatchTime, shortAddress } from "@/lib/format";
import { listFilms } from "@/lib/server/catalog";
import { creatorFollowers, profileOf } from "@/lib/server/community";
import { currentSession } from "@/lib/server/session";
import { creatorOverview } from "@/lib/server/studio";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ address: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { address } = await params;
  const profile = isAddressFormat(address) ? await profileOf(address).catch(() => null) : null;
  const t = await getTranslations("community.creator");
  return { title: profile ? `${profile.name} (${shortAddress(address)})` : t("metaTitle", { address: shortAddress(address) }) };
}

export default async function CreatorPage({ params }: Params) {
  const { address } = await params;
  if (!isAddressFormat(address)) notFound();
  const [session, t, locale] = await Promise.all([currentSession(), getTranslations("community.creator"), getLocale()]);
  let data: {
    films: Awaited<ReturnType<typeof listFilms>>;
    overview: Awaited<ReturnType<typeof creatorOverview>>;
    profile: Awaited<ReturnType<typeof profileOf>>;
    followers: Awaited<ReturnType<typeof creatorFollowers>>;
  } | null = null;
  try {
    const [films, overview, profile, followers] = await Promise.all([
      listFilms({ owner: address.toLowerCase(), sort: "audience", limit: 200 }),
      creatorOverview(address),
      profileOf(address),
      creatorFollowers(address, session?.address ?? null),
    ]);
    data = { films, overview, profile, followers };
  } catch (error) {
    console.error("creator page:", error);
  }
  if (!data) {
    return (
      <div className="creator">
        <h1>{t("heading")}</h1>
        <p className="error" role="alert" data-testid="creator-error">
          {t("unavailable")}
        </p>
      </div>
    );
  }
  const { films, overview, profile, followers } = data;
  const name = profile?.name ?? films.find((f) => f.creatorName)?.creatorName ?? null;
  const self = session?.address.toLowerCase() === address.toLowerCase();
  return (
    <div className="creator" data-testid="creator-page" data-address={address.toLowerCase()}>
      <div className="creator-header">
        {profile?.avatarCid && (
          // eslint-disable-next-line @next/next/no-img-element
          <img
            className="avatar avatar-large"
            src={`/ipfs/${profile.avatarCid}`}
            alt=""
            width={72}
            height={72}
            data-testid="creator-avatar"
          />
        )}
        <div>
          <h1 data-testid="creator-heading">{name ?? shortAddress(address)}</h1>
          <p className="muted mono" data-testid="creator-address">
            {address.toLowerCase()}
          </p>
          {!profile && <EnsNameSlot address={address} />}
        </div>
        <p data-testid="creator-followers" data-count={followers.count}>
          {t("followers", { count: followers.count })}
        </p>
        {session && !self && (
          <FollowButton creator={address.toLowerCase()} initiallyOn={followers.following} label={name ?? shortAddress(address)} />
        )}
      </div>
      {profile?.bio && (
        <p className="creator-bio" data-testid="creator-bio">
          {profile.bio}
        </p>
      )}
      {profile && profile.links.length > 0 && (
        <ul className="creator-links" aria-label={t("links")} data-testid="creator-links">
          {profile.links.map((link) => (
            <li key={link}>
              <a href={link} rel="noopener noreferrer nofollow ugc" target="_blank">
                {link.replace(/^https:\/\//, "")}
              </a>
            </li>
          ))}
        </ul>
      )}
      <dl className="stats" data-testid="creator-totals">
        <div>
          <dt>{t("stats.films")}</dt>
          <dd data-testid="creator-film-count">{formatNumber(overview.films.length, locale)}</dd>
        </div>
        <div>
          <dt>{t("stats.views")}</dt>
          <dd data-testid="creator-views">{formatNumber(overview.totals.views, locale)}</dd>
        </div>
        <div>
          <dt>{t("stats.watchTime")}</dt>
          <dd data-testid="creator-watch-time">{formatWatchTime(overview.totals.watchSeconds, locale)}</dd>
        </div>
        <div>
          <dt>{t("stats.earned")}</dt>
          <dd data-testid="creator-earnings">{formatDollars(overview.totals.earnings, locale)}</dd>
        </div>
      </dl>
      <section className="row" data-testid="creator-films">
        <h2>{t("filmsByAudience")}</h2>
        <p className="muted small">{t("audienceNote")}</p>
        {films.length === 0 ? (
          <p className="muted">{overview.films.length > 0 ? t("noFilmsPaused") : t("noFilms")}</p>
        ) : (
          <div className="grid">
            {films.map((f, i) => (
              <FilmCard key={f.filmId} film={f} priority={i < 4} />
            ))}
          </div>
        )}
      </section>
    </div>
  );
}
