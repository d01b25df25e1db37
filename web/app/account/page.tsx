/**
 * The viewer's account: subscription and renewal, view passes with time left, continue watching,
 * history, and what each settled period counted for this wallet (checked in the browser).
 */
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { CreatorLabel } from "@/components/CreatorLabel";
import FollowButton from "@/components/FollowButton";
import { AccountCountsSlot, AutoRenewSlot, PurchaseSlot } from "@/components/slots";
import { COUNTS_TEXT } from "@/components/viewerStrings";
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
export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const session = await currentSession();
  if (!session) {
    return (
      <div className="account" data-testid="account-signed-out">
        <h1>Your account</h1>
        <p className="muted">Connect your wallet and sign in (top right) to see your subscription, view passes and what you watched.</p>
        <AgeLimitSetting current={(await requestAgeLimit()) ?? DEFAULT_AGE_LIMIT} />
      </div>
    );
  }

  let overview: Awaited<ReturnType<typeof accountOverview>> | null = null;
  let terms: MarketTerms | null = null;
  let autoRenew: AutoRenewState | null = null;
  let sponsorship: SponsorshipInfo | null = null;
  const follows: FollowedCreator[] | null = await followedCreators(session.address).catch(() => null);
  const [tFollowed, tModeration] = await Promise.all([getTranslations("community.followed"), getTranslations("moderation.page")]);
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
        <h1>Your account</h1>
        <p className="error" role="alert" data-testid="account-error">
          Your account can&apos;t be read right now: the chain is not answering. Try again shortly.
        </p>
      </div>
    );
  }

  const { now, passes, history, continueWatching } = overview;
  const subscription = { active: overview.subscribed, endsAt: overview.subscriptionEnd ?? 0 };

  return (
    <div className="account" data-testid="account-page" data-address={session.address}>
      <h1>Your account</h1>
      <p className="muted mono">{session.address}</p>
      {(await isGuardian(session.address).catch(() => false)) && (
        <p>
          <Link href="/moderation" data-testid="moderation-link">
            {tModeration("link")}
          </Link>
        </p>
      )}
      <AgeLimitSetting current={(await requestAgeLimit()) ?? DEFAULT_AGE_LIMIT} />

      <section className="panel" data-testid="account-subscription" data-active={subscription.active}>
        <h2>Subscription</h2>
        {subscription.active ? (
          <p>
            Active until <strong>{formatDate(subscription.endsAt)}</strong> ({formatTimeLeft(subscription.endsAt, now) ?? "expired"} left).
            Every film is included.
          </p>
        ) : subscription.endsAt > 0 ? (
          <p>Ended on {formatDate(subscription.endsAt)}.</p>
        ) : (
          <p>No subscription yet: one monthly price unlocks every film, and your watching decides how it is shared among their creators.</p>
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
          <h2>Auto-renewal</h2>
          {autoRenew.on ? (
            <p data-testid="auto-renew-next">
              On: up to {formatDollars(BigInt(autoRenew.maxMonthlyPrice))} a month, {autoRenew.monthsLeft} more month
              {autoRenew.monthsLeft === 1 ? "" : "s"}. Next renewal{" "}
              {autoRenew.nextRenewalAt > now ? `on ${formatDate(autoRenew.nextRenewalAt)}` : "as soon as the platform's keeper passes"}, at{" "}
              {formatDollars(BigInt(autoRenew.price))}
              {BigInt(autoRenew.price) > BigInt(autoRenew.maxMonthlyPrice) ? " — above your ceiling, so it will not renew" : ""}.
            </p>
          ) : (
            <p className="muted">Off: your subscription ends when its months run out.</p>
          )}
          {autoRenew.failure && (
            <p className="error" role="alert" data-testid="auto-renew-failed" data-reason={autoRenew.failure.reason}>
              The renewal due {formatDate(autoRenew.failure.dueAt)} failed
              {autoRenew.failure.reason === "price-above-ceiling"
                ? `: the price (${formatDollars(BigInt(autoRenew.failure.price))}) is above your ceiling`
                : autoRenew.failure.reason.startsWith("no-funds")
                  ? ": the wallet lacks the funds or the allowance"
                  : ""}
              . {autoRenew.failure.attempts} attempt{autoRenew.failure.attempts === 1 ? "" : "s"}; the platform will not keep retrying.
            </p>
          )}
          <AutoRenewSlot renewer={autoRenew.renewer} token={terms.token} on={autoRenew.on} monthlyPrice={terms.monthlyPrice} />
        </section>
      )}

      <section className="panel" data-testid="account-passes">
        <h2>View passes</h2>
        {passes.length === 0 ? (
          <p className="muted">No active view passes.</p>
        ) : (
          <ul className="list">
            {passes.map((p) => (
              <li key={p.filmId} data-testid="pass-item" data-film-id={p.filmId}>
                <Link href={`/films/${p.filmId}`}>{p.title}</Link>
                <span className="muted">
                  {" "}
                  — {formatTimeLeft(p.expiresAt, now) ?? "expired"} left (until {formatDate(p.expiresAt)})
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="panel" data-testid="account-continue">
        <h2>Continue watching</h2>
        {continueWatching.length === 0 ? (
          <p className="muted">Nothing half-watched.</p>
        ) : (
          <ul className="list">
            {continueWatching.map((h) => (
              <li key={h.filmId} data-testid="continue-item" data-film-id={h.filmId}>
                <Link href={`/films/${h.filmId}`}>{h.title}</Link>
                <span className="muted">
                  {" "}
                  — at {formatDuration(h.positionSeconds ?? 0)}
                  {h.durationSeconds ? ` of ${formatDuration(h.durationSeconds)}` : ""}
                </span>
                {h.durationSeconds ? <progress max={h.durationSeconds} value={h.positionSeconds ?? 0} /> : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      {terms && (
        <section className="panel" data-testid="account-counts" aria-labelledby="account-counts-heading">
          <h2 id="account-counts-heading">{COUNTS_TEXT.heading}</h2>
          <p className="muted">{COUNTS_TEXT.intro}</p>
          <AccountCountsSlot market={terms.market} />
        </section>
      )}

      {follows && (
        <section className="panel" data-testid="account-follows">
          <h2>{tFollowed("title")}</h2>
          {follows.length === 0 ? (
            <p className="muted">{tFollowed("none")}</p>
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
        <h2>Watch history</h2>
        {history.length === 0 ? (
          <p className="muted">You haven&apos;t watched anything yet.</p>
        ) : (
          <ul className="list">
            {history.map((h) => (
              <li key={h.filmId} data-testid="history-item" data-film-id={h.filmId}>
                <Link href={`/films/${h.filmId}`}>{h.title}</Link>
                <span className="muted">
                  {" "}
                  — {formatWatchTime(h.watchedSeconds)} watched, last {formatDate(h.lastWatchedAt)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
