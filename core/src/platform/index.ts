/**
 * The local platform behind `npm start`: the local chain (anvil, persisting its own state), the demo catalogue, the
 * local oracle operators the web server runs, and a launcher for tests and benchmarks. Local
 * chains only: the accounts are Hardhat's well-known test keys.
 */
export { account, DEMO_ACCOUNTS, HARDHAT_MNEMONIC, privateKeyOf } from "./accounts.ts";
export { anvilBinary, chainPidFile, LOCAL_CHAIN_ID, LocalChainError, startLocalChain, type LocalChain } from "./localChain.ts";
export { assertPortFree, PortInUseError } from "./ports.ts";
export { ChildGroup, ProcessInUseError, removePidFile, stopLeftover, terminate, writePidFile } from "./processes.ts";
export { DEMO_FILMS, seedDemo, type DemoOptions } from "./demo.ts";
export { markWebBuild, webBuildFingerprint, webBuildIsCurrent } from "./webBuild.ts";
export { launchPlatform, type LaunchedPlatform, type LaunchOptions } from "./launch.ts";
export {
  MAX_WEB_WORKERS,
  parseWebWorkers,
  startWebCluster,
  WebWorkersSettingError,
  type WebCluster,
  type WebClusterOptions,
} from "./webCluster.ts";
export { localOperators, type LocalOperator } from "./localOperators.ts";
export { createLocalOracle, type LocalOracle, type LocalOracleOptions, type SettleOutcome } from "./localOracle.ts";
