"use server";
/**
 * The language switcher's server action: remembers the choice in a cookie. A plain form posts it,
 * so switching works without JavaScript too; Next re-renders the page in the new language.
 */
import { cookies } from "next/headers";
import { isLocale, LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE } from "./locales.ts";

export async function chooseLocale(form: FormData): Promise<void> {
  const locale = form.get("locale");
  if (!isLocale(locale)) return; // an unknown value changes nothing
  (await cookies()).set(LOCALE_COOKIE, locale, { path: "/", maxAge: LOCALE_COOKIE_MAX_AGE, sameSite: "lax" });
}
