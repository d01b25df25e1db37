"use client";
/**
 * The upload form's collaborators: who shares the film's earnings (the director, the prompt
 * writer, the composer, the model's owner…) and with what share. Empty means the film pays its
 * creator alone. A valid list (distinct addresses, shares adding up to 100 %; the creator may be
 * one of them) is sent with the listing to the SplitterFactory right after the mint.
 */
import { MAX_COLLABORATORS, bpsToPercent, percentToBps, type CollaboratorRow } from "@ai-films/core/domain";

/** The strings of this part of the form, together for the i18n catalogues. */
export const COLLABORATOR_STRINGS = {
  legend: "Collaborators (optional)",
  hint: "Split this film's pay-per-view earnings and pool shares on-chain. Shares must add up to 100 %; you may include yourself. The split cannot be changed after minting.",
  address: (n: number) => `Collaborator ${n} wallet address`,
  percent: (n: number) => `Collaborator ${n} share in percent`,
  remove: (n: number) => `Remove collaborator ${n}`,
  removeLabel: "Remove",
  add: "Add a collaborator",
  addMe: "Add me",
  total: (percent: string) => `Total: ${percent} %`,
} as const;

export function CollaboratorFields({
  rows,
  onChange,
  disabled,
  creator,
}: {
  rows: CollaboratorRow[];
  onChange: (next: CollaboratorRow[]) => void;
  disabled: boolean;
  creator: string;
}) {
  const update = (i: number, patch: Partial<CollaboratorRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const totalBps = rows.reduce((sum, r) => sum + (percentToBps(r.percent) ?? 0), 0);
  const hasCreator = rows.some((r) => r.address.trim().toLowerCase() === creator.toLowerCase());
  return (
    <fieldset className="field" data-testid="upload-collaborators">
      <legend>{COLLABORATOR_STRINGS.legend}</legend>
      <small className="muted">{COLLABORATOR_STRINGS.hint}</small>
      {rows.map((r, i) => (
        <div className="field-inline" key={i} data-testid="collaborator-row">
          <input
            type="text"
            aria-label={COLLABORATOR_STRINGS.address(i + 1)}
            placeholder="0x…"
            value={r.address}
            maxLength={42}
            spellCheck={false}
            autoComplete="off"
            disabled={disabled}
            onChange={(e) => update(i, { address: e.target.value })}
            data-testid="collaborator-address"
          />
          <input
            type="text"
            inputMode="decimal"
            aria-label={COLLABORATOR_STRINGS.percent(i + 1)}
            placeholder="%"
            value={r.percent}
            maxLength={7}
            disabled={disabled}
            onChange={(e) => update(i, { percent: e.target.value })}
            data-testid="collaborator-percent"
          />
          <button
            type="button"
            className="link"
            aria-label={COLLABORATOR_STRINGS.remove(i + 1)}
            disabled={disabled}
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
            data-testid="collaborator-remove"
          >
            {COLLABORATOR_STRINGS.removeLabel}
          </button>
        </div>
      ))}
      <div className="field-inline">
        <button
          type="button"
          className="btn btn-secondary"
          disabled={disabled || rows.length >= MAX_COLLABORATORS}
          onClick={() => onChange([...rows, { address: "", percent: "" }])}
          data-testid="collaborator-add"
        >
          {COLLABORATOR_STRINGS.add}
        </button>
        {!hasCreator && (
          <button
            type="button"
            className="btn btn-ghost"
            disabled={disabled || rows.length >= MAX_COLLABORATORS}
            onClick={() => onChange([...rows, { address: creator, percent: "" }])}
            data-testid="collaborator-add-me"
          >
            {COLLABORATOR_STRINGS.addMe}
          </button>
        )}
        {rows.length > 0 && (
          <span className="muted" data-testid="collaborator-total" data-bps={totalBps} aria-live="polite">
            {COLLABORATOR_STRINGS.total(bpsToPercent(totalBps))}
          </span>
        )}
      </div>
    </fieldset>
  );
}
