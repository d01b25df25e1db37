/**
 * One error type for both IPFS backends, with a machine-readable code so callers (the gateway,
 * the upload pipeline) can map failures to HTTP statuses without parsing messages.
 */
export type IpfsErrorCode =
  /** Bad input from the caller: a malformed CID or path, a negative range, a missing directory… */
  | "INVALID_INPUT"
  /** The CID (or a path under it) is not in the store. */
  | "NOT_FOUND"
  /** cat on a directory. */
  | "NOT_A_FILE"
  /** ls on a file. */
  | "NOT_A_DIRECTORY"
  /** The Kubo RPC API could not be reached at all. */
  | "UNREACHABLE"
  /** The store was used after close(). */
  | "CLOSED"
  /** Anything else the backend reported. */
  | "BACKEND";

export class IpfsError extends Error {
  override readonly name = "IpfsError";
  readonly code: IpfsErrorCode;

  constructor(code: IpfsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isIpfsError(error: unknown, code?: IpfsErrorCode): error is IpfsError {
  return error instanceof IpfsError && (code === undefined || error.code === code);
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
