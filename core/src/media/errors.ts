/**
 * One error type for the media pipeline. Each carries a machine-readable code (listed in
 * ../errors.ts), so the CLI can choose an exit status and a route handler an HTTP status without
 * parsing messages, and one sentence a creator can act on ("The file is empty." rather than an
 * ffmpeg log).
 */
import { AiFilmsError, isAiFilmsError, type ModuleCode } from "../errors.ts";

export type MediaErrorCode = ModuleCode<"media">;

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
  "INVALID_CAPTIONS",
  "INVALID_AUDIO_TRACK",
]);

export class MediaError extends AiFilmsError<"media"> {
  override readonly name = "MediaError";

  constructor(code: MediaErrorCode, message: string, options?: { cause?: unknown }) {
    super("media", code, message, options);
  }

  /** True when the creator can fix it by sending different input. */
  get isInputError(): boolean {
    return INPUT_CODES.has(this.code);
  }
}

/** By brand, not class: true for a MediaError from any bundled copy of this module. */
export function isMediaError(error: unknown, code?: MediaErrorCode): error is MediaError {
  return isAiFilmsError(error, "media") && (code === undefined || error.code === code);
}

/** Wraps anything thrown into a MediaError, keeping MediaErrors as they are. */
export function toMediaError(error: unknown, code: MediaErrorCode, prefix: string): MediaError {
  if (isMediaError(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new MediaError(code, `${prefix}: ${detail}`, { cause: error });
}
