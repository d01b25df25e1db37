// The studio's routes with captions and a dub: the files go up through the tus route like the
// film, POST /api/studio/jobs names them with their languages, and the job's metadata lists them.
// A bad language code is refused by the request (400 invalid-captions) before any job exists; a
// track upload of another creator is refused; a malformed WebVTT fails the job with its code and
// removes every upload. The route handlers run in-process on real services (Hardhat chain,
// PGlite ledger, Helia IPFS, tus directory), as in routes.fuzz.test.ts.
import { expect } from "chai";
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { FilmMetadata } from "@ai-films/core/media";
import { makeClip } from "../media/helpers.ts";
import { ORIGIN } from "./helpers.ts";
import { browserRequest as request, installWebServices, loadRoute, type RouteHandler as Handler, type WebServices } from "./webRoutes.ts";

describe("studio routes: captions and audio tracks", function () {
  this.timeout(240_000);
  const dir = mkdtempSync(join(tmpdir(), "ai-films-studio-tracks-"));
  const saved = { ...process.env };
  let services: WebServices;
  let creator = "";
  let other = "";
  let uploadsRoute: Record<string, Handler>;
  let jobsRoute: Record<string, Handler>;
  let jobRoute: Record<string, Handler>;
  let clip: string;

  /** One file through the tus route (create, then one PATCH); returns its upload id. */
  async function upload(cookie: string, path: string, name: string): Promise<string> {
    const bytes = readFileSync(path);
    const created = await uploadsRoute.POST(
      request("/api/uploads", {
        method: "POST",
        cookie,
        headers: {
          "tus-resumable": "1.0.0",
          "upload-length": String(bytes.length),
          "upload-metadata": `filename ${Buffer.from(name).toString("base64")}`,
        },
      }),
      { params: Promise.resolve({}) },
    );
    expect(created.status, await created.clone().text()).to.equal(201);
    const id = new URL(created.headers.get("location")!, ORIGIN).pathname.split("/").pop()!;
    const patched = await uploadsRoute.PATCH(
      request(`/api/uploads/${id}`, {
        method: "PATCH",
        cookie,
        headers: { "tus-resumable": "1.0.0", "upload-offset": "0", "content-type": "application/offset+octet-stream" },
        body: bytes,
      }),
      { params: Promise.resolve({ id: [id] }) },
    );
    expect(patched.status, await patched.clone().text()).to.equal(204);
    return id;
  }

  async function startJob(cookie: string, body: Record<string, unknown>): Promise<Response> {
    return jobsRoute.POST(
      request("/api/studio/jobs", {
        method: "POST",
        cookie,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ title: "With tracks", price: "1000000", ...body }),
      }),
      { params: Promise.resolve({}) },
    );
  }

  async function finished(
    cookie: string,
    jobId: string,
  ): Promise<{ state: string; error?: { code: string }; result?: { metadataCid: string } }> {
    for (let i = 0; i < 400; i++) {
      const res = await jobRoute.GET(request(`/api/studio/jobs/${jobId}`, { method: "GET", cookie }), {
        params: Promise.resolve({ id: jobId }),
      });
      const status = (await res.json()) as { state: string; error?: { code: string }; result?: { metadataCid: string } };
      if (status.state === "done" || status.state === "failed") return status;
      await sleep(250);
    }
    throw new Error("the job did not end");
  }

  before(async () => {
    Object.assign(process.env, {
      SITE_URL: ORIGIN,
      MEDIA_UPLOADS_DIR: join(dir, "uploads"),
      MEDIA_MAX_UPLOAD_BYTES: String(16 * 1024 * 1024),
      MEDIA_KEYS_DIR: join(dir, "keys"),
      MEDIA_WORK_DIR: join(dir, "work"),
      MEDIA_X264_PRESET: "ultrafast",
      IPFS_DATA_DIR: join(dir, "ipfs"),
      LEDGER_DIR: join(dir, "ledger"),
    });
    services = await installWebServices(dir);
    creator = await services.signIn();
    other = await services.signIn();
    uploadsRoute = await loadRoute("api/uploads/[[...id]]/route.ts");
    jobsRoute = await loadRoute("api/studio/jobs/route.ts");
    jobRoute = await loadRoute("api/studio/jobs/[id]/route.ts");
    clip = await makeClip(join(dir, "film.mp4"), { seconds: 5 });
    writeFileSync(join(dir, "en.vtt"), "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nHello from the studio\n");
    writeFileSync(join(dir, "bad.vtt"), "WEBVTT\n\n00:00:01.000 --> later\nBroken\n");
  });

  after(async () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    const studio = (globalThis as unknown as Record<string, { uploads?: { close(): void } } | undefined>).__aiFilmsStudio;
    studio?.uploads?.close();
    await services?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("accepts caption and audio uploads with the film and lists them in the metadata", async () => {
    const film = await upload(creator, clip, "film.mp4");
    const en = await upload(creator, join(dir, "en.vtt"), "en.vtt");
    const dub = await upload(creator, clip, "dub.mp4"); // its sound: as long as the film
    const res = await startJob(creator, {
      uploadId: film,
      captions: [{ uploadId: en, language: "en", label: "English (CC)" }],
      audio: [{ uploadId: dub, language: "es" }],
    });
    expect(res.status, await res.clone().text()).to.equal(202);
    const { jobId } = (await res.json()) as { jobId: string };
    const status = await finished(creator, jobId);
    expect(status.state, JSON.stringify(status.error)).to.equal("done");
    const metadata = JSON.parse(Buffer.from(await services.ipfs.catBytes(status.result!.metadataCid)).toString("utf8")) as FilmMetadata;
    expect(metadata.properties.captions).to.deep.equal([{ language: "en", label: "English (CC)", playlist: "subs/en/index.m3u8" }]);
    expect(metadata.properties.audioTracks).to.deep.equal([{ language: "es", label: "Español" }]);
  });

  it("refuses a bad language code in the request, before any job exists", async () => {
    const film = await upload(creator, clip, "film.mp4");
    const en = await upload(creator, join(dir, "en.vtt"), "en.vtt");
    const res = await startJob(creator, { uploadId: film, captions: [{ uploadId: en, language: "english" }] });
    expect(res.status).to.equal(400);
    expect(await res.json()).to.deep.include({ error: "invalid-captions", code: "INVALID_CAPTIONS" });
  });

  it("refuses another creator's upload as a track", async () => {
    const film = await upload(creator, clip, "film.mp4");
    const theirs = await upload(other, join(dir, "en.vtt"), "en.vtt");
    const res = await startJob(creator, { uploadId: film, captions: [{ uploadId: theirs, language: "en" }] });
    expect(res.status).to.equal(400);
    expect(((await res.json()) as { code: string }).code).to.equal("INVALID_CAPTIONS");
  });

  it("refuses unknown fields in a track (strict schema)", async () => {
    const film = await upload(creator, clip, "film.mp4");
    const en = await upload(creator, join(dir, "en.vtt"), "en.vtt");
    const res = await startJob(creator, { uploadId: film, captions: [{ uploadId: en, language: "en", path: "/etc/passwd" }] });
    expect(res.status).to.equal(400);
    expect(((await res.json()) as { error: string }).error).to.equal("malformed");
  });

  it("fails the job on malformed WebVTT with INVALID_CAPTIONS and removes its uploads", async () => {
    const film = await upload(creator, clip, "film.mp4");
    const bad = await upload(creator, join(dir, "bad.vtt"), "bad.vtt");
    const res = await startJob(creator, { uploadId: film, captions: [{ uploadId: bad, language: "en" }] });
    expect(res.status).to.equal(202);
    const status = await finished(creator, ((await res.json()) as { jobId: string }).jobId);
    expect(status.state).to.equal("failed");
    expect(status.error?.code).to.equal("INVALID_CAPTIONS");
    expect(status.result).to.equal(undefined);
    const head = await uploadsRoute.HEAD(
      request(`/api/uploads/${bad}`, { method: "HEAD", cookie: creator, headers: { "tus-resumable": "1.0.0" } }),
      { params: Promise.resolve({ id: [bad] }) },
    );
    expect(head.status).to.equal(404);
  });
});
