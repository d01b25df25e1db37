/**
 * Recording a signed heartbeat: the receipt is checked (an authorized, unexpired key of this very
 * viewer; a signature over viewer, film, session, sequence number and position; a sequence number
 * above the session's latest) before the ledger applies the beat, and kept beside it. A refused
 * receipt throws a ReceiptError and adds nothing.
 */
import type { Hex } from "viem";
import type { Database } from "../db/index.ts";
import { heartbeatCall, heartbeatResult, type Heartbeat, type HeartbeatResult, type HeartbeatRow } from "../ledger/ledger.ts";
import type { PeriodClock } from "../ledger/periods.ts";
import { LedgerInputError, parseAddress, parseFilmId, parsePosition, parseSessionId } from "../ledger/validate.ts";
import { ReceiptError } from "./errors.ts";
import { verifyReceipt } from "./receipt.ts";

export interface SignedHeartbeat extends Heartbeat {
  seq: number;
  /** The session key that signed, 0x04 ‖ x ‖ y. */
  publicKey: string;
  /** P1363 r ‖ s, 64 bytes hex. */
  signature: string;
}

const PUBLIC_KEY = /^0x04[0-9a-f]{128}$/;
const SIGNATURE = /^0x[0-9a-f]{128}$/;
/** Beyond any session: 10 s beats for 2^31 × 10 s. */
const MAX_SEQ = 2 ** 31 - 1;

export async function recordSignedHeartbeat(
  db: Database,
  clock: PeriodClock,
  beat: SignedHeartbeat,
  /**
   * `keyNow`: the wall clock (unix seconds) a session key's lifetime is measured on, as the browser
   * set it; default the beat's time. A local chain's clock can run far ahead of the wall clock.
   */
  options: { now?: number; keyNow?: number } = {},
): Promise<HeartbeatResult> {
  const call = heartbeatCall(clock, beat, options);
  const publicKey = String(beat.publicKey).toLowerCase();
  const signature = String(beat.signature).toLowerCase();
  if (!Number.isSafeInteger(beat.seq) || beat.seq < 0 || beat.seq > MAX_SEQ) throw new LedgerInputError("seq must be an integer from 0");
  if (!PUBLIC_KEY.test(publicKey)) throw new LedgerInputError("publicKey must be an uncompressed P-256 key (0x04…)");
  if (!SIGNATURE.test(signature)) throw new LedgerInputError("signature must be 64 bytes of hex (r ‖ s)");
  if ("ignored" in call) return call;

  const viewer = parseAddress(beat.viewer);
  const [key] = await db.query<{ viewer: string; expires_at: string }>(
    "SELECT viewer, expires_at::text FROM heartbeat_keys WHERE public_key = $1",
    [publicKey],
  );
  // Another wallet's key is as unknown to this viewer as one never authorized.
  if (!key || key.viewer !== viewer)
    throw new ReceiptError("key-unknown", "This heartbeat is signed by a key this wallet has not authorized.");
  if (Number(key.expires_at) <= (options.keyNow ?? beat.at)) {
    throw new ReceiptError("key-expired", "This heartbeat's session key has expired: authorize a new one with the wallet.");
  }
  const fields = {
    viewer,
    filmId: parseFilmId(beat.filmId),
    sessionId: parseSessionId(beat.sessionId),
    seq: beat.seq,
    positionSeconds: parsePosition(beat.positionSeconds),
  };
  if (!(await verifyReceipt(publicKey as Hex, fields, signature as Hex))) {
    throw new ReceiptError("bad-signature", "This heartbeat's signature does not match its session key and fields.");
  }

  const rows = await db.query<HeartbeatRow>(
    `SELECT r_added::text, r_view_counted, r_capped, r_ignored
       FROM ledger_record_signed_heartbeat($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [...call.params, beat.seq, publicKey, signature],
  );
  const row = rows[0];
  if (row.r_ignored === "replayed") throw new ReceiptError("replayed", `Heartbeat ${beat.seq} of this session was already recorded.`);
  if (row.r_ignored === "out-of-order-seq") {
    throw new ReceiptError("out-of-order", `Heartbeat ${beat.seq} arrived after a later one of its session.`);
  }
  return heartbeatResult(call.period, row);
}
