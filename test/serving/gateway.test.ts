// The read-only IPFS gateway over a real embedded Helia store (temp data directory): what was
// added comes back byte for byte with the right headers, ranges (206/416/HEAD/304), and every
// malformed CID or traversal attempt is a 400 before the store is asked anything.
import { expect } from "chai";
import { join } from "node:path";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { sha256 } from "multiformats/hashes/sha2";
import { openIpfs, type IpfsStore } from "@ai-films/core/ipfs";
import { checkGatewayParams, contentTypeOf, createGateway, IMMUTABLE, parseGatewayPath } from "@ai-films/core/serving";
import { bytesOf, tempDir, writeTree } from "../ipfs/helpers.ts";
import { ORIGIN } from "./helpers.ts";

describe("serving: IPFS gateway", function () {
  this.timeout(60_000);
  const dir = tempDir("gateway");
  let ipfs: IpfsStore;
  let gateway: ReturnType<typeof createGateway>;
  let root: string;
  let single: string;
  const big = bytesOf(700_000, 3); // three 256 KiB chunks: ranges cross block boundaries
  const files: Record<string, Uint8Array | string> = {
    "master.m3u8": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\n720p/index.m3u8\n",
    "720p/index.m3u8": '#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="/api/keys/k1"\n#EXTINF:4.0,\nseg0.ts\n',
    "720p/seg0.ts": big,
    "720p/init.m4s": bytesOf(1_000, 4),
    "preview.mp4": bytesOf(2_000, 5),
    "poster.jpg": bytesOf(512, 6),
    "poster.PNG": bytesOf(256, 7),
    "poster.webp": bytesOf(128, 8),
    "metadata.json": JSON.stringify({ name: "<script>alert(1)</script>" }),
    "notes.xyz": "opaque",
    "my film (final).ts": bytesOf(100, 9),
    "zero.bin": new Uint8Array(0),
  };

  const request = (path: string, headers: Record<string, string> = {}, method = "GET") =>
    gateway.handle(new Request(`${ORIGIN}/ipfs/${path}`, { method, headers }));
  async function expectError(response: Response, status: number, error: string) {
    expect(response.status, await response.clone().text()).to.equal(status);
    expect(response.headers.get("content-type")).to.match(/^application\/json/);
    expect((await response.json()).error).to.equal(error);
  }
  const bytes = async (response: Response) => new Uint8Array(await response.arrayBuffer());
  const asBytes = (content: Uint8Array | string) => (typeof content === "string" ? new TextEncoder().encode(content) : content);

  before(async () => {
    writeTree(join(dir.path, "film"), files);
    ipfs = await openIpfs({ dataDir: join(dir.path, "ipfs") });
    root = await ipfs.addDirectory(join(dir.path, "film"));
    single = await ipfs.addBytes(bytesOf(5_000, 11));
    gateway = createGateway({ ipfs });
  });
  after(async () => {
    await ipfs?.close();
    dir.remove();
  });

  it("serves every file added, byte for byte, with its content type and immutable caching", async () => {
    const expected: Record<string, string> = {
      "master.m3u8": "application/vnd.apple.mpegurl",
      "720p/index.m3u8": "application/vnd.apple.mpegurl",
      "720p/seg0.ts": "video/mp2t",
      "720p/init.m4s": "video/iso.segment",
      "preview.mp4": "video/mp4",
      "poster.jpg": "image/jpeg",
      "poster.PNG": "image/png",
      "poster.webp": "image/webp",
      "metadata.json": "application/json",
      "notes.xyz": "application/octet-stream",
      "my film (final).ts": "video/mp2t",
    };
    for (const [path, type] of Object.entries(expected)) {
      const response = await request(`${root}/${path.split("/").map(encodeURIComponent).join("/")}`);
      expect(response.status, path).to.equal(200);
      expect(response.headers.get("content-type"), path).to.equal(type);
      expect(response.headers.get("x-content-type-options")).to.equal("nosniff");
      expect(response.headers.get("cache-control")).to.equal(IMMUTABLE);
      expect(response.headers.get("etag")).to.equal(`"${root}/${path}"`);
      expect(response.headers.get("accept-ranges")).to.equal("bytes");
      const content = asBytes(files[path]);
      expect(response.headers.get("content-length")).to.equal(String(content.byteLength));
      expect(Buffer.from(await bytes(response)).equals(Buffer.from(content)), path).to.equal(true);
    }
  });

  it("serves a bare file CID, and an empty file", async () => {
    const response = await request(single);
    expect(response.status).to.equal(200);
    expect(response.headers.get("content-type")).to.equal("application/octet-stream");
    expect(Buffer.from(await bytes(response)).equals(Buffer.from(bytesOf(5_000, 11)))).to.equal(true);
    const empty = await request(`${root}/zero.bin`);
    expect(empty.status).to.equal(200);
    expect(empty.headers.get("content-length")).to.equal("0");
    expect((await bytes(empty)).byteLength).to.equal(0);
  });

  it("answers byte ranges with 206 and Content-Range, across block boundaries", async () => {
    const cases: Array<[string, number, number]> = [
      ["bytes=0-99", 0, 99],
      ["bytes=262000-262300", 262_000, 262_300], // straddles the first chunk boundary (262144)
      ["bytes=600000-", 600_000, big.length - 1],
      ["bytes=-500", big.length - 500, big.length - 1],
      ["bytes=699990-800000", 699_990, big.length - 1], // end clamped to the file
    ];
    for (const [range, start, end] of cases) {
      const response = await request(`${root}/720p/seg0.ts`, { range });
      expect(response.status, range).to.equal(206);
      expect(response.headers.get("content-range"), range).to.equal(`bytes ${start}-${end}/${big.length}`);
      expect(response.headers.get("content-length")).to.equal(String(end - start + 1));
      expect(response.headers.get("cache-control")).to.equal(IMMUTABLE);
      expect(Buffer.from(await bytes(response)).equals(Buffer.from(big.subarray(start, end + 1))), range).to.equal(true);
    }
  });

  it("answers 416 for a range beyond the end; ignores ranges it does not understand", async () => {
    const beyond = await request(`${root}/720p/seg0.ts`, { range: `bytes=${big.length}-` });
    expect(beyond.status).to.equal(416);
    expect(beyond.headers.get("content-range")).to.equal(`bytes */${big.length}`);
    expect((await beyond.json()).error).to.equal("range-not-satisfiable");
    expect((await request(`${root}/zero.bin`, { range: "bytes=0-0" })).status).to.equal(416);
    for (const range of ["bytes=0-1,5-6", "items=0-1", "bytes=9-3"]) {
      const full = await request(`${root}/poster.jpg`, { range });
      expect(full.status, range).to.equal(200);
      expect((await bytes(full)).byteLength).to.equal(512);
    }
  });

  it("HEAD gives the headers without a body; If-None-Match gives 304; a stale If-Range gives the whole file", async () => {
    const head = await request(`${root}/720p/seg0.ts`, {}, "HEAD");
    expect(head.status).to.equal(200);
    expect(head.headers.get("content-length")).to.equal(String(big.length));
    expect(head.body).to.equal(null);
    const headRange = await request(`${root}/720p/seg0.ts`, { range: "bytes=10-19" }, "HEAD");
    expect(headRange.status).to.equal(206);
    expect(headRange.headers.get("content-length")).to.equal("10");

    const etag = head.headers.get("etag")!;
    const cached = await request(`${root}/720p/seg0.ts`, { "if-none-match": etag });
    expect(cached.status).to.equal(304);
    expect(cached.headers.get("cache-control")).to.equal(IMMUTABLE);

    const stale = await request(`${root}/poster.jpg`, { range: "bytes=0-9", "if-range": '"something-else"' });
    expect(stale.status).to.equal(200);
    const fresh = await request(`${root}/poster.jpg`, { range: "bytes=0-9", "if-range": `"${root}/poster.jpg"` });
    expect(fresh.status).to.equal(206);
  });

  it("400 on malformed CIDs", async () => {
    for (const cid of ["not-a-cid", "Qm123", "bafy", "b".repeat(300), "%ZZ", ""]) {
      await expectError(await request(`${cid}/master.m3u8`), 400, "bad-cid");
    }
    await expectError(await gateway.handle(new Request(`${ORIGIN}/ipfs/`)), 400, "bad-cid");
  });

  it("400 on traversal attempts, however they are encoded", async () => {
    const attempts = [
      "../../etc/passwd",
      "720p/../master.m3u8",
      "./master.m3u8",
      "%2e%2e/etc/passwd",
      "%2E%2e/etc/passwd",
      ".%2e/etc",
      "720p/..%2f..%2fetc%2fpasswd",
      "720p%2f..%2fmaster.m3u8",
      "720p%5c..%5cmaster.m3u8",
      "720p\\..\\master.m3u8",
      "%252e%252e/etc/passwd", // double-encoded
      "master.m3u8%00.jpg",
      "master.m3u8%0a",
      "bad%E0%A4%A",
    ];
    for (const attempt of attempts) {
      const parsed = parseGatewayPath(`${root}/${attempt}`);
      expect(parsed.ok, attempt).to.equal(false);
      expect(!parsed.ok && parsed.reason, attempt).to.equal("bad-path");
    }
    // Through real Request URLs. The URL parser already resolves "..", "%2e%2e" and friends
    // (so those can only leave the /ipfs/ prefix or stay inside the same CID); what survives it
    // encoded is refused here.
    for (const url of [
      `${ORIGIN}/ipfs/${root}/720p/..%2f..%2fetc%2fpasswd`,
      `${ORIGIN}/ipfs/${root}/master.m3u8%00`,
      `${ORIGIN}/ipfs/${root}/720p%5c..%5cmaster.m3u8`,
      `${ORIGIN}/ipfs/${root}/%252e%252e/x`,
      `${ORIGIN}/ipfs/../../etc/passwd`,
      `${ORIGIN}/ipfs/${root}/../../../etc/passwd`,
    ]) {
      const response = await gateway.handle(new Request(url));
      expect(response.status, url).to.equal(400);
    }
    // Route params already decoded by the framework (Next.js [cid]/[...path]).
    for (const path of [[".."], ["720p", "..", "master.m3u8"], ["a/b"], ["a\\b"], ["a\u0000b"], ["%2e%2e"]]) {
      const checked = checkGatewayParams(root, path);
      expect(checked.ok, JSON.stringify(path)).to.equal(false);
      const response = await gateway.handle(new Request(`${ORIGIN}/ipfs/x`), { cid: root, path });
      expect(response.status, JSON.stringify(path)).to.equal(400);
    }
    const ok = await gateway.handle(new Request(`${ORIGIN}/ipfs/x`), { cid: root, path: ["720p", "index.m3u8"] });
    expect(ok.status).to.equal(200);
  });

  it("404 with a reason for missing content and for directories", async () => {
    const absent = CID.create(1, raw.code, await sha256.digest(bytesOf(64, 999))).toString();
    await expectError(await request(absent), 404, "not-found");
    await expectError(await request(`${root}/nope.m3u8`), 404, "not-found");
    await expectError(await request(`${root}/720p/nope/deeper.ts`), 404, "not-found");
    await expectError(await request(root), 404, "not-a-file");
    await expectError(await request(`${root}/720p/`), 404, "not-a-file");
  });

  it("GET and HEAD only", async () => {
    await expectError(await request(`${root}/master.m3u8`, {}, "POST"), 405, "method-not-allowed");
  });

  it("maps extensions to content types", () => {
    expect(contentTypeOf("a.M3U8")).to.equal("application/vnd.apple.mpegurl");
    expect(contentTypeOf("noext")).to.equal("application/octet-stream");
    expect(contentTypeOf("trailing.")).to.equal("application/octet-stream");
    expect(contentTypeOf(".json")).to.equal("application/json");
  });
});
