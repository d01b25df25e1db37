// Our Livepeer client against what Studio's published API schema and playback edge do (as the
// stand-in now enforces them), not against what the client happens to send: unknown fields and
// profiles under 128 px are refused, recorded assets play only under /asset/hls/ and only with a
// token, the playback URL comes from GET /playback/{id}, and a repeated delete is not an error.
import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  createLivepeerClient,
  createPlaybackUrlCache,
  signPlaybackJwt,
  loadPlaybackSigner,
  type LivepeerClient,
} from "@ai-films/core/serving";
import { startLivepeerStudioServer, type LivepeerStudioServer } from "../helpers/livepeer-studio-server.ts";
import { bytesOf, tempDir } from "../ipfs/helpers.ts";

describe("serving: Livepeer Studio's schema and playback edge (stand-in)", function () {
  this.timeout(60_000);
  const dir = tempDir("livepeer-schema");
  let studio: LivepeerStudioServer;
  let client: LivepeerClient;
  const film = join(dir.path, "film.mp4");

  before(async () => {
    studio = await startLivepeerStudioServer();
    client = createLivepeerClient({ apiKey: studio.apiKey, baseUrl: studio.url });
    writeFileSync(film, bytesOf(200_000, 7));
  });
  after(async () => {
    await studio?.close();
    dir.remove();
  });

  async function post(body: unknown) {
    return fetch(`${studio.url}/asset/request-upload`, {
      method: "POST",
      headers: { Authorization: `Bearer ${studio.apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  it("refuses a request-upload with a field new-asset-payload does not list, or a profile below Studio's limits (422)", async () => {
    expect((await post({ name: "a", playbackPolicy: { type: "jwt" } })).status).to.equal(200);
    expect((await post({ name: "a", ipfs: true })).status).to.equal(422);
    expect((await post({ name: "a", playbackPolicy: { type: "jwt", expiresIn: 60 } })).status).to.equal(422);
    expect((await post({ name: "a", profiles: [{ name: "144p", width: 256, height: 144, bitrate: 200_000 }] })).status).to.equal(200);
    const tooSmall = await post({ name: "a", profiles: [{ name: "100p", width: 178, height: 100, bitrate: 100_000 }] });
    expect(tooSmall.status).to.equal(422);
    expect(((await tooSmall.json()) as { errors: string[] }).errors[0]).to.match(/height must be an integer >= 128/);
    expect((await post({ name: "a", profiles: [{ width: 256, height: 144 }] })).status, "bitrate is required").to.equal(422);
    expect((await post({ name: "a", profiles: [{ width: 256, height: 144, bitrate: 1, level: "3.0" }] })).status).to.equal(422);
  });

  it("takes the playback URL from GET /playback/{id}: recorded assets play under /asset/hls/, with a token only", async () => {
    const { playbackId } = await client.uploadFilm(film, { name: "jwt film", ipfs: false, intervalMs: 1 });
    // Uploaded with the JWT policy (requestUpload's default).
    const url = await client.playbackUrl(playbackId);
    expect(url).to.equal(`${studio.playbackOrigin}/asset/hls/${playbackId}/index.m3u8`);
    // The live-stream route does not serve assets: a URL built as /hls/<id>/index.m3u8 plays nothing.
    expect((await fetch(`${studio.playbackOrigin}/hls/${playbackId}/index.m3u8`)).status).to.equal(404);
    expect((await fetch(url)).status, "no token").to.equal(401);

    const created = await client.createSigningKey();
    const signer = await loadPlaybackSigner(created);
    const now = Math.floor(Date.now() / 1000);
    const token = await signPlaybackJwt(signer, { playbackId, issuedAt: now - 30, expiresAt: now + 600 });
    const played = await fetch(url, { headers: { "Livepeer-Jwt": token } });
    expect(played.status).to.equal(200);
    expect(await played.text()).to.match(/^#EXTM3U/);
    // A token issued "in the future" (our clock ahead of the edge's) is refused: hence the iat leeway.
    const early = await signPlaybackJwt(signer, { playbackId, issuedAt: now + 60, expiresAt: now + 600 });
    expect((await fetch(url, { headers: { "Livepeer-Jwt": early } })).status).to.equal(401);
    // A token for another playback id does not open this one.
    const other = await signPlaybackJwt(signer, { playbackId: "someoneelse0000", issuedAt: now - 30, expiresAt: now + 600 });
    expect((await fetch(url, { headers: { "Livepeer-Jwt": other } })).status).to.equal(401);
  });

  it("asks Studio for a playback URL once per playback id, and again after a failure", async () => {
    const { playbackId } = await client.uploadFilm(film, { name: "cached", ipfs: false, intervalMs: 1 });
    const urlFor = createPlaybackUrlCache(client);
    const asked = () => studio.requests.filter((r) => r.path === `/api/playback/${playbackId}`).length;
    const before = asked();
    expect(await urlFor(playbackId)).to.match(/\/asset\/hls\//);
    expect(await urlFor(playbackId)).to.match(/\/asset\/hls\//);
    expect(asked() - before).to.equal(1);
    await urlFor("unknownplayback").then(
      () => expect.fail("an unknown playback id has a URL"),
      (error: Error) => expect(error.message).to.match(/404/),
    );
    await urlFor("unknownplayback").catch(() => undefined);
    expect(studio.requests.filter((r) => r.path === "/api/playback/unknownplayback")).to.have.length(2);
  });

  it("treats a repeated delete (400 already being deleted) as done", async () => {
    const requested = await client.requestUpload("to delete", { ipfs: false });
    await client.deleteAsset(requested.asset.id);
    const again = await fetch(`${studio.url}/asset/${requested.asset.id}`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${studio.apiKey}` },
    });
    expect(again.status).to.equal(400);
    expect(await again.json()).to.deep.equal({ errors: ["asset is already being deleted"] });
    await client.deleteAsset(requested.asset.id);
  });
});
