/** A viewer's data: the account page (the indexer's accountOverview at chain-aligned "now") and where to resume a film. */
import "server-only";
import type { Address } from "viem";
import { viewerHistory } from "@ai-films/core/ledger";
import { accountOverview as overviewOf, type AccountOverview } from "./catalog";
import { chainNow } from "./chainTime";
import { getDb } from "./services";

export async function accountOverview(address: Address): Promise<AccountOverview & { now: number }> {
  const now = await chainNow();
  return { ...(await overviewOf(address, now)), now };
}

/** Where the viewer left the film (seconds), from the ledger's watch history; null if not among their last 200 films. */
export async function resumePosition(viewer: Address, filmId: string): Promise<number | null> {
  const history = await viewerHistory(await getDb(), viewer, { limit: 200 });
  return history.find((h) => h.filmId.toString() === filmId)?.positionSeconds ?? null;
}
