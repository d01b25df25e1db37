import { expect } from "chai";
import { clampedPeriodOf, periodBounds, periodOf, periodStart, type PeriodClock } from "@ai-films/core/domain";

describe("domain: periods (the contract's clock)", () => {
  const clock: PeriodClock = { genesis: 1_000, periodLength: 100 };

  it("maps times to periods, half-open at both ends", () => {
    expect(periodOf(clock, 1_000)).to.equal(0);
    expect(periodOf(clock, 1_099)).to.equal(0);
    expect(periodOf(clock, 1_100)).to.equal(1);
    expect(periodOf(clock, 1_000 + 100 * 57 + 42)).to.equal(57);
  });

  it("gives each period's bounds, consistent with periodOf", () => {
    expect(periodBounds(clock, 0)).to.deep.equal({ start: 1_000, end: 1_100 });
    expect(periodBounds(clock, 3)).to.deep.equal({ start: 1_300, end: 1_400 });
    for (const p of [0, 1, 2, 99]) {
      const { start, end } = periodBounds(clock, p);
      expect(periodOf(clock, start)).to.equal(p);
      expect(periodOf(clock, end - 1)).to.equal(p);
      expect(periodOf(clock, end)).to.equal(p + 1);
    }
  });

  it("follows whatever clock the chain reports, not a built-in one", () => {
    const weekly: PeriodClock = { genesis: 1_700_000_000, periodLength: 604_800 };
    expect(periodOf(weekly, 1_700_000_000 + 604_800 * 2 + 1)).to.equal(2);
    expect(periodOf({ genesis: 0, periodLength: 86_400 }, 1_700_000_000)).to.equal(19_675);
  });

  it("rejects times before genesis and malformed clocks", () => {
    expect(() => periodOf(clock, 999)).to.throw(RangeError, /before/);
    expect(() => periodOf(clock, 1_000.5)).to.throw(RangeError, /integer/);
    expect(() => periodOf({ genesis: 0, periodLength: 0 }, 5)).to.throw(RangeError, /period length/);
    expect(() => periodBounds(clock, -1)).to.throw(RangeError);
  });

  it("puts an estimated now before genesis in the first period, and agrees with periodOf after it", () => {
    expect(clampedPeriodOf(clock, 0)).to.equal(0);
    expect(clampedPeriodOf(clock, 999)).to.equal(0);
    for (const at of [1_000, 1_099, 1_100, 5_742]) expect(clampedPeriodOf(clock, at)).to.equal(periodOf(clock, at));
  });

  it("gives a period's start as its bounds do", () => {
    for (const p of [0, 1, 7]) expect(periodStart(clock, p)).to.equal(periodBounds(clock, p).start);
  });
});
