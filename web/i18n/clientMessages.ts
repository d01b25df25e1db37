/**
 * Which catalogues go to the browser. The root layout's provider serialises its messages into
 * every page, so it carries only the namespaces client components read on any page; the studio
 * page adds its own (`studio`) with a nested provider, and the catalogue and payouts pages render
 * on the server alone.
 */
import "server-only";
import { getMessages } from "next-intl/server";
import type { Namespace } from "./messages.ts";

const EVERY_PAGE: readonly Namespace[] = ["common", "errors", "wallet", "player", "film", "community", "moderation", "account"];

export async function clientMessages(extra: readonly Namespace[] = []): Promise<Record<string, unknown>> {
  const all = (await getMessages()) as Record<string, unknown>;
  const wanted = new Set<string>([...EVERY_PAGE, ...extra]);
  return Object.fromEntries(Object.entries(all).filter(([ns]) => wanted.has(ns)));
}
