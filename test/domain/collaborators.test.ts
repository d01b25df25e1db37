// The studio's collaborator rows → FilmSplitter's payees and basis-point shares.
import { expect } from "chai";
import fc from "fast-check";
import { MAX_COLLABORATORS, bpsToPercent, parseSplit, percentToBps } from "@ai-films/core/domain";

const A = "0x" + "a".repeat(40);
const B = "0x" + "B".repeat(40);
const C = "0x" + "c".repeat(40);

describe("Collaborator splits (domain)", () => {
  it("turns percents into basis points exactly", () => {
    expect(percentToBps("50")).to.equal(5_000);
    expect(percentToBps("33.33")).to.equal(3_333);
    expect(percentToBps("0.01")).to.equal(1);
    expect(percentToBps(" 12.5 % ")).to.equal(1_250);
    for (const bad of ["0", "0.00", "100.01", "101", "-5", "1.234", "abc", "", "1e2"]) expect(percentToBps(bad), bad).to.equal(null);
    expect(bpsToPercent(3_333)).to.equal("33.33");
    expect(bpsToPercent(1_250)).to.equal("12.5");
    expect(bpsToPercent(305)).to.equal("3.05");
    expect(bpsToPercent(10_000)).to.equal("100");
  });

  it("accepts distinct valid addresses whose shares add up to 100 %, lowercased, in order", () => {
    expect(
      parseSplit([
        { address: A, percent: "50" },
        { address: B, percent: "33.33" },
        { address: C, percent: "16.67" },
      ]),
    ).to.deep.equal({ ok: true, payees: [A, B.toLowerCase(), C], shares: [5_000n, 3_333n, 1_667n] });
    expect(parseSplit([])).to.deep.equal({ ok: true, payees: [], shares: [] });
  });

  it("refuses a bad address, a duplicate in any case, a bad share and a total other than 100 %", () => {
    const problem = (rows: { address: string; percent: string }[]) => {
      const parsed = parseSplit(rows);
      return parsed.ok ? null : parsed.problem;
    };
    expect(problem([{ address: "0x1234", percent: "100" }])).to.match(/Collaborator 1: enter a wallet address/);
    expect(
      problem([
        { address: A, percent: "50" },
        { address: A.toUpperCase().replace("0X", "0x"), percent: "50" },
      ]),
    ).to.match(/Collaborator 2: this address is already/);
    expect(problem([{ address: A, percent: "0" }])).to.match(/Collaborator 1: enter a share above 0/);
    expect(
      problem([
        { address: A, percent: "50" },
        { address: B, percent: "49.99" },
      ]),
    ).to.equal("The shares add up to 99.99 %; they must add up to exactly 100 %.");
    const many = Array.from({ length: MAX_COLLABORATORS + 1 }, (_, i) => ({
      address: "0x" + i.toString(16).padStart(40, "0"),
      percent: "1",
    }));
    expect(problem(many)).to.match(/at most 100 collaborators/);
  });

  it("property: whatever is accepted has shares summing to 10,000 and distinct payees", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            address: fc.constantFrom(A, B, C, "0x" + "d".repeat(40), "nope"),
            percent: fc.constantFrom("10", "25", "50", "33.33", "0", "x"),
          }),
          {
            maxLength: 6,
          },
        ),
        (rows) => {
          const parsed = parseSplit(rows);
          if (!parsed.ok || rows.length === 0) return;
          expect(parsed.shares.reduce((s, x) => s + x, 0n)).to.equal(10_000n);
          expect(new Set(parsed.payees).size).to.equal(parsed.payees.length);
        },
      ),
    );
  });
});
