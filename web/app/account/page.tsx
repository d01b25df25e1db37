/** The viewer's account: subscription and renewal, view passes with time left, continue watching, history. */
import type { Metadata } from "next";
import Link from "next/link";
import { PurchaseSlot } from "@/components/slots";
import { formatDate, formatDuration, formatTimeLeft, formatWatchTime } from "@/lib/format";
import { accountOverview } from "@/lib/server/account";
import { marketTerms, type MarketTerms } from "@/lib/server/market";
import { currentSession } from "@/lib/server/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const session = await currentSession();
  if (!session) {
    return (
      <div className="account" data-testid="account-signed-out">
        <h1>Your account</h1>
        <p className="muted">Connect your wallet and sign in (top right) to see your subscription, view passes and what you watched.</p>
      </div>
    );
  }

  let overview: Awaited<ReturnType<typeof accountOverview>> | null = null;
  let terms: MarketTerms | null = null;
  try {
    [overview, terms] = await Promise.all([accountOverview(session.address), marketTerms()]);
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

      <section className="panel" data-testid="account-subscription" data-active={subscription.active}>
        <h2>Subscription</h2>
        {subscription.active ? (
          <p>
            Active until <strong>{formatDate(subscription.endsAt)}</strong> ({formatTimeLeft(subscription.endsAt, now)} left). Every film is
            included.
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
          />
        )}
      </section>

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
                  — {formatTimeLeft(p.expiresAt, now)} left (until {formatDate(p.expiresAt)})
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
