/**
 * The platform's hold on its ledger, in a process of its own, without the chain and the web app:
 * run as a script, this opens a PGlite directory exactly as `npm start` does (openPlatformLedger),
 * prints "ready <url>", and closes cleanly on SIGTERM or SIGINT. startLedgerOwner() runs it.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { openPlatformLedger } from "@ai-films/core/platform/ledgerOwner";

const SCRIPT = fileURLToPath(import.meta.url);

export interface LedgerOwnerProcess {
  pid: number;
  url: string;
  output(): string;
  /** Sends `signal` and resolves with the exit code once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startLedgerOwner(dataDir: string, port: number, timeoutMs = 60_000): Promise<LedgerOwnerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", SCRIPT, dataDir], {
    env: { ...process.env, LEDGER_PORT: String(port), DATABASE_URL: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the ledger owner did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const ready = /^ready (\S+)$/m.exec(output);
      if (!ready) return;
      clearTimeout(timer);
      resolve({
        pid: child.pid!,
        url: ready[1],
        output: () => output,
        async stop(signal = "SIGTERM") {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the ledger owner exited (code ${code}) before it was ready:\n${output}`));
    });
  });
}

if (process.argv[1] === SCRIPT) {
  const ledger = await openPlatformLedger(process.argv[2]);
  let stopping: Promise<void> | undefined;
  const stop = () => {
    // A second signal while closing (Ctrl-C twice) must not cut the close short.
    stopping ??= ledger.db.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  // Only now: the parent may signal the moment it reads this line.
  console.log(`ready ${ledger.url}`);
  setInterval(() => undefined, 60_000); // stay up until told to stop
}
