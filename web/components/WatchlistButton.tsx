"use client";
/** The film page's watchlist toggle for a signed-in viewer: a pressed/unpressed button (aria-pressed). */
import { useState } from "react";
import { VIEWER_STRINGS as T } from "./viewerStrings";

export default function WatchlistButton({ filmId, initiallyOn }: { filmId: string; initiallyOn: boolean }) {
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
      else
        setError(
          res.status === 401
            ? T.watchlistSignIn
            : (((await res.json().catch(() => null)) as { message?: string } | null)?.message ?? T.watchlistFailed),
        );
    } catch {
      setError(T.watchlistFailed);
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
        title={on ? T.removeFromWatchlist : T.addToWatchlist}
      >
        {on ? `✓ ${T.onWatchlist}` : `+ ${T.addToWatchlist}`}
      </button>
      {error && (
        <p className="error" role="alert" data-testid="watchlist-error">
          {error}
        </p>
      )}
    </div>
  );
}
