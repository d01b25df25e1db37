// The local chain of `npm start`: Foundry's anvil, which keeps its own state in <dataDir>/state.json
// (blocks, receipts, logs, accounts and contract storage, with the same block hashes) — loaded when
// it starts, written every second and when it stops — so the chain survives restarts, moved time
// included. Chain id 31337 and the first forty accounts of Hardhat's test mnemonic (#20–#39 are the browser tests' own wallets).
//
// Two things anvil 1.7 does not do, done here:
// - after loading a state it mines the next block at the wall clock, even when the saved head is
//   ahead of it (time was moved on): the clock is moved to just past the head, so block times never
//   go backwards (foundry-rs/foundry#10331, fixed after 1.7.1);
// - it rewrites the state file in place, so a SIGKILL in the middle of a write leaves it cut short:
//   a complete copy is kept beside it and taken instead.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { copyFile, mkdir, open, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { RpcBlock } from "viem";
import { HARDHAT_MNEMONIC } from "./accounts.ts";
import { assertPortFree } from "./ports.ts";
import { removePidFile, stopLeftover, terminate, writePidFile } from "./processes.ts";
import { AiFilmsError } from "../errors.ts";

export const LOCAL_CHAIN_ID = 31337;
export const LOCAL_CHAIN_ACCOUNTS = 40;
/** Seconds between state dumps: what a SIGKILL of the chain can lose. */
const STATE_INTERVAL = 1;
const COPY_INTERVAL_MS = 2_000;

/** Foundry publishes anvil per platform on npm; the root package lists them as optional dependencies. */
const ANVIL_PACKAGES: Record<string, string> = {
  "linux-x64": "@foundry-rs/anvil-linux-amd64",
  "linux-arm64": "@foundry-rs/anvil-linux-arm64",
  "darwin-x64": "@foundry-rs/anvil-darwin-amd64",
  "darwin-arm64": "@foundry-rs/anvil-darwin-arm64",
};

export class LocalChainError extends AiFilmsError<"platform"> {
  override name = "LocalChainError";

  constructor(message: string, code: "NO_CHAIN_NODE" | "CHAIN_FAILED" = "CHAIN_FAILED") {
    super("platform", code, message);
  }
}

export function anvilBinary(): string {
  const target = `${process.platform}-${process.arch}`;
  const pkg = ANVIL_PACKAGES[target];
  if (!pkg)
    throw new LocalChainError(`no anvil build for ${target} on npm: the local chain runs on Linux and macOS (x64, arm64)`, "NO_CHAIN_NODE");
  try {
    return path.join(path.dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`)), "bin/anvil");
  } catch {
    throw new LocalChainError(
      `${pkg} is not installed: run \`npm install\` (under Node 22) to get the local chain's node`,
      "NO_CHAIN_NODE",
    );
  }
}

/** Where the chain records its anvil's pid, for a start after a crash (or a reset) to stop it. */
export const chainPidFile = (dataDir: string) => path.join(dataDir, "anvil.pid");

export interface LocalChain {
  url: string;
  /** Whether the chain was loaded from an earlier run's state rather than started empty. */
  restored: boolean;
  pid: number;
  /** Settles with anvil's exit code (or signal) when it exits, whoever stopped it. */
  exited: Promise<number | string>;
  /** Stops anvil, which writes its state as it exits. */
  stop(): Promise<void>;
  /**
   * Resolves once anvil has written its state after this call (it does so every second), so what
   * was mined before survives a kill; gives up after a few seconds.
   */
  persisted(): Promise<void>;
}

async function rpc<Result = unknown>(url: string, method: string, params: unknown[] = []): Promise<Result> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result: Result; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

async function parses(file: string): Promise<boolean> {
  try {
    JSON.parse(await readFile(file, "utf8"));
    return true;
  } catch {
    return false;
  }
}

/**
 * The state file to load: none on a first start; the complete copy if the file was cut short by a
 * kill during a write; an error (the data cannot be carried on) if neither is whole.
 */
async function usableState(stateFile: string, completeCopy: string, log: (line: string) => void): Promise<boolean> {
  if (!existsSync(stateFile)) return false;
  if (await parses(stateFile)) return true;
  if (await parses(completeCopy)) {
    log(`local chain: ${stateFile} was cut short (the chain was killed while writing it); using the copy of its last complete state`);
    await copyFile(completeCopy, stateFile);
    return true;
  }
  throw new LocalChainError(
    `the local chain's state file ${stateFile} is incomplete and has no complete copy: \`npm run reset\` starts a new chain`,
  );
}

/** Every COPY_INTERVAL_MS, copies a changed, complete state file beside it (write, then rename). */
function keepCompleteCopy(stateFile: string, target: string): () => Promise<void> {
  let lastDigest = "";
  let running: Promise<void> | undefined;
  const copy = async () => {
    try {
      const bytes = await readFile(stateFile);
      const digest = createHash("sha256").update(bytes).digest("hex");
      if (digest === lastDigest) return;
      JSON.parse(bytes.toString("utf8")); // caught mid-write: try again next time
      await writeFile(`${target}.tmp`, bytes);
      await rename(`${target}.tmp`, target);
      lastDigest = digest;
    } catch {
      // missing, mid-write or not writable this time: the last complete copy stays, and the next tick tries again
    }
  };
  const timer = setInterval(() => void (running ??= copy().finally(() => (running = undefined))), COPY_INTERVAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
    await copy();
  };
}

async function waitForRpc(url: string, exit: () => string | undefined, logFile: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const ended = exit();
    if (ended !== undefined) {
      const output = (await readFile(logFile, "utf8").catch(() => "")).trim().split("\n").slice(-5).join("\n");
      throw new LocalChainError(`anvil stopped (${ended}) before it answered:\n${output}`);
    }
    try {
      await rpc(url, "eth_chainId");
      return;
    } catch {
      if (Date.now() - started > timeoutMs) throw new LocalChainError(`anvil did not answer at ${url} within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** After a restart, continues the chain's clock from its head when the head is ahead of the wall clock. */
async function continueClock(url: string): Promise<void> {
  const head = await rpc<RpcBlock>(url, "eth_getBlockByNumber", ["latest", false]);
  const ahead = Number(BigInt(head.timestamp)) - Math.floor(Date.now() / 1000);
  if (ahead >= 0) await rpc(url, "evm_increaseTime", [ahead + 1]);
}

/**
 * Starts anvil on 127.0.0.1:`port` with the state kept in `dataDir`. An anvil an earlier run left
 * behind on the same state (that run was killed) is stopped first, so it writes its last state.
 */
export async function startLocalChain(options: {
  dataDir: string;
  port: number;
  /** The setting that chose the port, named when it is in use (e.g. RPC_PORT). */
  portSetting?: string;
  log?: (line: string) => void;
}): Promise<LocalChain> {
  const log = options.log ?? (() => undefined);
  const { dataDir, port } = options;
  await mkdir(dataDir, { recursive: true });
  const stateFile = path.join(dataDir, "state.json");
  const completeCopy = path.join(dataDir, "state.complete.json");
  const pidFile = chainPidFile(dataDir);
  const logFile = path.join(dataDir, "anvil.log");

  const leftover = await stopLeftover(pidFile, "the local chain");
  if (leftover !== null) log(`local chain: stopped anvil (pid ${leftover}) left running by an earlier start`);
  await assertPortFree(port, "the local chain", options.portSetting);
  const restored = await usableState(stateFile, completeCopy, log);

  const output = await open(logFile, "w");
  const child = spawn(
    anvilBinary(),
    [
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--chain-id",
      String(LOCAL_CHAIN_ID),
      "--mnemonic",
      HARDHAT_MNEMONIC,
      "--accounts",
      String(LOCAL_CHAIN_ACCOUNTS),
      // Without --preserve-historical-states: that would rewrite every block's state each second
      // (megabytes within a few dozen blocks). Blocks, receipts and logs persist; reads at an older
      // block's state answer only until the first restart.
      "--state",
      stateFile,
      "--state-interval",
      String(STATE_INTERVAL),
    ],
    { stdio: ["ignore", output.fd, output.fd] },
  );
  await output.close();
  const url = `http://127.0.0.1:${port}`;
  let ended: string | undefined;
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => {
      ended = `exit ${code ?? signal}`;
      resolve(code ?? signal ?? "");
    });
    // Not started at all (the binary is missing or not executable).
    child.once("error", (error) => {
      ended = error.message;
      resolve(error.message);
    });
  });
  try {
    await writePidFile(pidFile, child);
    await waitForRpc(url, () => ended, logFile);
    if (restored) await continueClock(url);
  } catch (error) {
    await terminate(child);
    await removePidFile(pidFile);
    throw error;
  }
  const stopCopying = keepCompleteCopy(stateFile, completeCopy);
  const persisted = async () => {
    const since = Date.now();
    while (Date.now() - since < (STATE_INTERVAL + 4) * 1000) {
      await new Promise((r) => setTimeout(r, 200));
      const written = await stat(stateFile).then(
        (s) => s.mtimeMs,
        () => 0,
      );
      if (written > since && (await parses(stateFile))) return;
    }
    log(`local chain: ${stateFile} was not rewritten within a few seconds`);
  };
  let stopping: Promise<void> | undefined;
  return {
    url,
    restored,
    pid: child.pid!,
    exited,
    persisted,
    stop: () =>
      (stopping ??= (async () => {
        await terminate(child);
        await stopCopying();
        await removePidFile(pidFile);
      })()),
  };
}
