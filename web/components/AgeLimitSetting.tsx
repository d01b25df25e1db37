"use client";
/** The account page's age limit: the highest rating the viewer wants to see (stored per wallet when signed in, and in a cookie). */
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { AGE_RATINGS, isAgeRating, type AgeRating } from "@ai-films/core/domain";
import { reasonOfResponse, useApiErrors } from "@/i18n/apiErrors";

export default function AgeLimitSetting({ current }: { current: AgeRating }) {
  const t = useTranslations("account.ageLimit");
  const apiError = useApiErrors();
  const router = useRouter();
  const [limit, setLimit] = useState<AgeRating>(current);
  const [state, setState] = useState<"idle" | "busy" | "saved" | "failed">("idle");
  /** The server's refusal in the viewer's words (too many requests…); none when it did not answer. */
  const [refusal, setRefusal] = useState<string | null>(null);

  async function save(event: React.FormEvent) {
    event.preventDefault();
    setState("busy");
    const res = await fetch("/api/viewer-settings", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ maxAgeRating: limit }),
    }).catch(() => null);
    const reason = res && !res.ok ? await reasonOfResponse(res) : null;
    setRefusal(reason ? apiError(reason) : null);
    setState(res?.ok ? "saved" : "failed");
    if (res?.ok) router.refresh();
  }

  return (
    <form className="panel age-limit" onSubmit={(e) => void save(e)} data-testid="age-limit" aria-labelledby="age-limit-title">
      <h2 id="age-limit-title">{t("title")}</h2>
      <label className="field">
        <span>{t("label")}</span>
        <select
          value={limit}
          onChange={(e) => isAgeRating(e.target.value) && setLimit(e.target.value)}
          disabled={state === "busy"}
          aria-describedby="age-limit-help"
          data-testid="age-limit-select"
        >
          {AGE_RATINGS.map((r) => (
            <option key={r} value={r}>
              {t(`ratings.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <p id="age-limit-help" className="muted">
        {t("help")}
      </p>
      <button type="submit" className="btn btn-secondary" disabled={state === "busy"} data-testid="age-limit-save">
        {t("save")}
      </button>
      <span role="status" className={state === "failed" ? "error" : "muted"} data-testid="age-limit-status">
        {state === "saved" ? ` ${t("saved")}` : state === "failed" ? ` ${t("failed")}${refusal ? ` ${refusal}` : ""}` : ""}
      </span>
    </form>
  );
}
