/**
 * A read-only HTTP gateway for the platform's own IPFS content: `GET|HEAD /ipfs/<cid>/<path…>`.
 * It serves files only (HLS playlists and segments, posters, metadata JSON) from the configured
 * store, never fetching from the network (the embedded Helia node is offline; a Kubo node
 * answers from what it has or can find).
 *
 * Decisions:
 * - Content under a CID never changes, so every success is `immutable` for a year and its ETag
 *   is the CID and path itself (no hashing needed).
 * - Anything odd in the path is refused with 400 before the store sees it: `..`/`.` segments,
 *   backslashes, NUL and control characters, and the same smuggled in percent-encoded (once or
 *   twice). IPFS paths cannot climb out of their root anyway; refusing keeps one name per file
 *   in caches and logs, and keeps this handler safe if it ever fronts something else.
 * - Directories answer 404 `not-a-file`: no listings (they would expose every rendition and
 *   file name of a film to crawlers and the player never needs one).
 * - One byte range per request (what players send); a multi-range request gets the whole file,
 *   which RFC 9110 allows.
 */
import { isIpfsError, isValidCid, type IpfsErrorCode, type IpfsStore } from "../ipfs/index.ts";
import { errorResponse, methodNotAllowed, refuse } from "./errors.ts";

export const IMMUTABLE = "public, max-age=31536000, immutable";

const CONTENT_TYPES: Record<string, string> = {
  m3u8: "application/vnd.apple.mpegurl",
  ts: "video/mp2t",
  m4s: "video/iso.segment",
  mp4: "video/mp4",
  m4a: "audio/mp4",
  m4v: "video/mp4",
  aac: "audio/aac",
  vtt: "text/vtt; charset=utf-8",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  avif: "image/avif",
  json: "application/json",
  txt: "text/plain; charset=utf-8",
};

/** The Content-Type for a file name; unknown extensions are plain bytes (never sniffed: nosniff). */
export function contentTypeOf(name: string): string {
  const dot = name.lastIndexOf(".");
  if (dot < 0 || dot === name.length - 1) return "application/octet-stream";
  return CONTENT_TYPES[name.slice(dot + 1).toLowerCase()] ?? "application/octet-stream";
}

export type GatewayTarget = { ok: true; cid: string; path: string[] } | { ok: false; reason: "bad-cid" | "bad-path"; message: string };

/** Percent-encoded dot, slash, backslash or NUL left after one decoding: a double-encoding attempt. */
const ENCODED_SPECIAL = /%(2e|2f|5c|00)/i;

/** Checks one decoded path segment. */
function badSegment(segment: string): string | undefined {
  if (segment === "." || segment === "..") return "must not contain . or .. segments";
  if (segment.includes("/") || segment.includes("\\")) return "must not contain encoded slashes or backslashes";
  // eslint-disable-next-line no-control-regex -- matches NUL and C0/DEL controls on purpose, to refuse them
  if (/[\u0000-\u001f\u007f]/.test(segment)) return "must not contain NUL or control characters";
  if (ENCODED_SPECIAL.test(segment)) return "must not contain double-encoded dots, slashes or NUL";
  if (segment.length > 255) return "has a segment longer than 255 characters";
  return undefined;
}

/**
 * Parses the part of a request path after the `/ipfs/` prefix, as it came on the wire
 * (percent-encoded): `<cid>[/<segment>…]`. Empty segments (`a//b`, a trailing slash) are dropped.
 */
export function parseGatewayPath(raw: string): GatewayTarget {
  if (raw.includes("\\")) return { ok: false, reason: "bad-path", message: "Path must not contain backslashes." };
  const [rawCid, ...rawSegments] = raw.split("/");
  let cid: string;
  try {
    cid = decodeURIComponent(rawCid ?? "");
  } catch {
    return { ok: false, reason: "bad-cid", message: "Not a valid CID." };
  }
  if (!isValidCid(cid)) return { ok: false, reason: "bad-cid", message: "Not a valid CID." };
  const decoded: string[] = [];
  for (const rawSegment of rawSegments) {
    if (rawSegment === "") continue;
    let segment: string;
    try {
      segment = decodeURIComponent(rawSegment);
    } catch {
      return { ok: false, reason: "bad-path", message: "Path has a malformed percent-encoding." };
    }
    const problem = badSegment(segment);
    if (problem) return { ok: false, reason: "bad-path", message: `Path ${problem}.` };
    decoded.push(segment);
  }
  return { ok: true, cid, path: decoded };
}

/** Checks already-decoded route params (what Next.js hands a `[cid]/[...path]` route). */
export function checkGatewayParams(cid: string, path: readonly string[] = []): GatewayTarget {
  if (!isValidCid(cid)) return { ok: false, reason: "bad-cid", message: "Not a valid CID." };
  const segments: string[] = [];
  for (const segment of path) {
    if (segment === "") continue;
    const problem = badSegment(segment);
    if (problem) return { ok: false, reason: "bad-path", message: `Path ${problem}.` };
    segments.push(segment);
  }
  return { ok: true, cid, path: segments };
}

type RangeRequest = { kind: "none" } | { kind: "range"; start: number; end: number } | { kind: "unsatisfiable" };

/** Parses a single `bytes=` range against the file size (RFC 9110 §14.2); anything else is ignored. */
export function parseRange(header: string | null, size: number): RangeRequest {
  if (!header) return { kind: "none" };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return { kind: "none" }; // multi-range or another unit: serve the whole file
  const [, first, last] = match;
  if (first === "" && last === "") return { kind: "none" };
  if (first === "") {
    // suffix range: the last N bytes
    const suffix = Number(last);
    if (suffix === 0) return { kind: "unsatisfiable" };
    if (size === 0) return { kind: "unsatisfiable" };
    return { kind: "range", start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(start) || start >= size) return { kind: "unsatisfiable" };
  if (last !== "" && Number(last) < start) return { kind: "none" }; // invalid: ignore, per RFC
  return { kind: "range", start, end };
}

function etagMatches(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

export interface GatewayOptions {
  ipfs: IpfsStore;
  /** The route prefix before the CID, default "/ipfs/". */
  prefix?: string;
}

export function createGateway(options: GatewayOptions) {
  const prefix = options.prefix ?? "/ipfs/";
  const { ipfs } = options;

  return {
    /**
     * Serves a request. Pass `params` when the framework already split and decoded the route
     * (Next.js: `{ cid, path }` of `app/ipfs/[cid]/[[...path]]/route.ts`); otherwise the path is
     * taken from the request URL.
     */
    async handle(request: Request, params?: { cid: string; path?: readonly string[] }): Promise<Response> {
      if (request.method !== "GET" && request.method !== "HEAD") return methodNotAllowed(["GET", "HEAD"]);
      let target: GatewayTarget;
      if (params) {
        target = checkGatewayParams(params.cid, params.path);
      } else {
        const pathname = new URL(request.url).pathname;
        if (!pathname.startsWith(prefix)) return refuse("bad-path", `Gateway paths start with ${prefix}<cid>.`);
        target = parseGatewayPath(pathname.slice(prefix.length));
      }
      if (!target.ok) return refuse(target.reason, target.message);
      return serve(request, target.cid, target.path);
    },
  };

  async function serve(request: Request, cid: string, segments: string[]): Promise<Response> {
    const path = segments.length ? segments.join("/") : undefined;
    const shown = path ? `${cid}/${path}` : cid;
    let stat;
    try {
      stat = await ipfs.stat(cid, path);
    } catch (error) {
      return storeError(error, shown);
    }
    if (stat.type !== "file") {
      return refuse("not-a-file", `${shown} is a directory; this gateway serves files only.`);
    }
    const size = stat.size;
    // The content at <cid>/<path> can never change, so the name is a perfect strong validator.
    const etag = `"${shown}"`;
    const headers = new Headers({
      "Content-Type": contentTypeOf(segments.at(-1) ?? ""),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": IMMUTABLE,
      ETag: etag,
      "Accept-Ranges": "bytes",
      // Public, immutable content: any origin may read it (players, metadata viewers, wallets).
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Expose-Headers": "Content-Range, Content-Length, ETag, Accept-Ranges",
    });
    if (etagMatches(request.headers.get("if-none-match"), etag)) {
      return new Response(null, { status: 304, headers });
    }

    const ifRange = request.headers.get("if-range");
    const range = ifRange && ifRange.trim() !== etag ? ({ kind: "none" } as const) : parseRange(request.headers.get("range"), size);
    if (range.kind === "unsatisfiable") {
      headers.set("Content-Range", `bytes */${size}`);
      headers.set("Cache-Control", "no-store");
      return refuse("range-not-satisfiable", `The file is ${size} bytes long.`, { headers });
    }
    let status = 200;
    let offset = 0;
    let length = size;
    if (range.kind === "range") {
      status = 206;
      offset = range.start;
      length = range.end - range.start + 1;
      headers.set("Content-Range", `bytes ${range.start}-${range.end}/${size}`);
    }
    headers.set("Content-Length", String(length));
    if (request.method === "HEAD" || length === 0) return new Response(null, { status, headers });

    // Read the file by its own CID (stat resolved the path already), then stream it.
    const source = ipfs.cat(stat.cid, undefined, { offset, length });
    return new Response(toStream(source), { status, headers });
  }
}

/**
 * The store's error as the table answers it (by code, so a store opened by another bundle's copy
 * of the IPFS module is understood), in words that name the path; a failing store is logged there.
 */
function storeError(error: unknown, shown: string): Response {
  const words: Partial<Record<IpfsErrorCode, string>> = {
    NOT_FOUND: `${shown} is not in this node's store.`,
    NOT_A_FILE: `${shown} is a directory; this gateway serves files only.`,
    NOT_A_DIRECTORY: `${shown}: a path goes through a file.`,
    INVALID_INPUT: `Cannot serve ${shown}.`,
  };
  return errorResponse(error, { message: isIpfsError(error) ? words[error.code] : undefined });
}

/**
 * An async iterable as a web stream, pulled: a slow client slows the reads down instead of the
 * file piling up in memory, and a client that goes away stops them.
 */
function toStream(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}
