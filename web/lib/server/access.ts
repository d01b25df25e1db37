/**
 * Entitlement reads for heartbeats and pages. Heartbeats use a cache of a few seconds per
 * (viewer, film): one arrives every 10 s per player, and without the cache each would be an RPC
 * call. Pages and the access route read the chain directly (they are asked right after a
 * purchase). The key server does NOT use this cache: handing out a content key always asks the chain.
 */
import "server-only";
import type { Address } from "viem";
import { accessOf, type Access } from "@ai-films/core/serving";
import { getChain } from "./services";

export type { Access };

const TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

const g = globalThis as typeof globalThis & { __aiFilmsAccess?: Map<string, { access: Access; until: number }> };
const cache = (g.__aiFilmsAccess ??= new Map());

export async function cachedAccessOf(viewer: Address, filmId: bigint): Promise<Access> {
  const key = `${viewer.toLowerCase()}:${filmId}`;
  const hit = cache.get(key);
  if (hit && hit.until > Date.now()) return hit.access;
  const access = await accessOf(await getChain(), viewer, filmId);
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, { access, until: Date.now() + TTL_MS });
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
