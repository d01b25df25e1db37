/**
 * The age limit pages apply to the catalogue, search, viewer rows and creator pages: the
 * signed-in wallet's stored setting, else the cookie a signed-out viewer set, else none.
 */
import "server-only";
import { cache } from "react";
import { cookies } from "next/headers";
import { AGE_LIMIT_COOKIE, isAgeRating, type AgeRating } from "@ai-films/core/domain";
import * as indexer from "@ai-films/core/indexer";
import { getDb } from "./services";
import { currentSession } from "./session";

/**
 * The age limit of the viewer behind this page request: the signed-in wallet's stored setting,
 * else the cookie a signed-out viewer set, else none (undefined: everything shows). Once per
 * request; outside a request (no cookies), none.
 */
export const requestAgeLimit = cache(async (): Promise<AgeRating | undefined> => {
  try {
    const session = await currentSession();
    if (session) {
      const stored = await indexer.viewerAgeLimit(await getDb(), session.address);
      if (stored) return stored;
    }
    const cookie = (await cookies()).get(AGE_LIMIT_COOKIE)?.value;
    return isAgeRating(cookie) ? cookie : undefined;
  } catch {
    return undefined;
  }
});
