/**
 * A heartbeat receipt: the bytes the browser's session key signs for one beat, and their check.
 * Plain WebCrypto (ECDSA P-256, SHA-256, IEEE P1363 signatures as `crypto.subtle.sign` makes them),
 * so the player, the server and an operator's recomputation run this same module.
 */
import { hexToBytes, type Hex } from "viem";

export const RECEIPT_FORMAT = "ai-films heartbeat receipt v1";

export interface ReceiptFields {
  /** Lowercase 0x address. */
  viewer: string;
  filmId: bigint | string;
  sessionId: string;
  /** Per session, from 0, strictly increasing. */
  seq: number;
  positionSeconds?: number | null;
}

/** One line per field, so no field's value can shift into another's. */
export function receiptMessage(fields: ReceiptFields): Uint8Array {
  const position = fields.positionSeconds ?? null;
  const lines = [
    RECEIPT_FORMAT,
    `viewer:${fields.viewer.toLowerCase()}`,
    `film:${fields.filmId.toString()}`,
    `session:${fields.sessionId}`,
    `seq:${fields.seq}`,
    `position:${position === null ? "" : String(position)}`,
  ];
  return new TextEncoder().encode(lines.join("\n"));
}

const ECDSA_P256 = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGN = { name: "ECDSA", hash: "SHA-256" } as const;

/** Imported keys, by hex: importing costs more than verifying; bounded so it cannot grow without end. */
const imported = new Map<string, Promise<CryptoKey>>();
const MAX_CACHED_KEYS = 10_000;

function verifyingKey(publicKey: Hex): Promise<CryptoKey> {
  let key = imported.get(publicKey);
  if (!key) {
    if (imported.size >= MAX_CACHED_KEYS) imported.clear();
    key = crypto.subtle.importKey("raw", hexToBytes(publicKey) as BufferSource, ECDSA_P256, false, ["verify"]);
    key.catch(() => imported.delete(publicKey));
    imported.set(publicKey, key);
  }
  return key;
}

/** True when `signature` (64-byte r ‖ s) is `publicKey`'s signature of the receipt; false for any malformed input. */
export async function verifyReceipt(publicKey: Hex, fields: ReceiptFields, signature: Hex): Promise<boolean> {
  try {
    return await crypto.subtle.verify(
      SIGN,
      await verifyingKey(publicKey),
      hexToBytes(signature) as BufferSource,
      receiptMessage(fields) as BufferSource,
    );
  } catch {
    return false;
  }
}

/** Signs a receipt with a WebCrypto private key (the player's session key). */
export async function signReceipt(privateKey: CryptoKey, fields: ReceiptFields): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign(SIGN, privateKey, receiptMessage(fields) as BufferSource));
}

/** A new non-extractable P-256 session key pair; the public half as 0x04 ‖ x ‖ y hex. */
export async function generateSessionKey(): Promise<{ keyPair: CryptoKeyPair; publicKey: Hex }> {
  const keyPair = await crypto.subtle.generateKey(ECDSA_P256, false, ["sign", "verify"]);
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", keyPair.publicKey));
  return { keyPair, publicKey: `0x${[...raw].map((b) => b.toString(16).padStart(2, "0")).join("")}` };
}
