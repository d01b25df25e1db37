/**
 * Entitlement reads for heartbeats and pages. Heartbeats use a cache per (viewer, film): one
 * arrives every 10 s per player, and without the cache each would be an RPC call. An access is
 * kept up to a minute (so it outlives the beat interval), never past the subscription's or pass's
 * end as the chain states it; "none" only a few seconds. Pages and the access route read the chain directly (they are asked right after a
 * purchase). The key server does NOT use this cache: handing out a content key always asks the chain.
 */
import "server-only";
import type { Address } from "viem";
import { accessOf, type Access } from "@ai-films/core/serving";
import { chainNow } from "./chainTime";
import { getChain } from "./services";

export type { Access };

const TTL_MS = 60_000;
const NONE_TTL_MS = 10_000;
const MAX_ENTRIES = 100_000; // one per watching viewer and film: 15,000 viewers must fit

const g = globalThis as typeof globalThis & { __aiFilmsAccess?: Map<string, { access: Access; until: number }> };
const cache = (g.__aiFilmsAccess ??= new Map());

export async function cachedAccessOf(viewer: Address, filmId: bigint): Promise<Access> {
  const key = `${viewer.toLowerCase()}:${filmId}`;
  const hit = cache.get(key);
  if (hit && hit.until > Date.now()) return hit.access;
  const [{ access, passExpiresAt, subscriptionEndsAt }, now] = await Promise.all([accessWithExpiries(viewer, filmId), chainNow()]);
  let until = Date.now() + (access === "none" ? NONE_TTL_MS : TTL_MS);
  // Expiries are chain time; on a local chain moved ahead of the wall clock, convert by its lead.
  const lead = now - Math.floor(Date.now() / 1000);
  if (access === "subscription") until = Math.min(until, (subscriptionEndsAt - lead) * 1000);
  if (access === "pass") until = Math.min(until, (passExpiresAt - lead) * 1000);
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, { access, until });
  return access;
}

/** Forget what we know about a viewer (after they bought or subscribed, their access changed). */
export function forgetAccess(viewer: Address): void {
  const prefix = `${viewer.toLowerCase()}:`;
  for (const key of cache.keys()) if (key.startsWith(prefix)) cache.delete(key);
}

/** What `viewer` may do with the film now, straight from the chain (not the cache). */
export async function accessNow(viewer: Address, filmId: bigint): Promise<Access> {
  return accessOf(await getChain(), viewer, filmId);
}

/** The viewer's access to the film, with when their pass for it and their subscription end (unix seconds). */
export async function accessWithExpiries(
  viewer: Address,
  filmId: bigint,
): Promise<{ access: Access; passExpiresAt: number; subscriptionEndsAt: number }> {
  const chain = await getChain();
  const [access, passExpiresAt, subscriptionEndsAt] = await Promise.all([
    accessOf(chain, viewer, filmId),
    chain.contracts.market.read.passExpiry([filmId, viewer]),
    chain.contracts.market.read.subscriptionEnd([viewer]),
  ]);
  return { access, passExpiresAt: Number(passExpiresAt), subscriptionEndsAt: Number(subscriptionEndsAt) };
}
