/**
 * next-intl's per-request configuration (wired in next.config.ts): the language from the cookie or
 * Accept-Language, its catalogues, and UTC as the time zone so the server's and the browser's
 * renderings of a date agree (dates say "UTC").
 */
import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { LOCALE_COOKIE } from "./locales.ts";
import { loadMessages } from "./messages";
import { pickLocale } from "./negotiate";

export default getRequestConfig(async () => {
  const locale = pickLocale((await cookies()).get(LOCALE_COOKIE)?.value, (await headers()).get("accept-language"));
  return { locale, messages: await loadMessages(locale), timeZone: "UTC" };
});
