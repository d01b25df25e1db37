/**
 * How every error answers over HTTP: one table from error code (../errors.ts) to the status and
 * the reason clients read in `{ error, message }` bodies, and the functions handlers answer with:
 * `refuse(code, message)` for the serving layer's own refusals (no session, not entitled…) and
 * `errorResponse(error)` for anything thrown. An error that is not an AiFilmsError answers
 * 500 "internal" with a sentence that gives nothing away, and goes to the log.
 */
import { errorCodeOf, isAiFilmsError, type ErrorCode, type ModuleCode } from "../errors.ts";
import { jsonError, type ErrorReason } from "./http.ts";

export interface HttpAnswer {
  status: number;
  reason: ErrorReason;
  /**
   * Said instead of the error's own message, which then goes only to the log: set where that
   * message is for operators (backend detail, internal URLs, a stack of causes), not for the
   * person asking.
   */
  message?: string;
}

const TRY_AGAIN = "The server could not answer just now; try again shortly.";
const CHAIN_DOWN = "The chain is not reachable from this server just now; try again shortly.";
const IPFS_DOWN = "The IPFS store is not answering; try again shortly.";
const LIVEPEER_DOWN = "Livepeer Studio is not answering as expected; try again shortly.";

/** Every code's answer. The type makes a new code without an answer a compile error. */
export const HTTP_ERRORS: Readonly<Record<ErrorCode, HttpAnswer>> = {
  "auth.malformed": { status: 400, reason: "malformed" },
  "auth.wrong-domain": { status: 401, reason: "wrong-domain" },
  "auth.wrong-chain": { status: 401, reason: "wrong-chain" },
  "auth.nonce-unknown": { status: 401, reason: "nonce-unknown" },
  "auth.nonce-used": { status: 401, reason: "nonce-used" },
  "auth.nonce-expired": { status: 401, reason: "nonce-expired" },
  "auth.expired": { status: 401, reason: "expired" },
  "auth.not-yet-valid": { status: 401, reason: "not-yet-valid" },
  "auth.bad-signature": { status: 401, reason: "bad-signature" },
  "auth.chain-unavailable": { status: 503, reason: "chain-unavailable" },
  "auth.session-config": { status: 500, reason: "internal", message: TRY_AGAIN },

  // A site that cannot reach its chain yet (node not started, contracts not deployed) recovers by
  // itself: 503. A wrong address or chain id needs an operator: 500.
  "chain.INVALID_ADDRESS": { status: 500, reason: "internal", message: TRY_AGAIN },
  "chain.NO_DEPLOYMENT": { status: 503, reason: "chain-unavailable", message: CHAIN_DOWN },
  "chain.UNREACHABLE": { status: 503, reason: "chain-unavailable", message: CHAIN_DOWN },
  "chain.WRONG_CHAIN": { status: 500, reason: "internal", message: TRY_AGAIN },
  "chain.NO_CONTRACT": { status: 503, reason: "chain-unavailable", message: CHAIN_DOWN },

  "deployments.NO_DEPLOYMENT": { status: 500, reason: "internal", message: TRY_AGAIN },
  "deployments.INCOMPLETE": { status: 500, reason: "internal", message: TRY_AGAIN },
  "deployments.NO_CODE": { status: 500, reason: "internal", message: TRY_AGAIN },

  // The local platform's start-up errors reach the CLI, never a route: listed for completeness.
  "platform.NO_CHAIN_NODE": { status: 500, reason: "internal", message: TRY_AGAIN },
  "platform.CHAIN_FAILED": { status: 503, reason: "chain-unavailable", message: TRY_AGAIN },
  "platform.PORT_IN_USE": { status: 500, reason: "internal", message: TRY_AGAIN },
  "platform.PROCESS_IN_USE": { status: 500, reason: "internal", message: TRY_AGAIN },
  "platform.INVALID_SETTING": { status: 500, reason: "internal", message: TRY_AGAIN },

  "indexer.INVALID_QUERY": { status: 400, reason: "malformed" },
  "indexer.INVALID_METADATA": { status: 500, reason: "internal", message: TRY_AGAIN },
  "indexer.LOST_RACE": { status: 409, reason: "conflict", message: TRY_AGAIN },

  "ipfs.INVALID_INPUT": { status: 400, reason: "bad-path" },
  "ipfs.NOT_FOUND": { status: 404, reason: "not-found" },
  "ipfs.NOT_A_FILE": { status: 404, reason: "not-a-file" },
  "ipfs.NOT_A_DIRECTORY": { status: 404, reason: "not-found" },
  "ipfs.UNREACHABLE": { status: 503, reason: "ipfs-unavailable", message: IPFS_DOWN },
  "ipfs.CLOSED": { status: 503, reason: "ipfs-unavailable", message: IPFS_DOWN },
  "ipfs.BACKEND": { status: 503, reason: "ipfs-unavailable", message: IPFS_DOWN },

  "ledger.INVALID_INPUT": { status: 400, reason: "malformed" },

  "profiles.invalid": { status: 400, reason: "invalid-profile" },
  "profiles.bad-signature": { status: 401, reason: "bad-signature" },
  "profiles.outdated": { status: 409, reason: "profile-outdated" },
  "profiles.invalid-avatar": { status: 400, reason: "invalid-avatar" },
  "profiles.avatar-too-large": { status: 413, reason: "too-large" },

  "receipts.key-malformed": { status: 400, reason: "malformed" },
  "receipts.key-lifetime": { status: 400, reason: "receipt-key-refused" },
  "receipts.key-authorization": { status: 403, reason: "receipt-key-refused" },
  "receipts.key-taken": { status: 409, reason: "receipt-key-refused" },
  "receipts.key-unknown": { status: 403, reason: "receipt-key-unknown" },
  "receipts.key-expired": { status: 401, reason: "receipt-key-expired" },
  "receipts.bad-signature": { status: 403, reason: "receipt-bad-signature" },
  "receipts.replayed": { status: 409, reason: "receipt-replayed" },
  "receipts.out-of-order": { status: 409, reason: "receipt-out-of-order" },

  "livepeer.unauthorized": { status: 503, reason: "livepeer-unavailable", message: LIVEPEER_DOWN },
  "livepeer.http": { status: 503, reason: "livepeer-unavailable", message: LIVEPEER_DOWN },
  "livepeer.unreachable": { status: 503, reason: "livepeer-unavailable", message: LIVEPEER_DOWN },
  "livepeer.bad-response": { status: 503, reason: "livepeer-unavailable", message: LIVEPEER_DOWN },
  "livepeer.upload-failed": { status: 503, reason: "livepeer-unavailable", message: LIVEPEER_DOWN },
  "livepeer.asset-failed": { status: 503, reason: "livepeer-unavailable", message: LIVEPEER_DOWN },
  "livepeer.timeout": { status: 503, reason: "livepeer-unavailable", message: LIVEPEER_DOWN },

  // The creator's input: its own sentence, written for them. The machine failing: 5xx, logged.
  "media.NOT_FOUND": { status: 404, reason: "not-found" },
  "media.EMPTY_FILE": { status: 400, reason: "empty-file" },
  "media.TOO_LARGE": { status: 413, reason: "too-large" },
  "media.NOT_MEDIA": { status: 400, reason: "not-media" },
  "media.NO_VIDEO": { status: 400, reason: "no-video" },
  "media.TRUNCATED": { status: 409, reason: "truncated" },
  "media.UNSUPPORTED": { status: 400, reason: "unsupported" },
  "media.INVALID_METADATA": { status: 400, reason: "invalid-metadata" },
  "media.INVALID_CAPTIONS": { status: 400, reason: "invalid-captions" },
  "media.INVALID_AUDIO_TRACK": { status: 400, reason: "invalid-audio-track" },
  "media.TRANSCODE_FAILED": { status: 500, reason: "transcode-failed", message: "The film could not be transcoded; try again." },
  "media.IPFS_FAILED": { status: 503, reason: "ipfs-failed", message: IPFS_DOWN },
  "media.LIVEPEER_FAILED": { status: 503, reason: "livepeer-failed", message: LIVEPEER_DOWN },
  "media.CANCELLED": { status: 409, reason: "cancelled" },
  "media.INTERRUPTED": { status: 409, reason: "interrupted" },
  "media.KEY_STORE": { status: 503, reason: "key-store", message: "The server's key store is not available; try again shortly." },
  "media.TOOL_MISSING": { status: 503, reason: "tool-missing", message: "The server cannot process films just now; try again later." },
  "media.INTERNAL": { status: 503, reason: "internal", message: TRY_AGAIN },

  "oracle.FAILED": { status: 500, reason: "internal", message: TRY_AGAIN },
  "oracle.CONFLICT": { status: 409, reason: "conflict" },

  "relay.disabled": { status: 404, reason: "relay-disabled" },
  "relay.malformed": { status: 400, reason: "malformed" },
  "relay.bad-signature": { status: 400, reason: "bad-signature" },
  "relay.expired": { status: 400, reason: "expired" },
  "relay.nonce-used": { status: 409, reason: "conflict" },
  "relay.would-revert": { status: 422, reason: "relay-refused" },
  "relay.daily-cap": { status: 429, reason: "rate-limited" },

  // The serving layer's own refusals: their messages are always written for the client.
  "serving.malformed": { status: 400, reason: "malformed" },
  "serving.unsupported-media-type": { status: 415, reason: "malformed" },
  "serving.method-not-allowed": { status: 405, reason: "method-not-allowed" },
  "serving.method-refused": { status: 403, reason: "malformed" },
  "serving.cross-site": { status: 403, reason: "cross-site" },
  "serving.no-session": { status: 401, reason: "no-session" },
  "serving.not-entitled": { status: 403, reason: "not-entitled" },
  "serving.film-unknown": { status: 404, reason: "film-unknown" },
  "serving.key-unknown": { status: 404, reason: "key-unknown" },
  "serving.key-damaged": { status: 500, reason: "internal" },
  "serving.playback-unknown": { status: 404, reason: "playback-unknown" },
  "serving.chain-unavailable": { status: 503, reason: "chain-unavailable" },
  "serving.bad-cid": { status: 400, reason: "bad-cid" },
  "serving.bad-path": { status: 400, reason: "bad-path" },
  "serving.not-found": { status: 404, reason: "not-found" },
  "serving.not-a-file": { status: 404, reason: "not-a-file" },
  "serving.range-not-satisfiable": { status: 416, reason: "range-not-satisfiable" },
  "serving.ipfs-unavailable": { status: 503, reason: "ipfs-unavailable" },
  "serving.too-large": { status: 413, reason: "too-large" },
  "serving.rate-limited": { status: 429, reason: "rate-limited" },
  "serving.upload-quota": { status: 413, reason: "upload-quota" },
  "serving.watchlist-full": { status: 409, reason: "watchlist-full" },
  "serving.creator-unknown": { status: 404, reason: "creator-unknown" },
  "serving.follow-self": { status: 400, reason: "follow-self" },
  "serving.follows-full": { status: 409, reason: "follows-full" },
  "serving.already-reported": { status: 409, reason: "already-reported" },
  "serving.not-guardian": { status: 403, reason: "not-guardian" },
  "serving.not-hidden": { status: 409, reason: "not-hidden" },
};

/** The answer to anything that is not an AiFilmsError (or has a code this copy does not know). */
export const UNEXPECTED_ERROR: HttpAnswer = { status: 500, reason: "internal", message: TRY_AGAIN };

export interface ErrorResponseInit {
  headers?: HeadersInit;
  /** Extra fields for the JSON body (the studio's `code`, an upload's `maxBytes`). */
  body?: Record<string, unknown>;
}

/** The table's answer for a thrown value. */
export function httpAnswerOf(error: unknown): HttpAnswer {
  return (isAiFilmsError(error) && HTTP_ERRORS[errorCodeOf(error)]) || UNEXPECTED_ERROR;
}

/**
 * The JSON error response for anything thrown. `message` replaces the error's own sentence where
 * a handler knows better words (the gateway names the path); an error whose sentence is not
 * shown (see HttpAnswer.message) is logged, with its stack and cause.
 */
export function errorResponse(error: unknown, init: ErrorResponseInit & { message?: string } = {}): Response {
  const answer = httpAnswerOf(error);
  if (answer.message !== undefined) {
    console.error(`request failed (${isAiFilmsError(error) ? errorCodeOf(error) : "unexpected"}):`, error);
  }
  const message = init.message ?? answer.message ?? (error as Error).message;
  return jsonError(answer.status, answer.reason, message, init.headers, init.body);
}

/** A refusal by the serving layer itself, e.g. `refuse("no-session", "Sign in to upload films.")`. */
export function refuse(code: ModuleCode<"serving">, message: string, init: ErrorResponseInit = {}): Response {
  const { status, reason } = HTTP_ERRORS[`serving.${code}`];
  return jsonError(status, reason, message, init.headers, init.body);
}

export function methodNotAllowed(allowed: string[]): Response {
  return refuse("method-not-allowed", `Use ${allowed.join(" or ")}.`, { headers: { Allow: allowed.join(", ") } });
}
