/**
 * HTTP plumbing shared by the serving modules: JSON error bodies (which status answers which error
 * is errors.ts's table), cookies, and the one question every handler asks of a request (is it
 * HTTPS?). Everything here works on the web platform's Request/Response, so a Next.js route
 * handler (or any fetch-style server) can call the modules directly and tests can call them
 * without a server.
 */

/**
 * The machine-readable reasons a client can see in `{ "error": reason }` bodies. A list at run
 * time too: the web app maps each to a sentence in every language, and a test checks it does.
 */
export const ERROR_REASONS = [
  // sign-in
  "malformed",
  "wrong-domain",
  "wrong-chain",
  "nonce-unknown",
  "nonce-used",
  "nonce-expired",
  "expired",
  "not-yet-valid",
  "bad-signature",
  // sessions and entitlement
  "no-session",
  "not-entitled",
  "film-unknown",
  "key-unknown",
  "playback-unknown",
  "chain-unavailable",
  // signed heartbeats (receipts)
  "receipt-key-refused",
  "receipt-key-unknown",
  "receipt-key-expired",
  "receipt-bad-signature",
  "receipt-replayed",
  "receipt-out-of-order",
  // gateway
  "bad-cid",
  "bad-path",
  "not-found",
  "not-a-file",
  "range-not-satisfiable",
  "ipfs-unavailable",
  // studio (uploads and ingest jobs: the media codes in kebab-case)
  "too-large",
  "upload-refused",
  "empty-file",
  "not-media",
  "no-video",
  "invalid-captions",
  "invalid-audio-track",
  "truncated",
  "unsupported",
  "invalid-metadata",
  "transcode-failed",
  "ipfs-failed",
  "livepeer-failed",
  "cancelled",
  "interrupted",
  "key-store",
  "tool-missing",
  "livepeer-unavailable",
  // gas sponsorship (relay)
  "relay-disabled",
  "relay-refused",
  // generic
  "rate-limited",
  "upload-quota",
  "watchlist-full",
  // profiles and follows
  "invalid-profile",
  "profile-outdated",
  "invalid-avatar",
  "creator-unknown",
  "follow-self",
  "follows-full",
  // reports and moderation
  "already-reported",
  "not-guardian",
  "not-hidden",
  "method-not-allowed",
  "cross-site",
  "conflict",
  "internal",
] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];

/**
 * A JSON error: `{ error, message, ...extra }`. The reason is for code, the message for people;
 * neither ever carries a stack trace or backend detail an attacker could use. Handlers answer
 * with errors.ts's `refuse`/`errorResponse`, which take the status from the table; this is for
 * relaying a status decided elsewhere (the tus server's).
 */
export function jsonError(
  status: number,
  error: ErrorReason,
  message: string,
  headers?: HeadersInit,
  extra: Record<string, unknown> = {},
): Response {
  const h = new Headers(headers);
  h.set("Content-Type", "application/json; charset=utf-8");
  // Errors depend on who asks (session, entitlement): never let a cache keep one.
  if (!h.has("Cache-Control")) h.set("Cache-Control", "no-store");
  h.set("X-Content-Type-Options", "nosniff");
  return new Response(JSON.stringify({ error, message, ...extra }), { status, headers: h });
}

export function json(body: unknown, init: { status?: number; headers?: HeadersInit } = {}): Response {
  const h = new Headers(init.headers);
  h.set("Content-Type", "application/json; charset=utf-8");
  if (!h.has("Cache-Control")) h.set("Cache-Control", "no-store");
  h.set("X-Content-Type-Options", "nosniff");
  return new Response(JSON.stringify(body), { status: init.status ?? 200, headers: h });
}

/** Parses a Cookie header into name → value (first occurrence wins, as browsers send the most specific first). */
export function parseCookies(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (!cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

export interface CookieOptions {
  maxAgeSeconds: number;
  secure: boolean;
  path?: string;
}

/**
 * A Set-Cookie value for the session: HttpOnly (page scripts cannot read or leak it), SameSite=Lax
 * (sent on same-site requests and top-level navigations, not on cross-site subrequests: the CSRF
 * guard for our POST routes), Secure whenever the site is served over HTTPS.
 */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${options.path ?? "/"}`, "HttpOnly", "SameSite=Lax"];
  const maxAge = Math.max(0, Math.floor(options.maxAgeSeconds));
  parts.push(`Max-Age=${maxAge}`);
  // Expires as well as Max-Age: a few old clients only understand Expires.
  parts.push(`Expires=${new Date(maxAge === 0 ? 0 : Date.now() + maxAge * 1000).toUTCString()}`);
  if (options.secure) parts.push("Secure");
  return parts.join("; ");
}

/**
 * Whether the client reached us over HTTPS. Behind a TLS-terminating proxy the request URL says
 * http, so X-Forwarded-Proto counts too; trusting it is harmless here because it can only ever
 * ADD the Secure flag, never remove it.
 */
export function isHttps(request: Request): boolean {
  if (new URL(request.url).protocol === "https:") return true;
  const forwarded = request.headers.get("x-forwarded-proto");
  return forwarded?.split(",")[0]?.trim().toLowerCase() === "https";
}

/**
 * The request body as text, refusing more than `maxBytes` without reading it all: the declared
 * Content-Length first, then the bytes actually received (a client may lie or stream).
 * Returns null when the body is too large.
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > maxBytes) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Whether a state-changing request (sign-in, sign-out) comes from a page of this site. Browsers
 * send Origin on every POST and Sec-Fetch-Site on modern ones; a request from another site's page
 * (a hidden form logging the visitor in as the attacker, or out) is refused. Requests without
 * either header (curl, server-to-server) are not browser-driven and pass.
 */
export function isCrossSite(request: Request, domain: string): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site === "cross-site" || site === "same-site") {
    // same-site means another subdomain: still not this site.
    return true;
  }
  const origin = request.headers.get("origin");
  if (origin === null) return false;
  if (origin === "null") return true; // sandboxed or opaque origins
  try {
    return new URL(origin).host !== domain;
  } catch {
    return true;
  }
}
