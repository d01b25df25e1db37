/**
 * The player's heartbeat session key in the browser: a non-extractable WebCrypto P-256 key pair
 * kept in IndexedDB (a CryptoKey survives there without its private half ever being readable),
 * authorized once by the wallet at sign-in (one EIP-712 signature) and used to sign every beat.
 */
import type { Address, Hex } from "viem";
import { SESSION_KEY_MAX_LIFETIME_SECONDS, heartbeatKeyTypedData } from "@ai-films/core/receipts/keyAuthorization";
import { generateSessionKey, signReceipt, type ReceiptFields } from "@ai-films/core/receipts/receipt";

interface StoredKey {
  wallet: string;
  keyPair: CryptoKeyPair;
  publicKey: Hex;
  expiresAt: number;
}

const DB_NAME = "ai-films";
const STORE = "heartbeat-key";
/** One key at a time: the signed-in wallet's. */
const CURRENT = "current";
/** Renew a little early, so a beat never goes out signed by a key about to lapse. */
const RENEW_MARGIN_SECONDS = 10 * 60;

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = run(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

/** The stored key if it belongs to `wallet` (any wallet when omitted) and is not about to expire. */
export async function loadHeartbeatKey(wallet?: string): Promise<StoredKey | null> {
  try {
    const stored = (await withStore("readonly", (s) => s.get(CURRENT))) as StoredKey | undefined;
    if (!stored || stored.expiresAt - RENEW_MARGIN_SECONDS <= Date.now() / 1000) return null;
    if (wallet && stored.wallet !== wallet.toLowerCase()) return null;
    return stored;
  } catch {
    return null; // no IndexedDB (some private modes): beats cannot be signed, the player says so
  }
}

/** Drops the stored key (the server no longer accepts it): the next sign-in makes a new one. */
export async function forgetHeartbeatKey(): Promise<void> {
  await withStore("readwrite", (s) => s.delete(CURRENT)).catch(() => undefined);
}

type SignTypedData = (typed: ReturnType<typeof heartbeatKeyTypedData>) => Promise<Hex>;

/**
 * Makes sure the signed-in wallet has a live key: reuses the stored one, or makes a new one, has
 * the wallet sign its authorization (one prompt) and registers it with the server.
 */
export async function ensureHeartbeatKey(wallet: Address, chainId: number, signTypedData: SignTypedData): Promise<void> {
  if (await loadHeartbeatKey(wallet)) return;
  const { keyPair, publicKey } = await generateSessionKey();
  const expiresAt = Math.floor(Date.now() / 1000) + SESSION_KEY_MAX_LIFETIME_SECONDS - 60;
  const signature = await signTypedData(heartbeatKeyTypedData(chainId, { viewer: wallet, publicKey, expiresAt: BigInt(expiresAt) }));
  const res = await fetch("/api/heartbeat/key", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify({ publicKey, expiresAt, signature }),
  });
  if (!res.ok)
    throw new Error(((await res.json().catch(() => null)) as { message?: string } | null)?.message ?? "The player key was refused.");
  const stored: StoredKey = { wallet: wallet.toLowerCase(), keyPair, publicKey, expiresAt };
  await withStore("readwrite", (s) => s.put(stored, CURRENT));
}

/** The receipt fields of one beat, signed: what POST /api/heartbeat needs beside filmId and sessionId. */
export async function signBeat(
  key: StoredKey,
  fields: Omit<ReceiptFields, "viewer">,
): Promise<{ seq: number; publicKey: Hex; signature: Hex }> {
  const signature = await signReceipt(key.keyPair.privateKey, { ...fields, viewer: key.wallet });
  return {
    seq: fields.seq,
    publicKey: key.publicKey,
    signature: `0x${[...signature].map((b) => b.toString(16).padStart(2, "0")).join("")}`,
  };
}
