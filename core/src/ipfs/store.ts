/**
 * The storage interface the rest of the app sees. Two implementations: embedded Helia (default)
 * and a Kubo node over its RPC API. Both must give the same CID for the same input, so content
 * added in development resolves unchanged once a deployment points at Kubo.
 */
import { IpfsError } from "./errors.ts";

export type CidString = string;

export interface ByteRange {
  /** First byte to return, 0-based. */
  offset: number;
  /** How many bytes at most; to the end of the file when omitted. */
  length?: number;
}

export interface IpfsStat {
  type: "file" | "directory";
  /**
   * File size in bytes. 0 for directories: a UnixFS directory's root block does not record the
   * size of its contents, and walking the whole tree for a stat is not worth it.
   */
  size: number;
  cid: CidString;
}

export interface IpfsEntry {
  name: string;
  cid: CidString;
  type: "file" | "directory";
  /** As in IpfsStat: file size in bytes, 0 for directories. */
  size: number;
}

export type ProgressFn = (bytesDone: number, bytesTotal: number) => void;

export interface IpfsStore {
  readonly backend: "helia" | "kubo";
  /** Adds one file's bytes; returns its CIDv1 (for < 256 KiB: raw codec, sha2-256 of the bytes). */
  addBytes(bytes: Uint8Array): Promise<CidString>;
  /** Adds a directory tree from disk; returns the CID of the directory itself (no wrapper). */
  addDirectory(path: string, onProgress?: ProgressFn): Promise<CidString>;
  /** Streams a file (or `path` inside a directory), optionally a byte range of it. */
  cat(cid: CidString, path?: string, range?: ByteRange): AsyncIterable<Uint8Array>;
  /** cat, collected into one buffer. For small files (metadata, playlists), not whole films. */
  catBytes(cid: CidString, path?: string, range?: ByteRange): Promise<Uint8Array>;
  stat(cid: CidString, path?: string): Promise<IpfsStat>;
  /** Entries of a directory (or `path` inside one), in name order. */
  ls(cid: CidString, path?: string): Promise<IpfsEntry[]>;
  /** Whether the CID's root block is available without touching the network. */
  has(cid: CidString): Promise<boolean>;
  close(): Promise<void>;
}

/** Refuses negative, fractional or non-finite ranges before any backend sees them. */
export function validateRange(range: ByteRange | undefined): ByteRange | undefined {
  if (range === undefined) return undefined;
  const { offset, length } = range;
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new IpfsError("INVALID_INPUT", `Range offset must be a non-negative integer, got ${offset}`);
  }
  if (length !== undefined && (!Number.isSafeInteger(length) || length < 0)) {
    throw new IpfsError("INVALID_INPUT", `Range length must be a non-negative integer, got ${length}`);
  }
  return { offset, length };
}

export function validateBytes(bytes: unknown): Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new IpfsError("INVALID_INPUT", "addBytes expects a Uint8Array");
  }
  return bytes;
}

export async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of source) {
    chunks.push(chunk);
    total += chunk.byteLength;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** Guards every method of a store against use after close(), with one clear error. */
export class ClosedGuard {
  private closed = false;
  check(): void {
    if (this.closed) throw new IpfsError("CLOSED", "The IPFS store has been closed");
  }
  /** Returns true the first time only, so close() is idempotent. */
  close(): boolean {
    if (this.closed) return false;
    this.closed = true;
    return true;
  }
}

/** Name order by UTF-8 bytes, the order dag-pb itself keeps links in (and Kubo lists them). */
export function byName(a: { name: string }, b: { name: string }): number {
  return Buffer.compare(Buffer.from(a.name, "utf8"), Buffer.from(b.name, "utf8"));
}

/** Checks a range against the file's size: the gateway turns this error into 416. */
export function checkRangeFits(range: ByteRange | undefined, size: number): void {
  if (range !== undefined && range.offset > size) {
    throw new IpfsError("INVALID_INPUT", `Range offset ${range.offset} is beyond the end of the file (${size} bytes)`);
  }
}
