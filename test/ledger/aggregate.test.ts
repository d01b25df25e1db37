import { expect } from "chai";
import { aggregatePeriod, filmStats, periodTotals, viewerHistory, periodBounds } from "@ai-films/core/ledger";
import { describeEachBackend } from "../helpers/ledger-backends.ts";
import { ALICE, BOB, CLOCK, T0, address, every, record, recordSeries } from "../helpers/ledger-fixtures.ts";

const BIG_FILM = (1n << 200n) + 7n; // beyond any JS number: must survive as bigint

describeEachBackend("ledger aggregation and stats", (backend) => {
  describe("aggregatePeriod", () => {
    it("makes one leaf per film from subscription watching only, sorted by film id", async () => {
      const db = await backend.open();
      // Film 10: Alice 50 s (view) + Bob 20 s (no view) under subscription.
      await recordSeries(db, every(10, 6), { filmId: 10n });
      await recordSeries(db, every(10, 3), { filmId: 10n, viewer: BOB });
      // Film 2: Bob 40 s subscription (view); Alice 40 s with a pass (not counted).
      // (Each viewer watches one film after another: one clock per viewer.)
      await recordSeries(db, every(10, 5, T0 + 1000), { filmId: 2n, viewer: BOB });
      await recordSeries(db, every(10, 5, T0 + 1000), { filmId: 2n, entitlement: "pass" });
      // A huge film id, 30 s (view).
      await recordSeries(db, every(10, 4, T0 + 2000), { filmId: BIG_FILM });
      // Film 3: only owner and free watching: no leaf at all.
      await recordSeries(db, every(10, 5, T0 + 3000), { filmId: 3n, entitlement: "owner" });
      await recordSeries(db, every(10, 5, T0 + 2000), { filmId: 3n, entitlement: "free", viewer: BOB });
      // Film 4: a subscription session that never got past its first beat: no seconds, no leaf.
      await record(db, { filmId: 4n });
      // Next period: must not leak into period 0.
      await recordSeries(db, every(10, 5, periodBounds(CLOCK, 1).start), { filmId: 2n, sessionId: "next" });

      expect(await aggregatePeriod(db, 0)).to.deep.equal([
        { filmId: 2n, views: 1n, seconds: 40n },
        { filmId: 10n, views: 1n, seconds: 70n },
        { filmId: BIG_FILM, views: 1n, seconds: 30n },
      ]);
      expect(await periodTotals(db, 0)).to.deep.equal({ totalViews: 3n, totalSeconds: 140n, leafCount: 3 });
      expect(await aggregatePeriod(db, 1)).to.deep.equal([{ filmId: 2n, views: 1n, seconds: 40n }]);
      expect(await aggregatePeriod(db, 2)).to.deep.equal([]);
      expect(await periodTotals(db, 2)).to.deep.equal({ totalViews: 0n, totalSeconds: 0n, leafCount: 0 });
    });

    it("sorts film ids numerically, not as text", async () => {
      const db = await backend.open();
      const films = [100n, 9n, 20n, 1n];
      for (const [i, filmId] of films.entries()) await recordSeries(db, every(10, 2, T0 + i * 100), { filmId, sessionId: `f${filmId}` });
      expect((await aggregatePeriod(db, 0)).map((l) => l.filmId)).to.deep.equal([1n, 9n, 20n, 100n]);
    });

    it("is repeatable: aggregating twice gives the same leaves", async () => {
      const db = await backend.open();
      for (let v = 1; v <= 5; v++) await recordSeries(db, every(10, v + 1), { viewer: address(v), filmId: BigInt((v % 3) + 1) });
      expect(await aggregatePeriod(db, 0)).to.deep.equal(await aggregatePeriod(db, 0));
    });
  });

  describe("filmStats", () => {
    it("reports views and seconds split by entitlement", async () => {
      const db = await backend.open();
      await recordSeries(db, every(10, 5), { filmId: 1n }); // subscription 40 s, view
      await recordSeries(db, every(10, 2), { filmId: 1n, viewer: BOB, entitlement: "pass" }); // pass 10 s
      await recordSeries(db, every(10, 4), { filmId: 1n, viewer: address(3), entitlement: "owner" }); // owner 30 s, view
      await recordSeries(db, every(10, 3, T0 + 1000), { filmId: 2n, entitlement: "free" }); // other film, later
      const [stats] = await filmStats(db, 0, 1n);
      expect(stats).to.deep.equal({
        filmId: 1n,
        views: 2n,
        seconds: 80n,
        byEntitlement: {
          subscription: { views: 1n, seconds: 40n },
          pass: { views: 0n, seconds: 10n },
          owner: { views: 1n, seconds: 30n },
          free: { views: 0n, seconds: 0n },
        },
      });
      const all = await filmStats(db, 0);
      expect(all.map((s) => [s.filmId, s.seconds])).to.deep.equal([
        [1n, 80n],
        [2n, 20n],
      ]);
      expect(await filmStats(db, 0, 99n)).to.deep.equal([]);
      expect(await filmStats(db, 1)).to.deep.equal([]);
    });
  });

  describe("viewerHistory", () => {
    it("lists films most recent first with the last position and watched time", async () => {
      const db = await backend.open();
      await recordSeries(db, every(10, 3), { filmId: 1n, positionSeconds: 42.5 });
      await recordSeries(db, every(10, 2, T0 + 100), { filmId: 2n });
      await record(db, { filmId: 1n, at: T0 + 200, positionSeconds: 612 });
      const history = await viewerHistory(db, ALICE.toUpperCase().replace("0X", "0x"));
      expect(history).to.deep.equal([
        { filmId: 1n, firstWatchedAt: T0, lastWatchedAt: T0 + 200, positionSeconds: 612, watchedSeconds: 35n },
        { filmId: 2n, firstWatchedAt: T0 + 100, lastWatchedAt: T0 + 110, positionSeconds: null, watchedSeconds: 10n },
      ]);
      expect(await viewerHistory(db, BOB)).to.deep.equal([]);
      expect(await viewerHistory(db, ALICE, { limit: 1 })).to.have.length(1);
    });

    it("keeps the newest position when an older beat arrives late, and when a beat has none", async () => {
      const db = await backend.open();
      await record(db, { at: T0, sessionId: "phone", positionSeconds: 10 });
      await record(db, { at: T0 + 50, sessionId: "tv", positionSeconds: 900 });
      await record(db, { at: T0 + 20, sessionId: "phone", positionSeconds: 30 }); // older than the tv's beat
      await record(db, { at: T0 + 60, sessionId: "tv" }); // no position reported
      const [entry] = await viewerHistory(db, ALICE);
      expect(entry).to.include({ lastWatchedAt: T0 + 60, positionSeconds: 900 });
    });
  });
});
