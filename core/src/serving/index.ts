/**
 * Server-side pieces of the web app, framework-agnostic: each takes a web `Request` and returns
 * a `Response`, so a Next.js route handler is one line. `createServing` wires them on one chain
 * connection, one ledger database and one IPFS store; build it once per server process.
 *
 *   // web/lib/serving.ts
 *   const serving = createServing({ chain, authStore: ledgerAuthStore(db), ipfs, keys, domain, sessionSecret });
 *   // app/api/auth/nonce/route.ts    export const GET  = () => serving.auth.nonceResponse();
 *   // app/api/auth/signin/route.ts   export const POST = (r: Request) => serving.auth.signIn(r);
 *   // app/api/auth/signout/route.ts  export const POST = (r: Request) => serving.auth.signOut(r);
 *   // app/api/auth/session/route.ts  export const GET  = (r: Request) => serving.auth.sessionResponse(r);
 *   // app/api/keys/[keyId]/route.ts  export const GET  = (r, { params }) => serving.keyServer.handle(r, (await params).keyId);
 *   // app/ipfs/[cid]/[[...path]]/route.ts  export const GET = (r, { params }) => serving.gateway.handle(r, await params); HEAD likewise
 *   // app/api/playback/[playbackId]/token/route.ts
 *   //   export const POST = (r, { params }) => serving.playback!.playbackToken(r, (await params).playbackId);
 *   // app/api/films/[id]/playback-token/route.ts (what the web app mounts)
 *   //   export const POST = (r, { params }) => serving.playback!.filmToken(r, (await params).id);
 */
import type { ChainContext } from "../chain/context.ts";
import type { IpfsStore } from "../ipfs/index.ts";
import type { AuthStore } from "./authStore.ts";
import { createGateway } from "./gateway.ts";
import { createKeyServer, type ContentKeyStore } from "./keyServer.ts";
import { createPlaybackTokens, type PlaybackSigner } from "./livepeerPlayback.ts";
import type { RateLimiter } from "./rateLimits.ts";
import { createAuth } from "./siwe.ts";

export { ledgerAuthStore, memoryAuthStore, type AuthStore, type NonceState } from "./authStore.ts";
export { accessOf, authorizeFilm, ACCESS, type Access } from "./entitlement.ts";
export { contentTypeOf, createGateway, parseGatewayPath, checkGatewayParams, parseRange, IMMUTABLE } from "./gateway.ts";
export {
  errorResponse,
  httpAnswerOf,
  methodNotAllowed,
  refuse,
  HTTP_ERRORS,
  UNEXPECTED_ERROR,
  type ErrorResponseInit,
  type HttpAnswer,
} from "./errors.ts";
export { ERROR_REASONS, isHttps, jsonError, serializeCookie, type ErrorReason } from "./http.ts";
export { createKeyServer, type ContentKeyStore } from "./keyServer.ts";
export {
  createLivepeerClient,
  createPlaybackUrlCache,
  isLivepeerError,
  livepeerFromEnv,
  LivepeerError,
  DEFAULT_LIVEPEER_API,
  type LivepeerAsset,
  type LivepeerClient,
  type LivepeerProgress,
  type UploadFilmResult,
} from "./livepeer.ts";
export {
  createPlaybackTokens,
  loadOrCreateSigningKey,
  loadPlaybackSigner,
  playbackSignerFromEnv,
  signPlaybackJwt,
  IAT_LEEWAY_SECONDS,
  LIVEPEER_ISSUER,
  type PlaybackSigner,
  type PlaybackTokenDeps,
} from "./livepeerPlayback.ts";
export {
  createSessionManager,
  resolveSessionSecret,
  SESSION_COOKIE,
  DEV_SESSION_SECRET,
  SessionConfigError,
  type Session,
} from "./sessions.ts";
export {
  clientIp,
  createRateLimiter,
  databaseRateLimitStore,
  memoryRateLimitStore,
  rateLimitedResponse,
  RateLimitedError,
  MAX_LIVE_NONCES,
  RATE_LIMITS,
  UPLOADS_IN_FLIGHT_PER_CREATOR,
  type ActionLimits,
  type Limit,
  type RateLimitedAction,
  type RateLimiter,
  type RateLimitStore,
} from "./rateLimits.ts";
export { createAuth, SignInError, type Auth, type AuthConfig } from "./siwe.ts";

export interface ServingOptions {
  chain: ChainContext;
  authStore: AuthStore;
  ipfs: IpfsStore;
  keys: ContentKeyStore;
  /** The site's host[:port] as browsers see it: the SIWE domain. */
  domain: string;
  sessionSecret: Uint8Array;
  /** Present when Livepeer playback is configured. */
  livepeer?: {
    signer: PlaybackSigner;
    filmOfPlayback(playbackId: string): Promise<bigint | null>;
    playbackOfFilm?(filmId: bigint): Promise<string | null>;
  };
  now?: () => number;
  /** The web edge's rate limits (sign-in here; the web app's routes use the same limiter). */
  rateLimiter?: RateLimiter;
  /** Reverse proxies in front that append to X-Forwarded-For (clientIp). */
  trustedProxies?: number;
}

export function createServing(options: ServingOptions) {
  const auth = createAuth({
    domain: options.domain,
    chainId: options.chain.chainId,
    publicClient: options.chain.publicClient,
    store: options.authStore,
    sessionSecret: options.sessionSecret,
    now: options.now,
    rateLimiter: options.rateLimiter,
    trustedProxies: options.trustedProxies,
  });
  const readSession = (request: Request) => auth.readSession(request);
  return {
    auth,
    keyServer: createKeyServer({ readSession, chain: options.chain, keys: options.keys }),
    gateway: createGateway({ ipfs: options.ipfs }),
    playback: options.livepeer
      ? createPlaybackTokens({ readSession, chain: options.chain, now: options.now, ...options.livepeer })
      : undefined,
  };
}
export type Serving = ReturnType<typeof createServing>;
