// The oracle benchmark's generated ledger: rows the ledger's own constraints accept, audiences as
// apportioned, the schema left as the migrations made it, and a tally over it that is exactly what
// aggregatePeriod computes from those rows.
import { expect } from "chai";
import { aggregatePeriod } from "@ai-films/core/ledger/aggregate";
import { periodBounds } from "@ai-films/core/ledger/periods";
import { buildTallyFile, leavesOf, parseTallyFile, serializeTallyFile } from "@ai-films/core/oracle/tallyFile";
import { describeEachBackend } from "../helpers/ledger-backends.ts";
import { CLOCK } from "../helpers/ledger-fixtures.ts";
import { audienceSizes, filmIdOfRank, generateLedger } from "../helpers/synthetic-ledger.ts";

const ROWS = 3_000;
const FILMS = 150;
const VIEWERS = 400;
const PERIOD = 2;

describe("synthetic ledger: audience sizes", () => {
  it("apportions exactly the rows asked for, most to the most popular films, a long tail after", () => {
    const sizes = audienceSizes(1_000_000, 20_000);
    expect(sizes.reduce((s, n) => s + n, 0)).to.equal(1_000_000);
    expect(sizes[0]).to.be.greaterThan(10_000);
    expect(sizes[19_999]).to.be.within(1, 10);
    for (let i = 1; i < sizes.length; i += 997) expect(sizes[i]).to.be.at.most(sizes[i - 1] + 1);
  });

  it("gives every rank its own film id in 1..films", () => {
    const ids = new Set(Array.from({ length: FILMS }, (_, rank) => filmIdOfRank(rank, FILMS)));
    expect(ids.size).to.equal(FILMS);
    expect([...ids].every((id) => id >= 1n && id <= BigInt(FILMS))).to.equal(true);
  });
});

describeEachBackend("synthetic ledger", (backend) => {
  it("writes the rows asked for, within the ledger's constraints, and rebuilds its indexes", async () => {
    const db = await backend.open();
    const indexes = () =>
      db.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE tablename = 'view_counters' ORDER BY indexname");
    const before = await indexes();
    const { start, end } = periodBounds(CLOCK, PERIOD);
    const ticks: number[] = [];
    const written = await generateLedger(db, {
      period: PERIOD,
      rows: ROWS,
      films: FILMS,
      viewers: VIEWERS,
      periodStart: start,
      periodEnd: end,
      batchRows: 1_000,
      onProgress: (n) => ticks.push(n),
    });

    expect(written).to.equal(ROWS);
    expect(ticks.at(-1)).to.equal(ROWS);
    expect(await indexes()).to.deep.equal(before);
    const [stats] = await db.query<{ rows: number; viewers: number; films: number; first: string; last: string; periods: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT viewer)::int AS viewers, count(DISTINCT film_id)::int AS films,
              min(updated_at)::text AS first, max(updated_at)::text AS last, count(DISTINCT period)::int AS periods
       FROM view_counters`,
    );
    expect(stats.rows).to.equal(ROWS);
    expect(stats.viewers).to.be.at.most(VIEWERS);
    expect(stats.films).to.equal(audienceSizes(ROWS, FILMS).filter((n) => n > 0).length);
    expect(stats.periods).to.equal(1);
    expect(Number(stats.first)).to.be.at.least(start);
    expect(Number(stats.last)).to.be.below(end);
    const perFilm = await db.query<{ film_id: string; n: number }>(
      "SELECT film_id::text AS film_id, count(*)::int AS n FROM view_counters GROUP BY film_id",
    );
    const expected = audienceSizes(ROWS, FILMS);
    for (const { film_id, n } of perFilm) {
      const rank = expected.findIndex((_, r) => filmIdOfRank(r, FILMS) === BigInt(film_id));
      expect(n).to.equal(expected[rank]);
    }
    // Every entitlement occurs, and some rows never reached a view.
    const kinds = await db.query<{ last_entitlement: string; views: number }>(
      "SELECT last_entitlement, count(*) FILTER (WHERE view_counted)::int AS views FROM view_counters GROUP BY 1 ORDER BY 1",
    );
    expect(kinds.map((k) => k.last_entitlement)).to.deep.equal(["free", "owner", "pass", "subscription"]);
    const [{ unviewed }] = await db.query<{ unviewed: number }>(
      "SELECT count(*)::int AS unviewed FROM view_counters WHERE NOT view_counted",
    );
    expect(unviewed).to.be.greaterThan(0);
  });

  it("refuses a film audience larger than the viewers there are", async () => {
    const db = await backend.open();
    const { start, end } = periodBounds(CLOCK, PERIOD);
    let error: Error | undefined;
    await generateLedger(db, { period: PERIOD, rows: ROWS, films: 2, viewers: 100, periodStart: start, periodEnd: end }).catch(
      (e) => (error = e),
    );
    expect(error?.message).to.match(/would need \d+ distinct viewers but there are only 100/);
    expect(await db.query("SELECT 1 FROM view_counters")).to.have.length(0);
  });

  it("tallies to exactly the leaves aggregatePeriod computes from the rows", async () => {
    const db = await backend.open();
    const { start, end } = periodBounds(CLOCK, PERIOD);
    await generateLedger(db, { period: PERIOD, rows: ROWS, films: FILMS, viewers: VIEWERS, periodStart: start, periodEnd: end });

    // The leaves by hand: subscription seconds and views per film, films with no such seconds left out.
    const rows = await db.query<{ film_id: string; seconds_subscription: string; view_entitlement: string | null }>(
      "SELECT film_id::text AS film_id, seconds_subscription::text AS seconds_subscription, view_entitlement FROM view_counters",
    );
    const byFilm = new Map<bigint, { views: bigint; seconds: bigint }>();
    for (const row of rows) {
      const leaf = byFilm.get(BigInt(row.film_id)) ?? { views: 0n, seconds: 0n };
      leaf.seconds += BigInt(row.seconds_subscription);
      if (row.view_entitlement === "subscription") leaf.views += 1n;
      byFilm.set(BigInt(row.film_id), leaf);
    }
    const byHand = [...byFilm]
      .filter(([, leaf]) => leaf.seconds > 0n)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([filmId, leaf]) => ({ filmId, ...leaf }));

    const leaves = await aggregatePeriod(db, PERIOD);
    expect(leaves).to.deep.equal(byHand);
    const file = buildTallyFile(
      {
        chainId: 31337,
        market: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        period: PERIOD,
        revision: 0,
        periodStart: start,
        periodEnd: end,
        viewWeightBps: 5_000,
        pool: 10n,
      },
      leaves,
    );
    const reread = parseTallyFile(serializeTallyFile(file));
    expect(leavesOf(reread).sort((a, b) => (a.filmId < b.filmId ? -1 : 1))).to.deep.equal(byHand);
    expect(reread.totals.leafCount).to.equal(byHand.length);
  });
});
