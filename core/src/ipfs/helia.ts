/**
 * The default backend: an embedded Helia node with no networking at all, its blocks and small
 * metadata in plain files under one directory, so content survives restarts.
 *
 * Offline by construction: createHeliaLight() adds no libp2p, no routers and no block brokers, so
 * nothing is ever dialled, and every read also passes `offline: true` so a missing block fails at
 * once ("not in the local store") instead of waiting for a network that is not there.
 *
 * Sharing a data directory between processes (web server + CLI): blockstore-fs and datastore-fs
 * take no lock, and none is needed for what we do. Each block is one file named after its hash,
 * written to a temp file and renamed into place, so several processes can add at once and each
 * reads what the others wrote (tested). One narrow caveat: if two processes write the SAME new
 * block at the same instant they share the temp file name, and for a moment the block file may be
 * incomplete until the slower writer finishes; a read of exactly that block in that moment could
 * fail or return short data. Skipping blocks already on disk (blockstore.ts) makes this rare; the
 * end state is always correct. What is NOT safe across processes is garbage
 * collection (Helia's GC lock only spans the threads of one process) and pin bookkeeping (a
 * read-modify-write per block). This module therefore never pins and never runs GC: nothing is
 * ever deleted from the store. Whoever adds GC must also add pinning and run it in one process.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { unixfs, type UnixFS } from "@helia/unixfs";
import { FsDatastore } from "datastore-fs";
import { createHeliaLight, type Helia } from "helia";
import type { CID } from "multiformats/cid";
import { DedupingFsBlockstore } from "./blockstore.ts";
import { normalisePath, parseCid } from "./cid.ts";
import { describe, IpfsError, isIpfsError } from "./errors.ts";
import { heliaImportOptions } from "./layout.ts";
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

const OFFLINE = { offline: true } as const;

export async function openHeliaStore(dataDir: string): Promise<IpfsStore> {
  let helia: Helia;
  try {
    await mkdir(dataDir, { recursive: true });
    const blockstore = new DedupingFsBlockstore(join(dataDir, "blocks"));
    const datastore = new FsDatastore(join(dataDir, "datastore"));
    await blockstore.open();
    await datastore.open();
    helia = createHeliaLight({ blockstore, datastore });
    await helia.start();
  } catch (error) {
    throw new IpfsError("BACKEND", `Cannot open the local IPFS store at ${dataDir}: ${describe(error)}`, { cause: error });
  }
  return new HeliaStore(helia, unixfs(helia));
}

class HeliaStore implements IpfsStore {
  readonly backend = "helia";
  private readonly guard = new ClosedGuard();

  constructor(
    private readonly helia: Helia,
    private readonly fs: UnixFS,
  ) {}

  async addBytes(bytes: Uint8Array): Promise<string> {
    this.guard.check();
    validateBytes(bytes);
    try {
      return (await this.fs.addBytes(bytes, heliaImportOptions())).toString();
    } catch (error) {
      throw new IpfsError("BACKEND", `Adding bytes to the local IPFS store failed: ${describe(error)}`, { cause: error });
    }
  }

  async addDirectory(path: string, onProgress?: ProgressFn): Promise<string> {
    this.guard.check();
    const listing = await listDirectory(path);
    const progress = progressReporter(listing.totalBytes, onProgress);
    let root: CID | undefined;
    try {
      for await (const entry of this.fs.addAll(toImportEntries(listing, progress.add), heliaImportOptions())) {
        if (entry.path === ROOT_NAME) root = entry.cid;
      }
    } catch (error) {
      throw new IpfsError("BACKEND", `Adding ${path} to the local IPFS store failed: ${describe(error)}`, { cause: error });
    }
    if (root === undefined) throw new IpfsError("BACKEND", `The importer returned no root for ${path}`);
    progress.finish();
    return root.toString();
  }

  async *cat(cid: string, path?: string, range?: ByteRange): AsyncIterable<Uint8Array> {
    // stat first: a clear NOT_A_FILE / NOT_FOUND before the first byte, and ranges checked
    // against the real size, the same way on both backends.
    const info = await this.stat(cid, path);
    if (info.type !== "file") throw new IpfsError("NOT_A_FILE", `Not a file: ${describeTarget(cid, path)}`);
    const checked = validateRange(range);
    checkRangeFits(checked, info.size);
    if (checked?.length === 0) return;
    try {
      yield* this.fs.cat(parseCid(info.cid), { ...OFFLINE, offset: checked?.offset, length: checked?.length });
    } catch (error) {
      throw toIpfsError(error, cid, path);
    }
  }

  catBytes(cid: string, path?: string, range?: ByteRange): Promise<Uint8Array> {
    return collect(this.cat(cid, path, range));
  }

  async stat(cid: string, path?: string): Promise<IpfsStat> {
    this.guard.check();
    const parsed = parseCid(cid);
    const inner = normalisePath(path);
    try {
      const stats = await this.fs.stat(parsed, { ...OFFLINE, path: inner });
      const type = stats.type === "directory" ? "directory" : "file";
      return { type, size: type === "file" ? Number(stats.size) : 0, cid: stats.cid.toString() };
    } catch (error) {
      throw toIpfsError(error, cid, inner);
    }
  }

  async ls(cid: string, path?: string): Promise<IpfsEntry[]> {
    const info = await this.stat(cid, path);
    if (info.type !== "directory") {
      throw new IpfsError("NOT_A_DIRECTORY", `Not a directory: ${describeTarget(cid, path)}`);
    }
    const entries: IpfsEntry[] = [];
    try {
      // ls gives names and link sizes (DAG bytes, not file bytes) but no types, so each child
      // is stat'ed: one root-block read each, cheap next to the files themselves.
      for await (const link of this.fs.ls(parseCid(info.cid), OFFLINE)) {
        const child = await this.fs.stat(link.cid, OFFLINE);
        const type = child.type === "directory" ? "directory" : "file";
        entries.push({ name: link.name, cid: link.cid.toString(), type, size: type === "file" ? Number(child.size) : 0 });
      }
    } catch (error) {
      throw toIpfsError(error, cid, path);
    }
    return entries.sort(byName);
  }

  async has(cid: string): Promise<boolean> {
    this.guard.check();
    const parsed = parseCid(cid);
    try {
      // has() only ever looks at the local blockstore; it never fetches.
      return await this.helia.blockstore.has(parsed);
    } catch (error) {
      throw toIpfsError(error, cid);
    }
  }

  async close(): Promise<void> {
    if (!this.guard.close()) return;
    await this.helia.stop();
  }
}

function describeTarget(cid: string, path: string | undefined): string {
  return path ? `${cid}/${path}` : cid;
}

/** Maps Helia / UnixFS errors (matched by name: they come from several packages) to IpfsError. */
function toIpfsError(error: unknown, cid: string, path?: string): IpfsError {
  if (isIpfsError(error)) return error;
  const name = (error as { name?: string } | undefined)?.name ?? "";
  switch (name) {
    case "BlockNotFoundWhileOfflineError":
    case "NotFoundError":
    case "DoesNotExistError":
      return new IpfsError(
        "NOT_FOUND",
        path ? `Path "${path}" not found under ${cid} in the local IPFS store` : `CID not found in the local IPFS store: ${cid}`,
        { cause: error },
      );
    case "NotAFileError":
    case "NoContentError":
      return new IpfsError("NOT_A_FILE", `Not a file: ${describeTarget(cid, path)}`, { cause: error });
    case "NotADirectoryError":
      return new IpfsError("NOT_A_DIRECTORY", `Not a directory: ${describeTarget(cid, path)}`, { cause: error });
    case "NotUnixFSError":
    case "NoResolverError":
      return new IpfsError("INVALID_INPUT", `Not UnixFS content: ${describeTarget(cid, path)}`, { cause: error });
    default:
      return new IpfsError("BACKEND", `Local IPFS store error for ${describeTarget(cid, path)}: ${describe(error)}`, {
        cause: error,
      });
  }
}
