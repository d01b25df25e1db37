/**
 * Which language a request gets: the remembered choice if it is one we speak, else the best match
 * of the browser's Accept-Language (RFC 4647 lookup, "de-CH" → "de"), else English.
 */
import { match } from "@formatjs/intl-localematcher";
import Negotiator from "negotiator";
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from "./locales.ts";

export function pickLocale(cookieValue: string | undefined | null, acceptLanguage: string | undefined | null): Locale {
  if (isLocale(cookieValue)) return cookieValue;
  if (!acceptLanguage) return DEFAULT_LOCALE;
  const requested = new Negotiator({ headers: { "accept-language": acceptLanguage } })
    .languages()
    .filter((tag) => tag !== "*" && isWellFormed(tag));
  if (requested.length === 0) return DEFAULT_LOCALE;
  const best = match(requested, LOCALES, DEFAULT_LOCALE, { algorithm: "lookup" });
  return isLocale(best) ? best : DEFAULT_LOCALE;
}

/** A header is the visitor's to write: a tag Intl cannot canonicalise is ignored, not thrown on. */
function isWellFormed(tag: string): boolean {
  try {
    Intl.getCanonicalLocales(tag);
    return true;
  } catch {
    return false;
  }
}
