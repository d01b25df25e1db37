import { expect } from "chai";
import { LedgerInputError, recordHeartbeat, utcDay, periodBounds, DAILY_CAP_SECONDS, MAX_SECONDS_PER_BEAT } from "@ai-films/core/ledger";
import { describeEachBackend } from "../helpers/ledger-backends.ts";
import {
  ALICE,
  BOB,
  CLOCK,
  MIDNIGHT,
  NOW,
  T0,
  beat,
  counter,
  daySeconds,
  every,
  record,
  recordSeries,
  sum,
} from "../helpers/ledger-fixtures.ts";

describeEachBackend("ledger heartbeat rules", (backend) => {
  describe("real-time cap", () => {
    it("the first beat of a session adds nothing and starts the clock", async () => {
      const db = await backend.open();
      const first = await record(db, { at: T0 });
      expect(first).to.deep.equal({ period: 0, addedSeconds: 0, viewCounted: false, capped: null, ignored: null });
      expect(await counter(db, 0, ALICE, 1n)).to.equal(undefined);
      expect((await record(db, { at: T0 + 10 })).addedSeconds).to.equal(10);
    });

    it("adds the time since the previous beat, at most interval + slack", async () => {
      const db = await backend.open();
      const results = await recordSeries(db, [T0, T0 + 3, T0 + 13, T0 + 28, T0 + 44, T0 + 1000]);
      expect(results.map((r) => r.addedSeconds)).to.deep.equal([0, 3, 10, 15, 15, 15]);
      expect(MAX_SECONDS_PER_BEAT).to.equal(15);
      expect((await counter(db, 0, ALICE, 1n))?.seconds).to.equal(58);
    });

    it("ignores beats out of order or repeated, without moving the session clock", async () => {
      const db = await backend.open();
      await recordSeries(db, [T0, T0 + 10]);
      const late = await record(db, { at: T0 + 5 });
      expect(late).to.include({ addedSeconds: 0, ignored: "out-of-order", capped: null });
      const repeated = await record(db, { at: T0 + 10 });
      expect(repeated).to.include({ addedSeconds: 0, ignored: "out-of-order" });
      // Measured from T0+10, not from the late beat at T0+5.
      expect((await record(db, { at: T0 + 20 })).addedSeconds).to.equal(10);
      expect((await counter(db, 0, ALICE, 1n))?.seconds).to.equal(20);
    });

    it("ignores beats from the future, without moving the session clock", async () => {
      const db = await backend.open();
      const now = T0 + 100;
      await record(db, { at: now - 10 }, now);
      const future = await record(db, { at: now + 600 }, now);
      expect(future).to.include({ addedSeconds: 0, ignored: "future" });
      expect((await record(db, { at: now }, now)).addedSeconds).to.equal(10);
      // A few seconds of skew are tolerated.
      expect((await record(db, { at: now + 5 }, now)).addedSeconds).to.equal(5);
    });

    it("keeps sessions apart, also when two viewers pick the same session id", async () => {
      const db = await backend.open();
      await record(db, { at: T0, sessionId: "a" });
      await record(db, { at: T0 + 4, sessionId: "b" });
      await record(db, { at: T0 + 6, sessionId: "x", viewer: BOB });
      expect((await record(db, { at: T0 + 10, sessionId: "a" })).addedSeconds).to.equal(10);
      // Measured from b's own last beat (T0+4: 12 s) and then from Alice's one clock (T0+10: 6 s).
      expect((await record(db, { at: T0 + 16, sessionId: "b" })).addedSeconds).to.equal(6);
      // Bob's "x" is new for Alice: a first beat.
      expect((await record(db, { at: T0 + 12, sessionId: "x" })).addedSeconds).to.equal(0);
      expect((await record(db, { at: T0 + 12, sessionId: "x", viewer: BOB })).addedSeconds).to.equal(6);
    });
  });

  describe("per-film cap", () => {
    it("stops at 3 × duration per (period, viewer, film), saying which cap applied", async () => {
      const db = await backend.open();
      const results = await recordSeries(db, every(10, 9), { filmDurationSeconds: 25 }); // cap 75
      expect(results.map((r) => r.addedSeconds)).to.deep.equal([0, 10, 10, 10, 10, 10, 10, 10, 5]);
      expect(results.map((r) => r.capped)).to.deep.equal([null, null, null, null, null, null, null, null, "film"]);
      const after = await record(db, { at: T0 + 90, filmDurationSeconds: 25 });
      expect(after).to.include({ addedSeconds: 0, capped: "film" });
      expect((await counter(db, 0, ALICE, 1n))?.seconds).to.equal(75);
    });

    it("is separate for each film and viewer, and starts again next period", async () => {
      const db = await backend.open();
      await recordSeries(db, every(10, 3), { filmDurationSeconds: 5 }); // cap 15: 10 + 5
      // Film 2 after film 1: one clock per viewer.
      await recordSeries(db, every(10, 3, T0 + 100), { filmDurationSeconds: 5, filmId: 2n });
      await recordSeries(db, every(10, 3), { filmDurationSeconds: 5, viewer: BOB });
      expect((await counter(db, 0, ALICE, 1n))?.seconds).to.equal(15);
      expect((await counter(db, 0, ALICE, 2n))?.seconds).to.equal(15);
      expect((await counter(db, 0, BOB, 1n))?.seconds).to.equal(15);
      const next = periodBounds(CLOCK, 1).start;
      const results = await recordSeries(db, [next, next + 10], { filmDurationSeconds: 5, sessionId: "s2" });
      expect(results[1]).to.include({ period: 1, addedSeconds: 10, capped: null });
    });
  });

  describe("daily cap", () => {
    it("stops at 8 hours per viewer and UTC day, across films", async () => {
      const db = await backend.open();
      const day = utcDay(T0);
      // Seed the day near the cap rather than sending ~2000 beats.
      await db.query("INSERT INTO viewer_days (viewer, day, seconds) VALUES ($1, $2, $3)", [ALICE, day, DAILY_CAP_SECONDS - 17]);
      const film1 = await recordSeries(db, every(10, 2), { filmId: 1n });
      // After film 1 (one clock per viewer: film 2 at the same time would share film 1's seconds).
      const film2 = await recordSeries(db, every(10, 3, T0 + 20), { filmId: 2n });
      expect(film1[1]).to.include({ addedSeconds: 10, capped: null });
      expect(film2.map((r) => r.addedSeconds)).to.deep.equal([0, 7, 0]);
      expect(film2.map((r) => r.capped)).to.deep.equal([null, "day", "day"]);
      expect(await daySeconds(db, ALICE, day)).to.equal(DAILY_CAP_SECONDS);
      // Bob is not affected by Alice's day.
      expect((await recordSeries(db, every(10, 2), { viewer: BOB }))[1].addedSeconds).to.equal(10);
    });

    it("is counted per UTC day: a new day has a new allowance", async () => {
      const db = await backend.open();
      await db.query("INSERT INTO viewer_days (viewer, day, seconds) VALUES ($1, $2, $3)", [ALICE, utcDay(T0), DAILY_CAP_SECONDS]);
      const results = await recordSeries(db, [MIDNIGHT - 20, MIDNIGHT - 10, MIDNIGHT + 2]);
      expect(results.map((r) => [r.addedSeconds, r.capped])).to.deep.equal([
        [0, null],
        [0, "day"],
        [12, null],
      ]);
      expect(await daySeconds(db, ALICE, utcDay(MIDNIGHT))).to.equal(12);
    });

    it("counts every entitlement toward the day", async () => {
      const db = await backend.open();
      await recordSeries(db, every(10, 3), { entitlement: "free", filmId: 7n });
      await recordSeries(db, every(10, 2, T0 + 100), { entitlement: "owner", filmId: 8n });
      expect(await daySeconds(db, ALICE, utcDay(T0))).to.equal(30);
    });
  });

  describe("boundaries", () => {
    it("credits a beat spanning midnight UTC wholly to the day of the beat", async () => {
      const db = await backend.open();
      await recordSeries(db, [MIDNIGHT - 4, MIDNIGHT + 6]);
      expect(await daySeconds(db, ALICE, utcDay(MIDNIGHT - 4))).to.equal(0);
      expect(await daySeconds(db, ALICE, utcDay(MIDNIGHT))).to.equal(10);
    });

    it("credits a beat spanning a period boundary wholly to the period of the beat", async () => {
      const db = await backend.open();
      const boundary = periodBounds(CLOCK, 1).start;
      const results = await recordSeries(db, [boundary - 13, boundary - 3, boundary + 7]);
      expect(results.map((r) => [r.period, r.addedSeconds])).to.deep.equal([
        [0, 0],
        [0, 10],
        [1, 10],
      ]);
      expect((await counter(db, 0, ALICE, 1n))?.seconds).to.equal(10);
      expect((await counter(db, 1, ALICE, 1n))?.seconds).to.equal(10);
    });
  });

  describe("unique views", () => {
    it("counts a view once the viewer has watched 30 s, and only once per period", async () => {
      const db = await backend.open();
      const results = await recordSeries(db, every(10, 6));
      expect(results.map((r) => r.viewCounted)).to.deep.equal([false, false, false, true, false, false]);
      expect(await counter(db, 0, ALICE, 1n)).to.deep.equal({ seconds: 50, viewCounted: true, viewEntitlement: "subscription" });
      // Another session in the same period does not count another view.
      const again = await recordSeries(db, every(10, 5, T0 + 100), { sessionId: "s2" });
      expect(again.some((r) => r.viewCounted)).to.equal(false);
      // The next period counts afresh.
      const next = periodBounds(CLOCK, 1).start;
      const nextPeriod = await recordSeries(db, every(10, 4, next), { sessionId: "s3" });
      expect(nextPeriod.map((r) => r.viewCounted)).to.deep.equal([false, false, false, true]);
    });

    it("uses the film's duration as the threshold for films shorter than 30 s", async () => {
      const db = await backend.open();
      const short = await recordSeries(db, every(10, 3), { filmDurationSeconds: 12 });
      expect(short.map((r) => r.viewCounted)).to.deep.equal([false, false, true]);
      const tiny = await recordSeries(db, [T0 + 100, T0 + 101], { filmDurationSeconds: 1, filmId: 2n, sessionId: "t" });
      expect(tiny[1]).to.include({ addedSeconds: 1, viewCounted: true });
      expect(await counter(db, 0, ALICE, 2n)).to.include({ seconds: 1, viewCounted: true });
    });

    it("does not count a view below the threshold", async () => {
      const db = await backend.open();
      await recordSeries(db, [T0, T0 + 15, T0 + 29]); // 29 s
      expect(await counter(db, 0, ALICE, 1n)).to.include({ seconds: 29, viewCounted: false });
    });

    it("credits the view to the entitlement the viewer had when crossing the threshold", async () => {
      const db = await backend.open();
      await recordSeries(db, every(10, 3), { entitlement: "pass" });
      await record(db, { at: T0 + 30, entitlement: "subscription" });
      expect(await counter(db, 0, ALICE, 1n)).to.deep.equal({ seconds: 30, viewCounted: true, viewEntitlement: "subscription" });
    });
  });

  describe("input validation", () => {
    const bad: [string, Parameters<typeof beat>[0], RegExp][] = [
      ["short address", { viewer: "0x1234" }, /viewer/],
      ["non-hex address", { viewer: `0x${"g".repeat(40)}` }, /viewer/],
      ["negative film id", { filmId: -1n }, /filmId/],
      ["film id 0, which FilmListings never mints", { filmId: 0n }, /filmId/],
      ["film id string with a leading zero", { filmId: "05" }, /filmId/],
      ["fractional film id", { filmId: 1.5 }, /filmId/],
      ["film id above uint256", { filmId: 1n << 256n }, /filmId/],
      ["non-decimal film id string", { filmId: "0x10" }, /filmId/],
      ["empty session id", { sessionId: "" }, /sessionId/],
      ["too long session id", { sessionId: "x".repeat(129) }, /sessionId/],
      ["session id with spaces", { sessionId: "a b" }, /sessionId/],
      ["zero duration", { filmDurationSeconds: 0 }, /filmDurationSeconds/],
      ["negative duration", { filmDurationSeconds: -5 }, /filmDurationSeconds/],
      ["fractional time", { at: T0 + 0.5 }, /\bat\b/],
      ["time before genesis", { at: CLOCK.genesis - 1 }, /before the first period/],
      ["unknown entitlement", { entitlement: "stolen" as never }, /entitlement/],
      ["negative position", { positionSeconds: -1 }, /positionSeconds/],
      ["NaN position", { positionSeconds: Number.NaN }, /positionSeconds/],
    ];
    for (const [what, overrides, message] of bad) {
      it(`rejects ${what} with a LedgerInputError, writing nothing`, async () => {
        const db = await backend.open();
        let error: unknown;
        try {
          await recordHeartbeat(db, CLOCK, beat(overrides), { now: NOW });
        } catch (e) {
          error = e;
        }
        expect(error).to.be.instanceOf(LedgerInputError);
        expect((error as Error).message).to.match(message);
        expect(await db.query("SELECT 1 FROM heartbeat_sessions")).to.have.length(0);
      });
    }

    it("accepts mixed-case addresses, number and string film ids, storing one spelling", async () => {
      const db = await backend.open();
      const mixed = `0x${"AbCdEf".repeat(6)}ABCD`;
      await record(db, { viewer: mixed, filmId: 5, at: T0 });
      const second = await record(db, { viewer: mixed.toLowerCase(), filmId: "5", at: T0 + 10 });
      expect(second.addedSeconds).to.equal(10);
      const rows = await db.query<{ viewer: string }>("SELECT DISTINCT viewer FROM heartbeat_sessions");
      expect(rows).to.deep.equal([{ viewer: mixed.toLowerCase() }]);
      expect(sum([second.addedSeconds])).to.equal((await counter(db, 0, mixed.toLowerCase(), 5n))?.seconds);
    });
  });
});
