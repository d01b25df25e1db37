"use client";
/** The account page's age limit: the highest rating the viewer wants to see (stored per wallet when signed in, and in a cookie). */
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { AGE_RATINGS, isAgeRating, type AgeRating } from "@ai-films/core/domain";

export default function AgeLimitSetting({ current }: { current: AgeRating }) {
  const router = useRouter();
  const t = useTranslations("moderation");
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
      <h2 id="age-limit-title">{t("ageLimit.title")}</h2>
      <label className="field">
        <span>{t("ageLimit.label")}</span>
        <select
          value={limit}
          onChange={(e) => isAgeRating(e.target.value) && setLimit(e.target.value)}
          disabled={state === "busy"}
          aria-describedby="age-limit-help"
          data-testid="age-limit-select"
        >
          {AGE_RATINGS.map((r) => (
            <option key={r} value={r}>
              {t(`ageRatings.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <p id="age-limit-help" className="muted">
        {t("ageLimit.help")}
      </p>
      <button type="submit" className="btn btn-secondary" disabled={state === "busy"} data-testid="age-limit-save">
        {t("ageLimit.save")}
      </button>
      <span role="status" className={state === "failed" ? "error" : "muted"} data-testid="age-limit-status">
        {state === "saved" ? ` ${t("ageLimit.saved")}` : state === "failed" ? ` ${t("ageLimit.failed")}` : ""}
      </span>
    </form>
  );
}
