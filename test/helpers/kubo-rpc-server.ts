/**
 * A stand-in for a Kubo daemon's HTTP RPC API, for testing the Kubo backend where no Kubo binary
 * can be installed. It implements only the endpoints our client calls, with Kubo's documented
 * shapes: POST only (anything else 405), NDJSON for add ({"Name","Hash","Size"}), errors as HTTP
 * 500 with {"Message","Code":0,"Type":"error"}, unknown endpoints 404 as plain text.
 *
 * Blocks live in an in-memory Helia node and files are imported with ipfs-unixfs-importer, so the
 * CIDs are real. The server reads the add options from the query string itself, with Kubo's
 * defaults (CIDv0, no raw leaves unless --cid-version=1, 256 KiB chunks, 174 links), instead of
 * sharing the app's layout module: a test then shows the client really sends options that make
 * Kubo produce the same CIDs as the Helia backend.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { unixfs, type UnixFS } from "@helia/unixfs";
import { createHeliaLight, type Helia } from "helia";
import { fixedSize } from "ipfs-unixfs-importer/chunker";
import { balanced } from "ipfs-unixfs-importer/layout";
import { CID } from "multiformats/cid";

export interface KuboRpcServer {
  /** Base URL to give the client, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Every request seen: endpoint (after /api/v0/) and query, for asserting on options sent. */
  requests: Array<{ endpoint: string; query: URLSearchParams }>;
  close(): Promise<void>;
}

/** Thrown inside handlers; becomes Kubo's 500 JSON error. */
class KuboError extends Error {}

export async function startKuboRpcServer(): Promise<KuboRpcServer> {
  const helia = createHeliaLight();
  await helia.start();
  const fs = unixfs(helia);
  const requests: KuboRpcServer["requests"] = [];

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, (error as Error).message);
      else res.destroy(error as Error);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!url.pathname.startsWith("/api/v0/")) return notFound(res);
    const endpoint = url.pathname.slice("/api/v0/".length);
    requests.push({ endpoint, query: url.searchParams });
    if (!(endpoint in handlers)) return notFound(res);
    // Kubo's RPC refuses GET (and everything but POST) since 0.5, as a CSRF defence.
    if (req.method !== "POST") {
      res.writeHead(405, { "Content-Type": "text/plain" }).end("405 - Method Not Allowed");
      return;
    }
    await handlers[endpoint]!(req, res, url.searchParams);
  }

  type Handler = (req: IncomingMessage, res: ServerResponse, q: URLSearchParams) => Promise<void>;
  const handlers: Record<string, Handler> = {
    version: async (req, res) => {
      await drain(req);
      sendJson(res, { Version: "0.0.0-test", Commit: "", Repo: "16", System: `${process.arch}/${process.platform}`, Golang: "" });
    },

    add: async (req, res, q) => {
      const body = await readBody(req);
      const parts = parseMultipart(body, req.headers["content-type"] ?? "");
      const cidVersion = Number(q.get("cid-version") ?? "0");
      if (cidVersion !== 0 && cidVersion !== 1) throw new KuboError(`unknown CID version: ${cidVersion}`);
      const rawLeaves = q.has("raw-leaves") ? q.get("raw-leaves") === "true" : cidVersion === 1;
      const chunker = q.get("chunker") ?? "size-262144";
      const match = /^size-(\d+)$/.exec(chunker);
      if (!match) throw new KuboError(`chunker "${chunker}" is not supported by this test server`);
      if ((q.get("hash") ?? "sha2-256") !== "sha2-256") throw new KuboError("only sha2-256 is supported by this test server");
      if (q.get("trickle") === "true") throw new KuboError("trickle is not supported by this test server");

      const results = [];
      for await (const entry of fs.addAll(parts, {
        cidVersion,
        rawLeaves,
        chunker: fixedSize({ chunkSize: Number(match[1]) }),
        layout: balanced({ maxChildrenPerNode: 174 }),
        shardSplitStrategy: "links-bytes",
        shardSplitThresholdBytes: 262_144,
        reduceSingleLeafToSelf: true,
        wrapWithDirectory: q.get("wrap-with-directory") === "true",
      })) {
        results.push(entry);
      }
      res.writeHead(200, { "Content-Type": "application/json", "X-Chunked-Output": "1", "X-Stream-Output": "1" });
      for (const entry of results) {
        // Kubo names an unnamed add by its hash, and sends Size as a string.
        const hash = entry.cid.toString();
        res.write(JSON.stringify({ Name: entry.path || hash, Hash: hash, Size: String(entry.size) }) + "\n");
      }
      res.end();
    },

    cat: async (req, res, q) => {
      await drain(req);
      const { cid, path } = resolveArg(q);
      const stats = await statOrFail(fs, cid, path);
      if (stats.type === "directory") throw new KuboError("this dag node is a directory");
      const offset = Number(q.get("offset") ?? "0");
      const length = q.has("length") ? Number(q.get("length")) : undefined;
      if (offset < 0) throw new KuboError("cannot specify negative offset");
      if (length !== undefined && length < 0) throw new KuboError("cannot specify negative length");
      res.writeHead(200, { "Content-Type": "text/plain", "X-Stream-Output": "1" });
      if (length === 0 || offset >= Number(stats.size)) return void res.end();
      for await (const chunk of fs.cat(stats.cid, { offline: true, offset, length })) res.write(chunk);
      res.end();
    },

    ls: async (req, res, q) => {
      await drain(req);
      const arg = q.get("arg") ?? "";
      const { cid, path } = resolveArg(q);
      const stats = await statOrFail(fs, cid, path);
      const links = [];
      if (stats.type === "directory") {
        for await (const link of fs.ls(stats.cid, { offline: true })) {
          const child = await fs.stat(link.cid, { offline: true });
          const isDir = child.type === "directory";
          // Kubo: Type 1 = directory, 2 = file (raw leaves count as files); Size = file size.
          links.push({ Name: link.name, Hash: link.cid.toString(), Size: isDir ? 0 : Number(child.size), Type: isDir ? 1 : 2, Target: "" });
        }
      }
      sendJson(res, { Objects: [{ Hash: arg, Links: links }] });
    },

    "files/stat": async (req, res, q) => {
      await drain(req);
      const { cid, path } = resolveArg(q);
      const stats = await statOrFail(fs, cid, path);
      const extended = await fs.stat(stats.cid, { offline: true, extended: true });
      sendJson(res, {
        Hash: stats.cid.toString(),
        Size: stats.type === "directory" ? 0 : Number(stats.size),
        CumulativeSize: Number(extended.dagSize),
        Blocks: stats.type === "raw" ? 0 : (stats.unixfs?.blockSizes.length ?? 0),
        Type: stats.type === "directory" ? "directory" : "file",
        WithLocality: false,
      });
    },

    "block/stat": async (req, res, q) => {
      await drain(req);
      const cid = parseCidArg(q.get("arg") ?? "");
      if (!(await helia.blockstore.has(cid))) throw new KuboError(notLocal(cid));
      let size = 0;
      for await (const chunk of helia.blockstore.get(cid, { offline: true })) size += chunk.byteLength;
      sendJson(res, { Key: cid.toString(), Size: size });
    },
  };

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await (helia as Helia).stop();
    },
  };
}

function notLocal(cid: CID): string {
  return `block was not found locally (offline): ipld: could not find ${cid}`;
}

function parseCidArg(value: string): CID {
  try {
    return CID.parse(value);
  } catch (error) {
    throw new KuboError(`invalid path "${value}": ${(error as Error).message}`);
  }
}

/** "/ipfs/<cid>/a/b" or "<cid>/a/b" → the CID and the path under it. */
function resolveArg(q: URLSearchParams): { cid: CID; path: string | undefined } {
  const arg = q.get("arg");
  if (arg === null) throw new KuboError('argument "ipfs-path" is required');
  const segments = arg
    .replace(/^\/ipfs\//, "")
    .split("/")
    .filter((s) => s !== "");
  const cid = parseCidArg(segments[0] ?? "");
  return { cid, path: segments.length > 1 ? segments.slice(1).join("/") : undefined };
}

async function statOrFail(fs: UnixFS, cid: CID, path: string | undefined) {
  try {
    return await fs.stat(cid, { offline: true, path });
  } catch (error) {
    const name = (error as Error).name;
    if (name === "BlockNotFoundWhileOfflineError") throw new KuboError(notLocal(cid));
    if ((name === "NotFoundError" || name === "DoesNotExistError") && path !== undefined) {
      throw new KuboError(`no link named "${path.split("/").pop()}" under ${cid}`);
    }
    throw error;
  }
}

interface Part {
  path: string;
  content?: Uint8Array;
}

/**
 * Just enough multipart/form-data for kubo-rpc-client's uploads: one part per file or directory,
 * the path URL-encoded in `filename`, directories typed application/x-directory.
 */
function parseMultipart(body: Buffer, contentType: string): Part[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) throw new KuboError("request Content-Type is not multipart/form-data with a boundary");
  const delimiter = Buffer.from(`\r\n--${boundary[1] ?? boundary[2]}`);
  const data = Buffer.concat([Buffer.from("\r\n"), body]);
  const parts: Part[] = [];
  let at = data.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (data.subarray(start, start + 2).toString() === "--") break; // closing delimiter
    const next = data.indexOf(delimiter, start);
    if (next === -1) throw new KuboError("multipart body ends without a closing boundary");
    const part = data.subarray(start + 2, next); // skip the CRLF after the boundary
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd === -1) throw new KuboError("multipart part without headers");
    const headers = part.subarray(0, headerEnd).toString("utf8");
    const filename = /filename="([^"]*)"/.exec(headers)?.[1] ?? "";
    const path = decodeURIComponent(filename);
    const isDir = /content-type:\s*application\/x-directory/i.test(headers);
    parts.push(isDir ? { path } : { path, content: new Uint8Array(part.subarray(headerEnd + 4)) });
    at = next;
  }
  return parts;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req);
}

function sendJson(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(value) + "\n");
}

function sendError(res: ServerResponse, message: string): void {
  res.writeHead(500, { "Content-Type": "application/json" }).end(JSON.stringify({ Message: message, Code: 0, Type: "error" }) + "\n");
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { "Content-Type": "text/plain" }).end("404 page not found");
}
