/**
 * Collaborator splits as the studio's form writes them: rows of (address, share in percent with at
 * most two decimals). A valid split becomes the payees and shares FilmSplitter takes, in basis
 * points (100 % = 10,000), so the contract's integer shares say exactly what the creator typed.
 */
import { isAddressFormat, normaliseAddress, type HexAddress } from "./addresses.ts";

/** Most collaborators one split may have (FilmSplitter.MAX_PAYEES). */
export const MAX_COLLABORATORS = 100;
/** The shares of a split add up to this: 100 % in basis points. */
export const SPLIT_TOTAL_BPS = 10_000;

export interface CollaboratorRow {
  address: string;
  /** Share in percent as typed: "50", "33.34". */
  percent: string;
}

/** The form's messages, together for the i18n catalogues. */
export const SPLIT_PROBLEMS = {
  tooMany: `A split has at most ${MAX_COLLABORATORS} collaborators.`,
  badAddress: (row: number) => `Collaborator ${row}: enter a wallet address (0x and 40 hex digits).`,
  duplicate: (row: number) => `Collaborator ${row}: this address is already in the split.`,
  badPercent: (row: number) => `Collaborator ${row}: enter a share above 0 %, with at most two decimals (e.g. 33.33).`,
  sum: (percent: string) => `The shares add up to ${percent} %; they must add up to exactly 100 %.`,
} as const;

/** "33.33" → 3333 basis points; null unless it is a positive percent of at most two decimals, ≤ 100. */
export function percentToBps(text: string): number | null {
  const m = /^\s*(\d{1,3})(?:\.(\d{1,2}))?\s*%?\s*$/.exec(text);
  if (!m) return null;
  const bps = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0") || "0");
  return bps > 0 && bps <= SPLIT_TOTAL_BPS ? bps : null;
}

/** 3333 → "33.33". */
export function bpsToPercent(bps: number): string {
  const whole = Math.floor(bps / 100);
  const cents = bps % 100;
  return cents === 0 ? String(whole) : `${whole}.${String(cents).padStart(2, "0").replace(/0$/, "")}`;
}

/** What is wrong with a split, as a kind and its values (the studio says it in the viewer's language). */
export type SplitIssue =
  { kind: "tooMany"; max: number } | { kind: "badAddress" | "duplicate" | "badPercent"; row: number } | { kind: "sum"; bps: number };

export type ParsedSplit = { ok: true; payees: HexAddress[]; shares: bigint[] } | { ok: false; problem: string; issue: SplitIssue };

/**
 * Checks the rows (valid distinct addresses, positive shares adding up to exactly 100 %) and
 * returns the payees and basis-point shares, or the first problem in words. The creator may be
 * one of the collaborators. An empty list is not a split (the caller mints without one).
 */
export function parseSplit(rows: readonly CollaboratorRow[]): ParsedSplit {
  if (rows.length > MAX_COLLABORATORS)
    return { ok: false, problem: SPLIT_PROBLEMS.tooMany, issue: { kind: "tooMany", max: MAX_COLLABORATORS } };
  const seen = new Set<string>();
  const payees: HexAddress[] = [];
  const shares: bigint[] = [];
  let total = 0;
  for (const [i, row] of rows.entries()) {
    const address = row.address.trim();
    if (!isAddressFormat(address))
      return { ok: false, problem: SPLIT_PROBLEMS.badAddress(i + 1), issue: { kind: "badAddress", row: i + 1 } };
    const lower = normaliseAddress(address)!;
    if (seen.has(lower)) return { ok: false, problem: SPLIT_PROBLEMS.duplicate(i + 1), issue: { kind: "duplicate", row: i + 1 } };
    seen.add(lower);
    const bps = percentToBps(row.percent);
    if (bps === null) return { ok: false, problem: SPLIT_PROBLEMS.badPercent(i + 1), issue: { kind: "badPercent", row: i + 1 } };
    payees.push(lower);
    shares.push(BigInt(bps));
    total += bps;
  }
  if (rows.length > 0 && total !== SPLIT_TOTAL_BPS)
    return { ok: false, problem: SPLIT_PROBLEMS.sum(bpsToPercent(total)), issue: { kind: "sum", bps: total } };
  return { ok: true, payees, shares };
}
