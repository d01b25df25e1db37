/**
 * One clock per viewer: however many sessions, tabs, devices or films a wallet plays at once, the
 * seconds it is credited in any interval are at most the interval's length plus one beat's slack.
 * The attack this pins down: one wallet running 8 players, each beating every 10 s, used to be
 * credited 8 × the wall clock.
 */
import { expect } from "chai";
import fc from "fast-check";
import { MAX_SECONDS_PER_BEAT, type HeartbeatResult } from "@ai-films/core/ledger";
import type { Database } from "@ai-films/core/db";
import { describeEachBackend } from "../helpers/ledger-backends.ts";
import { ALICE, BOB, T0, counter, record, sum } from "../helpers/ledger-fixtures.ts";

const PLAYERS = 8;
const WALL_CLOCK = 600;

/** PLAYERS sessions of one wallet beating every 10 s for WALL_CLOCK seconds; each tick's beats arrive together. */
async function parallelPlayers(db: Database, film: (i: number) => bigint, viewer = ALICE): Promise<HeartbeatResult[]> {
  const results: HeartbeatResult[] = [];
  for (let t = 0; t <= WALL_CLOCK; t += 10) {
    const tick = await Promise.all(
      Array.from({ length: PLAYERS }, (_, i) => record(db, { viewer, at: T0 + t, filmId: film(i), sessionId: `tab${i}` })),
    );
    results.push(...tick);
  }
  return results;
}

describeEachBackend("ledger: one clock per viewer", (backend) => {
  it(`${PLAYERS} parallel sessions of ${PLAYERS} films earn no more than the wall clock`, async () => {
    const db = await backend.open({ poolSize: 8 });
    const results = await parallelPlayers(db, (i) => BigInt(i + 1));
    const credited = sum(results.map((r) => r.addedSeconds));
    expect(credited).to.be.at.most(WALL_CLOCK + MAX_SECONDS_PER_BEAT);
    // Nothing is lost either: one player's worth of real time is credited.
    expect(credited).to.equal(WALL_CLOCK);
    let stored = 0;
    for (let i = 1; i <= PLAYERS; i++) stored += (await counter(db, 0, ALICE, BigInt(i)))?.seconds ?? 0;
    expect(stored).to.equal(credited);
  });

  it(`${PLAYERS} parallel sessions of one film earn no more than the wall clock`, async () => {
    const db = await backend.open({ poolSize: 8 });
    const results = await parallelPlayers(db, () => 1n);
    expect(sum(results.map((r) => r.addedSeconds))).to.equal(WALL_CLOCK);
    expect((await counter(db, 0, ALICE, 1n))?.seconds).to.equal(WALL_CLOCK);
  });

  it("two viewers do not share a clock", async () => {
    const db = await backend.open({ poolSize: 8 });
    const alice = await parallelPlayers(db, (i) => BigInt(i + 1), ALICE);
    const bob = await parallelPlayers(db, (i) => BigInt(i + 1), BOB);
    expect(sum(alice.map((r) => r.addedSeconds))).to.equal(WALL_CLOCK);
    expect(sum(bob.map((r) => r.addedSeconds))).to.equal(WALL_CLOCK);
  });

  it("a second session that starts later picks up where the first one's credit ends", async () => {
    const db = await backend.open();
    await record(db, { at: T0, sessionId: "phone" });
    expect((await record(db, { at: T0 + 10, sessionId: "phone" })).addedSeconds).to.equal(10);
    await record(db, { at: T0 + 12, sessionId: "laptop", filmId: 2n });
    // The laptop's beat covers T0+12..T0+22, the phone's next one T0+10..T0+20: only T0+20..T0+22 is new.
    expect((await record(db, { at: T0 + 22, sessionId: "laptop", filmId: 2n })).addedSeconds).to.equal(10);
    expect((await record(db, { at: T0 + 20, sessionId: "phone" })).addedSeconds).to.equal(0);
    // The phone alone again: from the viewer's clock (T0+22), not from its own last beat.
    expect((await record(db, { at: T0 + 30, sessionId: "phone" })).addedSeconds).to.equal(8);
  });

  it("in any interval, credit never exceeds its length plus one beat's slack (property)", async () => {
    const db = await backend.open();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        // Beats of up to 5 sessions over up to 5 films, in any arrival order.
        fc.array(fc.record({ offset: fc.integer({ min: 0, max: 300 }), session: fc.integer({ min: 0, max: 4 }) }), {
          minLength: 1,
          maxLength: 40,
        }),
        async (beats) => {
          // A fresh viewer per run: the database is shared by all runs.
          const viewer = `0x${(0xc0ffee00 + ++run).toString(16).padStart(40, "0")}`;
          const credited: { at: number; added: number }[] = [];
          for (const { offset, session } of beats) {
            const at = T0 + offset;
            const r = await record(db, { viewer, at, sessionId: `s${session}`, filmId: BigInt(session + 1) });
            credited.push({ at, added: r.addedSeconds });
          }
          const times = [...new Set(credited.map((c) => c.at))].sort((a, b) => a - b);
          for (const a of times) {
            for (const b of times) {
              if (b < a) continue;
              const inInterval = sum(credited.filter((c) => c.at >= a && c.at <= b).map((c) => c.added));
              expect(inInterval).to.be.at.most(b - a + MAX_SECONDS_PER_BEAT);
            }
          }
          // Over the whole run: no more than the span of the beats.
          expect(sum(credited.map((c) => c.added))).to.be.at.most(times[times.length - 1] - times[0]);
        },
      ),
      { numRuns: 25 },
    );
  });
});
