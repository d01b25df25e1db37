/**
 * Signed heartbeats: the browser's session key, authorized once by the wallet (EIP-712), signs
 * every beat; the server checks the receipt before the ledger applies the beat and keeps it.
 *
 *   await authorizeSessionKey(db, { chainId, viewer, publicKey, expiresAt, signature, now });
 *   await recordSignedHeartbeat(db, clock, { ...beat, seq, publicKey, signature }, { now });
 *
 * receipt.ts and keyAuthorization.ts are browser-safe (the player signs with them).
 */
export { ReceiptError } from "./errors.ts";
export { RECEIPT_FORMAT, generateSessionKey, receiptMessage, signReceipt, verifyReceipt, type ReceiptFields } from "./receipt.ts";
export {
  HEARTBEAT_KEY_TYPES,
  SESSION_KEY_MAX_LIFETIME_SECONDS,
  heartbeatKeyTypedData,
  type HeartbeatKeyAuthorization,
} from "./keyAuthorization.ts";
export { authorizeSessionKey, type KeyAuthorizationInput } from "./sessionKeys.ts";
export { recordSignedHeartbeat, type SignedHeartbeat } from "./signedHeartbeat.ts";
