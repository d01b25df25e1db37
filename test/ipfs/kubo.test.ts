/**
 * The Kubo backend against the in-process Kubo RPC stand-in (test/helpers/kubo-rpc-server.ts):
 * same CIDs as the Helia backend, the add options it actually sends, the offline flag on reads,
 * and clear errors when the API is not there.
 */
import { join } from "node:path";
import { expect } from "chai";
import { openIpfs, type IpfsStore } from "@ai-films/core/ipfs";
import { startKuboRpcServer, type KuboRpcServer } from "../helpers/kubo-rpc-server.ts";
import { bytesOf, closedPort, expectIpfsError, HLS_TREE, tempDir, writeTree } from "./helpers.ts";

describe("ipfs: Kubo backend", function () {
  this.timeout(30_000);
  const dir = tempDir("ipfs-kubo");
  let server: KuboRpcServer;
  let kubo: IpfsStore;
  let helia: IpfsStore;

  before(async () => {
    server = await startKuboRpcServer();
    kubo = await openIpfs({ apiUrl: server.url });
    helia = await openIpfs({ dataDir: join(dir.path, "helia") });
  });
  after(async () => {
    await kubo?.close();
    await helia?.close();
    await server?.close();
    dir.remove();
  });

  it("gives the same CIDs as the Helia backend for the same input", async () => {
    const inputs = [
      new Uint8Array(0),
      new TextEncoder().encode("metadata"),
      bytesOf(262_144, 2),
      bytesOf(262_145, 3),
      bytesOf(1_500_000, 4),
    ];
    for (const bytes of inputs) {
      expect(await kubo.addBytes(bytes), `${bytes.length} bytes`).to.equal(await helia.addBytes(bytes));
    }
    const src = join(dir.path, "hls");
    writeTree(src, HLS_TREE);
    const kuboCid = await kubo.addDirectory(src);
    expect(kuboCid).to.equal(await helia.addDirectory(src));
    // and what was added through one is listed identically by the other
    expect(await kubo.ls(kuboCid, "720p")).to.deep.equal(await helia.ls(kuboCid, "720p"));
    expect(await kubo.stat(kuboCid, "720p/seg 0.ts")).to.deep.equal(await helia.stat(kuboCid, "720p/seg 0.ts"));
  });

  it("adds with Kubo's options for CIDv1, raw leaves, 256 KiB chunks, pinned", async () => {
    server.requests.length = 0;
    await kubo.addBytes(new Uint8Array([1, 2, 3]));
    const add = server.requests.find((r) => r.endpoint === "add")!;
    expect(add.query.get("cid-version")).to.equal("1");
    expect(add.query.get("raw-leaves")).to.equal("true");
    expect(add.query.get("chunker")).to.equal("size-262144");
    expect(add.query.get("hash")).to.equal("sha2-256");
    expect(add.query.get("trickle")).to.equal("false");
    expect(add.query.get("pin")).to.equal("true");
    expect(add.query.get("wrap-with-directory")).to.equal("false");
  });

  it("reads with offline=true, so a missing CID is not searched for on the network", async () => {
    const cid = await kubo.addBytes(new TextEncoder().encode("offline please"));
    server.requests.length = 0;
    await kubo.catBytes(cid);
    await kubo.stat(cid);
    await kubo.has(cid);
    const dirCid = await kubo.addDirectory(join(dir.path, "hls"));
    server.requests.length = 0;
    await kubo.ls(dirCid);
    const reads = server.requests.filter((r) => r.endpoint !== "add");
    expect(reads.map((r) => r.endpoint)).to.include.members(["files/stat", "ls"]);
    for (const r of reads) expect(r.query.get("offline"), r.endpoint).to.equal("true");
  });

  it("paths with spaces and unicode travel intact through the RPC", async () => {
    const src = join(dir.path, "names");
    writeTree(src, { "ça va/🎬 trailer.ts": "x", "a%20b.txt": "literal percent" });
    const cid = await kubo.addDirectory(src);
    expect((await kubo.ls(cid)).map((e) => e.name)).to.deep.equal(["a%20b.txt", "ça va"]);
    expect(new TextDecoder().decode(await kubo.catBytes(cid, "a%20b.txt"))).to.equal("literal percent");
    expect(new TextDecoder().decode(await kubo.catBytes(cid, "ça va/🎬 trailer.ts"))).to.equal("x");
    expect(cid).to.equal(await helia.addDirectory(src));
  });

  it("fails to open with a clear error when the API is unreachable", async () => {
    const port = await closedPort();
    const error = await expectIpfsError(openIpfs({ apiUrl: `http://127.0.0.1:${port}` }), "UNREACHABLE");
    expect(error.message).to.match(new RegExp(`IPFS API at http://127\\.0\\.0\\.1:${port}/ is not reachable: .*ECONNREFUSED`));
  });

  it("reports UNREACHABLE when the node goes away after opening", async () => {
    const temporary = await startKuboRpcServer();
    const store = await openIpfs({ apiUrl: temporary.url });
    const cid = await store.addBytes(new Uint8Array([7]));
    await temporary.close();
    await expectIpfsError(store.catBytes(cid), "UNREACHABLE", /not reachable/);
    await expectIpfsError(store.addBytes(new Uint8Array([8])), "UNREACHABLE");
    await store.close();
  });

  it("refuses API URLs that are not http(s) URLs", async () => {
    await expectIpfsError(openIpfs({ apiUrl: "not a url" }), "INVALID_INPUT", /not a valid URL/);
    await expectIpfsError(openIpfs({ apiUrl: "ftp://127.0.0.1:5001" }), "INVALID_INPUT", /http/);
  });

  it("is chosen by IPFS_API_URL when no option is given", async () => {
    const saved = process.env.IPFS_API_URL;
    process.env.IPFS_API_URL = server.url;
    try {
      const fromEnv = await openIpfs();
      expect(fromEnv.backend).to.equal("kubo");
      await fromEnv.close();
    } finally {
      if (saved === undefined) delete process.env.IPFS_API_URL;
      else process.env.IPFS_API_URL = saved;
    }
  });

  describe("the Kubo RPC stand-in follows Kubo's wire format", () => {
    it("accepts POST only and 404s unknown endpoints", async () => {
      expect((await fetch(`${server.url}/api/v0/version`)).status).to.equal(405);
      const version = await fetch(`${server.url}/api/v0/version`, { method: "POST" });
      expect(version.status).to.equal(200);
      expect(await version.json()).to.have.property("Version");
      expect((await fetch(`${server.url}/api/v0/nope`, { method: "POST" })).status).to.equal(404);
    });

    it("answers errors as 500 {Message, Code, Type: error}", async () => {
      const res = await fetch(`${server.url}/api/v0/cat?arg=garbage`, { method: "POST" });
      expect(res.status).to.equal(500);
      expect(res.headers.get("content-type")).to.match(/^application\/json/);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).to.include({ Code: 0, Type: "error" });
      expect(body.Message).to.match(/invalid path "garbage"/);
    });

    it("streams add results as NDJSON with Name, Hash and string Size", async () => {
      const boundary = "----test-boundary";
      const body =
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${encodeURIComponent("d")}"\r\n` +
        `Content-Type: application/x-directory\r\n\r\n\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file-1"; filename="${encodeURIComponent("d/a b.txt")}"\r\n` +
        `Content-Type: application/octet-stream\r\n\r\nhello\r\n--${boundary}--\r\n`;
      const res = await fetch(`${server.url}/api/v0/add?cid-version=1`, {
        method: "POST",
        headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` },
        body,
      });
      expect(res.status).to.equal(200);
      const lines = (await res.text())
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => l.Name)).to.deep.equal(["d/a b.txt", "d"]);
      for (const line of lines) {
        expect(line.Hash).to.be.a("string");
        expect(line.Size).to.be.a("string");
      }
      expect(lines[0]!.Hash).to.equal(await helia.addBytes(new TextEncoder().encode("hello")));
    });
  });
});
