// `npm start`: the whole platform on localhost. A local chain (Foundry's anvil) that keeps its
// state across restarts, the contracts deployed through Ignition, the embedded IPFS node and the
// PGlite ledger under .data/, a demo catalogue on first run, and the web app in production mode on
// http://localhost:3000. `npm start -- --reset` (or `npm run reset`) starts from nothing.
// Whatever stops it — Ctrl-C, a signal, a failure at any step — stops every process it started.
// This process owns the ledger and serves it on 127.0.0.1 (the web server, the oracle and the
// indexer connect to it); a second `npm start` on the same data is refused.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { connectRpc } from "@ai-films/core/chain";
import { describeOwner, displayPath, readOwner } from "@ai-films/core/db/ownership";
import { openIpfs } from "@ai-films/core/ipfs";
import {
  assertPortFree,
  chainPidFile,
  ChildGroup,
  DEMO_ACCOUNTS,
  LOCAL_CHAIN_ID,
  markWebBuild,
  parseWebWorkers,
  removePidFile,
  seedDemo,
  startLocalChain,
  stopLeftover,
  webBuildFingerprint,
  webBuildIsCurrent,
  writePidFile,
  type LocalChain,
} from "@ai-films/core/platform";
import { openDatabase } from "@ai-films/core/db";
import { openPlatformLedger, type PlatformLedger } from "@ai-films/core/platform/ledgerOwner";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
// AI_FILMS_DATA_DIR and NEXT_DIST_DIR let the browser tests run a second platform beside yours.
const DATA = path.resolve(process.env.AI_FILMS_DATA_DIR ?? path.join(ROOT, ".data"));
const DATA_LABEL = path.relative(ROOT, DATA).startsWith("..") ? DATA : path.relative(ROOT, DATA) || ".";
const WEB_DIST = path.join(ROOT, "web", process.env.NEXT_DIST_DIR ?? ".next");
const CHAIN_ID = LOCAL_CHAIN_ID;
const RPC_PORT = Number(process.env.RPC_PORT ?? 8545);
const WEB_PORT = Number(process.env.PORT ?? 3000);
const HARDHAT = path.join(ROOT, "node_modules/hardhat/dist/src/cli.js");
const NEXT = path.join(ROOT, "node_modules/next/dist/bin/next");
const WEB_SERVER = path.join(ROOT, "scripts/web.ts");
// Ignition's folder for this platform's deployment; a second platform (browser tests, benchmark)
// uses its own so a --reset here never deletes a deployment in progress there.
const DEPLOYMENT_ID = process.env.AI_FILMS_DEPLOYMENT_ID || `chain-${CHAIN_ID}`;
const DEPLOYMENT_DIR = path.join(ROOT, "ignition/deployments", DEPLOYMENT_ID);
/** The web server's pid, so a start after this process was killed can stop the one it left. */
const WEB_PID_FILE = path.join(DATA, "web.pid");
const LEDGER_DIR = path.join(DATA, "ledger");
/**
 * LOCAL_PAYMENT_TOKEN: what the local deployment pays in. `test-dollar` (default): TestDollar,
 * OpenZeppelin's permit with EIP-5267. `usdc-shaped`: a test token with USDC's outside shape
 * (permit version "2", DOMAIN_SEPARATOR(), no EIP-5267), to try the app as it meets USDC.
 */
const PAYMENT_TOKEN_MODULES = { "test-dollar": "LocalAIFilms", "usdc-shaped": "LocalUsdcShapedAIFilms" } as const;
const PAYMENT_TOKEN = (process.env.LOCAL_PAYMENT_TOKEN?.trim() || "test-dollar") as keyof typeof PAYMENT_TOKEN_MODULES;

// Every store lives under DATA, for the demo seeding in this process and the web server alike.
process.env.MEDIA_KEYS_DIR ??= path.join(DATA, "keys");
process.env.MEDIA_WORK_DIR ??= path.join(DATA, "media/work");
process.env.MEDIA_JOBS_DIR ??= path.join(DATA, "media/jobs");
process.env.MEDIA_UPLOADS_DIR ??= path.join(DATA, "uploads");
process.env.ORACLE_DIR ??= path.join(DATA, "oracle");

const t0 = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}`);

/** Every process this run starts, stopped together however the run ends; the chain stops last. */
const children = new ChildGroup();
let chain: LocalChain | undefined;
let ledger: PlatformLedger | undefined;
let shuttingDown: Promise<never> | undefined;

function shutdown(code: number): Promise<never> {
  shuttingDown ??= (async () => {
    // Clients first, then the ledger they use (a clean close leaves nothing for recovery), then the chain.
    await children.stopAll();
    await removePidFile(WEB_PID_FILE);
    await ledger?.db.close().catch(() => undefined);
    await chain?.stop();
    process.exit(code);
  })();
  return shuttingDown;
}

function fail(error: unknown): Promise<never> {
  if (!shuttingDown) console.error(`start: ${error instanceof Error ? error.message : error}`);
  return shutdown(1);
}

function runNode(label: string, args: string[], env: NodeJS.ProcessEnv = {}, quiet = true): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = children.add(
      spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit" }),
    );
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${label} failed (${code ?? signal}):\n${output.slice(-3000)}`)),
    );
  });
}

async function reset() {
  const owner = readOwner(LEDGER_DIR);
  if (owner) throw new Error(`${describeOwner(owner)} is running on this data: stop it before resetting.`);
  // What a killed run left running would write into the new data directory.
  await stopLeftover(WEB_PID_FILE, "the web server");
  await stopLeftover(chainPidFile(path.join(DATA, "chain")), "the local chain");
  log(`--reset: removing ${DATA_LABEL}/ and the local deployment`);
  await rm(DATA, { recursive: true, force: true });
  await rm(DEPLOYMENT_DIR, { recursive: true, force: true });
  if (!process.env.AI_FILMS_DEPLOYMENT_ID) await rm(path.join(ROOT, "deployments/31337.json"), { force: true });
  // The web build is not data: it is rebuilt when its sources change (core/src/platform/webBuild.ts).
}

/**
 * The master key that encrypts film keys at rest: MEDIA_MASTER_KEY if set, else one random key
 * created on first run and kept in the data directory (the web server runs in production mode,
 * where the media module refuses its built-in development key).
 */
async function ensureMasterKey() {
  if (process.env.MEDIA_MASTER_KEY) return;
  const file = path.join(DATA, "media-master-key");
  let key = await readFile(file, "utf8")
    .then((s) => s.trim())
    .catch(() => "");
  if (!/^[0-9a-f]{64}$/.test(key)) {
    key = randomBytes(32).toString("hex");
    await mkdir(DATA, { recursive: true });
    await writeFile(file, key + "\n", { mode: 0o600 });
  }
  process.env.MEDIA_MASTER_KEY = key;
}

/** The Ignition module for LOCAL_PAYMENT_TOKEN and its parameters (local.json's, under that module's name). */
async function deploymentModule(): Promise<{ module: string; parameters: string }> {
  const module = PAYMENT_TOKEN_MODULES[PAYMENT_TOKEN];
  if (!module) {
    throw new Error(`LOCAL_PAYMENT_TOKEN must be one of ${Object.keys(PAYMENT_TOKEN_MODULES).join(", ")}, not "${PAYMENT_TOKEN}".`);
  }
  const local = path.join(ROOT, "ignition/parameters/local.json");
  if (module === "LocalAIFilms") return { module, parameters: local };
  const { LocalAIFilms } = JSON.parse(await readFile(local, "utf8")) as { LocalAIFilms: unknown };
  const parameters = path.join(DATA, "ignition-parameters.json");
  await mkdir(DATA, { recursive: true });
  await writeFile(parameters, JSON.stringify({ [module]: LocalAIFilms }, null, 2) + "\n");
  return { module, parameters };
}

async function ensureDeployed(rpcUrl: string) {
  try {
    return await connectRpc({ rpcUrl });
  } catch {
    // No deployment, or one from a chain that no longer exists: deploy afresh.
  }
  const { module, parameters } = await deploymentModule();
  log(`deploying the contracts through Hardhat Ignition (${module})`);
  await rm(DEPLOYMENT_DIR, { recursive: true, force: true });
  const env = { HARDHAT_IGNITION_CONFIRM_DEPLOYMENT: "false", LOCAL_RPC_URL: rpcUrl, AI_FILMS_DEPLOYMENT_ID: DEPLOYMENT_ID };
  await runNode(
    "hardhat ignition deploy",
    [
      HARDHAT,
      "--build-profile",
      "default",
      "ignition",
      "deploy",
      `ignition/modules/${module}.ts`,
      "--network",
      "localhost",
      "--parameters",
      parameters,
      "--deployment-id",
      DEPLOYMENT_ID,
    ],
    env,
  );
  await runNode(
    "the deployment export",
    [HARDHAT, "--build-profile", "default", "run", "scripts/export-deployments.ts", "--network", "localhost"],
    env,
  );
  return connectRpc({ rpcUrl });
}

/**
 * `next build` adds its dist directory's types to web/tsconfig.json and points web/next-env.d.ts at
 * them. For a second platform's build (NEXT_DIST_DIR: browser tests, benchmarks) undo that, so
 * running them leaves the checked-in files as they were.
 */
async function withoutBuildConfigEdits(build: () => Promise<void>) {
  const dist = process.env.NEXT_DIST_DIR;
  if (!dist || dist === ".next") return build();
  const nextEnvPath = path.join(ROOT, "web/next-env.d.ts");
  const tsconfigPath = path.join(ROOT, "web/tsconfig.json");
  const nextEnvBefore = await readFile(nextEnvPath, "utf8");
  try {
    await build();
  } finally {
    const tsconfig = JSON.parse(await readFile(tsconfigPath, "utf8")) as { include?: string[] };
    if (tsconfig.include?.some((p) => p.startsWith(`${dist}/`))) {
      tsconfig.include = tsconfig.include.filter((p) => !p.startsWith(`${dist}/`));
      await writeFile(tsconfigPath, JSON.stringify(tsconfig, null, 2) + "\n");
    }
    if ((await readFile(nextEnvPath, "utf8")).includes(dist) && !nextEnvBefore.includes(dist)) await writeFile(nextEnvPath, nextEnvBefore);
  }
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 60_000) {
  const start = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the web server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet: ask again until the timeout
    }
    if (Date.now() - start > timeoutMs) throw new Error(`the web server did not answer at ${url}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function main() {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void shutdown(0));
  // Nothing this process does may end it without stopping its children first.
  process.on("uncaughtException", (error) => void fail(error));
  process.on("unhandledRejection", (error) => void fail(error));

  const args = process.argv.slice(2);
  if (args.includes("--reset")) await reset();
  if (args.includes("--reset-only")) return;

  if (existsSync(path.join(DATA, "chain/journal.jsonl")) && !existsSync(path.join(DATA, "chain/state.json"))) {
    throw new Error(
      `${DATA_LABEL}/chain/ holds the transaction journal of the earlier Hardhat-based local chain, which this version cannot carry over: \`npm run reset\` starts afresh`,
    );
  }
  const workers = parseWebWorkers(process.env.WEB_WORKERS); // a bad setting stops us before anything starts
  // Both ports are checked before anything starts; a web server left by a killed start is stopped first.
  const leftover = await stopLeftover(WEB_PID_FILE, "the web server");
  if (leftover !== null) log(`stopped the web server (pid ${leftover}) left running by an earlier start`);
  await assertPortFree(WEB_PORT, "the web app", "PORT");

  await ensureMasterKey();
  // With DATABASE_URL the ledger is that PostgreSQL server; otherwise this process owns PGlite's.
  const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl) log("ledger: PostgreSQL at DATABASE_URL");
  else {
    ledger = await openPlatformLedger(LEDGER_DIR);
    log(`ledger: ${displayPath(LEDGER_DIR)} served at ${ledger.url}`);
  }
  log(`starting the local chain on 127.0.0.1:${RPC_PORT}`);
  chain = await startLocalChain({ dataDir: path.join(DATA, "chain"), port: RPC_PORT, portSetting: "RPC_PORT", log });
  if (chain.restored) log("  the chain's state from the last run is loaded");
  void chain.exited.then((code) => {
    if (!shuttingDown) void fail(new Error(`the local chain stopped (anvil exit ${code}); see ${DATA_LABEL}/chain/anvil.log`));
  });
  const ctx = await ensureDeployed(chain.url);
  log(`contracts: FilmMarket ${ctx.market}, FilmListings ${ctx.listings}, payment token ${ctx.paymentToken}`);

  const marker = path.join(DATA, "demo.json");
  if (!existsSync(marker)) {
    // Cut short by a kill, the seeding carries on from its progress file and the chain (demo.ts).
    const progressFile = path.join(DATA, "demo-progress.json");
    log(
      existsSync(progressFile)
        ? "creating the demo catalogue: carrying on where the last start was stopped"
        : "first run: creating the demo catalogue (six films through the real media pipeline)",
    );
    const seedDb = ledger?.db ?? (await openDatabase({ databaseUrl }));
    const ipfs = await openIpfs({ dataDir: path.join(DATA, "ipfs") });
    try {
      const workDir = path.join(DATA, "demo-work");
      const { films } = await seedDemo({ ctx, db: seedDb, ipfs, workDir, progressFile, log: (l) => log(`  ${l}`) });
      // The chain writes its state once a second: the catalogue is done once the chain has it on disk.
      await chain.persisted();
      await writeFile(marker, JSON.stringify({ films, createdAt: new Date().toISOString() }) + "\n");
      await rm(progressFile, { force: true });
    } finally {
      await ipfs.close();
      if (seedDb !== ledger?.db) await seedDb.close();
      await rm(path.join(DATA, "demo-work"), { recursive: true, force: true });
    }
  }

  const webEnv: NodeJS.ProcessEnv = {
    NODE_ENV: "production",
    RPC_URL: chain.url,
    MARKET_ADDRESS: ctx.market,
    // Collaborator splits: the studio makes each split through this factory (absent: no splits offered).
    ...(ctx.splitterFactory ? { SPLITTER_FACTORY_ADDRESS: ctx.splitterFactory } : {}),
    NEXT_PUBLIC_CHAIN_ID: String(CHAIN_ID),
    // The browser's RPC, handed over at run time (web/components/RuntimeConfig.tsx): one build for any port.
    PUBLIC_RPC_URL: chain.url,
    // The web server finds this process's ledger server through LEDGER_DIR's owner record;
    // DATABASE_URL, when set, reaches it with the rest of the environment and wins over LEDGER_DIR.
    LEDGER_DIR,
    IPFS_DATA_DIR: path.join(DATA, "ipfs"),
    SESSION_SECRET_FILE: path.join(DATA, "session-secret"),
    SITE_URL: `http://localhost:${WEB_PORT}`,
    PORT: String(WEB_PORT),
    NEXT_TELEMETRY_DISABLED: "1",
    // The web server settles ended periods with the local oracle keys (#7–#9): see core/src/platform/localOracle.ts.
    LOCAL_ORACLE: process.env.LOCAL_ORACLE ?? "1",
  };
  const fingerprint = await webBuildFingerprint(ROOT, { ...process.env, ...webEnv });
  if (!(await webBuildIsCurrent(WEB_DIST, fingerprint))) {
    log("building the web app (production; again only when its sources change)");
    await rm(path.join(WEB_DIST, "BUILD_ID"), { force: true }); // a build killed halfway is never taken for a finished one
    await withoutBuildConfigEdits(() => runNode("next build", [NEXT, "build", "web"], webEnv));
    await markWebBuild(WEB_DIST, fingerprint);
  }
  log(
    `starting the web app on http://localhost:${WEB_PORT}${workers > 1 ? ` (${workers} workers)` : ""} (it indexes the chain before its first answer)`,
  );
  await assertPortFree(WEB_PORT, "the web app", "PORT");
  // scripts/web.ts: WEB_WORKERS copies of `next start` on one port; the pid file names its primary.
  const web = children.add(
    spawn(process.execPath, ["--import", "tsx", WEB_SERVER], {
      cwd: ROOT,
      env: { ...process.env, ...webEnv },
      stdio: ["ignore", "inherit", "inherit"],
    }),
  );
  await writePidFile(WEB_PID_FILE, web);
  web.once("exit", (code, signal) => {
    if (!shuttingDown) void fail(new Error(`the web server stopped (${code ?? signal})`));
  });
  await waitForHttp(`http://localhost:${WEB_PORT}/`, web);

  console.log(`
  AI Films is running (ready in ${((Date.now() - t0) / 1000).toFixed(0)} s)

    web        http://localhost:${WEB_PORT}
    chain      ${chain.url} (anvil, chain id ${CHAIN_ID}; Hardhat's test mnemonic)
    ledger     ${ledger?.url ?? "DATABASE_URL"} (commands like \`npm run oracle\` connect to it by themselves)
    data       ${DATA_LABEL}/ (kept across restarts; \`npm run reset\` starts clean)

  Connect: press "Connect wallet" and choose "Dev wallet" (Hardhat accounts #${DEMO_ACCOUNTS.devWallets.join(", #")},
  funded on the local chain; no extension needed), or add the local chain (RPC ${chain.url}, id ${CHAIN_ID})
  to a browser wallet. Get test dollars from the faucet button on a film page.
  Ctrl-C stops everything.
`);
}

main().catch(fail);
