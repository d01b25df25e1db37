"use client";
/** The film page's watchlist toggle for a signed-in viewer: a pressed/unpressed button (aria-pressed). */
import { useTranslations } from "next-intl";
import { useState } from "react";
import { reasonOf, useApiErrors } from "@/i18n/apiErrors";

export default function WatchlistButton({ filmId, initiallyOn }: { filmId: string; initiallyOn: boolean }) {
  const t = useTranslations("film.watchlist");
  const apiError = useApiErrors();
  const [on, setOn] = useState(initiallyOn);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function toggle() {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/watchlist", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ filmId, on: !on }),
      });
      if (res.ok) setOn(!on);
      else {
        const body: unknown = await res.json().catch(() => null);
        if (body) console.warn("watchlist refused:", body); // the server's English message, for whoever debugs
        setError(res.status === 401 ? t("signIn") : reasonOf(body) ? apiError(body) : t("failed"));
      }
    } catch {
      setError(t("failed"));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="watchlist-toggle">
      <button
        type="button"
        className={on ? "btn btn-secondary" : "btn btn-ghost"}
        aria-pressed={on}
        disabled={busy}
        onClick={() => void toggle()}
        data-testid="watchlist-toggle"
        data-on={on ? "true" : "false"}
        title={on ? t("remove") : t("add")}
      >
        <span aria-hidden>{on ? "✓" : "+"}</span> {on ? t("on") : t("add")}
      </button>
      {error && (
        <p className="error" role="alert" data-testid="watchlist-error">
          {error}
        </p>
      )}
    </div>
  );
}
