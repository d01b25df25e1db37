"use client";
/** The film page's report button: opens a small form (reason from the fixed list, optional details) for a signed-in viewer. */
import { useTranslations } from "next-intl";
import { useState } from "react";
import { MAX_REPORT_TEXT, REPORT_REASONS, isReportReason, type ReportReason } from "@ai-films/core/domain";
import { reasonOf, useApiErrors } from "@/i18n/apiErrors";

export default function ReportForm({ filmId, alreadyReported }: { filmId: string; alreadyReported: boolean }) {
  const t = useTranslations("moderation");
  const apiError = useApiErrors();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<ReportReason | "">("");
  const [details, setDetails] = useState("");
  const [busy, setBusy] = useState(false);
  // What happened, as a key: the sentence follows the page's language.
  const [done, setDone] = useState<"sent" | "already" | null>(alreadyReported ? "already" : null);
  const [error, setError] = useState<string | null>(null);

  async function send(event: React.FormEvent) {
    event.preventDefault();
    if (!reason) return;
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/reports", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ filmId, reason, details }),
      });
      if (res.ok) {
        setDone("sent");
        setOpen(false);
      } else if (res.status === 409) {
        setDone("already");
        setOpen(false);
      } else {
        const body: unknown = await res.json().catch(() => null);
        if (body) console.warn("report refused:", body); // the server's English message, for whoever debugs
        setError(res.status === 401 ? t("report.signIn") : reasonOf(body) ? apiError(body) : t("report.failed"));
      }
    } catch {
      setError(t("report.failed"));
    } finally {
      setBusy(false);
    }
  }

  if (done) {
    return (
      <p className="muted" role="status" data-testid="report-done">
        {done === "sent" ? t("report.sent") : t("report.already")}
      </p>
    );
  }
  if (!open) {
    return (
      <button type="button" className="btn btn-ghost" onClick={() => setOpen(true)} data-testid="report-open" aria-expanded={false}>
        <span aria-hidden>⚑</span> {t("report.open")}
      </button>
    );
  }
  return (
    <form className="report-form panel" onSubmit={(e) => void send(e)} data-testid="report-form" aria-label={t("report.title")}>
      <h2>{t("report.title")}</h2>
      <label className="field">
        <span>{t("report.reason")}</span>
        <select
          value={reason}
          required
          onChange={(e) => setReason(isReportReason(e.target.value) ? e.target.value : "")}
          disabled={busy}
          data-testid="report-reason"
        >
          <option value="" disabled>
            —
          </option>
          {REPORT_REASONS.map((r) => (
            <option key={r} value={r}>
              {t(`reasons.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t("report.details")}</span>
        <textarea
          value={details}
          maxLength={MAX_REPORT_TEXT}
          rows={3}
          onChange={(e) => setDetails(e.target.value)}
          disabled={busy}
          aria-describedby="report-details-hint"
          data-testid="report-details"
        />
        <small id="report-details-hint" className="muted">
          {t("report.detailsHint", { max: MAX_REPORT_TEXT })}
        </small>
      </label>
      {error && (
        <p className="error" role="alert" data-testid="report-error">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="btn" disabled={busy || !reason} data-testid="report-send">
          {t("report.send")}
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)} disabled={busy}>
          {t("report.cancel")}
        </button>
      </div>
    </form>
  );
}
