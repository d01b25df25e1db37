/** Random beat sequences for one session: whatever arrives, the rules' invariants hold. */
import { expect } from "chai";
import fc from "fast-check";
import { MAX_SECONDS_PER_BEAT, filmCapSeconds } from "@ai-films/core/ledger";
import { describeEachBackend } from "../helpers/ledger-backends.ts";
import { ALICE, T0, counter, record, sum } from "../helpers/ledger-fixtures.ts";

describeEachBackend("ledger invariants (property-based)", (backend) => {
  it("never credits more than real time, per-beat maximum or film cap, and credits what it reports", async () => {
    const db = await backend.open(); // shared by all runs: each uses its own session and film
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 120 }),
        async (offsets, duration) => {
          const sessionId = `p${++run}`;
          const filmId = BigInt(run);
          const results = [];
          for (const offset of offsets) {
            results.push(await record(db, { at: T0 + offset, sessionId, filmId, filmDurationSeconds: duration }));
          }
          const added = results.map((r) => r.addedSeconds);
          const credited = (await counter(db, 0, ALICE, filmId))?.seconds ?? 0;
          expect(sum(added)).to.equal(credited);
          // Real time: nothing before the first beat counts, nothing after the latest exists.
          expect(credited).to.be.at.most(Math.max(0, Math.max(...offsets) - offsets[0]));
          expect(credited).to.be.at.most(filmCapSeconds(duration));
          expect(added.every((a) => a >= 0 && a <= MAX_SECONDS_PER_BEAT)).to.equal(true);
          expect(results.filter((r) => r.viewCounted).length).to.be.at.most(1);
        },
      ),
      { numRuns: 25 },
    );
  });
});
