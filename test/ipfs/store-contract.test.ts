/**
 * One behaviour, two backends: every test here runs against the embedded Helia store and against
 * the Kubo backend (talking to the in-process Kubo RPC stand-in). Anything the app relies on
 * (bytes round-trip, ranges, listings, error codes) must not depend on configuration.
 */
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { openIpfs, type IpfsStore } from "@ai-films/core/ipfs";
import { startKuboRpcServer, type KuboRpcServer } from "../helpers/kubo-rpc-server.ts";
import { bytesOf, concat, expectIpfsError, HLS_TREE, tempDir, writeTree } from "./helpers.ts";

const UNKNOWN_CID = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"; // never added anywhere
const CHUNK = 262_144;

interface Backend {
  name: "helia" | "kubo";
  open(): Promise<IpfsStore>;
  teardown(): Promise<void>;
}

function heliaBackend(): Backend {
  const dir = tempDir("ipfs-contract");
  return {
    name: "helia",
    open: () => openIpfs({ dataDir: join(dir.path, "store") }),
    teardown: async () => dir.remove(),
  };
}

function kuboBackend(): Backend {
  let server: KuboRpcServer | undefined;
  return {
    name: "kubo",
    open: async () => {
      server ??= await startKuboRpcServer();
      return openIpfs({ apiUrl: server.url });
    },
    teardown: async () => server?.close(),
  };
}

for (const makeBackend of [heliaBackend, kuboBackend]) {
  const backend = makeBackend();

  describe(`ipfs store contract: ${backend.name}`, function () {
    this.timeout(20_000);
    let store: IpfsStore;
    const files = tempDir("ipfs-src");
    const hlsDir = join(files.path, "hls");
    let hlsCid: string;

    before(async () => {
      store = await backend.open();
      expect(store.backend).to.equal(backend.name);
      writeTree(hlsDir, HLS_TREE);
      hlsCid = await store.addDirectory(hlsDir);
    });
    after(async () => {
      await store?.close();
      await backend.teardown();
      files.remove();
    });

    describe("bytes", () => {
      it("round-trips small, multi-chunk and empty files", async () => {
        for (const bytes of [new TextEncoder().encode("hello, films"), bytesOf(2 * CHUNK + 1234), new Uint8Array(0)]) {
          const cid = await store.addBytes(bytes);
          expect(await store.catBytes(cid)).to.deep.equal(bytes);
          expect(await store.stat(cid)).to.deep.equal({ type: "file", size: bytes.length, cid });
          expect(await store.has(cid)).to.equal(true);
        }
      });

      it("gives the same CID for the same bytes, and different CIDs otherwise", async () => {
        const a = bytesOf(5_000, 1);
        const b = bytesOf(5_000, 2);
        const first = await store.addBytes(a);
        expect(await store.addBytes(Uint8Array.from(a))).to.equal(first);
        expect(await store.addBytes(b)).to.not.equal(first);
      });

      it("streams a large file as several chunks", async () => {
        const bytes = bytesOf(3 * CHUNK, 3);
        const cid = await store.addBytes(bytes);
        const chunks: Uint8Array[] = [];
        for await (const chunk of store.cat(cid)) chunks.push(chunk);
        expect(chunks.length).to.be.greaterThan(1);
        expect(concat(chunks)).to.deep.equal(bytes);
      });

      it("refuses what is not a Uint8Array", async () => {
        await expectIpfsError(store.addBytes("text" as unknown as Uint8Array), "INVALID_INPUT", /Uint8Array/);
      });
    });

    describe("byte ranges", () => {
      const bytes = bytesOf(2 * CHUNK + 10_000, 4);
      let cid: string;
      before(async () => {
        cid = await store.addBytes(bytes);
      });

      it("returns exactly the requested slice, across chunk boundaries too", async () => {
        const cases: Array<[number, number | undefined]> = [
          [0, 10],
          [5, 100],
          [CHUNK - 3, 6], // straddles the first leaf boundary
          [CHUNK, CHUNK], // exactly the second leaf
          [CHUNK - 1, CHUNK + 2], // touches three leaves
          [bytes.length - 7, undefined], // to the end
          [123_456, undefined],
          [0, undefined],
        ];
        for (const [offset, length] of cases) {
          const expected = bytes.subarray(offset, length === undefined ? undefined : offset + length);
          const got = await store.catBytes(cid, undefined, { offset, length });
          expect(got, `offset ${offset} length ${length}`).to.deep.equal(expected);
        }
      });

      it("clamps a length past the end, and gives nothing for empty ranges", async () => {
        expect(await store.catBytes(cid, undefined, { offset: bytes.length - 5, length: 1_000 })).to.deep.equal(bytes.subarray(-5));
        expect((await store.catBytes(cid, undefined, { offset: 10, length: 0 })).length).to.equal(0);
        expect((await store.catBytes(cid, undefined, { offset: bytes.length })).length).to.equal(0);
      });

      it("refuses ranges that start past the end or are malformed", async () => {
        await expectIpfsError(store.catBytes(cid, undefined, { offset: bytes.length + 1 }), "INVALID_INPUT", /beyond the end/);
        await expectIpfsError(store.catBytes(cid, undefined, { offset: -1 }), "INVALID_INPUT", /offset/);
        await expectIpfsError(store.catBytes(cid, undefined, { offset: 1.5 }), "INVALID_INPUT", /offset/);
        await expectIpfsError(store.catBytes(cid, undefined, { offset: 0, length: -2 }), "INVALID_INPUT", /length/);
      });
    });

    describe("directories", () => {
      it("lists entries in name order with types and file sizes", async () => {
        const entries = await store.ls(hlsCid);
        expect(entries.map((e) => [e.name, e.type, e.size])).to.deep.equal([
          ["720p", "directory", 0],
          ["empty", "directory", 0],
          ["master.m3u8", "file", (HLS_TREE["master.m3u8"] as string).length],
          ["poster – affiche ✨.jpg", "file", 2_048],
          ["zero.bin", "file", 0],
          ["日本語", "directory", 0],
        ]);
        const sub = await store.ls(hlsCid, "720p");
        expect(sub.map((e) => e.name)).to.deep.equal(["index.m3u8", "seg 0.ts", "segment-1.ts"]);
        expect(await store.ls(hlsCid, "empty")).to.deep.equal([]);
        // each entry's CID is usable on its own
        const poster = entries.find((e) => e.name.startsWith("poster"))!;
        expect(await store.catBytes(poster.cid)).to.deep.equal(HLS_TREE["poster – affiche ✨.jpg"]);
      });

      it("serves files by path, names with spaces and unicode included", async () => {
        for (const [path, content] of Object.entries(HLS_TREE)) {
          if (path.endsWith("/")) continue;
          const expected = typeof content === "string" ? new TextEncoder().encode(content) : content;
          expect(await store.catBytes(hlsCid, path), path).to.deep.equal(expected);
          expect((await store.stat(hlsCid, path)).size, path).to.equal(expected.length);
        }
        expect(await store.catBytes(hlsCid, "/720p//seg 0.ts", { offset: CHUNK, length: 4 })).to.deep.equal(
          (HLS_TREE["720p/seg 0.ts"] as Uint8Array).subarray(CHUNK, CHUNK + 4),
        );
      });

      it("stats directories and resolves paths to their own CIDs", async () => {
        const root = await store.stat(hlsCid);
        expect(root).to.deep.equal({ type: "directory", size: 0, cid: hlsCid });
        const sub = await store.stat(hlsCid, "720p");
        expect(sub.type).to.equal("directory");
        expect((await store.ls(sub.cid)).length).to.equal(3);
        const file = await store.stat(hlsCid, "720p/segment-1.ts");
        expect(await store.catBytes(file.cid)).to.deep.equal(HLS_TREE["720p/segment-1.ts"]);
      });

      it("is deterministic: the same folder gives the same CID again", async () => {
        const copy = join(files.path, "copy of hls");
        writeTree(copy, HLS_TREE);
        expect(await store.addDirectory(copy)).to.equal(hlsCid);
        // … and one changed byte changes it
        writeTree(copy, { "720p/segment-1.ts": bytesOf(1_000, 99) });
        expect(await store.addDirectory(copy)).to.not.equal(hlsCid);
      });

      it("reports progress in bytes, ending at the total", async () => {
        const calls: Array<[number, number]> = [];
        await store.addDirectory(hlsDir, (done, total) => calls.push([done, total]));
        const total = Object.values(HLS_TREE).reduce((sum, c) => sum + (typeof c === "string" ? Buffer.byteLength(c) : c.length), 0);
        expect(calls[0]).to.deep.equal([0, total]);
        expect(calls.at(-1)).to.deep.equal([total, total]);
        for (let i = 1; i < calls.length; i++) expect(calls[i]![0]).to.be.at.least(calls[i - 1]![0]);
        expect(calls.every(([, t]) => t === total)).to.equal(true);
      });

      it("survives a progress callback that throws", async () => {
        const cid = await store.addDirectory(hlsDir, () => {
          throw new Error("UI went away");
        });
        expect(cid).to.equal(hlsCid);
      });

      it("adds an empty directory", async () => {
        const empty = join(files.path, "nothing");
        writeTree(empty, {});
        const cid = await store.addDirectory(empty);
        expect(await store.ls(cid)).to.deep.equal([]);
        expect((await store.stat(cid)).type).to.equal("directory");
      });
    });

    describe("errors", () => {
      it("answers unknown CIDs with NOT_FOUND", async () => {
        await expectIpfsError(store.stat(UNKNOWN_CID), "NOT_FOUND", /CID not found/);
        await expectIpfsError(store.catBytes(UNKNOWN_CID), "NOT_FOUND", /CID not found/);
        await expectIpfsError(store.ls(UNKNOWN_CID), "NOT_FOUND");
        expect(await store.has(UNKNOWN_CID)).to.equal(false);
      });

      it("answers missing paths with NOT_FOUND", async () => {
        await expectIpfsError(store.stat(hlsCid, "nope.ts"), "NOT_FOUND", /"nope.ts" not found/);
        await expectIpfsError(store.catBytes(hlsCid, "720p/nope.ts"), "NOT_FOUND", /not found/);
        await expectIpfsError(store.ls(hlsCid, "nope"), "NOT_FOUND");
      });

      it("refuses cat on a directory and ls on a file", async () => {
        await expectIpfsError(store.catBytes(hlsCid), "NOT_A_FILE");
        await expectIpfsError(store.catBytes(hlsCid, "720p"), "NOT_A_FILE");
        await expectIpfsError(store.ls(hlsCid, "master.m3u8"), "NOT_A_DIRECTORY");
      });

      it("refuses malformed CIDs and paths before touching the store", async () => {
        await expectIpfsError(store.stat("not-a-cid"), "INVALID_INPUT", /Not a valid CID/);
        await expectIpfsError(store.catBytes("bafy"), "INVALID_INPUT");
        await expectIpfsError(store.has("Qm123"), "INVALID_INPUT");
        await expectIpfsError(store.catBytes(hlsCid, "../etc/passwd"), "INVALID_INPUT", /\.\./);
      });

      it("refuses to add what is not a readable directory of plain files", async () => {
        await expectIpfsError(store.addDirectory(join(hlsDir, "master.m3u8")), "INVALID_INPUT", /Not a directory/);
        await expectIpfsError(store.addDirectory(join(files.path, "missing")), "INVALID_INPUT", /Cannot read directory/);
        await expectIpfsError(store.addDirectory(""), "INVALID_INPUT");
        const withLink = join(files.path, "with-link");
        writeTree(withLink, { "a.txt": "a" });
        symlinkSync(join(withLink, "a.txt"), join(withLink, "link.txt"));
        await expectIpfsError(store.addDirectory(withLink), "INVALID_INPUT", /regular files/);
      });

      it("refuses use after close, and close is idempotent", async () => {
        const other = await backend.open();
        const cid = await other.addBytes(new Uint8Array([1, 2, 3]));
        await other.close();
        await other.close();
        await expectIpfsError(other.stat(cid), "CLOSED", /closed/);
        await expectIpfsError(other.addBytes(new Uint8Array([1])), "CLOSED");
        await expectIpfsError(other.catBytes(cid), "CLOSED");
        // the shared store is unaffected
        expect(await store.catBytes(cid)).to.deep.equal(new Uint8Array([1, 2, 3]));
      });
    });
  });
}
