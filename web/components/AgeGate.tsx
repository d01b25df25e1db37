"use client";
/**
 * Asks before playing a film rated 18+ (or rated above the viewer's own limit): the player
 * (children) renders only after the viewer confirms. Films rated lower play at once.
 */
import { useState, type ReactNode } from "react";
import { MODERATION_STRINGS as T } from "./moderationStrings";

export default function AgeGate({ ask, aboveLimit, children }: { ask: boolean; aboveLimit: boolean; children: ReactNode }) {
  const [confirmed, setConfirmed] = useState(false);
  if (!ask || confirmed) return <>{children}</>;
  return (
    <section className="age-gate panel" data-testid="age-gate" aria-labelledby="age-gate-title">
      <h2 id="age-gate-title">{T.ageGateTitle}</h2>
      <p>{T.ageGateText}</p>
      {aboveLimit && <p className="muted">{T.ageAboveLimit}</p>}
      <button type="button" className="btn" onClick={() => setConfirmed(true)} data-testid="age-gate-confirm">
        {T.ageGateConfirm}
      </button>
    </section>
  );
}
