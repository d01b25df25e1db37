"use client";
/** Follow / unfollow a creator for a signed-in viewer: a pressed/unpressed button (aria-pressed). */
import { useTranslations } from "next-intl";
import { useToggleRoute } from "@/lib/client/useToggleRoute";

export default function FollowButton({ creator, initiallyOn, label }: { creator: string; initiallyOn: boolean; label?: string }) {
  const t = useTranslations("community.follow");
  const { on, busy, error, toggle } = useToggleRoute({
    route: "/api/follows",
    body: (wanted) => ({ creator, on: wanted }),
    initiallyOn,
    messages: { signIn: t("signIn"), failed: t("failed") },
    what: "follow",
    refresh: true, // the follower count, the account list
  });

  return (
    <span className="follow-toggle">
      <button
        type="button"
        className={on ? "btn btn-secondary" : "btn btn-primary"}
        aria-pressed={on}
        aria-label={label ? t(on ? "unfollowName" : "followName", { name: label }) : undefined}
        disabled={busy}
        onClick={() => void toggle()}
        data-testid="follow-toggle"
        data-on={on ? "true" : "false"}
      >
        <span aria-hidden>{on ? "✓" : "+"}</span> {on ? t("following") : t("follow")}
      </button>
      {error && (
        <span className="error" role="alert" data-testid="follow-error">
          {error}
        </span>
      )}
    </span>
  );
}
