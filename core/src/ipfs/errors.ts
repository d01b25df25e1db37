/**
 * One error type for both IPFS backends, with a machine-readable code (listed in ../errors.ts) so
 * callers (the gateway, the upload pipeline) can map failures to HTTP statuses without parsing
 * messages.
 */
import { AiFilmsError, isAiFilmsError, type ModuleCode } from "../errors.ts";

export type IpfsErrorCode = ModuleCode<"ipfs">;

export class IpfsError extends AiFilmsError<"ipfs"> {
  override readonly name = "IpfsError";

  constructor(code: IpfsErrorCode, message: string, options?: { cause?: unknown }) {
    super("ipfs", code, message, options);
  }
}

/** By brand, not class: true for an IpfsError from any bundled copy of this module. */
export function isIpfsError(error: unknown, code?: IpfsErrorCode): error is IpfsError {
  return isAiFilmsError(error, "ipfs") && (code === undefined || error.code === code);
}

/** A short description of an unknown thrown value, for wrapping into an IpfsError message. */
export function describe(error: unknown): string {
  if (error instanceof Error) {
    // fetch() hides the useful part ("ECONNREFUSED …") in `cause`.
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error && cause.message && cause.message !== error.message) {
      return `${error.message} (${cause.message})`;
    }
    return error.message || error.name;
  }
  return String(error);
}
