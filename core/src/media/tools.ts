/**
 * Locating and running ffmpeg/ffprobe. Paths come from FFMPEG_PATH / FFPROBE_PATH first, so a
 * system build (e.g. Debian's) can replace the static binaries that the npm packages
 * `@ffmpeg-installer/ffmpeg` and `@ffprobe-installer/ffprobe` ship with the project's setup.
 *
 * Every process is spawned without a shell (file names are arguments, never parsed), with stdin
 * closed, and killed when the caller's AbortSignal fires, so a cancelled job leaves no ffmpeg behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { MediaError } from "./errors.ts";

const require = createRequire(import.meta.url);

export interface MediaTools {
  ffmpeg: string;
  ffprobe: string;
}

let cached: MediaTools | undefined;

/** Resolves both binaries once; throws TOOL_MISSING with what to install when one is absent. */
export function mediaTools(): MediaTools {
  if (cached !== undefined) return cached;
  cached = {
    ffmpeg: resolveBinary("FFMPEG_PATH", "@ffmpeg-installer/ffmpeg", "ffmpeg"),
    ffprobe: resolveBinary("FFPROBE_PATH", "@ffprobe-installer/ffprobe", "ffprobe"),
  };
  return cached;
}

function resolveBinary(envName: string, npmPackage: string, name: string): string {
  const fromEnv = process.env[envName]?.trim();
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new MediaError("TOOL_MISSING", `${envName} points at ${fromEnv}, which does not exist.`);
    return fromEnv;
  }
  try {
    const installed = (require(npmPackage) as { path?: string }).path;
    if (installed && existsSync(installed)) return installed;
  } catch {
    // Fall through to the error below: the package (or its platform binary) is not installed.
  }
  throw new MediaError("TOOL_MISSING", `${name} was not found: run npm ci (it installs ${npmPackage}) or set ${envName}.`);
}

/**
 * ffmpeg treats "name:rest" as a protocol (concat:, subfile:, http:…), so a creator's file
 * called "concat:a|b.mp4" would read other files. Prefixing "file:" pins the file protocol;
 * callers also pass absolute paths, so a name starting with "-" is never read as an option.
 */
export function fileArg(absolutePath: string): string {
  return `file:${absolutePath}`;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Each complete line of stdout, as it arrives (ffmpeg's -progress pipe:1 output). */
  onStdoutLine?: (line: string) => void;
  /** Called with the child once spawned (tests kill it to simulate a crash). */
  onSpawn?: (child: ChildProcess) => void;
  /** Keep at most this many bytes of stderr for error messages. */
  stderrLimit?: number;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a binary to completion; never rejects for a non-zero exit (callers decide what it means). */
export function run(binary: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const { signal, onStdoutLine, onSpawn, stderrLimit = 64 * 1024 } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new MediaError("CANCELLED", "The job was cancelled."));
      return;
    }
    const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let pending = "";
    const collectStdout = onStdoutLine === undefined;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      if (collectStdout) {
        stdout += chunk;
        return;
      }
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf("\n")) >= 0) {
        onStdoutLine(pending.slice(0, newline).trim());
        pending = pending.slice(newline + 1);
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      // Keep the tail: ffmpeg prints the reason for a failure last.
      stderr = (stderr + chunk).slice(-stderrLimit);
    });
    const onAbort = () => child.kill("SIGKILL");
    signal?.addEventListener("abort", onAbort, { once: true });
    child.on("error", (error) => {
      signal?.removeEventListener("abort", onAbort);
      reject(new MediaError("TOOL_MISSING", `Cannot run ${binary}: ${error.message}`, { cause: error }));
    });
    child.on("close", (code, exitSignal) => {
      signal?.removeEventListener("abort", onAbort);
      if (pending.trim() && onStdoutLine) onStdoutLine(pending.trim());
      if (signal?.aborted) {
        reject(new MediaError("CANCELLED", "The job was cancelled."));
        return;
      }
      resolve({ code, signal: exitSignal, stdout, stderr });
    });
    onSpawn?.(child);
  });
}

/**
 * The last meaningful line of an ffmpeg/ffprobe log, for a one-sentence error. Server paths in it
 * (ffmpeg prefixes errors with the input's name) are replaced, since the sentence reaches creators.
 */
/** Runs ffmpeg for a script or a test (generating clips, a raw baseline): throws with the reason on failure. */
export async function runFfmpeg(args: string[]): Promise<void> {
  const result = await run(mediaTools().ffmpeg, args);
  if (result.code !== 0) throw new Error(`ffmpeg exited ${result.code ?? result.signal}: ${result.stderr.slice(-500)}`);
}

export function lastLogLine(stderr: string, paths: string[] = []): string {
  let text = stderr;
  for (const path of paths) text = text.split(fileArg(path)).join("input").split(path).join("input");
  const lines = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("Cannot use rename on non file protocol"));
  return lines.at(-1) ?? "no output";
}
