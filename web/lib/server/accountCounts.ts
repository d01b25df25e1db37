/** The signed-in viewer's counted lines of settled periods, with their salts and proofs (issue 13 point 5). */
import "server-only";
import { viewerCountsOf, type ViewerPeriodCounts } from "@ai-films/core/oracle";
import { getDb } from "./services";

export type { ViewerPeriodCounts };

/** At most this many settled periods are listed (newest first); older ones by `?period=`. */
export const COUNTED_PERIODS_SHOWN = 12;

export async function accountCounts(viewer: string, period?: number): Promise<ViewerPeriodCounts[]> {
  return viewerCountsOf(await getDb(), viewer, { period, periods: COUNTED_PERIODS_SHOWN });
}
