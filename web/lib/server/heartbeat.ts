/**
 * Recording a player's heartbeat in the view ledger, stamped with chain-aligned time in the
 * contract's period (see chainTime.ts) and credited to the entitlement the chain gave the viewer.
 */
import "server-only";
import type { Address } from "viem";
import type { Entitlement, HeartbeatResult } from "@ai-films/core/ledger";
import { authorizeSessionKey, recordSignedHeartbeat } from "@ai-films/core/receipts";
import { CHAIN_ID } from "@/lib/config";
import type { Access } from "./access";
import { chainNow, periodClock } from "./chainTime";
import { getDb } from "./services";

/** Bad input the ledger refused (the route answers 400 with its message). */

const ENTITLEMENT: Record<Exclude<Access, "none">, Entitlement> = {
  owner: "owner",
  pass: "pass",
  subscription: "subscription",
  free: "free",
};

export interface ViewerBeat {
  viewer: Address;
  filmId: bigint;
  sessionId: string;
  positionSeconds?: number;
  /** What the chain lets the viewer do with the film; never "none" (the route refuses those). */
  access: Exclude<Access, "none">;
  filmDurationSeconds: number;
  /** The receipt: the beat's sequence number in its session, the session key and its signature. */
  seq: number;
  publicKey: string;
  signature: string;
}

export async function recordViewerBeat(beat: ViewerBeat): Promise<HeartbeatResult> {
  const [clock, now] = await Promise.all([periodClock(), chainNow()]);
  return recordSignedHeartbeat(
    await getDb(),
    clock,
    {
      viewer: beat.viewer,
      filmId: beat.filmId,
      sessionId: beat.sessionId,
      at: now,
      entitlement: ENTITLEMENT[beat.access],
      filmDurationSeconds: beat.filmDurationSeconds,
      positionSeconds: beat.positionSeconds,
      seq: beat.seq,
      publicKey: beat.publicKey,
      signature: beat.signature,
    },
    // The key's lifetime is wall-clock time, as the browser wrote it (the local chain runs ahead).
    { now, keyNow: Math.floor(Date.now() / 1000) },
  );
}

/**
 * Stores the wallet's authorization of a player session key. Its lifetime is checked on the
 * server's wall clock, the clock the browser set it by: a local chain's clock runs ahead of it
 * (the demo moves it a month), and a key "expired" by chain time could never be authorized.
 */
export async function authorizeViewerKey(viewer: Address, input: { publicKey: string; expiresAt: number; signature: string }) {
  return authorizeSessionKey(await getDb(), { chainId: CHAIN_ID, viewer, ...input, now: Math.floor(Date.now() / 1000) });
}
