// Reports, guardians' decisions and age limits through the web app's route handlers, in-process on
// real services (a Hardhat chain with the market, whose GUARDIAN_ROLE decides who moderates; a
// PGlite ledger): a report needs a session and a listed reason, a second open report is refused,
// only the market's guardian may hide, and a hidden film leaves every catalogue query.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mnemonicToAccount } from "viem/accounts";
import * as indexer from "@ai-films/core/indexer";
import { HARDHAT_MNEMONIC } from "@ai-films/core/platform";
import { signInAs } from "./helpers.ts";
import { browserRequest, installWebServices, loadRoute, type RouteHandler, type WebServices } from "./webRoutes.ts";

const CREATOR = "0x" + "11".repeat(20);

describe("reports and moderation routes", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "ai-films-moderation-route-"));
  let services: WebServices;
  let reports: Record<string, RouteHandler>;
  let moderation: Record<string, RouteHandler>;
  let settings: Record<string, RouteHandler>;
  let viewer = "";
  let other = "";
  let guardian = "";
  const g = globalThis as Record<string, unknown>;

  const call = (route: Record<string, RouteHandler>, path: string, cookie: string, body: unknown, raw = false) =>
    route.POST(
      browserRequest(path, {
        method: "POST",
        cookie,
        headers: { "content-type": "application/json" },
        body: raw ? (body as string) : JSON.stringify(body),
      }),
      { params: Promise.resolve({}) },
    );
  const report = (cookie: string, body: unknown) => call(reports, "/api/reports", cookie, body);
  const decide = (cookie: string, body: unknown) => call(moderation, "/api/moderation", cookie, body);
  const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error;
  const catalogueIds = async (options: Partial<indexer.ListFilmsOptions> = {}) =>
    (await indexer.listFilms(services.db, { sort: "new", ...options })).map((f) => f.filmId);

  before(async () => {
    services = await installWebServices(dir);
    g.__aiFilmsIndexCaughtUp = true; // no background indexer here: the films rows are written below
    for (const [id, rating] of [
      [1, null],
      [2, null],
      [3, 18],
      [4, 12],
    ] as const) {
      await services.db.query(
        `INSERT INTO films (film_id, creator, owner, metadata_uri, duration_seconds, price_per_view, minted_block, minted_at, minted_tx, metadata_status, title, age_rating)
         VALUES ($1, $2, $2, 'ipfs://x', 60, 0, 1, $4, '0x', 'ok', $3, $5)`,
        [id, CREATOR, `Film ${id}`, id, rating],
      );
    }
    reports = await loadRoute("api/reports/route.ts");
    moderation = await loadRoute("api/moderation/route.ts");
    settings = await loadRoute("api/viewer-settings/route.ts");
    viewer = await services.signIn();
    other = await services.signIn();
    // Hardhat's account #2 holds GUARDIAN_ROLE in the market fixture (test/contracts/fixture.ts).
    guardian = await signInAs(
      services.serving.auth,
      mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: 2 }) as never,
      services.chain.chainId,
    );
  });

  after(async () => {
    delete g.__aiFilmsIndexCaughtUp;
    await services?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("files a signed-in viewer's report, and refuses no session, a reason not on the list, control characters and extra fields", async () => {
    expect((await report("", { filmId: "1", reason: "spam" })).status).to.equal(401);
    const filed = await report(viewer, { filmId: "1", reason: "copyright", details: "This is my film, re-uploaded.\nSee my channel." });
    expect(filed.status).to.equal(201);
    expect(await filed.json()).to.deep.equal({ filmId: "1", reported: true });
    for (const body of [
      { filmId: "1", reason: "boring" },
      { filmId: "1", reason: "SPAM" },
      { filmId: "1", reason: "spam", details: "x".repeat(1001) },
      { filmId: "1", reason: "spam", details: "bell\u0007" },
      { filmId: "1", reason: "spam", details: "\u001b[31mred" },
      { filmId: "1", reason: "spam", reporter: "0x" + "22".repeat(20) },
      { filmId: "0", reason: "spam" },
      { filmId: 1, reason: "spam" },
      { reason: "spam" },
      [],
      null,
    ]) {
      const res = await report(other, body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(await errorOf(res)).to.equal("malformed");
    }
    const unknown = await report(other, { filmId: "99", reason: "spam" });
    expect(unknown.status).to.equal(404);
    expect(await errorOf(unknown)).to.equal("film-unknown");
  });

  it("keeps one open report per wallet and film: a repeat is 409, another wallet's report counts", async () => {
    const again = await report(viewer, { filmId: "1", reason: "spam" });
    expect(again.status).to.equal(409);
    expect(await errorOf(again)).to.equal("already-reported");
    expect((await report(other, { filmId: "1", reason: "illegal", details: "" })).status).to.equal(201);
    const [film] = await indexer.openReports(services.db);
    expect(film.filmId).to.equal("1");
    expect(film.count).to.equal(2);
    expect(film.byReason).to.deep.equal({ copyright: 1, illegal: 1 });
    expect(film.reports.map((r) => r.details)).to.include("This is my film, re-uploaded.\nSee my channel.");
  });

  it("lets only the market's guardian decide: no session 401, a viewer 403 not-guardian, and nothing changes", async () => {
    expect((await decide("", { filmId: "1", action: "hide", reason: "Spam" })).status).to.equal(401);
    const refused = await decide(viewer, { filmId: "1", action: "hide", reason: "I do not like it" });
    expect(refused.status).to.equal(403);
    expect(await errorOf(refused)).to.equal("not-guardian");
    expect(await catalogueIds()).to.include("1");
    expect(await indexer.moderationLog(services.db)).to.deep.equal([]);
    for (const body of [
      { filmId: "1", action: "hide" },
      { filmId: "1", action: "hide", reason: "" },
      { filmId: "1", action: "hide", reason: "   " },
      { filmId: "1", action: "delete", reason: "x" },
      { filmId: "1", action: "hide", reason: "two\nlines" },
      { filmId: "1", action: "hide", reason: "x".repeat(501) },
      { filmId: "1", action: "hide", reason: "x", guardian: "0x" + "22".repeat(20) },
    ]) {
      const res = await decide(guardian, body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
    }
    expect((await decide(guardian, { filmId: "99", action: "hide", reason: "x" })).status).to.equal(404);
    const notHidden = await decide(guardian, { filmId: "2", action: "unhide", reason: "x" });
    expect(notHidden.status).to.equal(409);
    expect(await errorOf(notHidden)).to.equal("not-hidden");
  });

  it("hides a film with a public reason: gone from the catalogue, search, watchlist and creator listing; its page says why", async () => {
    await indexer.addToWatchlist(services.db, "0x" + "33".repeat(20), 1n, 100);
    const res = await decide(guardian, { filmId: "1", action: "hide", reason: "Re-upload of another creator's film" });
    expect(res.status).to.equal(200);
    const { decision, closedReports } = (await res.json()) as { decision: indexer.ModerationDecision; closedReports: number };
    expect(decision).to.include({ filmId: "1", action: "hide", reason: "Re-upload of another creator's film" });
    expect(decision.guardian).to.equal(mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: 2 }).address.toLowerCase());
    expect(closedReports).to.equal(2);

    expect(await catalogueIds()).to.not.include("1");
    expect(await catalogueIds({ search: "Film 1" })).to.deep.equal([]);
    expect(await catalogueIds({ owner: CREATOR })).to.not.include("1");
    expect((await indexer.watchlistFilms(services.db, "0x" + "33".repeat(20))).map((f) => f.filmId)).to.deep.equal([]);
    const page = await indexer.getFilm(services.db, 1n);
    expect(page?.hidden).to.include({ reason: "Re-upload of another creator's film", guardian: decision.guardian });
    expect(await indexer.openReports(services.db)).to.deep.equal([]);
    // The reports are closed: the viewer may report the film again.
    expect((await report(viewer, { filmId: "1", reason: "other" })).status).to.equal(201);
  });

  it("unhides it again, and keeps every decision in the public log", async () => {
    expect((await decide(guardian, { filmId: "1", action: "unhide", reason: "Creator proved ownership" })).status).to.equal(200);
    expect(await catalogueIds()).to.include("1");
    expect((await indexer.getFilm(services.db, 1n))?.hidden).to.equal(null);
    expect((await decide(guardian, { filmId: "1", action: "dismiss", reason: "Not a copy" })).status).to.equal(200);
    expect(await indexer.openReports(services.db)).to.deep.equal([]);
    const log = await indexer.moderationLog(services.db, { filmId: "1" });
    expect(log.map((d) => d.action)).to.deep.equal(["dismiss", "unhide", "hide"]);
  });

  it("applies a viewer's age limit: stored per wallet and in a cookie, refusing values off the list", async () => {
    expect(await catalogueIds()).to.include.members(["1", "3", "4"]);
    expect(await catalogueIds({ maxAgeRating: "16" }))
      .to.include.members(["1", "4"])
      .and.not.include("3");
    // At 12 and below only rated films within the limit show: unrated ones too are left out.
    expect(await catalogueIds({ maxAgeRating: "12" })).to.deep.equal(["4"]);
    expect(await catalogueIds({ maxAgeRating: "all" })).to.deep.equal([]);

    const set = await call(settings, "/api/viewer-settings", viewer, { maxAgeRating: "16" });
    expect(set.status).to.equal(200);
    expect(set.headers.get("set-cookie")).to.match(/^ai_films_age_limit=16;.*HttpOnly/);
    expect(await set.json()).to.deep.equal({ maxAgeRating: "16", stored: true });
    const signedOut = await call(settings, "/api/viewer-settings", "", { maxAgeRating: "12" });
    expect(signedOut.status).to.equal(200);
    expect(await signedOut.json()).to.deep.equal({ maxAgeRating: "12", stored: false });
    for (const body of [{ maxAgeRating: "21" }, { maxAgeRating: 16 }, { maxAgeRating: "16", viewer: "x" }, {}]) {
      expect((await call(settings, "/api/viewer-settings", viewer, body)).status, JSON.stringify(body)).to.equal(400);
    }
  });
});
