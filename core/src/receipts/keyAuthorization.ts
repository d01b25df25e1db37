/**
 * The wallet's one signature over a heartbeat session key: EIP-712 `HeartbeatKey(viewer,
 * publicKey, expiresAt)`. One wallet prompt per key; the key then signs every beat until it
 * expires, at most SESSION_KEY_MAX_LIFETIME_SECONDS after it was authorized.
 */
import type { Address, Hex } from "viem";

/** A day: long enough for a evening of films, short enough that a stolen browser key soon stops counting. */
export const SESSION_KEY_MAX_LIFETIME_SECONDS = 24 * 60 * 60;

export const HEARTBEAT_KEY_TYPES = {
  HeartbeatKey: [
    { name: "viewer", type: "address" },
    { name: "publicKey", type: "bytes" },
    { name: "expiresAt", type: "uint64" },
  ],
} as const;

export interface HeartbeatKeyAuthorization {
  viewer: Address;
  /** Uncompressed P-256 point, 0x04 ‖ x ‖ y. */
  publicKey: Hex;
  /** Unix seconds. */
  expiresAt: bigint;
}

/** The typed data the wallet signs (viem's signTypedData / verifyTypedData shape). */
export function heartbeatKeyTypedData(chainId: number, message: HeartbeatKeyAuthorization) {
  return {
    domain: { name: "AI Films heartbeats", version: "1", chainId },
    types: HEARTBEAT_KEY_TYPES,
    primaryType: "HeartbeatKey" as const,
    message,
  };
}
