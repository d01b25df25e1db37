// GET /api/account/counts: a signed-in wallet gets its own counted lines of settled periods, with
// salts and proofs that verify against the viewer root; another wallet gets none of them; no
// session, any query but `period=N`, and too many requests are refused with JSON reasons. The
// route handler runs in-process on real services (Hardhat chain, PGlite, Helia), as in
// routes.fuzz.test.ts; the lines are the oracle's (commitViewerLines + storeViewerLines) and the
// posted tally is the indexer's row.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { buildTallyFile, commitViewerLines, storeViewerLines, verifyViewerLine, type ViewerPeriodCounts } from "@ai-films/core/oracle";
import { RATE_LIMITS } from "@ai-films/core/serving";
import { signInAs } from "./helpers.ts";
import { browserRequest, installWebServices, loadRoute, type RouteHandler, type WebServices } from "./webRoutes.ts";

describe("GET /api/account/counts", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "ai-films-account-counts-"));
  let services: WebServices;
  let route: Record<string, RouteHandler>;
  const [alice, bob, carol] = [0, 1, 2].map(() => privateKeyToAccount(generatePrivateKey()));
  const cookies: Record<string, string> = {};
  let viewerRoot = "";

  const ask = async (query: string, cookie?: string) => {
    const request = cookie
      ? browserRequest(`/api/account/counts${query}`, { method: "GET", cookie })
      : new Request(`http://localhost:3000/api/account/counts${query}`);
    const response = await route.GET(request, { params: Promise.resolve({}) });
    return {
      status: response.status,
      body: (await response.json()) as { periods?: ViewerPeriodCounts[]; error?: string; message?: string },
    };
  };

  before(async () => {
    services = await installWebServices(dir);
    route = await loadRoute("api/account/counts/route.ts");
    for (const [name, account] of Object.entries({ alice, bob, carol }))
      cookies[name] = await signInAs(services.serving.auth, account, services.chain.chainId);
    const place = { chainId: services.chain.chainId, market: services.chain.market, period: 5, revision: 0 };
    const counts = [
      { viewer: alice.address.toLowerCase(), filmId: 1n, views: 1n, seconds: 1_020n },
      { viewer: alice.address.toLowerCase(), filmId: 2n, views: 0n, seconds: 25n },
      { viewer: bob.address.toLowerCase(), filmId: 1n, views: 1n, seconds: 600n },
    ].sort((a, b) => (a.viewer < b.viewer ? -1 : 1));
    const commitment = commitViewerLines(counts, new Uint8Array(32).fill(3), place);
    viewerRoot = commitment.summary.root;
    const file = buildTallyFile(
      { ...place, periodStart: 0, periodEnd: 1, viewWeightBps: 5_000, pool: 1n },
      [
        { filmId: 1n, views: 2n, seconds: 1_620n },
        { filmId: 2n, views: 0n, seconds: 25n },
      ],
      { version: 1 },
      commitment,
    );
    await storeViewerLines(services.db, 5, file.root, commitment);
    await services.db.query(
      `INSERT INTO tallies (tx_hash, log_index, block_number, block_time, period, root, total_views, total_seconds, leaf_count,
                            view_weight_bps, data_cid, signers, claimable_at)
       VALUES ($1, 0, 1, 0, 5, $2, 2, 1645, 2, 5000, 'bafkreiexample', '{}', 10)`,
      [`0x${"ab".repeat(32)}`, file.root],
    );
  });

  after(async () => {
    await services?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives the signed-in wallet its own lines, each verifying against the viewer root", async () => {
    const { status, body } = await ask("", cookies.alice);
    expect(status).to.equal(200);
    expect(body.periods).to.have.length(1);
    const [period] = body.periods!;
    expect(period).to.include({ period: 5, dataCid: "bafkreiexample" });
    expect(period.lines.map((l) => [l.viewer, l.filmId, l.seconds, l.views])).to.deep.equal([
      [alice.address.toLowerCase(), "1", "1020", "1"],
      [alice.address.toLowerCase(), "2", "25", "0"],
    ]);
    for (const line of period.lines) {
      expect(line.viewerRoot).to.equal(viewerRoot);
      expect(verifyViewerLine(viewerRoot, line)).to.equal(true);
      // A proof tampered with on the way (or a line inflated) no longer verifies.
      expect(verifyViewerLine(viewerRoot, { ...line, seconds: String(BigInt(line.seconds) * 2n) })).to.equal(false);
      expect(
        verifyViewerLine(viewerRoot, {
          ...line,
          proof: line.proof.map((p) => p.replace(/.$/, (c) => (c === "0" ? "1" : "0"))) as `0x${string}`[],
        }),
      ).to.equal(false);
    }
    expect((await ask("?period=5", cookies.alice)).body.periods).to.deep.equal(body.periods);
    expect((await ask("?period=6", cookies.alice)).body.periods).to.deep.equal([]);
  });

  it("gives another wallet none of them: bob only his line, carol nothing", async () => {
    const bobs = await ask("", cookies.bob);
    expect(bobs.body.periods![0].lines.map((l) => l.viewer)).to.deep.equal([bob.address.toLowerCase()]);
    const text = JSON.stringify(bobs.body).toLowerCase();
    expect(text).to.not.include(alice.address.slice(2).toLowerCase());
    expect((await ask("", cookies.carol)).body).to.deep.equal({ viewer: carol.address.toLowerCase(), periods: [] });
  });

  it("refuses without a session (401) and any query but one period=N (400), with JSON reasons", async () => {
    expect(await ask("")).to.deep.include({ status: 401 });
    expect((await ask("")).body.error).to.equal("no-session");
    for (const query of [
      "?period=-1",
      "?period=abc",
      "?period=1.5",
      "?period=01",
      "?period=99999999999",
      "?viewer=" + bob.address,
      "?period=5&period=5",
      "?period=5&x=1",
    ]) {
      const { status, body } = await ask(query, cookies.alice);
      expect([status, body.error], query).to.deep.equal([400, "malformed"]);
      expect(body.message).to.be.a("string");
    }
  });

  it("rate-limits one wallet's reads (429 rate-limited)", async () => {
    const max = RATE_LIMITS.accountCounts.wallet.max;
    let last = 0;
    for (let i = 0; i <= max && last !== 429; i++) last = (await ask("", cookies.carol)).status;
    expect(last).to.equal(429);
    expect((await ask("", cookies.carol)).body.error).to.equal("rate-limited");
  });
});
