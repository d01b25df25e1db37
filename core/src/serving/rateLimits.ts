/**
 * Rate limits on the web edge: every number in one table, counted in the platform database so
 * that they hold across any number of web workers (a memory store for tests and single-process
 * tools). Fixed windows: a bucket (action + who: a client IP or a wallet) may be hit `max` times
 * per `windowSeconds`; past that the request answers 429 `{ error: "rate-limited", message }`
 * with Retry-After, the seconds until its window ends.
 *
 * The numbers leave honest use far below them: a player beats every 10 s (6 a minute), a creator
 * uploads a film in 8 MiB chunks and the studio polls its job every 0.7 s (86 a minute).
 */
import { AiFilmsError, isAiFilmsError } from "../errors.ts";
import type { Queryable } from "../db/index.ts";
import { errorResponse } from "./errors.ts";

export interface Limit {
  max: number;
  windowSeconds: number;
}
export interface ActionLimits {
  ip?: Limit;
  wallet?: Limit;
}

const perMinute = (max: number): Limit => ({ max, windowSeconds: 60 });
const perHour = (max: number): Limit => ({ max, windowSeconds: 3_600 });

/** Every rate limit of the web edge. README § Security lists the same numbers. */
export const RATE_LIMITS = {
  /** GET /api/auth/nonce: each answer stores a nonce. */
  nonce: { ip: perMinute(60) },
  /** POST /api/auth/signin: per IP for attempts; per wallet for sessions issued. */
  signIn: { ip: perMinute(30), wallet: perHour(60) },
  /** POST /api/heartbeat: one player beats 6 times a minute. */
  heartbeat: { ip: perMinute(240), wallet: perMinute(60) },
  /** POST /api/heartbeat/key: the wallet authorizes a player session key, once per sign-in (a day at most). */
  heartbeatKey: { ip: perMinute(30), wallet: perHour(30) },
  /** POST /api/uploads: starting an upload. */
  uploadCreate: { ip: perHour(60), wallet: perHour(30) },
  /** PATCH/HEAD/DELETE /api/uploads/<id>: the upload's chunks (8 MiB each from the studio: 1 200 a minute is 1.3 Gbit/s). */
  uploadData: { ip: perMinute(2_400), wallet: perMinute(1_200) },
  /** POST /api/studio/jobs: starting the media pipeline (ffmpeg) on an upload. */
  studioJob: { ip: perHour(60), wallet: perHour(30) },
  /** GET /api/studio/jobs/<id>: the studio polls every 0.7 s. */
  studioJobStatus: { ip: perMinute(600), wallet: perMinute(300) },
  /** GET/POST /api/watchlist: a viewer reads or changes their watchlist (a click each). */
  watchlist: { ip: perMinute(120), wallet: perMinute(60) },
  /** GET /api/account/counts: a viewer's counted lines and proofs, read when the account page opens. */
  accountCounts: { ip: perMinute(60), wallet: perMinute(30) },
  /** GET /api/profile: anyone reads a creator's profile. */
  profileRead: { ip: perMinute(240) },
  /** POST /api/profile: a creator publishes a signed profile (one signature check each). */
  profileWrite: { ip: perHour(60), wallet: perHour(30) },
  /** POST /api/profile/avatar: an avatar image into the IPFS store. */
  avatarUpload: { ip: perHour(30), wallet: perHour(20) },
  /** GET/POST /api/follows: a viewer reads or changes whom they follow (a click each). */
  follows: { ip: perMinute(120), wallet: perMinute(60) },
  /** POST /api/reports: a viewer reports a film (one open report per film; this bounds a wallet's and an IP's spray). */
  report: { ip: perHour(60), wallet: perHour(20) },
  /** POST /api/moderation: a guardian hides, unhides or dismisses (guardians only; generous for a backlog). */
  moderation: { ip: perMinute(60), wallet: perMinute(30) },
  /** GET /api/moderation: the public log of decisions. */
  moderationLog: { ip: perMinute(60) },
  /** POST /api/viewer-settings: a viewer sets their age limit (a click each; signed out too, so per IP). */
  viewerSettings: { ip: perMinute(30), wallet: perMinute(20) },
  /** POST /api/rpc: the browser's JSON-RPC relay (wagmi polls through it). */
  rpc: { ip: perMinute(1_200) },
  /** POST /api/rpc with eth_sendRawTransaction: transactions relayed to the chain. */
  rpcSendTransaction: { ip: perMinute(60) },
  /** POST /api/relay/purchase: a signed purchase whose gas the platform pays (the daily cap is apart, RELAY_DAILY_CAP). */
  relayPurchase: { ip: perHour(30), wallet: perHour(10) },
} as const satisfies Record<string, ActionLimits>;

export type RateLimitedAction = keyof typeof RATE_LIMITS;

/** At most this many unused, unexpired sign-in nonces are stored; past it /api/auth/nonce answers 429. */
export const MAX_LIVE_NONCES = 50_000;
/** A creator's unfinished uploads may hold at most this many maximum-size uploads' worth of disk. */
export const UPLOADS_IN_FLIGHT_PER_CREATOR = 3;

export class RateLimitedError extends AiFilmsError<"serving"> {
  override readonly name = "RateLimitedError";
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("serving", "rate-limited", message);
  }
}

/**
 * The 429 for a rate-limited error (by its code: another bundle's copy of the class counts too),
 * with Retry-After; null for any other error.
 */
export function rateLimitedResponse(error: unknown): Response | null {
  if (!isAiFilmsError(error, "serving.rate-limited")) return null;
  const retryAfter = Math.max(1, Math.ceil(Number((error as Partial<RateLimitedError>).retryAfterSeconds) || 60));
  return errorResponse(error, { headers: { "Retry-After": String(retryAfter) }, body: { retryAfterSeconds: retryAfter } });
}

export interface RateLimitStore {
  /** Counts one hit in the bucket's window and returns the window's hits so far (this one included). */
  hit(bucket: string, windowStart: number, expiresAt: number): Promise<number>;
  /** Forgets windows that ended before `now`. */
  prune(now: number): Promise<void>;
}

export function memoryRateLimitStore(): RateLimitStore {
  const windows = new Map<string, { hits: number; expiresAt: number }>();
  return {
    async hit(bucket, windowStart, expiresAt) {
      const key = `${bucket}@${windowStart}`;
      const row = windows.get(key) ?? { hits: 0, expiresAt };
      row.hits += 1;
      windows.set(key, row);
      return row.hits;
    },
    async prune(now) {
      for (const [key, row] of windows) if (row.expiresAt <= now) windows.delete(key);
    },
  };
}

/** Counters in the platform database (migration 007_rate_limits.sql), shared by every worker. */
export function databaseRateLimitStore(db: Queryable): RateLimitStore {
  return {
    async hit(bucket, windowStart, expiresAt) {
      const rows = await db.query<{ hits: number }>(
        `INSERT INTO rate_limit_hits (bucket, window_start, hits, expires_at) VALUES ($1, $2, 1, $3)
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_hits.hits + 1
         RETURNING hits`,
        [bucket, windowStart, expiresAt],
      );
      return Number(rows[0].hits);
    },
    async prune(now) {
      await db.query("DELETE FROM rate_limit_hits WHERE expires_at <= $1", [now]);
    },
  };
}

export interface RateLimiterOptions {
  store: RateLimitStore;
  limits?: Readonly<Record<string, ActionLimits>>;
  /** Milliseconds since the epoch; injectable so tests can move time. */
  now?: () => number;
}

export interface Who {
  ip?: string | null;
  wallet?: string | null;
}

export interface RateLimiter {
  /** Counts the request; throws RateLimitedError when the IP or the wallet is over its limit. */
  hit(action: RateLimitedAction, who: Who): Promise<void>;
  /** The same, answering the 429 Response instead of throwing (null: go ahead). */
  check(action: RateLimitedAction, who: Who): Promise<Response | null>;
}

const PRUNE_EVERY_SECONDS = 60;
/** Bucket keys hold a client-supplied IP string: bound what reaches the database. */
const MAX_KEY_PART = 64;

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const limits = options.limits ?? RATE_LIMITS;
  const now = options.now ?? Date.now;
  let prunedAt = 0;

  const count = async (bucket: string, limit: Limit, at: number): Promise<number | null> => {
    const windowStart = at - (at % limit.windowSeconds);
    const windowEnd = windowStart + limit.windowSeconds;
    const hits = await options.store.hit(bucket, windowStart, windowEnd);
    return hits > limit.max ? Math.max(1, windowEnd - at) : null;
  };

  const hit = async (action: RateLimitedAction, who: Who) => {
    const at = Math.floor(now() / 1000);
    if (at - prunedAt >= PRUNE_EVERY_SECONDS) {
      prunedAt = at;
      await options.store.prune(at);
    }
    const { ip, wallet } = limits[action] as ActionLimits;
    // Both buckets at once: on a heartbeat, the limit costs one round trip's wait, not two.
    const waits = (
      await Promise.all([
        ip && who.ip ? count(`${action}:ip:${who.ip.slice(0, MAX_KEY_PART)}`, ip, at) : null,
        wallet && who.wallet ? count(`${action}:wallet:${who.wallet.toLowerCase().slice(0, MAX_KEY_PART)}`, wallet, at) : null,
      ])
    ).filter((wait): wait is number => wait !== null);
    if (waits.length > 0) {
      const retryAfter = Math.max(...waits);
      throw new RateLimitedError(`Too many requests; try again in ${retryAfter} s.`, retryAfter);
    }
  };

  return {
    hit,
    async check(action, who) {
      try {
        await hit(action, who);
        return null;
      } catch (error) {
        const limited = rateLimitedResponse(error);
        if (limited) return limited;
        throw error;
      }
    },
  };
}

/**
 * The client's IP as the nearest trusted proxy saw it. Next sets X-Forwarded-For to the socket's
 * address only when the request has none, so with no proxy in front (trustedProxies 0) a client
 * can name any address: the rightmost entry is then the best there is, and per-wallet limits and
 * the nonce cap still hold. Behind N proxies that each append (nginx's $proxy_add_x_forwarded_for),
 * the client is the Nth entry from the right, which no client can forge.
 */
export function clientIp(request: Request, trustedProxies = 0): string | null {
  const entries = (request.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) return request.headers.get("x-real-ip")?.trim() || null;
  const index = entries.length - Math.max(1, trustedProxies);
  return entries[Math.max(0, index)];
}
