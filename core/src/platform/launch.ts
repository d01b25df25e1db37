// Runs `npm start`'s script as a child process group in its own data directory and ports, for the
// browser tests and the web benchmark: they get the whole platform (chain, contracts, IPFS, ledger,
// demo catalogue, production web app) beside a developer's own `npm start`.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../paths.ts";

const ROOT = PROJECT_ROOT;

export interface LaunchOptions {
  webPort: number;
  rpcPort: number;
  /** The web build's directory under web/, so a second platform does not clobber `.next`; platforms may share one. */
  distDir: string;
  /** Extra environment for the platform (and through it the web server). */
  env?: NodeJS.ProcessEnv;
  /** Echo the platform's output to stderr (also when E2E_VERBOSE is set). */
  verbose?: boolean;
  timeoutMs?: number;
}

export interface LaunchedPlatform {
  baseUrl: string;
  rpcUrl: string;
  dataDir: string;
  /** Everything the platform printed so far (the tail is in every startup error). */
  output(): string;
  /** Stops the whole process group (launcher, chain, web server) and removes the data. */
  stop(): Promise<void>;
}

export async function launchPlatform(options: LaunchOptions): Promise<LaunchedPlatform> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "ai-films-platform-"));
  const deploymentId = `platform-${path.basename(dataDir).replace(/[^\w-]/g, "")}`;
  const verbose = options.verbose ?? Boolean(process.env.E2E_VERBOSE);
  let output = "";
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts/start.ts"), "--reset"], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...options.env,
      AI_FILMS_DATA_DIR: dataDir,
      PORT: String(options.webPort),
      RPC_PORT: String(options.rpcPort),
      NEXT_DIST_DIR: options.distDir,
      AI_FILMS_DEPLOYMENT_ID: deploymentId,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so stop() reaches the chain and the web server too
  });
  const onData = (d: Buffer) => {
    output += d;
    if (verbose) process.stderr.write(d);
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);

  // If this process exits before stop() (a benchmark interrupted while the platform builds, a
  // crashed test run), the whole group goes with it rather than living on holding its ports.
  const killGroup = () => {
    try {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  process.once("exit", killGroup);

  const stop = async () => {
    process.off("exit", killGroup);
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // the group has already exited
      }
      await new Promise((r) => setTimeout(r, 1_000));
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // the group exited after SIGTERM
      }
    }
    await rm(dataDir, { recursive: true, force: true });
    await rm(path.join(ROOT, "ignition/deployments", deploymentId), { recursive: true, force: true });
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the platform did not start in time")), options.timeoutMs ?? 12 * 60_000);
      const check = () => {
        if (output.includes("AI Films is running")) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on("data", check);
      child.stderr!.on("data", check);
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the platform exited (${code}) before it was ready`));
      });
    });
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}:\n${output.slice(-4000)}`);
  }
  return {
    baseUrl: `http://localhost:${options.webPort}`,
    rpcUrl: `http://127.0.0.1:${options.rpcPort}`,
    dataDir,
    output: () => output,
    stop,
  };
}
