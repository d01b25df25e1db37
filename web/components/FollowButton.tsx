"use client";
/** Follow / unfollow a creator for a signed-in viewer: a pressed/unpressed button (aria-pressed). */
import { useRouter } from "next/navigation";
import { useState } from "react";
import { COMMUNITY_STRINGS as T } from "./communityStrings";

export default function FollowButton({ creator, initiallyOn, label }: { creator: string; initiallyOn: boolean; label?: string }) {
  const router = useRouter();
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
      } else
        setError(
          res.status === 401
            ? T.followSignIn
            : (((await res.json().catch(() => null)) as { message?: string } | null)?.message ?? T.followFailed),
        );
    } catch {
      setError(T.followFailed);
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
        aria-label={label ? `${on ? T.unfollow : T.follow} ${label}` : undefined}
        disabled={busy}
        onClick={() => void toggle()}
        data-testid="follow-toggle"
        data-on={on ? "true" : "false"}
      >
        {on ? `✓ ${T.following}` : `+ ${T.follow}`}
      </button>
      {error && (
        <span className="error" role="alert" data-testid="follow-error">
          {error}
        </span>
      )}
    </span>
  );
}
