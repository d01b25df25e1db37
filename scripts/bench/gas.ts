// Gas benchmark of the money paths: `npm run bench:gas` prints a table; `-- --json` also prints one
// JSON object on its last line; `-- --update-snapshot` writes the figures to gas-snapshot.json,
// which the snapshot test (test/contracts/gasSnapshot.test.ts, in `npm test`) holds every later
// run to, within 1 %. The measurements themselves live in test/helpers/gas.ts.
import { network } from "hardhat";
import { GAS_TARGETS, gasRegressions, measureGas, readGasSnapshot, writeGasSnapshot } from "../../test/helpers/gas.ts";

const json = process.argv.includes("--json");
const update = process.argv.includes("--update-snapshot");
const log = (msg: string) => {
  if (!json) process.stderr.write(msg + "\n");
};

const { figures, notes } = await measureGas(await network.create(), log);
const snapshot = readGasSnapshot();
const rows = Object.entries(figures).map(([k, v]) => ({
  operation: k,
  gas: v,
  snapshot: snapshot[k] ?? "",
  target: GAS_TARGETS[k] ?? "",
  ok: GAS_TARGETS[k] ? (v <= GAS_TARGETS[k] ? "yes" : "NO") : "",
  note: notes[k] ?? "",
}));
if (!json) console.table(rows);
if (update) {
  writeGasSnapshot(figures);
  log("written gas-snapshot.json");
} else {
  for (const problem of gasRegressions(figures, snapshot)) log(`over the snapshot: ${problem}`);
}
if (json) console.log(JSON.stringify(figures));
