/**
 * CID parsing at the edge: everything that comes from a URL or a user goes through here, so the
 * backends only ever see well-formed CIDs and the gateway can answer 400 instead of 500.
 */
import { CID } from "multiformats/cid";
import { IpfsError } from "./errors.ts";

/** CIDs are a few dozen characters; anything much longer is not worth handing to a decoder. */
const MAX_CID_LENGTH = 256;

/** True when `value` is a CID string (v0 "Qm…" or v1 in a multibase multiformats can decode). */
export function isValidCid(value: unknown): value is string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_CID_LENGTH) return false;
  if (value.trim() !== value) return false;
  try {
    CID.parse(value);
    return true;
  } catch {
    return false;
  }
}

/** Parses a CID string or throws IpfsError("INVALID_INPUT"). */
export function parseCid(value: string): CID {
  if (!isValidCid(value)) {
    throw new IpfsError("INVALID_INPUT", `Not a valid CID: ${JSON.stringify(String(value).slice(0, 80))}`);
  }
  return CID.parse(value);
}

/**
 * Normalises a path inside a DAG ("a/b.ts", "/a/b.ts", "a//b.ts/" all mean the same) and refuses
 * "." / ".." segments: IPFS paths have no parent links, and letting them through would make the
 * same file reachable under many names in gateway URLs and caches.
 */
export function normalisePath(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  if (typeof path !== "string") throw new IpfsError("INVALID_INPUT", "Path must be a string");
  if (path.includes("\0")) throw new IpfsError("INVALID_INPUT", "Path must not contain NUL characters");
  const segments = path.split("/").filter((s) => s.length > 0);
  if (segments.some((s) => s === "." || s === "..")) {
    throw new IpfsError("INVALID_INPUT", `Path must not contain "." or ".." segments: ${JSON.stringify(path)}`);
  }
  return segments.length === 0 ? undefined : segments.join("/");
}
