// The gas snapshot: the benchmark's measurements (test/helpers/gas.ts) run again and every figure
// must stay within 1 % of gas-snapshot.json. A change that makes a money path cheaper, or one that
// costs more on purpose, updates the snapshot with `npm run bench:gas -- --update-snapshot` and
// commits it, so the diff shows the cost.
import { expect } from "chai";
import { network } from "hardhat";
import { gasRegressions, measureGas, readGasSnapshot } from "../helpers/gas.ts";

describe("Gas snapshot", function () {
  // The 100,000-leaf tree takes most of the time.
  this.timeout(600_000);

  it("flags a figure more than 1 % over the snapshot, and keys only one side has", () => {
    const snapshot = { claim: 60_000, buyView: 80_000, gone: 1 };
    expect(gasRegressions({ claim: 60_600, buyView: 70_000, gone: 1 }, snapshot)).to.deep.equal([]);
    expect(gasRegressions({ claim: 60_601, buyView: 80_000, fresh: 5 }, snapshot)).to.deep.equal([
      "gone: in the snapshot but no longer measured",
      "claim: 60601 gas, 1.00 % over the snapshot's 60000",
      "fresh: measured (5) but not in the snapshot",
    ]);
  });

  it("no money path costs more than 1 % over gas-snapshot.json", async () => {
    const { figures } = await measureGas(await network.create());
    expect(gasRegressions(figures, readGasSnapshot())).to.deep.equal([]);
  });
});
