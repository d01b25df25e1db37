/**
 * The local platform behind `npm start`: the journalled local chain, the demo catalogue, the
 * local oracle operators the web server runs, and a launcher for tests and benchmarks. Local
 * chains only: the accounts are Hardhat's well-known test keys.
 */
export { account, DEMO_ACCOUNTS, HARDHAT_MNEMONIC } from "./accounts.ts";
export { readJournal, startLocalChain, type JournalEntry, type LocalChain } from "./chainJournal.ts";
export { DEMO_FILMS, seedDemo, type DemoOptions } from "./demo.ts";
export { launchPlatform, type LaunchedPlatform, type LaunchOptions } from "./launch.ts";
export { createLocalOracle, type LocalOracle, type LocalOracleOptions, type SettleOutcome } from "./localOracle.ts";
