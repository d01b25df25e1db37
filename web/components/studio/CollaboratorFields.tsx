"use client";
/**
 * The upload form's collaborators: who shares the film's earnings (the director, the prompt
 * writer, the composer, the model's owner…) and with what share. Empty means the film pays its
 * creator alone. A valid list (distinct addresses, shares adding up to 100 %; the creator may be
 * one of them) is sent with the listing to the SplitterFactory right after the mint.
 */
import { useLocale, useTranslations } from "next-intl";
import { MAX_COLLABORATORS, percentToBps, type CollaboratorRow, type SplitIssue } from "@ai-films/core/domain";

/** Basis points as the number of a percentage in the viewer's digits: 3333 → "33.33" / "33,33". */
function percentNumber(bps: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(bps / 100);
}

/** What is wrong with the split (core's parseSplit), in the viewer's words. */
export function useSplitIssue(): (issue: SplitIssue) => string {
  const t = useTranslations("studio.upload.split");
  const locale = useLocale();
  return (issue) => {
    switch (issue.kind) {
      case "tooMany":
        return t("tooMany", { max: issue.max });
      case "sum":
        return t("sum", { percent: percentNumber(issue.bps, locale) });
      default:
        return t(issue.kind, { row: issue.row });
    }
  };
}

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
  const t = useTranslations("studio.collaborators");
  const locale = useLocale();
  const update = (i: number, patch: Partial<CollaboratorRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const totalBps = rows.reduce((sum, r) => sum + (percentToBps(r.percent) ?? 0), 0);
  const hasCreator = rows.some((r) => r.address.trim().toLowerCase() === creator.toLowerCase());
  return (
    <fieldset className="field" data-testid="upload-collaborators">
      <legend>{t("legend")}</legend>
      <small className="muted">{t("hint")}</small>
      {rows.map((r, i) => (
        <div className="field-inline" key={i} data-testid="collaborator-row">
          <input
            type="text"
            aria-label={t("address", { n: i + 1 })}
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
            aria-label={t("percent", { n: i + 1 })}
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
            aria-label={t("remove", { n: i + 1 })}
            disabled={disabled}
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
            data-testid="collaborator-remove"
          >
            {t("removeLabel")}
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
          {t("add")}
        </button>
        {!hasCreator && (
          <button
            type="button"
            className="btn btn-ghost"
            disabled={disabled || rows.length >= MAX_COLLABORATORS}
            onClick={() => onChange([...rows, { address: creator, percent: "" }])}
            data-testid="collaborator-add-me"
          >
            {t("addMe")}
          </button>
        )}
        {rows.length > 0 && (
          <span className="muted" data-testid="collaborator-total" data-bps={totalBps} aria-live="polite">
            {t("total", { percent: percentNumber(totalBps, locale) })}
          </span>
        )}
      </div>
    </fieldset>
  );
}
