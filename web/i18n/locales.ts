/**
 * The languages the site speaks, shared by server and browser. The viewer's choice is remembered
 * in a cookie (set by the language switcher); without one, the browser's Accept-Language decides.
 */
export const LOCALES = ["en", "de", "es"] as const;
export type Locale = (typeof LOCALES)[number];

export const DEFAULT_LOCALE: Locale = "en";

/** next-intl's own cookie name, so its tooling and ours agree. */
export const LOCALE_COOKIE = "NEXT_LOCALE";

/** A year: the choice outlives the session. */
export const LOCALE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60;

/** Each language in its own words: the switcher lists them so, whatever the page's language is. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", de: "Deutsch", es: "Español" };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}
