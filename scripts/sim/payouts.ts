// `npm run sim:payouts [-- --json] [--small] [--no-svg]`: the split methods on a seeded synthetic
// platform with bot farms of 1 to 2,000 wallets (core/src/sim/payouts.ts). Prints each method's
// farm return on cost per farm size, the honest creators' payout change against method 1 and the
// concentration; writes docs/payouts-roi.svg and docs/payouts-deciles.svg.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { barChartSvg, lineChartSvg, runPayoutSim, type SimConfig } from "@ai-films/core/sim";

const { values } = parseArgs({
  options: { json: { type: "boolean" }, small: { type: "boolean" }, "no-svg": { type: "boolean" }, seed: { type: "string" } },
});
const small: Partial<SimConfig> = { subscribers: 2_000, creators: 60, films: 500, farmSizes: [1, 10, 100, 200] };
const config: Partial<SimConfig> = { ...(values.small ? small : {}), ...(values.seed ? { seed: Number(values.seed) } : {}) };
const started = Date.now();
const result = runPayoutSim(config);
const [m1, m2] = result.methods;
const seconds = (Date.now() - started) / 1000;

if (!values["no-svg"]) {
  const docs = path.join(import.meta.dirname, "..", "..", "docs");
  const name = (v: number) => (v === 1 ? "Method 1: global proportional" : "Method 2: ScaledUserProp");
  await writeFile(
    path.join(docs, "payouts-roi.svg"),
    lineChartSvg({
      title: "Bot farm return on its subscriptions",
      desc:
        `Payout to the farmer divided by what the farm paid, for farms of ${result.config.farmSizes.join(", ")} wallets. ` +
        `Method 1 peaks at ${m1.roiMax.toFixed(2)}; method 2 stays at most ${m2.roiMax.toFixed(3)}, below the break-even line at 1.`,
      xLabel: "bot wallets in the farm (log scale)",
      yLabel: "payout ÷ subscriptions paid",
      x: result.config.farmSizes,
      series: [
        { name: name(1), color: "#c0392b", values: m1.roi },
        { name: name(2), color: "#1f6fb2", values: m2.roi },
      ],
      reference: 1,
    }),
  );
  await writeFile(
    path.join(docs, "payouts-deciles.svg"),
    barChartSvg({
      title: "Method 2 vs method 1: payout change per creator decile",
      desc:
        "Honest creators grouped into ten deciles by their method 1 payout (lowest first, no farm); each bar is the change of " +
        `the decile's total under method 2, in percent. Median change per creator: ${m2.medianChangePct.toFixed(1)} %.`,
      xLabel: "creator decile by method 1 payout (1 = lowest)",
      yLabel: "change vs method 1 (%)",
      categories: m2.decileShiftPct.map((_, i) => String(i + 1)),
      series: [{ name: name(2), color: "#1f6fb2", values: m2.decileShiftPct }],
    }),
  );
}

if (values.json) {
  console.log(
    JSON.stringify(
      {
        roiMethod1Max: m1.roiMax,
        roiNewMax: m2.roiMax,
        honestCreatorsMedianChangePct: m2.medianChangePct,
        seconds,
        ...result,
      },
      null,
      2,
    ),
  );
} else {
  const p = result.platform;
  console.log(
    `Synthetic platform (seed ${result.config.seed}): ${result.config.subscribers} subscribers (${p.activeSubscribers} watched), ` +
      `${result.config.creators} creators, ${result.config.films} films, ${p.watchedHours} hours watched, pool ${p.poolUsd} USD; ` +
      `each bot pays ${Number(result.config.monthlyPrice) / 1e6} USD and streams ${result.config.farmerFilms} farmer films to the caps.\n`,
  );
  console.log(
    `farm size   ${result.methods.map((m) => `ROI method ${m.method.version}`.padStart(16)).join("")}` +
      result.methods.map((m) => `honest median, m${m.method.version}`.padStart(22)).join(""),
  );
  result.config.farmSizes.forEach((size, i) =>
    console.log(
      `${String(size).padStart(9)}   ${result.methods.map((m) => m.roi[i].toFixed(3).padStart(16)).join("")}` +
        result.methods.map((m) => `${m.honestChangeWithFarmPct[i].toFixed(1)} %`.padStart(22)).join(""),
    ),
  );
  console.log("(honest median: median honest creator's payout change vs method 1 with no farm)");
  console.log("");
  for (const m of result.methods)
    console.log(
      `method ${m.method.version}: max ROI ${m.roiMax.toFixed(3)}, Gini ${m.gini.toFixed(3)}, top-10 share ${(100 * m.top10Share).toFixed(1)} %, ` +
        `median honest creator change vs method 1 ${m.medianChangePct.toFixed(1)} %, reserve ${m.reservePct.toFixed(4)} % of the pool`,
    );
  console.log(`\nmethod 2 change per creator decile (lowest first): ${m2.decileShiftPct.map((v) => v.toFixed(1) + " %").join(", ")}`);
  console.log(`(${seconds.toFixed(1)} s)`);
}
