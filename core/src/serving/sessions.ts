/**
 * Sessions after Sign-In with Ethereum: a signed token (JWT, HS256) in an httpOnly cookie. The
 * token carries everything a request needs (address, chain, expiry), so any web server with the
 * secret can check a session without a database round trip; only sign-out writes anything (the
 * session id, into the revocation list, when a store is configured).
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { getAddress, isAddress, type Address } from "viem";
import { z } from "zod/v4";
import { AiFilmsError } from "../errors.ts";
import type { AuthStore } from "./authStore.ts";
import { isHttps, json, parseCookies, serializeCookie } from "./http.ts";

export const SESSION_COOKIE = "aif_session";
const ISSUER = "ai-films";
export const DEFAULT_SESSION_TTL_SECONDS = 24 * 3_600;

/**
 * The secret used when SESSION_SECRET is unset outside production: fixed, so a developer's
 * session survives a restart, and public, so it is refused in production.
 */
export const DEV_SESSION_SECRET = "ai-films-development-session-secret-do-not-use-in-production";
const MIN_SECRET_LENGTH = 32;

/** `auth.session-config`: the server is misconfigured, not the request wrong. */
export class SessionConfigError extends AiFilmsError<"auth"> {
  override readonly name = "SessionConfigError";

  constructor(message: string) {
    super("auth", "session-config", message);
  }
}

/**
 * The session signing secret. SESSION_SECRET when set (in production: at least 32 characters and
 * not the development default); otherwise, when a `secretFile` is given, a random secret created
 * once in that file (mode 0600) so a one-machine install needs no configuration; otherwise the
 * development default, which production refuses.
 */
export function resolveSessionSecret(options: { env?: NodeJS.ProcessEnv; secretFile?: string } = {}): Uint8Array {
  const env = options.env ?? process.env;
  const production = env.NODE_ENV === "production";
  const configured = env.SESSION_SECRET?.trim();
  if (configured) {
    if (production && configured === DEV_SESSION_SECRET) {
      throw new SessionConfigError("SESSION_SECRET is the public development default; set a random secret in production.");
    }
    if (production && configured.length < MIN_SECRET_LENGTH) {
      throw new SessionConfigError(`SESSION_SECRET must be at least ${MIN_SECRET_LENGTH} characters in production.`);
    }
    return new TextEncoder().encode(configured);
  }
  if (options.secretFile) return new TextEncoder().encode(secretFromFile(options.secretFile));
  if (production) {
    throw new SessionConfigError(
      "SESSION_SECRET is not set: production refuses the development default (set it to 32+ random characters).",
    );
  }
  return new TextEncoder().encode(DEV_SESSION_SECRET);
}

function secretFromFile(file: string): string {
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing.length >= MIN_SECRET_LENGTH) return existing;
  } catch {
    // not there yet: create it below
  }
  const secret = randomBytes(32).toString("base64url");
  mkdirSync(dirname(file), { recursive: true });
  // "wx" fails if another process created it first; then theirs wins and we read it back.
  try {
    writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
    chmodSync(file, 0o600);
    return secret;
  } catch {
    return readFileSync(file, "utf8").trim();
  }
}

export interface Session {
  address: Address;
  chainId: number;
  /** Unix seconds. */
  expiresAt: number;
  /** The token's id (jti): what sign-out revokes. */
  sessionId: string;
}

export interface SessionConfig {
  secret: Uint8Array;
  /** The host the session belongs to (the SIWE domain): the token's audience. */
  domain: string;
  ttlSeconds?: number;
  /** true/false to force the Secure flag; "auto" (default) sets it when the request came over HTTPS. */
  secureCookies?: boolean | "auto";
  /** Revocation list for sign-out; without it sign-out only clears the cookie. */
  store?: AuthStore;
  /** Milliseconds since the epoch; injectable so tests can move time. */
  now?: () => number;
}

const claimsSchema = z.object({
  sub: z.string().refine((s) => isAddress(s, { strict: false }), "not an address"),
  chainId: z.number().int().positive(),
  jti: z.string().min(1).max(128),
  exp: z.number().int(),
});

export interface SessionManager {
  /** A new session token and the Set-Cookie header value carrying it. */
  issue(request: Request, who: { address: Address; chainId: number; notAfter?: number }): Promise<{ session: Session; setCookie: string }>;
  /** The request's session, or null when there is none, it is expired, forged, for another site, or signed out. */
  read(request: Request): Promise<Session | null>;
  /** 200 with a cookie that clears the session; records the session as revoked when a store is configured. */
  signOut(request?: Request): Promise<Response>;
  /** The Set-Cookie value that deletes the session cookie. */
  clearCookie(request?: Request): string;
}

export function createSessionManager(config: SessionConfig): SessionManager {
  const ttl = config.ttlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
  const now = config.now ?? Date.now;
  const nowSeconds = () => Math.floor(now() / 1000);
  const secure = (request?: Request) =>
    config.secureCookies === "auto" || config.secureCookies === undefined
      ? request !== undefined && isHttps(request)
      : config.secureCookies;

  const read = async (request: Request): Promise<Session | null> => {
    const token = parseCookies(request.headers.get("cookie")).get(SESSION_COOKIE);
    if (!token) return null;
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, config.secret, {
        algorithms: ["HS256"], // never "none", never an algorithm the token picks for itself
        issuer: ISSUER,
        audience: config.domain,
        currentDate: new Date(now()),
        requiredClaims: ["exp", "sub", "jti"],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return null;
      throw error;
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) return null;
    if (config.store && (await config.store.isRevoked(claims.data.jti, nowSeconds()))) return null;
    return {
      address: getAddress(claims.data.sub),
      chainId: claims.data.chainId,
      expiresAt: claims.data.exp,
      sessionId: claims.data.jti,
    };
  };

  const clearCookie = (request?: Request) => serializeCookie(SESSION_COOKIE, "", { maxAgeSeconds: 0, secure: secure(request) });

  return {
    async issue(request, who) {
      const issuedAt = nowSeconds();
      // A session never outlives the signed message it came from (its expirationTime, if any).
      const expiresAt = Math.min(issuedAt + ttl, who.notAfter ?? Number.POSITIVE_INFINITY);
      const sessionId = randomBytes(16).toString("base64url");
      const address = getAddress(who.address);
      const token = await new SignJWT({ chainId: who.chainId })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setIssuer(ISSUER)
        .setAudience(config.domain)
        .setSubject(address)
        .setJti(sessionId)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .sign(config.secret);
      const setCookie = serializeCookie(SESSION_COOKIE, token, {
        maxAgeSeconds: expiresAt - issuedAt,
        secure: secure(request),
      });
      return { session: { address, chainId: who.chainId, expiresAt, sessionId }, setCookie };
    },
    read,
    clearCookie,
    async signOut(request) {
      if (request && config.store) {
        const session = await read(request);
        if (session) await config.store.revokeSession(session.sessionId, session.expiresAt, nowSeconds());
      }
      return json({ signedOut: true }, { headers: { "Set-Cookie": clearCookie(request) } });
    },
  };
}
