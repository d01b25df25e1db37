/**
 * Film ids, with the one meaning the contracts give them: FilmListings numbers its tokens
 * 1, 2, 3, … (`filmId = ++totalListings`), so 0 never names a film, and every id fits a uint256.
 * In text (URL segments, JSON fields, database keys) an id has one spelling: decimal digits
 * without sign or leading zeros, so two strings never name the same film.
 */

/** The largest uint256: no token id is above it. */
export const MAX_FILM_ID = (1n << 256n) - 1n;

const FILM_ID_TEXT = /^[1-9][0-9]*$/;

/** Whether `value` is a film id FilmListings can mint: a bigint in 1 … 2^256 − 1. */
export function isFilmId(value: unknown): value is bigint {
  return typeof value === "bigint" && value >= 1n && value <= MAX_FILM_ID;
}

/**
 * A film id from a bigint, a safe integer or its decimal text; null when the value cannot name a
 * film (0, negative, fractional, above uint256, hex, leading zeros, anything else).
 */
export function toFilmId(value: unknown): bigint | null {
  let id: bigint | undefined;
  if (typeof value === "bigint") id = value;
  else if (typeof value === "number" && Number.isSafeInteger(value)) id = BigInt(value);
  // The length bound keeps BigInt() cheap on hostile input; the range check below is exact.
  else if (typeof value === "string" && value.length <= 78 && FILM_ID_TEXT.test(value)) id = BigInt(value);
  return isFilmId(id) ? id : null;
}
