/**
 * Entitlement reads for heartbeats and pages, cached for a few seconds per (viewer, film).
 * A heartbeat arrives every 10 s per player; without the cache each would be an RPC call. The
 * key server does NOT use this cache: handing out a content key always asks the chain.
 */
import "server-only";
import type { Address } from "viem";
import { accessOf, type Access } from "@ai-films/core/serving";
import { getChain } from "./services";

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
