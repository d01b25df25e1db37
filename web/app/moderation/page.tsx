/**
 * The guardians' page: open reports grouped by film (counts by reason, the latest reports), the
 * films hidden now, and the public log of decisions. Only a session of a wallet holding the
 * market's GUARDIAN_ROLE sees it; anyone else gets 403 (app/forbidden.tsx). Decisions go through
 * POST /api/moderation, which checks the role again.
 */
import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { isReportReason } from "@ai-films/core/domain";
import ModerationActions from "@/components/ModerationActions";
import { formatDate, formatNumber, shortAddress } from "@/lib/format";
import { isGuardian, moderationPage } from "@/lib/server/moderation";
import { currentSession } from "@/lib/server/session";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("moderation.page"))("title"), robots: { index: false } };
}

export default async function ModerationPage() {
  const session = await currentSession();
  if (!session || !(await isGuardian(session.address).catch(() => false))) forbidden();
  const [{ reports, hidden, log }, t, locale] = await Promise.all([moderationPage(), getTranslations("moderation"), getLocale()]);

  return (
    <div className="account moderation" data-testid="moderation-page">
      <h1>{t("page.title")}</h1>
      <p className="muted">{t("page.intro")}</p>

      <section className="panel" aria-labelledby="reports-title">
        <h2 id="reports-title">{t("page.reports")}</h2>
        {reports.length === 0 && <p className="muted">{t("page.noReports")}</p>}
        <ul className="moderation-list">
          {reports.map((film) => (
            <li key={film.filmId} data-testid="reported-film" data-film-id={film.filmId} data-count={film.count}>
              <h3>
                <Link href={`/films/${film.filmId}`}>
                  #{film.filmId} {film.title}
                </Link>{" "}
                <span className="muted">· {t("page.reportsCount", { count: film.count })}</span>
              </h3>
              {film.hidden && (
                <p className="notice" role="note">
                  {t("hidden.notice", { reason: film.hidden.reason })}
                </p>
              )}
              <ul className="chips" aria-label={t("page.reasons")}>
                {Object.entries(film.byReason).map(([reason, count]) => (
                  <li key={reason} className="chip" data-testid="report-reason-count" data-reason={reason}>
                    {isReportReason(reason) ? t(`reasons.${reason}`) : reason} × {formatNumber(count, locale)}
                  </li>
                ))}
              </ul>
              <ul className="report-entries">
                {film.reports.map((r) => (
                  <li key={`${r.reporter}-${r.createdAt}`} data-testid="report-entry">
                    <span className="mono" title={r.reporter}>
                      {shortAddress(r.reporter)}
                    </span>{" "}
                    · {t(`reasons.${r.reason}`)} · {formatDate(r.createdAt, locale)}
                    {r.details && <blockquote className="report-details">{r.details}</blockquote>}
                  </li>
                ))}
              </ul>
              <ModerationActions filmId={film.filmId} actions={film.hidden ? ["dismiss"] : ["hide", "dismiss"]} />
            </li>
          ))}
        </ul>
      </section>

      <section className="panel" aria-labelledby="hidden-title">
        <h2 id="hidden-title">{t("page.hiddenFilms")}</h2>
        {hidden.length === 0 && <p className="muted">{t("page.noHiddenFilms")}</p>}
        <ul className="moderation-list">
          {hidden.map((d) => (
            <li key={d.filmId} data-testid="hidden-film" data-film-id={d.filmId}>
              <h3>
                <Link href={`/films/${d.filmId}`}>
                  #{d.filmId} {d.title}
                </Link>
              </h3>
              <p className="muted">
                {t.rich("page.hiddenBy", {
                  reason: d.reason,
                  guardian: shortAddress(d.guardian),
                  date: formatDate(d.decidedAt, locale),
                  who: (chunks) => <span title={d.guardian}>{chunks}</span>,
                })}
              </p>
              <ModerationActions filmId={d.filmId} actions={["unhide"]} />
            </li>
          ))}
        </ul>
      </section>

      <section className="panel" aria-labelledby="log-title">
        <h2 id="log-title">{t("page.decisionLog")}</h2>
        {log.length === 0 && <p className="muted">{t("page.noDecisions")}</p>}
        <ol className="moderation-log" data-testid="moderation-log">
          {log.map((d) => (
            <li key={d.decisionId} data-action={d.action} data-film-id={d.filmId}>
              {formatDate(d.decidedAt, locale)} · <span title={d.guardian}>{shortAddress(d.guardian)}</span> ·{" "}
              {t(`page.logAction.${d.action}`)} ·{" "}
              <Link href={`/films/${d.filmId}`}>
                #{d.filmId} {d.title}
              </Link>{" "}
              · “{d.reason}”
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
