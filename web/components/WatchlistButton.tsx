"use client";
/** The film page's watchlist toggle for a signed-in viewer: a pressed/unpressed button (aria-pressed). */
import { useTranslations } from "next-intl";
import { useToggleRoute } from "@/lib/client/useToggleRoute";

export default function WatchlistButton({ filmId, initiallyOn }: { filmId: string; initiallyOn: boolean }) {
  const t = useTranslations("film.watchlist");
  const { on, busy, error, toggle } = useToggleRoute({
    route: "/api/watchlist",
    body: (wanted) => ({ filmId, on: wanted }),
    initiallyOn,
    messages: { signIn: t("signIn"), failed: t("failed") },
    what: "watchlist",
  });

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
