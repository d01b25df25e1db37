/**
 * Turns a directory on disk into the flat list of entries both UnixFS importers understand, so the
 * two backends add exactly the same tree (and so get the same CID).
 */
import { createReadStream } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { IpfsError } from "./errors.ts";

/**
 * Every entry is placed under this top-level name and the CID of the entry with exactly this path
 * is the result. The name itself never enters the CID (a directory's CID covers its contents, not
 * its own name), so a fixed ASCII name avoids carrying odd local folder names to Kubo.
 */
export const ROOT_NAME = "root";

export interface DirectoryEntry {
  /** Path relative to the directory being added, "/"-separated; "" for the directory itself. */
  relativePath: string;
  absolutePath: string;
  kind: "file" | "directory";
  size: number;
}

export interface DirectoryListing {
  entries: DirectoryEntry[];
  totalBytes: number;
}

/**
 * Walks `root` depth-first, each directory before its contents and siblings in name order. Kubo's
 * multipart parser wants a directory's part before its children's, and a stable order makes
 * progress reports repeatable. Symlinks and special files are refused rather than followed: Kubo
 * would store a symlink as a UnixFS symlink node, Helia's importer cannot, and following them could
 * escape the folder. A clear error beats silently different CIDs.
 */
export async function listDirectory(root: string): Promise<DirectoryListing> {
  if (typeof root !== "string" || root.length === 0) {
    throw new IpfsError("INVALID_INPUT", "Directory path must be a non-empty string");
  }
  let rootStat;
  try {
    rootStat = await lstat(root);
  } catch (error) {
    throw new IpfsError("INVALID_INPUT", `Cannot read directory ${root}: ${(error as Error).message}`, { cause: error });
  }
  if (!rootStat.isDirectory()) {
    throw new IpfsError("INVALID_INPUT", `Not a directory: ${root}`);
  }

  const entries: DirectoryEntry[] = [{ relativePath: "", absolutePath: root, kind: "directory", size: 0 }];
  let totalBytes = 0;

  async function walk(absoluteDir: string, relativeDir: string): Promise<void> {
    const children = await readdir(absoluteDir, { withFileTypes: true });
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of children) {
      const absolutePath = join(absoluteDir, child.name);
      const relativePath = relativeDir === "" ? child.name : `${relativeDir}/${child.name}`;
      if (child.isDirectory()) {
        entries.push({ relativePath, absolutePath, kind: "directory", size: 0 });
        await walk(absolutePath, relativePath);
      } else if (child.isFile()) {
        const { size } = await lstat(absolutePath);
        entries.push({ relativePath, absolutePath, kind: "file", size });
        totalBytes += size;
      } else {
        throw new IpfsError("INVALID_INPUT", `Only regular files and directories can be added, not: ${absolutePath}`);
      }
    }
  }
  await walk(root, "");
  return { entries, totalBytes };
}

/** What both importers accept: a path, and content for files (none for directories). */
export interface ImportEntry {
  path: string;
  content?: AsyncIterable<Uint8Array>;
}

/**
 * The listing as importer input under ROOT_NAME. File contents are opened lazily, only when the
 * importer pulls them, so a folder of thousands of HLS segments does not open thousands of file
 * descriptors at once; `onBytes` hears every chunk as it is read (progress).
 */
export function toImportEntries(listing: DirectoryListing, onBytes: (n: number) => void): ImportEntry[] {
  return listing.entries.map((entry) => {
    const path = entry.relativePath === "" ? ROOT_NAME : `${ROOT_NAME}/${entry.relativePath}`;
    if (entry.kind === "directory") return { path };
    return { path, content: readCounting(entry.absolutePath, onBytes) };
  });
}

async function* readCounting(path: string, onBytes: (n: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of createReadStream(path)) {
    const bytes = chunk as Buffer;
    onBytes(bytes.byteLength);
    yield bytes;
  }
}

/** Progress callbacks must never break an add: a throwing UI callback is ignored. */
export function progressReporter(
  total: number,
  onProgress?: (bytesDone: number, bytesTotal: number) => void,
): { add(n: number): void; finish(): void } {
  let done = 0;
  const report = (): void => {
    try {
      onProgress?.(done, total);
    } catch {
      /* the caller's problem, not the add's */
    }
  };
  report();
  return {
    add(n) {
      done += n;
      report();
    },
    finish() {
      done = total;
      report();
    },
  };
}
