/**
 * The message catalogues: web/messages/<locale>/<namespace>.json, one file per part of the site
 * so each can be translated (and reviewed) on its own. Every locale has the same keys
 * (test/web/i18nCatalogues.test.ts fails otherwise); English is the reference and the types.
 */
import type { Locale } from "./locales.ts";

export const NAMESPACES = [
  "common",
  "errors",
  "catalogue",
  "film",
  "community",
  "moderation",
  "player",
  "wallet",
  "account",
  "studio",
  "payouts",
] as const;
export type Namespace = (typeof NAMESPACES)[number];

export async function loadMessages(locale: Locale): Promise<Record<Namespace, Record<string, unknown>>> {
  const entries = await Promise.all(
    NAMESPACES.map(async (ns) => [ns, (await import(`../messages/${locale}/${ns}.json`)).default as Record<string, unknown>] as const),
  );
  return Object.fromEntries(entries) as Record<Namespace, Record<string, unknown>>;
}
