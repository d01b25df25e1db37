/**
 * The one error type of the libraries. Every error a library throws on purpose is an AiFilmsError
 * (through its module's subclass: IpfsError, MediaError…) and carries:
 *
 * - `module` and `code`: together the machine-readable code, written `"<module>.<code>"`
 *   ("ipfs.NOT_FOUND", "auth.nonce-used"). Callers decide by it, never by parsing messages.
 *   Every code is listed below with what it means; serving/errors.ts gives each its HTTP answer.
 * - `message`: one sentence for people (a creator, a viewer, an operator at the CLI).
 * - `details`: optional technical detail for logs, never shown to users.
 * - `cause`: the underlying failure, when there is one.
 *
 * Recognise one with `isAiFilmsError(error, "ipfs.NOT_FOUND")` (or a module: `"ipfs"`), not with
 * `instanceof`: Next's production build gives each route its own copy of these modules, so an
 * error created by another route's copy (the IPFS store on globalThis was opened by whichever
 * route came first) is not an instance of this copy's class. The brand, a property under the
 * process-wide `Symbol.for("ai-films.error")`, is the same in every copy.
 *
 * Spelling: codes keep the spelling their module always had. The serving side (serving, auth,
 * livepeer) writes kebab-case like the reasons clients read in JSON bodies; the other modules
 * write SCREAMING_SNAKE_CASE like the codes the media CLI and job files print.
 */

/** Every code of every module, with what it means. Add a code here, then its HTTP answer in serving/errors.ts. */
export const ERROR_CODES = {
  auth: {
    malformed: "The sign-in request or its message is not a well-formed EIP-4361 sign-in.",
    "wrong-domain": "The message was signed for another site.",
    "wrong-chain": "The message was signed for another chain.",
    "nonce-unknown": "The nonce was not issued by this server.",
    "nonce-used": "The nonce was already used.",
    "nonce-expired": "The nonce expired.",
    expired: "The message's Expiration Time has passed.",
    "not-yet-valid": "The message is issued in the future, or its Not Before has not come.",
    "bad-signature": "The signature does not match the message and its address.",
    "chain-unavailable": "The chain did not answer while verifying the signature.",
    "session-config": "SESSION_SECRET is missing or unfit for production.",
  },
  chain: {
    INVALID_ADDRESS: "MARKET_ADDRESS is not an address.",
    NO_DEPLOYMENT: "No deployment of the contracts is known for the chain.",
    UNREACHABLE: "No RPC answers at the configured URL.",
    WRONG_CHAIN: "The RPC serves another chain than the one expected.",
    NO_CONTRACT: "The market address has no code: the node was restarted without a redeploy.",
  },
  deployments: {
    NO_DEPLOYMENT: "Ignition has no deployment for the chain.",
    INCOMPLETE: "The Ignition deployment lacks a contract (it did not finish).",
    NO_CODE: "A deployed address has no code: the chain was reset.",
  },
  indexer: {
    INVALID_QUERY: "A bad argument to a catalogue query (an address, a page size…).",
    INVALID_METADATA: "A listing's metadata JSON is not listing metadata.",
    LOST_RACE: "Another indexer committed the same batch first (caught inside the indexer).",
  },
  ipfs: {
    INVALID_INPUT: "A malformed CID or path, a negative range, a missing directory to add…",
    NOT_FOUND: "The CID (or a path under it) is not in the store.",
    NOT_A_FILE: "cat on a directory.",
    NOT_A_DIRECTORY: "ls on a file, or a path that goes through a file.",
    UNREACHABLE: "The Kubo RPC API could not be reached at all.",
    CLOSED: "The store was used after close().",
    BACKEND: "Anything else the backend reported.",
  },
  ledger: {
    INVALID_INPUT: "A heartbeat or query field the ledger refuses (address, film id, time…).",
  },
  profiles: {
    invalid: "A creator profile whose fields break the rules (name, bio, links, avatar, signed time).",
    "bad-signature": "A creator profile not signed by the wallet it names.",
    outdated: "A creator profile not newer than the one already published for the wallet (a replay).",
    "invalid-avatar": "An avatar that is not a PNG, JPEG, WebP or GIF image in this platform's IPFS store.",
    "avatar-too-large": "An avatar image larger than the profile limit.",
  },
  receipts: {
    "key-malformed": "A heartbeat session key that is not an uncompressed P-256 public key, or a malformed authorization.",
    "key-lifetime": "A session key authorization that has expired or lasts longer than the rules allow.",
    "key-authorization": "The wallet's EIP-712 authorization of the session key is not signed by the signed-in wallet.",
    "key-taken": "The session key is already authorized by another wallet.",
    "key-unknown": "A heartbeat signed by a key this wallet never authorized.",
    "key-expired": "A heartbeat signed by a session key whose authorization has expired.",
    "bad-signature": "A heartbeat whose receipt signature does not verify.",
    replayed: "A heartbeat whose sequence number was already recorded for its session.",
    "out-of-order": "A heartbeat whose sequence number is below its session's latest.",
  },
  livepeer: {
    unauthorized: "Livepeer Studio refused the API key.",
    http: "Livepeer Studio answered with another non-2xx status.",
    unreachable: "Livepeer Studio did not answer at all.",
    "bad-response": "An answer that does not have the documented shape.",
    "upload-failed": "The tus upload gave up (or the file is empty).",
    "asset-failed": "Studio reported the asset failed, was deleted, or its IPFS export failed.",
    timeout: "The asset did not become ready in time.",
  },
  media: {
    NOT_FOUND: "The file (or upload) does not exist or cannot be read.",
    EMPTY_FILE: "Zero bytes.",
    TOO_LARGE: "Larger than MEDIA_MAX_UPLOAD_BYTES.",
    NOT_MEDIA: "ffprobe cannot read it as media at all (a text file, an image, random bytes…).",
    NO_VIDEO: "Media, but no video stream (only audio, or a single still picture).",
    TRUNCATED: "The file stops before its own end: an interrupted copy or upload.",
    UNSUPPORTED: "A video that cannot be transcoded as given (no duration, too small, too long…).",
    INVALID_METADATA: "Listing metadata (title, description…) that fails validation.",
    INVALID_CAPTIONS: "A caption file that is not valid WebVTT, has a cue past the film's end, or a bad language/label.",
    INVALID_AUDIO_TRACK: "An extra audio track that is not audio, lasts other than the film, or has a bad language/label.",
    TRANSCODE_FAILED: "ffmpeg failed or was killed mid-job.",
    IPFS_FAILED: "Adding the output to IPFS failed.",
    LIVEPEER_FAILED: "Livepeer Studio refused, failed or timed out uploading or transcoding the film.",
    CANCELLED: "The job was cancelled.",
    INTERRUPTED: "The server stopped during the job and its input is gone (or it was interrupted too often): upload again.",
    KEY_STORE: "The key store: missing key, tampered record, bad master key.",
    TOOL_MISSING: "ffmpeg or ffprobe is not installed.",
    INTERNAL: "A bug or an unexpected environment failure.",
  },
  oracle: {
    FAILED: "An oracle command cannot go on; the message says what to do (exit code 1).",
    CONFLICT: "A different tally is already on-chain for the period (exit code 3).",
  },
  platform: {
    NO_CHAIN_NODE: "The local chain's node (anvil) is not installed for this platform.",
    CHAIN_FAILED: "The local chain did not start, or stopped.",
    PORT_IN_USE: "A port the local platform needs is taken.",
    PROCESS_IN_USE: "Another run of the platform still uses the same data directory.",
    INVALID_SETTING: "A setting of the platform (an environment variable) has a value it cannot use.",
  },
  relay: {
    disabled: "Gas sponsorship is off on this platform (GAS_SPONSORSHIP).",
    malformed: "A relay request that is not a signed purchase of the expected shape.",
    "bad-signature": "The purchase is not signed by the viewer it names.",
    expired: "The purchase's deadline has passed (or is too close to relay in time).",
    "nonce-used": "The purchase's nonce is not the viewer's next one: already relayed, or out of order.",
    "would-revert": "The purchase would fail on chain (price changed, no funds or allowance, paused…).",
    "daily-cap": "The platform has sponsored as many purchases as it will today.",
  },
  serving: {
    malformed: "A request the handler cannot read: bad JSON, a bad id, a field out of range.",
    "unsupported-media-type": "A body in another format than the one the handler reads.",
    "method-not-allowed": "An HTTP method the route does not answer.",
    "method-refused": "A JSON-RPC method the public RPC endpoint does not forward.",
    "cross-site": "A state-changing request from another site's page.",
    "no-session": "No signed-in session (or one for another chain).",
    "not-entitled": "The chain says this wallet may not watch the film now.",
    "film-unknown": "No such film.",
    "key-unknown": "No such content key.",
    "key-damaged": "The content key on the server's disk is not a 16-byte AES key.",
    "playback-unknown": "The film does not play from Livepeer (or Livepeer playback is not configured).",
    "chain-unavailable": "The chain did not answer a read the request needs.",
    "bad-cid": "A gateway request for something that is not a CID.",
    "bad-path": "A gateway path with traversal, control characters or bad encoding.",
    "not-found": "No such file, upload or job.",
    "not-a-file": "A gateway request for a directory.",
    "range-not-satisfiable": "A byte range beyond the end of the file.",
    "ipfs-unavailable": "The IPFS store did not answer.",
    "too-large": "An upload larger than MEDIA_MAX_UPLOAD_BYTES.",
    "rate-limited": "Too many requests of one kind from one address or wallet (serving/rateLimits.ts).",
    "upload-quota": "The creator's unfinished uploads already hold their quota of disk.",
    "watchlist-full": "The viewer's watchlist holds its maximum number of films.",
    "creator-unknown": "An address that has minted no film and published no profile (nothing to follow).",
    "follow-self": "A wallet asked to follow itself.",
    "follows-full": "The viewer follows the maximum number of creators.",
    "already-reported": "The wallet already has an open report on this film.",
    "not-guardian": "A moderation action by a wallet without the market's guardian role.",
    "not-hidden": "Unhiding a film that is not hidden.",
  },
} as const;

export type ErrorModule = keyof typeof ERROR_CODES;
/** The codes of one module, e.g. `ModuleCode<"ipfs">` is "INVALID_INPUT" | "NOT_FOUND" | … */
export type ModuleCode<M extends ErrorModule> = M extends ErrorModule ? keyof (typeof ERROR_CODES)[M] & string : never;
/** A full code, `"<module>.<code>"`. */
export type ErrorCode = { [M in ErrorModule]: `${M}.${ModuleCode<M>}` }[ErrorModule];

/** Every full code, for tables that must cover them all. */
export const ALL_ERROR_CODES: readonly ErrorCode[] = Object.entries(ERROR_CODES).flatMap(([module, codes]) =>
  Object.keys(codes).map((code) => `${module}.${code}` as ErrorCode),
);

/** Process-wide (Symbol.for), so every bundled copy of this module puts the same brand on its errors. */
const BRAND = Symbol.for("ai-films.error");

export interface AiFilmsErrorOptions {
  /** Technical detail for logs; never shown to users. */
  details?: string;
  cause?: unknown;
}

export class AiFilmsError<M extends ErrorModule = ErrorModule> extends Error {
  override name = "AiFilmsError";
  readonly module: M;
  readonly code: ModuleCode<M>;
  // Declared, not initialised: an error without details has no `details: undefined` in its logs.
  declare readonly details?: string;

  constructor(module: M, code: ModuleCode<M>, message: string, options: AiFilmsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.module = module;
    this.code = code;
    if (options.details !== undefined) (this as { details?: string }).details = options.details;
  }
}
// On the prototype, not on each error: invisible in logs and JSON, still found by `error[BRAND]`.
Object.defineProperty(AiFilmsError.prototype, BRAND, { value: true });

type ModuleOfKind<K extends ErrorModule | ErrorCode> = K extends `${infer M extends ErrorModule}.${string}` ? M : K;

/**
 * Whether `error` is an AiFilmsError from any copy of this module; with `kind`, also whether it
 * has that full code ("media.TRUNCATED") or comes from that module ("media").
 */
export function isAiFilmsError<K extends ErrorModule | ErrorCode = ErrorModule>(
  error: unknown,
  kind?: K,
): error is AiFilmsError<ModuleOfKind<K>> {
  if (typeof error !== "object" || error === null || (error as { [BRAND]?: unknown })[BRAND] !== true) return false;
  if (kind === undefined) return true;
  const { module, code } = error as { module?: unknown; code?: unknown };
  return kind.includes(".") ? `${module}.${code}` === kind : module === kind;
}

/** The full code of an error, `"<module>.<code>"`. */
export function errorCodeOf(error: AiFilmsError): ErrorCode {
  return `${error.module}.${error.code}` as ErrorCode;
}
