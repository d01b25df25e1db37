/**
 * Many beats at once on the same rows. On real PostgreSQL the beats run on separate pooled
 * connections at the same time, so a read-modify-write without row locks would lose seconds or
 * let a cap be overshot; on PGlite they must queue rather than interleave on its one connection.
 */
import { expect } from "chai";
import { aggregatePeriod, utcDay, DAILY_CAP_SECONDS, type Heartbeat, type HeartbeatResult } from "@ai-films/core/ledger";
import type { Database } from "@ai-films/core/db";
import { describeEachBackend } from "../helpers/ledger-backends.ts";
import { ALICE, T0, address, counter, daySeconds, record, sum } from "../helpers/ledger-fixtures.ts";

const SESSIONS = 50;
const BEATS = 6; // per session: the first starts the clock, then 5 × 10 s

/** Every session sends its beats in order (as a player would); all sessions run at once. */
async function watchConcurrently(db: Database, sessionOverrides: (i: number) => Partial<Heartbeat>): Promise<HeartbeatResult[]> {
  const perSession = await Promise.all(
    Array.from({ length: SESSIONS }, async (_, i) => {
      const results: HeartbeatResult[] = [];
      for (let b = 0; b < BEATS; b++) {
        results.push(await record(db, { sessionId: `s${i}`, at: T0 + b * 10, ...sessionOverrides(i) }));
      }
      return results;
    }),
  );
  return perSession.flat();
}

describeEachBackend("ledger under concurrency", (backend) => {
  const open = () => backend.open({ poolSize: 12 });

  it(`${SESSIONS} sessions × ${BEATS} beats on one counter lose and double nothing`, async () => {
    const db = await open();
    const results = await watchConcurrently(db, () => ({}));
    // One clock per viewer: the sessions share it, so exactly one beat per tick adds its 10 s.
    const expected = (BEATS - 1) * 10;
    expect(sum(results.map((r) => r.addedSeconds))).to.equal(expected);
    expect(await counter(db, 0, ALICE, 1n)).to.include({ seconds: expected, viewCounted: true });
    expect(await daySeconds(db, ALICE, utcDay(T0))).to.equal(expected);
    expect(results.filter((r) => r.viewCounted)).to.have.length(1);
    expect(await aggregatePeriod(db, 0)).to.deep.equal([{ filmId: 1n, views: 1n, seconds: BigInt(expected) }]);
  });

  it(`${SESSIONS} viewers × ${BEATS} beats on one film lose and double nothing`, async () => {
    const db = await open();
    const results = await watchConcurrently(db, (i) => ({ viewer: address(0x5000 + i) }));
    const expected = SESSIONS * (BEATS - 1) * 10;
    expect(sum(results.map((r) => r.addedSeconds))).to.equal(expected);
    expect(results.filter((r) => r.viewCounted)).to.have.length(SESSIONS);
    expect(await aggregatePeriod(db, 0)).to.deep.equal([{ filmId: 1n, views: BigInt(SESSIONS), seconds: BigInt(expected) }]);
  });

  it("concurrent beats stop exactly at the per-film cap", async () => {
    const db = await open();
    const results = await watchConcurrently(db, () => ({ filmDurationSeconds: 11 })); // cap 33 < 50
    expect(sum(results.map((r) => r.addedSeconds))).to.equal(33);
    expect((await counter(db, 0, ALICE, 1n))?.seconds).to.equal(33);
    expect(await daySeconds(db, ALICE, utcDay(T0))).to.equal(33);
    expect(results.filter((r) => r.capped === "film").length).to.be.greaterThan(0);
  });

  it("concurrent beats on many films stop exactly at the daily cap", async () => {
    const db = await open();
    await db.query("INSERT INTO viewer_days (viewer, day, seconds) VALUES ($1, $2, $3)", [ALICE, utcDay(T0), DAILY_CAP_SECONDS - 27]);
    const results = await watchConcurrently(db, (i) => ({ filmId: BigInt(i + 1) }));
    expect(sum(results.map((r) => r.addedSeconds))).to.equal(27);
    expect(await daySeconds(db, ALICE, utcDay(T0))).to.equal(DAILY_CAP_SECONDS);
    const perFilm = await db.query<{ total: string }>("SELECT sum(seconds)::text AS total FROM view_counters");
    expect(Number(perFilm[0].total)).to.equal(27);
  });

  it("racing beats of one session add no more than real time", async () => {
    const db = await open();
    // The same session's beats all at once, in scrambled order, plus duplicates of each.
    const times = Array.from({ length: 40 }, (_, i) => T0 + ((i * 17) % 20) * 7);
    const results = await Promise.all(times.map((at) => record(db, { at, sessionId: "one" })));
    const added = sum(results.map((r) => r.addedSeconds));
    expect(results.filter((r) => r.ignored === null && r.addedSeconds === 0 && r.capped === null).length).to.equal(1);
    expect(added).to.equal((await counter(db, 0, ALICE, 1n))?.seconds ?? 0);
    expect(added).to.be.at.most(Math.max(...times) - Math.min(...times));
    const sessions = await db.query("SELECT 1 FROM heartbeat_sessions");
    expect(sessions).to.have.length(1);
  });
});
