/**
 * The viewer's account: subscription and renewal, view passes with time left, continue watching,
 * history, and what each settled period counted for this wallet (checked in the browser).
 */
import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { CreatorLabel } from "@/components/CreatorLabel";
import FollowButton from "@/components/FollowButton";
import { AccountCountsSlot, AutoRenewSlot, PurchaseSlot } from "@/components/slots";
import { formatDate, formatDollars, formatDuration, formatTimeLeft, formatWatchTime } from "@/lib/format";
import { accountOverview } from "@/lib/server/account";
import { followedCreators, type FollowedCreator } from "@/lib/server/community";
import { marketTerms, type MarketTerms } from "@/lib/server/market";
import { autoRenewState, sponsorshipInfo, type AutoRenewState, type SponsorshipInfo } from "@/lib/server/relay";
import { currentSession } from "@/lib/server/session";
import AgeLimitSetting from "@/components/AgeLimitSetting";
import { DEFAULT_AGE_LIMIT } from "@ai-films/core/domain";
import { requestAgeLimit } from "@/lib/server/ageLimit";
import { isGuardian } from "@/lib/server/moderation";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("account");
  return { title: t("title") };
}

export default async function AccountPage() {
  const [session, t, tc, locale] = await Promise.all([
    currentSession(),
    getTranslations("account"),
    getTranslations("common"),
    getLocale(),
  ]);
  const date = (unixSeconds: number) => formatDate(unixSeconds, locale);
  const dollars = (units: string) => formatDollars(BigInt(units), locale);
  /** "3 days, 4 hr left", or "expired" once passed. */
  const left = (until: number, now: number) => {
    const time = formatTimeLeft(until, now, locale);
    return time === null ? tc("expired") : tc("timeLeft", { time });
  };
  if (!session) {
    return (
      <div className="account" data-testid="account-signed-out">
        <h1>{t("heading")}</h1>
        <p className="muted">{t("signedOut")}</p>
        <AgeLimitSetting current={(await requestAgeLimit()) ?? DEFAULT_AGE_LIMIT} />
      </div>
    );
  }

  let overview: Awaited<ReturnType<typeof accountOverview>> | null = null;
  let terms: MarketTerms | null = null;
  let autoRenew: AutoRenewState | null = null;
  let sponsorship: SponsorshipInfo | null = null;
  const follows: FollowedCreator[] | null = await followedCreators(session.address).catch(() => null);
  try {
    [overview, terms, autoRenew, sponsorship] = await Promise.all([
      accountOverview(session.address),
      marketTerms(),
      autoRenewState(session.address).catch(() => null),
      sponsorshipInfo(),
    ]);
  } catch (error) {
    console.error("account:", error);
  }
  if (!overview) {
    return (
      <div className="account">
        <h1>{t("heading")}</h1>
        <p className="error" role="alert" data-testid="account-error">
          {t("readFailed")}
        </p>
      </div>
    );
  }

  const { now, passes, history, continueWatching } = overview;
  const subscription = { active: overview.subscribed, endsAt: overview.subscriptionEnd ?? 0 };

  return (
    <div className="account" data-testid="account-page" data-address={session.address}>
      <h1>{t("heading")}</h1>
      <p className="muted mono">{session.address}</p>
      {(await isGuardian(session.address).catch(() => false)) && (
        <p>
          <Link href="/moderation" data-testid="moderation-link">
            {t("moderationLink")}
          </Link>
        </p>
      )}
      <AgeLimitSetting current={(await requestAgeLimit()) ?? DEFAULT_AGE_LIMIT} />

      <section className="panel" data-testid="account-subscription" data-active={subscription.active}>
        <h2>{t("subscription.heading")}</h2>
        {subscription.active ? (
          <p>
            {t.rich("subscription.active", {
              date: date(subscription.endsAt),
              left: left(subscription.endsAt, now),
              strong: (chunks) => <strong>{chunks}</strong>,
            })}
          </p>
        ) : subscription.endsAt > 0 ? (
          <p>{t("subscription.ended", { date: date(subscription.endsAt) })}</p>
        ) : (
          <p>{t("subscription.none")}</p>
        )}
        {terms && (
          <PurchaseSlot
            renew={subscription.active}
            monthlyPrice={terms.monthlyPrice}
            passWindowSeconds={terms.passWindowSeconds}
            market={terms.market}
            token={terms.token}
            tokenSymbol={terms.tokenSymbol}
            signedPurchases={sponsorship?.gasless ? sponsorship.signedPurchases : null}
          />
        )}
      </section>

      {autoRenew && terms && (
        <section className="panel" data-testid="account-auto-renew" data-on={autoRenew.on}>
          <h2>{t("autoRenew.heading")}</h2>
          {autoRenew.on ? (
            <p data-testid="auto-renew-next">
              {t("autoRenew.on", { max: dollars(autoRenew.maxMonthlyPrice), months: autoRenew.monthsLeft })}{" "}
              {(() => {
                const price = dollars(autoRenew.price);
                const above = BigInt(autoRenew.price) > BigInt(autoRenew.maxMonthlyPrice);
                return autoRenew.nextRenewalAt > now
                  ? t(above ? "autoRenew.nextOnAbove" : "autoRenew.nextOn", { date: date(autoRenew.nextRenewalAt), price })
                  : t(above ? "autoRenew.nextSoonAbove" : "autoRenew.nextSoon", { price });
              })()}
            </p>
          ) : (
            <p className="muted">{t("autoRenew.off")}</p>
          )}
          {autoRenew.failure && (
            <p className="error" role="alert" data-testid="auto-renew-failed" data-reason={autoRenew.failure.reason}>
              {autoRenew.failure.reason === "price-above-ceiling"
                ? t("autoRenew.failedAboveCeiling", { date: date(autoRenew.failure.dueAt), price: dollars(autoRenew.failure.price) })
                : autoRenew.failure.reason.startsWith("no-funds")
                  ? t("autoRenew.failedNoFunds", { date: date(autoRenew.failure.dueAt) })
                  : t("autoRenew.failed", { date: date(autoRenew.failure.dueAt) })}{" "}
              {t("autoRenew.attempts", { count: autoRenew.failure.attempts })}
            </p>
          )}
          <AutoRenewSlot renewer={autoRenew.renewer} token={terms.token} on={autoRenew.on} monthlyPrice={terms.monthlyPrice} />
        </section>
      )}

      <section className="panel" data-testid="account-passes">
        <h2>{t("passes.heading")}</h2>
        {passes.length === 0 ? (
          <p className="muted">{t("passes.none")}</p>
        ) : (
          <ul className="list">
            {passes.map((p) => (
              <li key={p.filmId} data-testid="pass-item" data-film-id={p.filmId}>
                <Link href={`/films/${p.filmId}`}>{p.title}</Link>
                <span className="muted"> {t("passes.left", { left: left(p.expiresAt, now), date: date(p.expiresAt) })}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="panel" data-testid="account-continue">
        <h2>{t("continue.heading")}</h2>
        {continueWatching.length === 0 ? (
          <p className="muted">{t("continue.none")}</p>
        ) : (
          <ul className="list">
            {continueWatching.map((h) => (
              <li key={h.filmId} data-testid="continue-item" data-film-id={h.filmId}>
                <Link href={`/films/${h.filmId}`}>{h.title}</Link>
                <span className="muted">
                  {" "}
                  {h.durationSeconds
                    ? t("continue.atOf", { position: formatDuration(h.positionSeconds ?? 0), duration: formatDuration(h.durationSeconds) })
                    : t("continue.at", { position: formatDuration(h.positionSeconds ?? 0) })}
                </span>
                {h.durationSeconds ? <progress max={h.durationSeconds} value={h.positionSeconds ?? 0} /> : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      {terms && (
        <section className="panel" data-testid="account-counts" aria-labelledby="account-counts-heading">
          <h2 id="account-counts-heading">{t("counts.heading")}</h2>
          <p className="muted">{t("counts.intro")}</p>
          <AccountCountsSlot market={terms.market} />
        </section>
      )}

      {follows && (
        <section className="panel" data-testid="account-follows">
          <h2>{t("follows.heading")}</h2>
          {follows.length === 0 ? (
            <p className="muted">{t("follows.none")}</p>
          ) : (
            <ul className="list">
              {follows.map((c) => (
                <li key={c.address} data-testid="followed-creator" data-address={c.address}>
                  <CreatorLabel address={c.address} name={c.name} avatarCid={c.avatarCid} withAddress />{" "}
                  <FollowButton creator={c.address} initiallyOn label={c.name ?? c.address} />
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      <section className="panel" data-testid="account-history">
        <h2>{t("history.heading")}</h2>
        {history.length === 0 ? (
          <p className="muted">{t("history.none")}</p>
        ) : (
          <ul className="list">
            {history.map((h) => (
              <li key={h.filmId} data-testid="history-item" data-film-id={h.filmId}>
                <Link href={`/films/${h.filmId}`}>{h.title}</Link>
                <span className="muted">
                  {" "}
                  {t("history.item", { time: formatWatchTime(h.watchedSeconds, locale), date: date(h.lastWatchedAt) })}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
