/**
 * Sign-In with Ethereum (EIP-4361) on the server: hand out single-use nonces, check a signed
 * message against this site (domain, chain, nonce, validity window, signature), and start a
 * session. Route handlers wrap it:
 *
 *   GET  /api/auth/nonce    → auth.nonceResponse()
 *   POST /api/auth/signin   → auth.signIn(request)      body: { message, signature }
 *   POST /api/auth/signout  → auth.signOut(request)
 *   GET  /api/auth/session  → auth.sessionResponse(request)
 *
 * Every refusal is a JSON 4xx `{ error: reason, message }` (statuses from errors.ts's table), with
 * a reason a client can act on: malformed, wrong-domain, wrong-chain, nonce-unknown, nonce-used,
 * nonce-expired, expired, not-yet-valid, bad-signature; and 403 cross-site for a sign-in or
 * sign-out posted by another site's page.
 */
import { randomBytes } from "node:crypto";
import { getAddress, isAddress, isHex, type Address, type Hex, type PublicClient } from "viem";
import { verifySiweMessage } from "viem/siwe";
import { SiweMessage } from "siwe";
import { z } from "zod/v4";
import type { AuthStore, NonceState } from "./authStore.ts";
import { AiFilmsError, isAiFilmsError, type ModuleCode } from "../errors.ts";
import { errorResponse, methodNotAllowed, refuse } from "./errors.ts";
import { isCrossSite, isHttps, json, readBodyText } from "./http.ts";
import { clientIp, rateLimitedResponse, type RateLimiter } from "./rateLimits.ts";
import { createSessionManager, type Session, type SessionManager } from "./sessions.ts";

export const DEFAULT_NONCE_TTL_SECONDS = 10 * 60;
/** Browser clocks drift: an issuedAt this far ahead of ours is still accepted. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;
/** A SIWE message is a few hundred bytes; anything far larger is not one. */
const MAX_BODY_BYTES = 16 * 1024;

export interface AuthConfig {
  /** The site's host (and port, if not default), e.g. "films.example" or "localhost:3000": the SIWE `domain`. */
  domain: string;
  /** The chain sessions are for; messages for any other chain are refused. */
  chainId: number;
  /** Verifies signatures; through the chain, so smart-contract wallets (ERC-1271/6492) work too. */
  publicClient: PublicClient;
  store: AuthStore;
  sessionSecret: Uint8Array;
  sessionTtlSeconds?: number;
  nonceTtlSeconds?: number;
  clockSkewSeconds?: number;
  secureCookies?: boolean | "auto";
  /** Milliseconds since the epoch; injectable so tests can move time. */
  now?: () => number;
  /** Counts nonce requests and sign-ins per IP, and sessions per wallet (RATE_LIMITS.nonce, .signIn). */
  rateLimiter?: RateLimiter;
  /** Reverse proxies in front of the server that append to X-Forwarded-For (see clientIp). */
  trustedProxies?: number;
}

export interface Auth {
  /** A fresh single-use nonce, stored with its expiry. */
  createNonce(): Promise<{ nonce: string; expiresAt: number }>;
  /** GET handler: `{ nonce, expiresAt }`, never cached; 429 past the rate limit or the nonce cap. */
  nonceResponse(request?: Request): Promise<Response>;
  /** POST handler: verifies `{ message, signature }` and sets the session cookie. */
  signIn(request: Request): Promise<Response>;
  /** POST handler: clears the cookie and revokes the session. */
  signOut(request?: Request): Promise<Response>;
  /** The request's session, or null. */
  readSession(request: Request): Promise<Session | null>;
  /** GET handler: `{ address, chainId, expiresAt }` or 401. */
  sessionResponse(request: Request): Promise<Response>;
  readonly sessions: SessionManager;
}

/** Why a sign-in was refused: an `auth.*` code, which is also the reason the client reads. */
export class SignInError extends AiFilmsError<"auth"> {
  override readonly name = "SignInError";
  constructor(code: ModuleCode<"auth">, message: string) {
    super("auth", code, message);
  }
}

const bodySchema = z.object({
  message: z.string().min(1).max(8_192),
  signature: z.string().refine((s) => isHex(s, { strict: true }) && s.length >= 4, "not a hex signature"),
});

const NONCE_MESSAGES: Record<Exclude<NonceState, "ok">, [ModuleCode<"auth">, string]> = {
  unknown: ["nonce-unknown", "This sign-in nonce was not issued by this server; request a new one."],
  used: ["nonce-used", "This sign-in message was already used; request a new nonce and sign again."],
  expired: ["nonce-expired", "The sign-in nonce expired; request a new one and sign again."],
};

export function createAuth(config: AuthConfig): Auth {
  const now = config.now ?? Date.now;
  const nowSeconds = () => Math.floor(now() / 1000);
  const nonceTtl = config.nonceTtlSeconds ?? DEFAULT_NONCE_TTL_SECONDS;
  const skew = config.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  const sessions = createSessionManager({
    secret: config.sessionSecret,
    domain: config.domain,
    ttlSeconds: config.sessionTtlSeconds,
    secureCookies: config.secureCookies,
    store: config.store,
    now,
  });

  const createNonce = async () => {
    // 128 random bits as hex: alphanumeric, as EIP-4361 requires of a nonce, and unguessable.
    const nonce = randomBytes(16).toString("hex");
    const createdAt = nowSeconds();
    const expiresAt = createdAt + nonceTtl;
    await config.store.saveNonce(nonce, createdAt, expiresAt);
    return { nonce, expiresAt };
  };

  /** Checks everything about the message; returns who signed it. Throws SignInError. */
  const verify = async (
    body: unknown,
    originScheme: "http" | "https",
  ): Promise<{ address: Address; chainId: number; notAfter?: number; nonce: string }> => {
    const parsedBody = bodySchema.safeParse(body);
    if (!parsedBody.success) {
      throw new SignInError("malformed", "Send JSON { message, signature }: the EIP-4361 message text and its hex signature.");
    }
    const { message, signature } = parsedBody.data;

    // The reference parser (spruceid's `siwe`, built on the EIP's ABNF grammar): fields in the
    // grammar's order, one per line, an EIP-55 address, a one-line statement, one URI per
    // resource. Leniency here is how a phishing page makes a wallet show one thing while the
    // server reads another.
    let fields: SiweMessage;
    try {
      fields = new SiweMessage(message);
    } catch {
      throw new SignInError("malformed", "The message is not an EIP-4361 sign-in message (see the EIP's grammar).");
    }
    const { address, chainId, domain, nonce, uri, version, scheme } = fields;
    const issuedAt = fields.issuedAt ? new Date(fields.issuedAt) : undefined;
    const expirationTime = fields.expirationTime ? new Date(fields.expirationTime) : undefined;
    const notBefore = fields.notBefore ? new Date(fields.notBefore) : undefined;
    if (!isAddress(address, { strict: true }) || version !== "1" || !Number.isSafeInteger(chainId)) {
      throw new SignInError("malformed", "The message lacks a field EIP-4361 requires (domain, address, URI, version 1, chain ID, nonce).");
    }
    if (!issuedAt || Number.isNaN(issuedAt.getTime())) {
      throw new SignInError("malformed", "The message has no valid Issued At time.");
    }
    for (const t of [expirationTime, notBefore]) {
      if (t && Number.isNaN(t.getTime())) throw new SignInError("malformed", "The message has an unreadable timestamp.");
    }
    if (!/^[A-Za-z0-9]{8,128}$/.test(nonce)) throw new SignInError("malformed", "The message's nonce is not a nonce.");

    // The domain binds the signature to this site: a message signed for another site (a
    // phishing page relaying its visitors' signatures) is refused here.
    let uriHost: string | undefined;
    try {
      uriHost = new URL(uri).host;
    } catch {
      throw new SignInError("malformed", "The message's URI is not a URI.");
    }
    if (domain !== config.domain || uriHost !== config.domain) {
      throw new SignInError("wrong-domain", `This message is for ${domain}, not ${config.domain}.`);
    }
    // A scheme, when the message names one, is the origin's: an https message is not for an http site.
    if (scheme !== undefined && scheme !== originScheme) {
      throw new SignInError("wrong-domain", `This message is for ${scheme}://${domain}; this site is served over ${originScheme}.`);
    }
    if (chainId !== config.chainId) {
      throw new SignInError(
        "wrong-chain",
        `This message is for chain ${chainId}; this site runs on chain ${config.chainId}. Switch network and sign again.`,
      );
    }

    const at = now();
    if (issuedAt.getTime() > at + skew * 1000) {
      throw new SignInError("not-yet-valid", "The message is issued in the future; check the device's clock.");
    }
    if (notBefore && notBefore.getTime() > at + skew * 1000) {
      throw new SignInError("not-yet-valid", "The message is not valid yet (Not Before is in the future).");
    }
    if (expirationTime && expirationTime.getTime() <= at) {
      throw new SignInError("expired", "The sign-in message has expired; sign a new one.");
    }

    // A precise error for a stale nonce before spending an RPC call on the signature. The nonce
    // is only USED after the signature checks out, so nobody can burn another user's nonce with
    // a forged message.
    const peeked = await config.store.peekNonce(nonce, nowSeconds());
    if (peeked !== "ok") throw new SignInError(...NONCE_MESSAGES[peeked]);

    let valid: boolean;
    try {
      valid = await verifySiweMessage(config.publicClient, {
        message,
        signature: signature as Hex,
        domain: config.domain,
        nonce,
        // The checks above ran with skew; viem's own window check uses the same clock.
        time: new Date(Math.max(at, issuedAt.getTime(), notBefore?.getTime() ?? 0)),
      });
    } catch {
      throw new SignInError("chain-unavailable", "Could not verify the signature: the chain is not answering. Try again.");
    }
    if (!valid) throw new SignInError("bad-signature", "The signature does not match the message and its address.");

    const consumed = await config.store.consumeNonce(nonce, nowSeconds());
    if (consumed !== "ok") throw new SignInError(...NONCE_MESSAGES[consumed]);

    return {
      address: getAddress(address),
      chainId,
      notAfter: expirationTime ? Math.floor(expirationTime.getTime() / 1000) : undefined,
      nonce,
    };
  };

  const ipOf = (request: Request) => clientIp(request, config.trustedProxies);

  const signIn = async (request: Request): Promise<Response> => {
    if (request.method !== "POST") return methodNotAllowed(["POST"]);
    const limited = await config.rateLimiter?.check("signIn", { ip: ipOf(request) });
    if (limited) return limited;
    if (isCrossSite(request, config.domain)) {
      return refuse("cross-site", "Sign in from this site's own pages.");
    }
    // JSON only: an HTML form on another site cannot send application/json without a CORS
    // preflight, which closes the "log the visitor in as the attacker" door even for old
    // browsers that send no Origin.
    const contentType = request.headers.get("content-type") ?? "";
    if (!/^application\/json\s*(;|$)/i.test(contentType)) {
      return refuse("unsupported-media-type", "Send the sign-in as application/json: { message, signature }.");
    }
    let body: unknown;
    try {
      const text = await readBodyText(request, MAX_BODY_BYTES);
      if (text === null) throw new Error("too large");
      body = JSON.parse(text);
    } catch {
      return refuse("malformed", "Send JSON { message, signature } (at most 16 KiB).");
    }
    let who;
    try {
      who = await verify(body, isHttps(request) ? "https" : "http");
    } catch (error) {
      if (isAiFilmsError(error, "auth")) return errorResponse(error);
      throw error;
    }
    // Sessions per wallet, counted only once the signature proved the wallet: nobody can use up
    // another wallet's allowance by naming it in a forged message.
    const walletLimited = await config.rateLimiter?.check("signIn", { wallet: who.address });
    if (walletLimited) return walletLimited;
    const { session, setCookie } = await sessions.issue(request, who);
    return json(
      { address: session.address, chainId: session.chainId, expiresAt: session.expiresAt },
      { headers: { "Set-Cookie": setCookie } },
    );
  };

  return {
    createNonce,
    async nonceResponse(request) {
      try {
        if (request) await config.rateLimiter?.hit("nonce", { ip: ipOf(request) });
        return json(await createNonce());
      } catch (error) {
        const limited = rateLimitedResponse(error);
        if (limited) return limited;
        throw error;
      }
    },
    signIn,
    async signOut(request) {
      if (request && isCrossSite(request, config.domain)) {
        return refuse("cross-site", "Sign out from this site's own pages.");
      }
      return sessions.signOut(request);
    },
    readSession: (request) => sessions.read(request),
    async sessionResponse(request) {
      const session = await sessions.read(request);
      if (!session) return refuse("no-session", "Not signed in.");
      return json({ address: session.address, chainId: session.chainId, expiresAt: session.expiresAt });
    },
    sessions,
  };
}
