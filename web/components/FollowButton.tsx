"use client";
/** Follow / unfollow a creator for a signed-in viewer: a pressed/unpressed button (aria-pressed). */
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { reasonOf, useApiErrors } from "@/i18n/apiErrors";

export default function FollowButton({ creator, initiallyOn, label }: { creator: string; initiallyOn: boolean; label?: string }) {
  const router = useRouter();
  const t = useTranslations("community.follow");
  const apiError = useApiErrors();
  const [on, setOn] = useState(initiallyOn);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function toggle() {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/follows", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ creator, on: !on }),
      });
      if (res.ok) {
        setOn(!on);
        router.refresh(); // the follower count, the account list
      } else {
        const body: unknown = await res.json().catch(() => null);
        if (body) console.warn("follow refused:", body); // the server's English message, for whoever debugs
        setError(res.status === 401 ? t("signIn") : reasonOf(body) ? apiError(body) : t("failed"));
      }
    } catch {
      setError(t("failed"));
    } finally {
      setBusy(false);
    }
  }

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
