/**
 * Shared helpers for the media tests: short clips generated with ffmpeg's lavfi test sources
 * (so no fixture files are committed), an ffprobe wrapper, and a tiny HTTP origin that serves an
 * output directory plus `/api/keys/<id>` the way the gateway and key server will.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import { promisify } from "node:util";
import { mediaTools } from "@ai-films/core/media/tools";

const execFileAsync = promisify(execFile);

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `ai-films-media-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface ClipOptions {
  width?: number;
  height?: number;
  seconds?: number;
  rate?: number;
  audio?: boolean;
  /** Extra output arguments, e.g. ["-movflags", "+faststart"]. */
  extra?: string[];
}

/** A test clip: testsrc2 video (+ a sine tone), H.264 ultrafast to keep CPU time low. */
export async function makeClip(path: string, options: ClipOptions = {}): Promise<string> {
  const { width = 640, height = 360, seconds = 8, rate = 25, audio = true, extra = [] } = options;
  const args = ["-nostdin", "-y", "-v", "error", "-f", "lavfi", "-i", `testsrc2=size=${width}x${height}:rate=${rate}:duration=${seconds}`];
  if (audio) args.push("-f", "lavfi", "-i", `sine=frequency=440:sample_rate=48000:duration=${seconds}`);
  args.push("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p");
  if (audio) args.push("-c:a", "aac", "-shortest");
  args.push(...extra, `file:${path}`);
  await execFileAsync(mediaTools().ffmpeg, args);
  return path;
}

export async function makeAudioOnly(path: string, seconds = 3): Promise<string> {
  await execFileAsync(mediaTools().ffmpeg, [
    "-nostdin",
    "-y",
    "-v",
    "error",
    "-f",
    "lavfi",
    "-i",
    `sine=duration=${seconds}`,
    `file:${path}`,
  ]);
  return path;
}

export async function makeImage(path: string): Promise<string> {
  await execFileAsync(mediaTools().ffmpeg, [
    "-nostdin",
    "-y",
    "-v",
    "error",
    "-f",
    "lavfi",
    "-i",
    "testsrc2=size=320x240",
    "-frames:v",
    "1",
    `file:${path}`,
  ]);
  return path;
}

export interface ProbedStream {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
}

export interface Probed {
  format: { format_name: string; duration?: string };
  streams: ProbedStream[];
}

/** ffprobe as JSON; rejects when ffprobe cannot read the input. */
export async function ffprobe(input: string, extraArgs: string[] = []): Promise<Probed> {
  const { stdout } = await execFileAsync(mediaTools().ffprobe, [
    "-v",
    "error",
    ...extraArgs,
    "-print_format",
    "json",
    "-show_format",
    "-show_streams",
    input,
  ]);
  return JSON.parse(stdout) as Probed;
}

/** Decodes an input to the null muxer; returns ffmpeg's stderr (errors only) and exit code. */
export async function decodeAll(input: string, extraArgs: string[] = []): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await execFileAsync(
      mediaTools().ffmpeg,
      ["-nostdin", "-v", "error", ...extraArgs, "-i", input, "-map", "0", "-f", "null", "-"],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return { code: 0, stderr };
  } catch (error) {
    const e = error as { code?: number; stderr?: string };
    return { code: e.code ?? 1, stderr: e.stderr ?? "" };
  }
}

const TYPES: Record<string, string> = {
  ".m3u8": "application/vnd.apple.mpegurl",
  ".ts": "video/mp2t",
  ".jpg": "image/jpeg",
};

/**
 * A stand-in origin: files from `root`, and `/api/keys/<id>` answered by `keyFor` (null → 403),
 * like the gateway + key server a player will talk to.
 */
export async function serveOrigin(
  root: string,
  keyFor: (keyId: string) => Buffer | null,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const keyMatch = /^\/api\/keys\/([0-9a-f]{32})$/.exec(url.pathname);
    if (keyMatch) {
      const key = keyFor(keyMatch[1]);
      if (key === null) {
        res.writeHead(403).end();
        return;
      }
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(key);
      return;
    }
    const path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!path.startsWith(root + sep)) {
      res.writeHead(400).end();
      return;
    }
    try {
      const body = readFileSync(path);
      res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** True when `needle` occurs anywhere in `haystack`. */
export function containsBytes(haystack: Buffer, needle: Buffer): boolean {
  return haystack.indexOf(needle) !== -1;
}

/** Awaits a promise that must reject; returns the error for further checks. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the promise to reject, but it resolved");
}
