/** Storing a wallet's authorization of a heartbeat session key, after checking it. */
import { getAddress, isHex, recoverTypedDataAddress, type Hex } from "viem";
import type { Queryable } from "../db/index.ts";
import { heartbeatKeyTypedData, SESSION_KEY_MAX_LIFETIME_SECONDS } from "./keyAuthorization.ts";
import { ReceiptError } from "./errors.ts";

export interface KeyAuthorizationInput {
  chainId: number;
  /** The signed-in wallet: the key is authorized for it only. */
  viewer: string;
  publicKey: string;
  expiresAt: number;
  /** The wallet's EIP-712 signature (65 bytes). */
  signature: string;
  /** Server time, unix seconds. */
  now: number;
}

const PUBLIC_KEY = /^0x04[0-9a-f]{128}$/;
const WALLET_SIGNATURE = /^0x[0-9a-f]{130}$/;

/**
 * Checks the authorization (well-formed key, lifetime in bounds, signed by `viewer`) and stores
 * it. Authorizing the same key again for the same wallet is fine (a later expiry wins); a key
 * another wallet authorized is refused, so one key never speaks for two wallets.
 */
export async function authorizeSessionKey(db: Queryable, input: KeyAuthorizationInput): Promise<{ publicKey: Hex; expiresAt: number }> {
  const publicKey = input.publicKey.toLowerCase();
  const signature = input.signature.toLowerCase();
  if (!PUBLIC_KEY.test(publicKey))
    throw new ReceiptError("key-malformed", "The session key must be an uncompressed P-256 public key (0x04…, 65 bytes).");
  if (!WALLET_SIGNATURE.test(signature) || !isHex(signature))
    throw new ReceiptError("key-malformed", "The authorization must be a 65-byte wallet signature.");
  if (!Number.isSafeInteger(input.expiresAt) || input.expiresAt <= input.now) {
    throw new ReceiptError("key-lifetime", "The session key's authorization has already expired.");
  }
  if (input.expiresAt > input.now + SESSION_KEY_MAX_LIFETIME_SECONDS) {
    throw new ReceiptError("key-lifetime", `A session key may be authorized for at most ${SESSION_KEY_MAX_LIFETIME_SECONDS / 3600} hours.`);
  }
  const viewer = getAddress(input.viewer);
  let signer: string;
  try {
    signer = await recoverTypedDataAddress({
      ...heartbeatKeyTypedData(input.chainId, { viewer, publicKey: publicKey as Hex, expiresAt: BigInt(input.expiresAt) }),
      signature: signature as Hex,
    });
  } catch {
    signer = "";
  }
  if (signer.toLowerCase() !== viewer.toLowerCase()) {
    throw new ReceiptError("key-authorization", "The session key's authorization is not signed by this wallet.");
  }
  const rows = await db.query<{ viewer: string }>(
    `INSERT INTO heartbeat_keys AS k (public_key, viewer, chain_id, expires_at, authorized_at, wallet_signature)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (public_key) DO UPDATE SET
       expires_at = GREATEST(k.expires_at, EXCLUDED.expires_at),
       wallet_signature = CASE WHEN EXCLUDED.expires_at > k.expires_at THEN EXCLUDED.wallet_signature ELSE k.wallet_signature END
       WHERE k.viewer = EXCLUDED.viewer
     RETURNING k.viewer`,
    [publicKey, viewer.toLowerCase(), input.chainId, input.expiresAt, input.now, signature],
  );
  if (rows.length === 0) throw new ReceiptError("key-taken", "This session key is already authorized by another wallet.");
  return { publicKey: publicKey as Hex, expiresAt: input.expiresAt };
}
