/**
 * Reports, guardians' decisions and viewers' age limits for pages and routes. Guardians are the
 * wallets holding the market's GUARDIAN_ROLE on-chain (core chain/governance.ts), read through a
 * short cache; the decisions themselves live in the platform database (core
 * indexer/queries/moderation.ts) and hide films from this front-end only. The viewer's age limit
 * as pages apply it is ageLimit.ts.
 */
import "server-only";
import type { Address } from "viem";
import { isGuardian as chainIsGuardian } from "@ai-films/core/chain";
import { AGE_LIMIT_COOKIE, type AgeRating, type ReportReason } from "@ai-films/core/domain";
import { isHttps, serializeCookie } from "@ai-films/core/serving";
import * as indexer from "@ai-films/core/indexer";
import { indexCaughtUp } from "./catalog";
import { getChain, getDb } from "./services";

/** Role changes are time-locked on-chain: a few seconds' staleness costs nothing and spares a chain call per click. */
const GUARDIAN_TTL_MS = 10_000;
const guardianCache = ((
  globalThis as typeof globalThis & { __aiFilmsGuardians?: Map<string, { is: boolean; until: number }> }
).__aiFilmsGuardians ??= new Map());

/** Whether the wallet holds the market's guardian role (cached briefly). Throws when the chain does not answer. */
export async function isGuardian(address: string): Promise<boolean> {
  const key = address.toLowerCase();
  const hit = guardianCache.get(key);
  if (hit && hit.until > Date.now()) return hit.is;
  const is = await chainIsGuardian(await getChain(), address as Address);
  if (guardianCache.size >= 10_000) guardianCache.clear();
  guardianCache.set(key, { is, until: Date.now() + GUARDIAN_TTL_MS });
  return is;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

export async function fileReport(reporter: string, filmId: bigint, reason: ReportReason, details: string): Promise<indexer.ReportOutcome> {
  await indexCaughtUp(); // a film minted a moment ago is known
  return indexer.fileReport(await getDb(), { filmId, reporter, reason, details, nowSeconds: nowSeconds() });
}

export async function hasOpenReport(reporter: string, filmId: string): Promise<boolean> {
  return indexer.hasOpenReport(await getDb(), reporter, filmId);
}

export async function moderate(
  guardian: string,
  filmId: bigint,
  action: indexer.ModerationAction,
  reason: string,
): Promise<indexer.ModerationOutcome> {
  await indexCaughtUp();
  return indexer.moderateFilm(await getDb(), { filmId, guardian, action, reason, nowSeconds: nowSeconds() });
}

export async function moderationPage() {
  const db = await getDb();
  const [reports, hidden, log] = await Promise.all([
    indexer.openReports(db),
    indexer.hiddenFilms(db),
    indexer.moderationLog(db, { limit: 50 }),
  ]);
  return { reports, hidden, log };
}

/** The public log of decisions (GET /api/moderation). */
export async function publicModerationLog() {
  return indexer.moderationLog(await getDb(), { limit: 100 });
}

export async function setAgeLimit(viewer: string, limit: AgeRating): Promise<void> {
  await indexer.setViewerAgeLimit(await getDb(), viewer, limit, nowSeconds());
}

/** A year: a setting, not a session. */
const AGE_LIMIT_COOKIE_SECONDS = 365 * 24 * 3600;

/** The Set-Cookie value that keeps a viewer's age limit in this browser (read back by ageLimit.ts). */
export function ageLimitCookie(request: Request, limit: AgeRating): string {
  return serializeCookie(AGE_LIMIT_COOKIE, limit, { maxAgeSeconds: AGE_LIMIT_COOKIE_SECONDS, secure: isHttps(request) });
}
