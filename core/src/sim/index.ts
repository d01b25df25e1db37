/**
 * Simulations that put numbers on design choices: the payout split methods against bot farms
 * (npm run sim:payouts), with small SVG charts for docs/.
 */
export { DEFAULT_SIM, gini, median, prng, runPayoutSim, topShare, type MethodFigures, type SimConfig, type SimResult } from "./payouts.ts";
export { barChartSvg, lineChartSvg, type Series } from "./svg.ts";
