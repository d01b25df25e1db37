/**
 * Resumable uploads over tus, with the real client (tus-js-client in Node) against our server on
 * a random port: an upload survives an interruption and resumes where it stopped, the size limit
 * answers 413 before storing anything, an abandoned upload is deleted after its expiry, and the
 * client's file name never becomes a path.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { expect } from "chai";
import * as tus from "tus-js-client";
import { isMediaError, createUploadService, type FinishedUpload, type UploadService } from "@ai-films/core/media";
import { rejection, tempDir } from "./helpers.ts";

const MAX = 4 * 1024 * 1024;

async function listen(service: UploadService): Promise<{ server: Server; endpoint: string }> {
  const server = createServer((req, res) => {
    service.handleNode(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, endpoint: `http://127.0.0.1:${port}/api/uploads` };
}

function upload(data: Buffer, options: Partial<tus.UploadOptions>): { done: Promise<string>; upload: tus.Upload } {
  let resolve!: (url: string) => void;
  let reject!: (error: Error) => void;
  const done = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const u = new tus.Upload(data, {
    retryDelays: [],
    ...options,
    onSuccess: () => resolve(u.url!),
    onError: (error) => reject(error),
  });
  return { done, upload: u };
}

describe("media uploads: tus", function () {
  this.timeout(30_000);
  const tmp = tempDir("uploads");
  const finished: FinishedUpload[] = [];
  let service: UploadService;
  let server: Server;
  let endpoint: string;

  before(async function () {
    service = createUploadService({ dir: join(tmp.path, "uploads"), maxBytes: MAX, expiryMs: 60_000, onFinish: (u) => finished.push(u) });
    ({ server, endpoint } = await listen(service));
  });

  after(async function () {
    service?.close();
    await new Promise((resolve) => server?.close(resolve));
    tmp.remove();
  });

  it("uploads a file, names it by id, keeps the client's name as metadata only", async function () {
    const data = randomBytes(300_000);
    const { done, upload: u } = upload(data, { endpoint, metadata: { filename: "../../etc/passwd my film ü.mp4", filetype: "video/mp4" } });
    u.start();
    const url = await done;
    const id = url.split("/").pop()!;
    expect(id).to.match(/^[0-9a-f]{32}$/);
    const stored = await service.finished(id);
    expect(stored.path).to.equal(join(service.dir, id));
    expect(readFileSync(stored.path).equals(data)).to.equal(true);
    expect(stored.metadata.filename).to.equal("../../etc/passwd my film ü.mp4");
    expect(finished.map((f) => f.id)).to.include(id);
    expect(existsSync(join(tmp.path, "etc"))).to.equal(false);
  });

  it("resumes an interrupted upload from where it stopped", async function () {
    const data = randomBytes(1_000_000);
    const chunkSize = 100_000;
    // First attempt: stop after the second chunk, as if the connection dropped.
    let first!: tus.Upload;
    const stopped = new Promise<void>((resolve, reject) => {
      first = new tus.Upload(data, {
        endpoint,
        chunkSize,
        retryDelays: [],
        onChunkComplete: (_size, accepted) => {
          if (accepted >= 2 * chunkSize) first.abort().then(resolve, reject);
        },
        onError: reject,
        onSuccess: () => reject(new Error("should not have finished")),
      });
      first.start();
    });
    await stopped;
    const url = first.url!;
    const id = url.split("/").pop()!;
    const partial = await rejection(service.finished(id));
    expect(isMediaError(partial, "TRUNCATED")).to.equal(true);

    // Second attempt: a new client that knows the upload URL asks the server for the offset (HEAD)
    // and sends only the rest.
    let resumedFrom = -1;
    const second = upload(data, {
      uploadUrl: url,
      chunkSize,
      onProgress: (sent) => {
        if (resumedFrom < 0) resumedFrom = sent;
      },
    });
    second.upload.start();
    expect(await second.done).to.equal(url);
    expect(resumedFrom).to.be.at.least(2 * chunkSize);
    const stored = await service.finished(id);
    expect(readFileSync(stored.path).equals(data)).to.equal(true);
  });

  it("refuses an upload over the size limit with 413, storing nothing", async function () {
    const before = readdirSync(service.dir).length;
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "Tus-Resumable": "1.0.0", "Upload-Length": String(MAX + 1) },
    });
    expect(response.status).to.equal(413);
    const { done, upload: u } = upload(randomBytes(MAX + 10), { endpoint });
    u.start();
    const error = (await rejection(done)) as tus.DetailedError;
    expect(error.originalResponse?.getStatus()).to.equal(413);
    expect(readdirSync(service.dir).length).to.equal(before);
  });

  it("deletes an abandoned upload after its expiry, and keeps finished ones", async function () {
    const short = createUploadService({ dir: join(tmp.path, "short"), maxBytes: MAX, expiryMs: 200, cleanupIntervalMs: 0 });
    const { server: s2, endpoint: e2 } = await listen(short);
    try {
      const complete = upload(randomBytes(10_000), { endpoint: e2 });
      complete.upload.start();
      const completeId = (await complete.done).split("/").pop()!;

      const created = await fetch(e2, { method: "POST", headers: { "Tus-Resumable": "1.0.0", "Upload-Length": "50000" } });
      expect(created.status).to.equal(201);
      const abandonedId = created.headers.get("location")!.split("/").pop()!;
      const patched = await fetch(`${e2}/${abandonedId}`, {
        method: "PATCH",
        headers: { "Tus-Resumable": "1.0.0", "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
        body: randomBytes(1000),
      });
      expect(patched.status).to.equal(204);
      expect(existsSync(join(short.dir, abandonedId))).to.equal(true);

      expect(await short.cleanupExpired()).to.equal(0); // not yet expired
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await short.cleanupExpired()).to.equal(1);
      expect(existsSync(join(short.dir, abandonedId))).to.equal(false);
      expect(existsSync(join(short.dir, `${abandonedId}.json`))).to.equal(false);
      expect((await short.finished(completeId)).size).to.equal(10_000);
      const gone = await fetch(`${e2}/${abandonedId}`, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0" } });
      expect([404, 410]).to.include(gone.status);
    } finally {
      short.close();
      await new Promise((resolve) => s2.close(resolve));
    }
  });

  it("answers web Requests too (for a Next.js route handler)", async function () {
    const created = await service.handleWeb(
      new Request("http://localhost/api/uploads", { method: "POST", headers: { "Tus-Resumable": "1.0.0", "Upload-Length": "3" } }),
    );
    expect(created.status).to.equal(201);
    const location = created.headers.get("location")!;
    expect(location).to.match(/^\/api\/uploads\/[0-9a-f]{32}$/);
    const patched = await service.handleWeb(
      new Request(`http://localhost${location}`, {
        method: "PATCH",
        headers: { "Tus-Resumable": "1.0.0", "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
        body: new Uint8Array([1, 2, 3]),
      }),
    );
    expect(patched.status).to.equal(204);
    expect(patched.headers.get("upload-offset")).to.equal("3");
    const tooBig = await service.handleWeb(
      new Request("http://localhost/api/uploads", {
        method: "POST",
        headers: { "Tus-Resumable": "1.0.0", "Upload-Length": String(MAX + 1) },
      }),
    );
    expect(tooBig.status).to.equal(413);
  });
});
