/** Small shared helpers for the IPFS tests. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect } from "chai";
import { IpfsError, type IpfsErrorCode } from "@ai-films/core/ipfs";

/** Deterministic pseudo-random bytes (xorshift), so fixtures need no files and CIDs are stable. */
export function bytesOf(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `ai-films-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Writes a tree: keys are relative paths, values file contents; a trailing "/" makes an empty dir. */
export function writeTree(root: string, files: Record<string, Uint8Array | string>): void {
  mkdirSync(root, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    if (path.endsWith("/")) {
      mkdirSync(join(root, path), { recursive: true });
      continue;
    }
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/** A small HLS-like folder with the awkward names the module must preserve. */
export const HLS_TREE: Record<string, Uint8Array | string> = {
  "master.m3u8": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\n720p/index.m3u8\n",
  "720p/index.m3u8": "#EXTM3U\n#EXTINF:4.0,\nseg 0.ts\n#EXTINF:4.0,\nsegment-1.ts\n",
  "720p/seg 0.ts": bytesOf(300_000, 7), // two chunks: exercises a dag-pb file inside a directory
  "720p/segment-1.ts": bytesOf(1_000, 8),
  "poster – affiche ✨.jpg": bytesOf(2_048, 9), // en dash, accent, emoji
  "日本語/説明.txt": "説明文",
  "empty/": "",
  "zero.bin": new Uint8Array(0),
};

export async function expectIpfsError(promise: Promise<unknown>, code: IpfsErrorCode, message?: RegExp): Promise<IpfsError> {
  try {
    await promise;
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(IpfsError);
    const ipfsError = error as IpfsError;
    expect(ipfsError.code, ipfsError.message).to.equal(code);
    if (message) expect(ipfsError.message).to.match(message);
    return ipfsError;
  }
  expect.fail(`expected an IpfsError ${code}`);
}

/** A TCP port nothing listens on (bound, then released), for "unreachable" tests. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function concat(chunks: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(chunks));
}
