"use client";
/** The film page's report button: opens a small form (reason from the fixed list, optional details) for a signed-in viewer. */
import { useState } from "react";
import { MAX_REPORT_TEXT, REPORT_REASONS, REPORT_REASON_LABELS, isReportReason, type ReportReason } from "@ai-films/core/domain";
import { MODERATION_STRINGS as T } from "./moderationStrings";

export default function ReportForm({ filmId, alreadyReported }: { filmId: string; alreadyReported: boolean }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<ReportReason | "">("");
  const [details, setDetails] = useState("");
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(alreadyReported ? T.reportAlready : null);
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
        setDone(T.reportSent);
        setOpen(false);
      } else if (res.status === 409) {
        setDone(T.reportAlready);
        setOpen(false);
      } else {
        const body = (await res.json().catch(() => null)) as { message?: string } | null;
        setError(res.status === 401 ? T.reportSignIn : (body?.message ?? T.reportFailed));
      }
    } catch {
      setError(T.reportFailed);
    } finally {
      setBusy(false);
    }
  }

  if (done) {
    return (
      <p className="muted" role="status" data-testid="report-done">
        {done}
      </p>
    );
  }
  if (!open) {
    return (
      <button type="button" className="btn btn-ghost" onClick={() => setOpen(true)} data-testid="report-open" aria-expanded={false}>
        ⚑ {T.report}
      </button>
    );
  }
  return (
    <form className="report-form panel" onSubmit={(e) => void send(e)} data-testid="report-form" aria-label={T.reportTitle}>
      <h2>{T.reportTitle}</h2>
      <label className="field">
        <span>{T.reportReason}</span>
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
              {REPORT_REASON_LABELS[r]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{T.reportDetails}</span>
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
          {T.reportDetailsHint}
        </small>
      </label>
      {error && (
        <p className="error" role="alert" data-testid="report-error">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="btn" disabled={busy || !reason} data-testid="report-send">
          {T.reportSend}
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)} disabled={busy}>
          {T.reportCancel}
        </button>
      </div>
    </form>
  );
}
