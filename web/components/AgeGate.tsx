"use client";
/**
 * Asks before playing a film rated 18+ (or rated above the viewer's own limit): the player
 * (children) renders only after the viewer confirms. Films rated lower play at once.
 */
import { useTranslations } from "next-intl";
import { useState, type ReactNode } from "react";

export default function AgeGate({ ask, aboveLimit, children }: { ask: boolean; aboveLimit: boolean; children: ReactNode }) {
  const [confirmed, setConfirmed] = useState(false);
  const t = useTranslations("moderation.ageGate");
  if (!ask || confirmed) return <>{children}</>;
  return (
    <section className="age-gate panel" data-testid="age-gate" aria-labelledby="age-gate-title">
      <h2 id="age-gate-title">{t("title")}</h2>
      <p>{t("text")}</p>
      {aboveLimit && <p className="muted">{t("aboveLimit")}</p>}
      <button type="button" className="btn" onClick={() => setConfirmed(true)} data-testid="age-gate-confirm">
        {t("confirm")}
      </button>
    </section>
  );
}
