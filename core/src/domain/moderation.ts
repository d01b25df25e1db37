/**
 * Reports, moderation and age ratings: the fixed lists the report form, the report route, the
 * moderation page and the metadata share. Dependency-free, so client components use it too.
 */

/** Why a viewer reports a film. "illegal" covers sexual content involving minors and other unlawful material. */
export const REPORT_REASONS = ["spam", "copyright", "illegal", "violence", "hateful", "misleading", "other"] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** The words the report form and the moderation page show for each reason. */
export const REPORT_REASON_LABELS: Readonly<Record<ReportReason, string>> = {
  spam: "Spam or scam",
  copyright: "Copyright infringement",
  illegal: "Illegal content (including sexual content involving minors)",
  violence: "Graphic violence",
  hateful: "Hateful or harassing",
  misleading: "Misleading (wrong title, rating or tools)",
  other: "Something else",
};

export const isReportReason = (value: unknown): value is ReportReason =>
  typeof value === "string" && (REPORT_REASONS as readonly string[]).includes(value);

/** A report's free text and a guardian's public reason: at most this many characters. */
export const MAX_REPORT_TEXT = 1000;
export const MAX_MODERATION_REASON = 500;

// C0/C1 control characters except tab and newline (and, for one-line text, those too).
const CONTROL_EXCEPT_NEWLINE = /(?![\t\n])\p{Cc}/u;
const ANY_CONTROL = /\p{Cc}/u;

/** Free text a viewer or guardian may send: no control characters but newlines and tabs. */
export const hasControlCharacters = (text: string, { multiline = true } = {}): boolean =>
  (multiline ? CONTROL_EXCEPT_NEWLINE : ANY_CONTROL).test(text);

/**
 * Age ratings as the metadata writes them (`properties.ageRating`): "all" (any age), "12", "16",
 * "18". A film with none (every film minted before ratings, or an unknown value) is unrated.
 */
export const AGE_RATINGS = ["all", "12", "16", "18"] as const;
export type AgeRating = (typeof AGE_RATINGS)[number];

export const AGE_RATING_LABELS: Readonly<Record<AgeRating, string>> = {
  all: "All ages",
  "12": "12+",
  "16": "16+",
  "18": "18+ (adults only)",
};

export const isAgeRating = (value: unknown): value is AgeRating =>
  typeof value === "string" && (AGE_RATINGS as readonly string[]).includes(value);

/** The minimum age a rating means (the database stores this number; "all" is 0). */
export const ageOfRating = (rating: AgeRating): number => (rating === "all" ? 0 : Number(rating));

/** The rating of a stored minimum age, or null (unrated) for anything else. */
export function ratingOfAge(age: number | null | undefined): AgeRating | null {
  if (age === null || age === undefined) return null;
  return AGE_RATINGS.find((r) => ageOfRating(r) === age) ?? null;
}

/**
 * A viewer's limit is also an AgeRating: the highest rating they want to see. Without a setting,
 * everything shows ("18"). Unrated films show at limits of 16 and above; a viewer who limits to
 * 12 or "all" sees only films rated within that limit.
 */
export const DEFAULT_AGE_LIMIT: AgeRating = "18";

/** Whether a film with `rating` (null: unrated) shows to a viewer whose limit is `limit`. */
export function allowedByAgeLimit(rating: AgeRating | null, limit: AgeRating): boolean {
  if (rating === null) return ageOfRating(limit) >= 16;
  return ageOfRating(rating) <= ageOfRating(limit);
}

/** The cookie that keeps a signed-out viewer's limit (a signed-in viewer's is stored per wallet too). */
export const AGE_LIMIT_COOKIE = "ai_films_age_limit";
