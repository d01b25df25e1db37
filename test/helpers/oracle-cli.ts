// Runs the oracle CLI (scripts/oracle.ts) as a user would, in its own process, and hands back its
// exit code and output instead of throwing, so tests can assert on refusals too.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ORACLE_CLI = fileURLToPath(new URL("../../scripts/oracle.ts", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runOracleCli(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", ORACLE_CLI, ...args],
      { env: { ...process.env, ...env }, timeout: timeoutMs },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}
