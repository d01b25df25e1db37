/**
 * One error type for the media pipeline. Each carries a machine-readable code, so the CLI can
 * choose an exit status and a route handler an HTTP status without parsing messages, and one
 * sentence a creator can act on ("The file is empty." rather than an ffmpeg log).
 */
export type MediaErrorCode =
  /** The file does not exist or cannot be read. */
  | "NOT_FOUND"
  /** Zero bytes. */
  | "EMPTY_FILE"
  /** Larger than MEDIA_MAX_UPLOAD_BYTES. */
  | "TOO_LARGE"
  /** ffprobe cannot read it as media at all (a text file, an image, random bytes…). */
  | "NOT_MEDIA"
  /** Media, but no video stream (only audio, or a single still picture). */
  | "NO_VIDEO"
  /** The file stops before its own end: an interrupted copy or upload. */
  | "TRUNCATED"
  /** A video that cannot be transcoded as given (no duration, too small, too long…). */
  | "UNSUPPORTED"
  /** Listing metadata (title, description…) that fails validation. */
  | "INVALID_METADATA"
  /** ffmpeg failed or was killed mid-job. */
  | "TRANSCODE_FAILED"
  /** Adding the output to IPFS failed. */
  | "IPFS_FAILED"
  /** Livepeer Studio refused, failed or timed out uploading or transcoding the film. */
  | "LIVEPEER_FAILED"
  /** The job was cancelled. */
  | "CANCELLED"
  /** The key store: missing key, tampered record, bad master key. */
  | "KEY_STORE"
  /** ffmpeg or ffprobe is not installed. */
  | "TOOL_MISSING"
  /** A bug or an unexpected environment failure. */
  | "INTERNAL";

/** Codes that mean "the creator's input is wrong", as opposed to "the machine failed". */
const INPUT_CODES: ReadonlySet<MediaErrorCode> = new Set([
  "NOT_FOUND",
  "EMPTY_FILE",
  "TOO_LARGE",
  "NOT_MEDIA",
  "NO_VIDEO",
  "TRUNCATED",
  "UNSUPPORTED",
  "INVALID_METADATA",
]);

export class MediaError extends Error {
  override readonly name = "MediaError";
  readonly code: MediaErrorCode;

  constructor(code: MediaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** True when the creator can fix it by sending different input. */
  get isInputError(): boolean {
    return INPUT_CODES.has(this.code);
  }
}

export function isMediaError(error: unknown, code?: MediaErrorCode): error is MediaError {
  return error instanceof MediaError && (code === undefined || error.code === code);
}

/** Wraps anything thrown into a MediaError, keeping MediaErrors as they are. */
export function toMediaError(error: unknown, code: MediaErrorCode, prefix: string): MediaError {
  if (error instanceof MediaError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new MediaError(code, `${prefix}: ${detail}`, { cause: error });
}
