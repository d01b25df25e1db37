"use client";
/** A guardian's decision on one film from /moderation: a public reason, then hide / dismiss (or unhide). */
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { MAX_MODERATION_REASON } from "@ai-films/core/domain";
import { reasonOf, useApiErrors } from "@/i18n/apiErrors";

type Action = "hide" | "unhide" | "dismiss";

export default function ModerationActions({ filmId, actions }: { filmId: string; actions: Action[] }) {
  const router = useRouter();
  const t = useTranslations("moderation.actions");
  const apiError = useApiErrors();
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function decide(action: Action) {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/moderation", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ filmId, action, reason }),
      });
      if (res.ok) {
        setReason("");
        router.refresh();
      } else {
        const body: unknown = await res.json().catch(() => null);
        if (body) console.warn("moderation refused:", body); // the server's English message, for whoever debugs
        setError(reasonOf(body) ? apiError(body) : t("failed"));
      }
    } catch {
      setError(t("failed"));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="moderation-actions" onSubmit={(e) => e.preventDefault()} data-testid="moderation-actions" data-film-id={filmId}>
      <label className="field">
        <span>{t("publicReason")}</span>
        <input
          type="text"
          value={reason}
          maxLength={MAX_MODERATION_REASON}
          onChange={(e) => setReason(e.target.value)}
          disabled={busy}
          required
          data-testid="moderation-reason"
        />
      </label>
      {actions.map((action) => (
        <button
          key={action}
          type="button"
          className={action === "hide" ? "btn" : "btn btn-secondary"}
          disabled={busy || reason.trim() === ""}
          onClick={() => void decide(action)}
          data-testid={`moderation-${action}`}
        >
          {t(action)}
        </button>
      ))}
      {error && (
        <p className="error" role="alert" data-testid="moderation-error">
          {error}
        </p>
      )}
    </form>
  );
}
