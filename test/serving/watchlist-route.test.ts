// GET/POST /api/watchlist in-process on real services: the viewer is the session's wallet, the
// body is exactly { filmId, on }, unknown films are 404, and the list is the viewer's own.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { browserRequest, installWebServices, loadRoute, type RouteHandler, type WebServices } from "./webRoutes.ts";

describe("watchlist route", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "ai-films-watchlist-route-"));
  let services: WebServices;
  let route: Record<string, RouteHandler>;
  let alice = "";
  let bob = "";
  const g = globalThis as Record<string, unknown>;

  const post = (cookie: string, body: unknown) =>
    route.POST(
      browserRequest("/api/watchlist", {
        method: "POST",
        cookie,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
      { params: Promise.resolve({}) },
    );
  const list = async (cookie: string) =>
    (
      (await (await route.GET(browserRequest("/api/watchlist", { method: "GET", cookie }), { params: Promise.resolve({}) })).json()) as {
        films: string[];
      }
    ).films;

  before(async () => {
    services = await installWebServices(dir);
    g.__aiFilmsIndexCaughtUp = true; // no background indexer here: the films rows are written below
    for (const id of [1, 2]) {
      await services.db.query(
        `INSERT INTO films (film_id, creator, owner, metadata_uri, duration_seconds, price_per_view, minted_block, minted_at, minted_tx, metadata_status, title)
         VALUES ($1, $2, $2, 'ipfs://x', 60, 0, 1, $4, '0x', 'ok', $3)`,
        [id, "0x" + "11".repeat(20), `Film ${id}`, id],
      );
    }
    route = await loadRoute("api/watchlist/route.ts");
    alice = await services.signIn();
    bob = await services.signIn();
  });

  after(async () => {
    delete g.__aiFilmsIndexCaughtUp;
    await services?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("adds and removes films for the signed-in viewer only, idempotently", async () => {
    expect((await post(alice, { filmId: "1", on: true })).status).to.equal(200);
    expect(await (await post(alice, { filmId: "2", on: true })).json()).to.deep.equal({ filmId: "2", onWatchlist: true });
    expect((await post(alice, { filmId: "2", on: true })).status).to.equal(200);
    expect(await list(alice)).to.have.members(["1", "2"]);
    expect(await list(bob)).to.deep.equal([]);
    expect((await post(alice, { filmId: "1", on: false })).status).to.equal(200);
    expect(await list(alice)).to.deep.equal(["2"]);
  });

  it("refuses no session, unknown films, and any body but exactly { filmId, on }", async () => {
    expect((await post("", { filmId: "1", on: true })).status).to.equal(401);
    const unknown = await post(alice, { filmId: "99", on: true });
    expect(unknown.status).to.equal(404);
    expect(((await unknown.json()) as { error: string }).error).to.equal("film-unknown");
    for (const body of [
      { filmId: "1" },
      { filmId: "1", on: "yes" },
      { filmId: 1, on: true },
      { filmId: "0", on: true },
      { filmId: "1", on: true, viewer: "0x" + "22".repeat(20) },
      [],
      null,
    ]) {
      const res = await post(alice, body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(((await res.json()) as { error: string }).error).to.equal("malformed");
    }
  });
});
