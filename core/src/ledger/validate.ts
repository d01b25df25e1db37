/**
 * Input checks for everything a caller hands the ledger. Heartbeats arrive from the web, so each
 * field is checked here with a message that says what was wrong, before any SQL runs.
 */
import { AiFilmsError } from "../errors.ts";
import { normaliseAddress } from "../domain/addresses.ts";
import { toFilmId } from "../domain/ids.ts";
import { ENTITLEMENTS, MAX_SESSION_ID_LENGTH, type Entitlement } from "./rules.ts";

/** Bad input from the caller (as opposed to a database or programming failure): `ledger.INVALID_INPUT`. */
export class LedgerInputError extends AiFilmsError<"ledger"> {
  override name = "LedgerInputError";

  constructor(message: string) {
    super("ledger", "INVALID_INPUT", message);
  }
}

/** Longest film the ledger accepts: a week. Keeps caps and sums far inside safe integers. */
const MAX_FILM_DURATION_SECONDS = 7 * 24 * 60 * 60;

/** An EVM address, returned lowercase (the ledger's one spelling of an address). */
export function parseAddress(value: unknown, field = "viewer"): string {
  const address = normaliseAddress(value);
  if (address === null) {
    throw new LedgerInputError(`${field} must be a 0x-prefixed 20-byte hex address, got ${describe(value)}`);
  }
  return address;
}

/** A film id as FilmListings mints them (see domain/ids.ts), given as bigint, safe integer or decimal string. */
export function parseFilmId(value: unknown): bigint {
  const id = toFilmId(value);
  if (id === null) throw new LedgerInputError(`filmId must be a positive integer below 2^256, got ${describe(value)}`);
  return id;
}

export function parseSessionId(value: unknown): string {
  // Printable ASCII without spaces: ids end up in logs and URLs.
  if (typeof value !== "string" || !/^[\x21-\x7e]+$/.test(value) || value.length > MAX_SESSION_ID_LENGTH) {
    throw new LedgerInputError(
      `sessionId must be 1-${MAX_SESSION_ID_LENGTH} printable ASCII characters without spaces, got ${describe(value)}`,
    );
  }
  return value;
}

export function parseUnixSeconds(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new LedgerInputError(`${field} must be a non-negative integer of unix seconds, got ${describe(value)}`);
  }
  return value;
}

export function parseFilmDuration(value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0 || value > MAX_FILM_DURATION_SECONDS) {
    throw new LedgerInputError(
      `filmDurationSeconds must be a whole number of seconds in 1..${MAX_FILM_DURATION_SECONDS}, got ${describe(value)}`,
    );
  }
  return value;
}

export function parseEntitlement(value: unknown): Entitlement {
  if (typeof value !== "string" || !(ENTITLEMENTS as readonly string[]).includes(value)) {
    throw new LedgerInputError(`entitlement must be one of ${ENTITLEMENTS.join(", ")}, got ${describe(value)}`);
  }
  return value as Entitlement;
}

/** Playback position reported by the player; fractional seconds are fine. */
export function parsePosition(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new LedgerInputError(`positionSeconds must be a finite non-negative number, got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (typeof value === "bigint") return `${value}n`;
  return String(value);
}
