/**
 * The embedded Helia store: CIDs checked against independently computed values (what Kubo's
 * `ipfs add --cid-version=1 --raw-leaves` produces), persistence across restarts, and several
 * processes sharing one data directory.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect } from "chai";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { sha256 } from "multiformats/hashes/sha2";
import { DEFAULT_IPFS_DATA_DIR, openIpfs, type IpfsStore } from "@ai-films/core/ipfs";
import { bytesOf, expectIpfsError, HLS_TREE, tempDir, writeTree } from "./helpers.ts";

const CHUNK = 262_144;
const DAG_PB = 0x70;

// --- a minimal, independent dag-pb + UnixFS encoder (protobuf by hand), for the vectors ---------
function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
function field(num: number, bytes: Uint8Array | number[]): number[] {
  return [...varint((num << 3) | 2), ...varint(bytes.length), ...bytes]; // length-delimited
}
function varintField(num: number, value: number): number[] {
  return [...varint(num << 3), ...varint(value)];
}
interface Link {
  cid: CID;
  name: string;
  tsize: number;
}
/** dag-pb PBNode: Links (field 2) first, then Data (field 1), as the dag-pb spec fixes. */
async function dagPbCid(links: Link[], data: number[]): Promise<CID> {
  const bytes: number[] = [];
  for (const link of links) {
    const pbLink = [...field(1, link.cid.bytes), ...field(2, new TextEncoder().encode(link.name)), ...varintField(3, link.tsize)];
    bytes.push(...field(2, pbLink));
  }
  bytes.push(...field(1, data));
  return CID.create(1, DAG_PB, await sha256.digest(Uint8Array.from(bytes)));
}
async function rawCid(bytes: Uint8Array): Promise<CID> {
  return CID.create(1, raw.code, await sha256.digest(bytes));
}

describe("ipfs: embedded Helia store", function () {
  this.timeout(30_000);
  const dir = tempDir("ipfs-helia");
  let store: IpfsStore;
  before(async () => {
    store = await openIpfs({ dataDir: join(dir.path, "main") });
  });
  after(async () => {
    await store?.close();
    dir.remove();
  });

  describe("CIDs match Kubo's --cid-version=1 --raw-leaves", () => {
    it("a file of up to one chunk is a single raw block: CIDv1(raw, sha2-256(bytes))", async () => {
      for (const bytes of [new TextEncoder().encode("hello world\n"), bytesOf(100_000, 5), bytesOf(CHUNK, 6)]) {
        expect(await store.addBytes(bytes)).to.equal((await rawCid(bytes)).toString());
      }
      // the well-known empty file
      expect(await store.addBytes(new Uint8Array(0))).to.equal("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
    });

    it("a larger file is a dag-pb root over 256 KiB raw leaves (balanced, UnixFS file)", async () => {
      const bytes = bytesOf(2 * CHUNK + 5_000, 11);
      const sizes = [CHUNK, CHUNK, 5_000];
      const leaves: Link[] = [];
      let at = 0;
      for (const size of sizes) {
        leaves.push({ cid: await rawCid(bytes.subarray(at, at + size)), name: "", tsize: size });
        at += size;
      }
      // UnixFS Data: Type=File(2), filesize, blocksizes (repeated, unpacked)
      const unixfs = [...varintField(1, 2), ...varintField(3, bytes.length), ...sizes.flatMap((s) => varintField(4, s))];
      const expected = await dagPbCid(leaves, unixfs);
      expect(await store.addBytes(bytes)).to.equal(expected.toString());
    });

    it("one byte over a chunk already makes two leaves", async () => {
      const cid = await store.addBytes(bytesOf(CHUNK + 1, 12));
      expect(CID.parse(cid).code).to.equal(DAG_PB);
    });

    it("a directory is a dag-pb UnixFS directory with named links; the empty one is Kubo's", async () => {
      const src = join(dir.path, "vector-dir");
      writeTree(src, { "a b.txt": "A", "é.txt": "E" });
      const links = [
        { cid: await rawCid(new TextEncoder().encode("A")), name: "a b.txt", tsize: 1 },
        { cid: await rawCid(new TextEncoder().encode("E")), name: "é.txt", tsize: 1 },
      ];
      const expected = await dagPbCid(links, varintField(1, 1)); // Type=Directory(1)
      expect(await store.addDirectory(src)).to.equal(expected.toString());

      const empty = join(dir.path, "vector-empty");
      writeTree(empty, {});
      const kuboEmptyDir = CID.parse("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn").toV1();
      expect(await store.addDirectory(empty)).to.equal(kuboEmptyDir.toString());
    });

    it("pins the CIDs of fixed inputs (a change here changes every CID the app has minted)", async () => {
      expect(await store.addBytes(bytesOf(600_000, 1))).to.equal("bafybeig5jzn6hotazwrdrnyqmudigyg246ftnablusddy7h3qst6hhheva");
      const src = join(dir.path, "pinned-hls");
      writeTree(src, HLS_TREE);
      expect(await store.addDirectory(src)).to.equal("bafybeiamxikfc4mlgpep5xybxocx4xefzeqm3ka2hw2c4gmz2ejk7d7nyq");
    });
  });

  describe("storage on disk", () => {
    it("keeps content across close and reopen of the same data directory", async () => {
      const dataDir = join(dir.path, "persist");
      const bytes = bytesOf(700_000, 21);
      const src = join(dir.path, "persist-src");
      writeTree(src, HLS_TREE);
      const first = await openIpfs({ dataDir });
      const fileCid = await first.addBytes(bytes);
      const dirCid = await first.addDirectory(src);
      await first.close();

      const again = await openIpfs({ dataDir });
      try {
        expect(await again.has(fileCid)).to.equal(true);
        expect(await again.catBytes(fileCid)).to.deep.equal(bytes);
        expect((await again.ls(dirCid)).length).to.equal(6);
        expect(await again.catBytes(dirCid, "720p/seg 0.ts")).to.deep.equal(HLS_TREE["720p/seg 0.ts"]);
      } finally {
        await again.close();
      }
    });

    it("stores 256 KiB blocks as files: 600 000 bytes are 3 leaves + 1 root", async () => {
      const dataDir = join(dir.path, "blocks-count");
      const fresh = await openIpfs({ dataDir });
      try {
        await fresh.addBytes(bytesOf(600_000, 31));
      } finally {
        await fresh.close();
      }
      const blocks = readdirSync(join(dataDir, "blocks"), { recursive: true }).filter((f) => String(f).endsWith(".data"));
      expect(blocks.length).to.equal(4);
    });

    it("writes a block only once when an import produces it several times at once", async () => {
      // blockstore-fs alone stalls ~1 s on concurrent writes of one block (see blockstore.ts).
      const src = join(dir.path, "duplicates");
      const segment = bytesOf(50_000, 41);
      writeTree(src, { "a/1.ts": segment, "a/2.ts": segment, "b/1.ts": segment, "b/2.ts": segment, "e1/": "", "e2/": "" });
      const fresh = await openIpfs({ dataDir: join(dir.path, "dedupe") });
      try {
        const started = Date.now();
        const cid = await fresh.addDirectory(src);
        expect(Date.now() - started).to.be.below(500);
        expect(await fresh.catBytes(cid, "b/2.ts")).to.deep.equal(segment);
      } finally {
        await fresh.close();
      }
    });

    it("never goes to the network: an unknown CID fails at once", async () => {
      const started = Date.now();
      await expectIpfsError(store.catBytes("bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"), "NOT_FOUND", /local IPFS store/);
      expect(Date.now() - started).to.be.below(1_000);
    });

    it("lets several processes share one data directory (no lock; blocks are written atomically)", async () => {
      const dataDir = join(dir.path, "shared");
      const shared = await openIpfs({ dataDir }); // held open by this process throughout
      try {
        const mine = await shared.addBytes(new TextEncoder().encode("from the web server"));
        // two other processes at once, one adding the same bytes as the other
        const [a, b, c] = await Promise.all([
          inChild(dataDir, "from a CLI", mine),
          inChild(dataDir, "from a CLI", mine),
          inChild(dataDir, "from another CLI", mine),
        ]);
        for (const child of [a, b, c]) expect(child.other).to.equal("from the web server");
        expect(a.cid).to.equal(b.cid);
        // this (still open) process sees what the others wrote
        expect(new TextDecoder().decode(await shared.catBytes(a.cid))).to.equal("from a CLI");
        expect(new TextDecoder().decode(await shared.catBytes(c.cid))).to.equal("from another CLI");
      } finally {
        await shared.close();
      }
    });
  });

  describe("choosing the store", () => {
    const saved = { data: process.env.IPFS_DATA_DIR, api: process.env.IPFS_API_URL };
    afterEach(() => {
      restore("IPFS_DATA_DIR", saved.data);
      restore("IPFS_API_URL", saved.api);
    });

    it("defaults to <project>/.data/ipfs", () => {
      const project = fileURLToPath(new URL("../../", import.meta.url));
      expect(DEFAULT_IPFS_DATA_DIR).to.equal(join(project, ".data", "ipfs"));
    });

    it("uses IPFS_DATA_DIR when no option is given", async () => {
      const envDir = join(dir.path, "from-env");
      process.env.IPFS_DATA_DIR = envDir;
      delete process.env.IPFS_API_URL;
      const fromEnv = await openIpfs();
      try {
        expect(fromEnv.backend).to.equal("helia");
        await fromEnv.addBytes(new Uint8Array([9]));
      } finally {
        await fromEnv.close();
      }
      expect(existsSync(join(envDir, "blocks"))).to.equal(true);
    });

    it("an explicit dataDir wins over IPFS_API_URL", async () => {
      process.env.IPFS_API_URL = "http://127.0.0.1:9"; // would be unreachable if it were used
      const local = await openIpfs({ dataDir: join(dir.path, "explicit") });
      expect(local.backend).to.equal("helia");
      await local.close();
    });
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

const INDEX = fileURLToPath(new URL("../../core/src/ipfs/index.ts", import.meta.url));
const CHILD = `
import { openIpfs } from ${JSON.stringify(INDEX)};
const [dataDir, text, otherCid] = process.argv.slice(1);
const store = await openIpfs({ dataDir });
try {
  const cid = await store.addBytes(new TextEncoder().encode(text));
  const other = new TextDecoder().decode(await store.catBytes(otherCid));
  process.stdout.write(JSON.stringify({ cid, other }));
} finally {
  await store.close();
}`;

/** Another Node process (as a CLI would be) opening the same data directory. */
async function inChild(dataDir: string, text: string, otherCid: string): Promise<{ cid: string; other: string }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "--eval", CHILD, dataDir, text, otherCid],
    { cwd: fileURLToPath(new URL("../../", import.meta.url)), env: { ...process.env, IPFS_API_URL: "" } },
  );
  return JSON.parse(stdout) as { cid: string; other: string };
}
