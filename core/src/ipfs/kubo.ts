/**
 * The Kubo backend: a Kubo node over its HTTP RPC API (kubo-rpc-client), for deployments that
 * already run IPFS infrastructure. Same interface and same CIDs as the embedded Helia store.
 *
 * Reads (cat, ls, stat, has) are sent with Kubo's global `offline` option: the gateway serves the
 * platform's own content, so a CID the node does not hold is answered "not found" at once rather
 * than turning our server into an open proxy that searches the public network for arbitrary CIDs.
 */
import { create, type HTTPRPCOptions, type KuboRPCClient } from "kubo-rpc-client";
import { CID } from "multiformats/cid";
import { normalisePath, parseCid } from "./cid.ts";
import { describe, IpfsError, isIpfsError } from "./errors.ts";
import { kuboAddOptions } from "./layout.ts";
import { listDirectory, progressReporter, ROOT_NAME, toImportEntries } from "./source.ts";
import {
  byName,
  checkRangeFits,
  ClosedGuard,
  collect,
  validateBytes,
  validateRange,
  type ByteRange,
  type IpfsEntry,
  type IpfsStat,
  type IpfsStore,
  type ProgressFn,
} from "./store.ts";

/**
 * Kubo's global --offline flag. kubo-rpc-client copies every option key into the query string, but
 * its types do not list this one (and its `searchParams` option is lost when given a real
 * URLSearchParams, which it spreads like a plain object), hence the cast.
 */
const OFFLINE = { offline: true } as unknown as HTTPRPCOptions;
const CONNECT_TIMEOUT_MS = 5_000;

export async function openKuboStore(apiUrl: string): Promise<IpfsStore> {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new IpfsError("INVALID_INPUT", `IPFS API URL is not a valid URL: ${JSON.stringify(apiUrl)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new IpfsError("INVALID_INPUT", `IPFS API URL must be http(s), got ${url.protocol}`);
  }
  const shown = url.toString(); // before create(), which rewrites the URL's path to /api/v0
  const client = create({ url });
  const store = new KuboStore(client, shown);
  // Fail at start-up, with the URL in the message, rather than on the first upload.
  // (kubo-rpc-client's own `timeout` option is not applied by its fetch wrapper, hence the signal.)
  await store.call(() => client.version({ signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) }), "version");
  return store;
}

class KuboStore implements IpfsStore {
  readonly backend = "kubo";
  private readonly guard = new ClosedGuard();

  constructor(
    private readonly client: KuboRPCClient,
    private readonly apiUrl: string,
  ) {}

  async addBytes(bytes: Uint8Array): Promise<string> {
    this.guard.check();
    validateBytes(bytes);
    const result = await this.call(() => this.client.add(bytes, kuboAddOptions()), "add");
    return result.cid.toString();
  }

  async addDirectory(path: string, onProgress?: ProgressFn): Promise<string> {
    this.guard.check();
    const listing = await listDirectory(path);
    const progress = progressReporter(listing.totalBytes, onProgress);
    // Progress counts bytes as they are streamed into the upload; Kubo imports while it reads.
    const root = await this.call(async () => {
      let found: CID | undefined;
      for await (const entry of this.client.addAll(toImportEntries(listing, progress.add), kuboAddOptions())) {
        if (entry.path === ROOT_NAME) found = entry.cid;
      }
      return found;
    }, `add ${path}`);
    if (root === undefined) throw new IpfsError("BACKEND", `Kubo returned no root for ${path}`);
    progress.finish();
    return root.toString();
  }

  async *cat(cid: string, path?: string, range?: ByteRange): AsyncIterable<Uint8Array> {
    const info = await this.stat(cid, path);
    if (info.type !== "file") throw new IpfsError("NOT_A_FILE", `Not a file: ${target(cid, path)}`);
    const checked = validateRange(range);
    checkRangeFits(checked, info.size);
    if (checked?.length === 0) return;
    const source = this.client.cat(ipfsPath(info.cid), { ...OFFLINE, offset: checked?.offset, length: checked?.length });
    // Errors can surface mid-stream, so the iteration itself is wrapped, not just the call.
    try {
      yield* source;
    } catch (error) {
      throw this.toIpfsError(error, cid, path);
    }
  }

  catBytes(cid: string, path?: string, range?: ByteRange): Promise<Uint8Array> {
    return collect(this.cat(cid, path, range));
  }

  async stat(cid: string, path?: string): Promise<IpfsStat> {
    this.guard.check();
    const parsed = parseCid(cid);
    const inner = normalisePath(path);
    const stats = await this.call(() => this.client.files.stat(ipfsPath(parsed, inner), OFFLINE), "files/stat", cid, inner);
    const type = stats.type === "directory" ? "directory" : "file";
    return { type, size: type === "file" ? stats.size : 0, cid: stats.cid.toString() };
  }

  async ls(cid: string, path?: string): Promise<IpfsEntry[]> {
    const info = await this.stat(cid, path);
    if (info.type !== "directory") throw new IpfsError("NOT_A_DIRECTORY", `Not a directory: ${target(cid, path)}`);
    const entries = await this.call(
      async () => {
        const out: IpfsEntry[] = [];
        for await (const entry of this.client.ls(ipfsPath(info.cid), OFFLINE)) {
          // kubo-rpc-client reports an EMPTY directory as one nameless "file" entry (it treats
          // "no links" as "this is a file"); we know it is a directory, so that entry is dropped.
          if (typeof entry.name !== "string" || entry.name === "") continue;
          const type = entry.type === "dir" ? "directory" : "file";
          out.push({ name: entry.name, cid: entry.cid.toString(), type, size: type === "file" ? Number(entry.size) : 0 });
        }
        return out;
      },
      "ls",
      cid,
      path,
    );
    return entries.sort(byName);
  }

  async has(cid: string): Promise<boolean> {
    this.guard.check();
    const parsed = parseCid(cid);
    try {
      await this.call(() => this.client.block.stat(parsed, OFFLINE), "block/stat", cid);
      return true;
    } catch (error) {
      if (isIpfsError(error, "NOT_FOUND")) return false;
      throw error;
    }
  }

  async close(): Promise<void> {
    // Nothing to release: requests are plain fetch() calls, and the Kubo node is not ours to stop.
    this.guard.close();
  }

  /** Runs one RPC call, turning whatever it throws into an IpfsError. */
  async call<T>(fn: () => Promise<T>, what: string, cid?: string, path?: string): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.toIpfsError(error, cid, path, what);
    }
  }

  private toIpfsError(error: unknown, cid?: string, path?: string, what = "request"): IpfsError {
    if (isIpfsError(error)) return error;
    const name = (error as { name?: string } | undefined)?.name ?? "";
    // No HTTP response at all (refused, DNS, reset, our connect timeout): the node is unreachable.
    if (name !== "HTTPError") {
      return new IpfsError("UNREACHABLE", `IPFS API at ${this.apiUrl} is not reachable: ${describe(error)}`, { cause: error });
    }
    // Kubo answers errors with 500 and {"Message", "Code", "Type": "error"}; the client puts
    // Message into error.message. Kubo has no error codes finer than that, so we match text.
    const message = (error as Error).message;
    const lower = message.toLowerCase();
    const where = cid === undefined ? "" : ` ${target(cid, path)}`;
    if (/not found|could not find|no link named|does not exist|no such file/.test(lower)) {
      return new IpfsError(
        "NOT_FOUND",
        path ? `Path "${path}" not found under ${cid} on the Kubo node` : `CID not found on the Kubo node:${where}`,
        { cause: error },
      );
    }
    if (lower.includes("is a directory")) return new IpfsError("NOT_A_FILE", `Not a file:${where}`, { cause: error });
    if (lower.includes("not a directory")) return new IpfsError("NOT_A_DIRECTORY", `Not a directory:${where}`, { cause: error });
    if (/invalid (path|cid)|selected encoding not supported|unsupported/.test(lower)) {
      return new IpfsError("INVALID_INPUT", `Kubo refused${where}: ${message}`, { cause: error });
    }
    return new IpfsError("BACKEND", `Kubo ${what} failed${where}: ${message}`, { cause: error });
  }
}

function ipfsPath(cid: CID | string, path?: string): string {
  return path ? `/ipfs/${cid.toString()}/${path}` : `/ipfs/${cid.toString()}`;
}

function target(cid: string, path: string | undefined): string {
  return path ? `${cid}/${path}` : cid;
}
