"use client";
/** The account page's age limit: the highest rating the viewer wants to see (stored per wallet when signed in, and in a cookie). */
import { useState } from "react";
import { useRouter } from "next/navigation";
import { AGE_RATINGS, AGE_RATING_LABELS, isAgeRating, type AgeRating } from "@ai-films/core/domain";
import { MODERATION_STRINGS as T } from "./moderationStrings";

export default function AgeLimitSetting({ current }: { current: AgeRating }) {
  const router = useRouter();
  const [limit, setLimit] = useState<AgeRating>(current);
  const [state, setState] = useState<"idle" | "busy" | "saved" | "failed">("idle");

  async function save(event: React.FormEvent) {
    event.preventDefault();
    setState("busy");
    const res = await fetch("/api/viewer-settings", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ maxAgeRating: limit }),
    }).catch(() => null);
    setState(res?.ok ? "saved" : "failed");
    if (res?.ok) router.refresh();
  }

  return (
    <form className="panel age-limit" onSubmit={(e) => void save(e)} data-testid="age-limit" aria-labelledby="age-limit-title">
      <h2 id="age-limit-title">{T.ageLimitTitle}</h2>
      <label className="field">
        <span>{T.ageLimitLabel}</span>
        <select
          value={limit}
          onChange={(e) => isAgeRating(e.target.value) && setLimit(e.target.value)}
          disabled={state === "busy"}
          aria-describedby="age-limit-help"
          data-testid="age-limit-select"
        >
          {AGE_RATINGS.map((r) => (
            <option key={r} value={r}>
              {AGE_RATING_LABELS[r]}
            </option>
          ))}
        </select>
      </label>
      <p id="age-limit-help" className="muted">
        {T.ageLimitHelp}
      </p>
      <button type="submit" className="btn btn-secondary" disabled={state === "busy"} data-testid="age-limit-save">
        {T.ageLimitSave}
      </button>
      <span role="status" className={state === "failed" ? "error" : "muted"} data-testid="age-limit-status">
        {state === "saved" ? ` ${T.ageLimitSaved}` : state === "failed" ? ` ${T.ageLimitFailed}` : ""}
      </span>
    </form>
  );
}
