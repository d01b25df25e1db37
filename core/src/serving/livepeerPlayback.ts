/**
 * Playback tokens for Livepeer's JWT playback policy. An asset uploaded with
 * `playbackPolicy: { type: "jwt" }` plays only with a token signed (ES256) by a signing key
 * registered in Studio; this module signs one, and only after the same on-chain entitlement check
 * as the key server. The `@livepeer/react` player takes it as its `jwt` prop and sends it with
 * every playback request.
 *
 * Claims, as Livepeer's docs and its own signAccessJwt helper write them:
 *   sub = playbackId, action = "pull", iss, pub = the signing key's public key exactly as Studio
 *   shows it (base64 of the PEM), video = "none", iat, exp.
 * `iat` is set `IAT_LEEWAY_SECONDS` in the past: Livepeer's edge refuses a token issued "in the
 * future", which is what a token stamped with our clock looks like when it runs a little ahead.
 *
 * The film a playback id belongs to comes from the server (`filmOfPlayback`), never from the
 * client: otherwise a viewer entitled to a free film could ask for a token for a paid film's
 * playback id while naming the free film.
 */
import { createPublicKey } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { importPKCS8, SignJWT, type CryptoKey } from "jose";
import { toFilmId } from "../domain/ids.ts";
import { authorizeFilm, type EntitlementChain } from "./entitlement.ts";
import { methodNotAllowed, refuse } from "./errors.ts";
import { json } from "./http.ts";
import type { LivepeerClient } from "./livepeer.ts";
import type { Session } from "./sessions.ts";

export const LIVEPEER_ISSUER = "Livepeer Studio";
export const DEFAULT_PLAYBACK_TOKEN_TTL_SECONDS = 3_600;
/** How far before now a token says it was issued, for clock skew between us and Livepeer's edge. */
export const IAT_LEEWAY_SECONDS = 30;

export interface PlaybackSigner {
  /** The public key as Studio shows it (base64 of the SPKI PEM): the `pub` claim. */
  publicKey: string;
  privateKey: CryptoKey;
}

/** Studio hands keys out as base64 of a PEM; accept that or the PEM itself. */
function toPem(value: string, what: string): string {
  const trimmed = value.trim();
  if (trimmed.includes("-----BEGIN")) return trimmed;
  const decoded = Buffer.from(trimmed, "base64").toString("utf8");
  if (decoded.includes("-----BEGIN")) return decoded.trim();
  throw new Error(`The Livepeer ${what} is neither a PEM nor base64 of one.`);
}

/** Builds a signer from a key pair in either of Studio's encodings; checks the two belong together. */
export async function loadPlaybackSigner(keys: { publicKey: string; privateKey: string }): Promise<PlaybackSigner> {
  const publicPem = toPem(keys.publicKey, "signing public key");
  const privatePem = toPem(keys.privateKey, "signing private key");
  const privateKey = await importPKCS8(privatePem, "ES256");
  // A mismatched pair would sign tokens Livepeer refuses at playback time, far from the cause.
  const derived = createPublicKey(privatePem).export({ format: "der", type: "spki" });
  const givenDer = createPublicKey(publicPem).export({ format: "der", type: "spki" });
  if (!derived.equals(givenDer)) throw new Error("The Livepeer signing private key does not match the public key.");
  // Studio finds the key by the `pub` claim, so keep its base64 string byte for byte; only a key
  // configured as a bare PEM gets encoded here.
  const given64 = keys.publicKey.trim().includes("-----BEGIN") ? Buffer.from(publicPem + "\n").toString("base64") : keys.publicKey.trim();
  return { publicKey: given64, privateKey };
}

/**
 * The signer from the environment: LIVEPEER_SIGNING_PRIVATE_KEY with LIVEPEER_SIGNING_PUBLIC_KEY,
 * or with LIVEPEER_SIGNING_KEY_ID (the public key is then fetched from Studio). Null when no
 * private key is configured.
 */
export async function playbackSignerFromEnv(
  client: LivepeerClient | null,
  env: NodeJS.ProcessEnv = process.env,
): Promise<PlaybackSigner | null> {
  const privateKey = env.LIVEPEER_SIGNING_PRIVATE_KEY?.trim();
  if (!privateKey) return null;
  let publicKey = env.LIVEPEER_SIGNING_PUBLIC_KEY?.trim();
  const keyId = env.LIVEPEER_SIGNING_KEY_ID?.trim();
  if (!publicKey && keyId && client) publicKey = (await client.getSigningKey(keyId)).publicKey;
  if (!publicKey)
    throw new Error("Set LIVEPEER_SIGNING_PUBLIC_KEY (or LIVEPEER_SIGNING_KEY_ID with LIVEPEER_API_KEY) with the private key.");
  return loadPlaybackSigner({ publicKey, privateKey });
}

/**
 * A signing key kept in a file (mode 0600), created through Studio on first use: Studio shows a
 * private key only once, so it must be stored the moment it is created.
 */
export async function loadOrCreateSigningKey(client: LivepeerClient, file: string): Promise<PlaybackSigner & { keyId: string }> {
  try {
    const stored = JSON.parse(readFileSync(file, "utf8")) as { id: string; publicKey: string; privateKey: string };
    return { keyId: stored.id, ...(await loadPlaybackSigner(stored)) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const created = await client.createSigningKey();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ id: created.id, publicKey: created.publicKey, privateKey: created.privateKey }) + "\n", {
    mode: 0o600,
  });
  chmodSync(file, 0o600);
  return { keyId: created.id, ...(await loadPlaybackSigner(created)) };
}

/** Signs a playback token. Call only after an entitlement check (the handler below does). */
export async function signPlaybackJwt(
  signer: PlaybackSigner,
  claims: { playbackId: string; expiresAt: number; issuedAt: number; issuer?: string; custom?: Record<string, unknown> },
): Promise<string> {
  return new SignJWT({
    action: "pull",
    pub: signer.publicKey,
    video: "none",
    ...(claims.custom ? { custom: claims.custom } : {}),
  })
    .setProtectedHeader({ alg: "ES256", typ: "JWT" })
    .setSubject(claims.playbackId)
    .setIssuer(claims.issuer ?? LIVEPEER_ISSUER)
    .setIssuedAt(claims.issuedAt)
    .setExpirationTime(claims.expiresAt)
    .sign(signer.privateKey);
}

export interface PlaybackTokenDeps {
  readSession(request: Request): Promise<Session | null>;
  chain: EntitlementChain;
  signer: PlaybackSigner;
  /** The film a Livepeer playback id belongs to (from our own records), or null. */
  filmOfPlayback(playbackId: string): Promise<bigint | null>;
  /** The playback id a film's metadata names (from our own records), or null; needed by `filmToken`. */
  playbackOfFilm?(filmId: bigint): Promise<string | null>;
  ttlSeconds?: number;
  issuer?: string;
  now?: () => number;
}

const PLAYBACK_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function createPlaybackTokens(deps: PlaybackTokenDeps) {
  const now = deps.now ?? Date.now;
  const ttl = deps.ttlSeconds ?? DEFAULT_PLAYBACK_TOKEN_TTL_SECONDS;

  /** The entitlement check, then the token: the key server's 401/403/503 on refusal. */
  async function issue(request: Request, session: Session, playbackId: string, film: bigint): Promise<Response> {
    const gate = await authorizeFilm(request, { readSession: async () => session, chain: deps.chain }, film);
    if (!gate.ok) return gate.response;

    const nowSeconds = Math.floor(now() / 1000);
    // Never outlive the session that asked for it.
    const expiresAt = Math.min(nowSeconds + ttl, session.expiresAt);
    const issuedAt = nowSeconds - IAT_LEEWAY_SECONDS;
    const token = await signPlaybackJwt(deps.signer, { playbackId, issuedAt, expiresAt, issuer: deps.issuer });
    return json({ token, playbackId, filmId: film.toString(), expiresAt }, { headers: { "Cache-Control": "private, no-store" } });
  }

  return {
    /**
     * `POST /api/playback/<playbackId>/token` → `{ token, playbackId, filmId, expiresAt }`, or the
     * key server's 401/403. `filmId`, when the route knows it, must agree with our records.
     */
    async playbackToken(request: Request, playbackId: string, filmId?: bigint): Promise<Response> {
      if (request.method !== "POST" && request.method !== "GET") return methodNotAllowed(["POST", "GET"]);
      const session = await deps.readSession(request);
      if (!session) return refuse("no-session", "Sign in with your wallet to play this film.");
      if (!PLAYBACK_ID.test(playbackId)) return refuse("malformed", "Not a playback id.");
      const film = await deps.filmOfPlayback(playbackId);
      if (film === null) return refuse("film-unknown", "No film plays under this id.");
      if (filmId !== undefined && filmId !== film) return refuse("malformed", "This playback id belongs to another film.");
      return issue(request, session, playbackId, film);
    },

    /**
     * `POST /api/films/<filmId>/playback-token` → the same answer for the playback id the film's
     * own metadata names. 401 without a session (before anything about the film is looked up),
     * 400 for a malformed id, 404 `playback-unknown` when the film does not play from Livepeer —
     * or names a playback id an earlier listing already named (copied metadata), then 401/403/503
     * from the entitlement check.
     */
    async filmToken(request: Request, filmIdText: string): Promise<Response> {
      if (!deps.playbackOfFilm) throw new Error("createPlaybackTokens: filmToken needs playbackOfFilm.");
      if (request.method !== "POST" && request.method !== "GET") return methodNotAllowed(["POST", "GET"]);
      const session = await deps.readSession(request);
      if (!session) return refuse("no-session", "Sign in with your wallet to play this film.");
      const film = toFilmId(filmIdText);
      if (film === null) return refuse("malformed", "The film id must be a positive integer.");
      const playbackId = await deps.playbackOfFilm(film);
      if (playbackId === null || !PLAYBACK_ID.test(playbackId)) {
        return refuse("playback-unknown", "This film does not play from Livepeer.");
      }
      // Whoever named the id first owns it: a copy of another film's metadata unlocks nothing.
      if ((await deps.filmOfPlayback(playbackId)) !== film) {
        return refuse("playback-unknown", "This film's video belongs to another listing.");
      }
      return issue(request, session, playbackId, film);
    },
  };
}
