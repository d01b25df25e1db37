/**
 * Where sign-in state lives between requests: the nonces we handed out (each good for one
 * sign-in) and the sessions signed out before they expired. The ledger database by default, so
 * any number of stateless web servers share it; an in-memory store for tests and single-process
 * tools. Times are unix seconds, always passed in by the caller (one clock, injectable in tests).
 */
import type { Database } from "../db/index.ts";
import { MAX_LIVE_NONCES, RateLimitedError } from "./rateLimits.ts";

export type NonceState = "ok" | "unknown" | "used" | "expired";

export interface AuthStore {
  saveNonce(nonce: string, createdAt: number, expiresAt: number): Promise<void>;
  /** The nonce's state at `now`, without using it (for a precise error before the signature check). */
  peekNonce(nonce: string, now: number): Promise<NonceState>;
  /**
   * Uses the nonce if, and only if, it is known, unused and unexpired at `now`, in one atomic
   * step: of two concurrent calls with the same nonce exactly one gets "ok".
   */
  consumeNonce(nonce: string, now: number): Promise<NonceState>;
  /** Records a session id as signed out until `expiresAt` (after which its token is dead anyway). */
  revokeSession(sessionId: string, expiresAt: number, now: number): Promise<void>;
  isRevoked(sessionId: string, now: number): Promise<boolean>;
}

/**
 * How long a used or expired nonce is kept after it expires: long enough that a late replay gets
 * the precise "nonce-used" / "nonce-expired" instead of "nonce-unknown". Either way it is refused.
 */
const NONCE_GRACE_SECONDS = 3_600;

/** Refused when the store already holds its cap of live nonces: someone is asking for them in bulk. */
const nonceCapacityError = () =>
  new RateLimitedError("The server is handing out too many sign-in nonces just now; try again in a minute.", 60);

export function memoryAuthStore(maxLiveNonces = MAX_LIVE_NONCES): AuthStore {
  const nonces = new Map<string, { expiresAt: number; usedAt: number | null }>();
  const revoked = new Map<string, number>();
  const stateOf = (nonce: string, now: number): NonceState => {
    const row = nonces.get(nonce);
    if (!row) return "unknown";
    if (row.usedAt !== null) return "used";
    if (row.expiresAt <= now) return "expired";
    return "ok";
  };
  return {
    async saveNonce(nonce, createdAt, expiresAt) {
      let live = 0;
      for (const [n, row] of nonces) {
        if (row.expiresAt + NONCE_GRACE_SECONDS < createdAt) nonces.delete(n);
        else if (row.usedAt === null && row.expiresAt > createdAt) live += 1;
      }
      if (live >= maxLiveNonces) throw nonceCapacityError();
      nonces.set(nonce, { expiresAt, usedAt: null });
    },
    async peekNonce(nonce, now) {
      return stateOf(nonce, now);
    },
    // Single-threaded JavaScript: check and mark happen with no await in between, so atomically.
    async consumeNonce(nonce, now) {
      const state = stateOf(nonce, now);
      if (state === "ok") nonces.get(nonce)!.usedAt = now;
      return state;
    },
    async revokeSession(sessionId, expiresAt, now) {
      for (const [id, until] of revoked) if (until <= now) revoked.delete(id);
      revoked.set(sessionId, expiresAt);
    },
    async isRevoked(sessionId, now) {
      const until = revoked.get(sessionId);
      if (until === undefined) return false;
      if (until <= now) {
        revoked.delete(sessionId);
        return false;
      }
      return true;
    },
  };
}

/** The store on the ledger database (PGlite or PostgreSQL), tables from migration 002_auth.sql. */
export function ledgerAuthStore(db: Database, maxLiveNonces = MAX_LIVE_NONCES): AuthStore {
  const stateQuery = async (nonce: string, now: number): Promise<NonceState> => {
    const rows = await db.query<{ expires_at: string; used_at: string | null }>(
      "SELECT expires_at, used_at FROM auth_nonces WHERE nonce = $1",
      [nonce],
    );
    if (rows.length === 0) return "unknown";
    if (rows[0].used_at !== null) return "used";
    if (Number(rows[0].expires_at) <= now) return "expired";
    return "ok";
  };
  return {
    async saveNonce(nonce, createdAt, expiresAt) {
      // Pruning on the way in keeps the table at roughly "nonces issued in the last ~70 minutes"
      // without a background job; the index on expires_at makes it cheap.
      await db.query("DELETE FROM auth_nonces WHERE expires_at < $1", [createdAt - NONCE_GRACE_SECONDS]);
      // Bounded: the rate limits are per IP, and IPs are cheap; the table's size is not left to them.
      const [{ live }] = await db.query<{ live: string }>(
        "SELECT count(*) AS live FROM auth_nonces WHERE used_at IS NULL AND expires_at > $1",
        [createdAt],
      );
      if (Number(live) >= maxLiveNonces) throw nonceCapacityError();
      await db.query("INSERT INTO auth_nonces (nonce, created_at, expires_at) VALUES ($1, $2, $3)", [nonce, createdAt, expiresAt]);
    },
    peekNonce: stateQuery,
    async consumeNonce(nonce, now) {
      // The WHERE clause is the check and the SET is the use, in one statement: PostgreSQL locks
      // the row, so a concurrent UPDATE of the same nonce re-reads it, sees used_at set and
      // matches nothing.
      const used = await db.query(
        "UPDATE auth_nonces SET used_at = $2 WHERE nonce = $1 AND used_at IS NULL AND expires_at > $2 RETURNING nonce",
        [nonce, now],
      );
      if (used.length === 1) return "ok";
      const state = await stateQuery(nonce, now);
      return state === "ok" ? "used" : state; // "ok" here means a racing request used it in between
    },
    async revokeSession(sessionId, expiresAt, now) {
      // Tokens past their expiry are refused by their signature check alone: their rows can go.
      await db.query("DELETE FROM auth_revoked_sessions WHERE expires_at <= $1", [now]);
      await db.query("INSERT INTO auth_revoked_sessions (session_id, expires_at) VALUES ($1, $2) ON CONFLICT (session_id) DO NOTHING", [
        sessionId,
        expiresAt,
      ]);
    },
    async isRevoked(sessionId, now) {
      const rows = await db.query("SELECT 1 FROM auth_revoked_sessions WHERE session_id = $1 AND expires_at > $2", [sessionId, now]);
      return rows.length > 0;
    },
  };
}
