/**
 * Transcode: one ffmpeg process decodes the source once and encodes every rendition of the
 * ladder in parallel into plain (unencrypted) HLS, H.264 + AAC in MPEG-TS segments. A second,
 * tiny ffmpeg run grabs the poster.
 *
 * Choices that matter downstream:
 * - Keyframes are forced on the same timestamps (every `segmentSeconds`) in every rendition and
 *   scene-cut keyframes are off, so segment N covers the same time in all renditions and a player
 *   can switch rendition at any segment boundary.
 * - Output is deterministic: bit-exact flags (no encoder version strings), one x264 thread per
 *   rendition (see `threads`), metadata stripped. The same source and settings therefore give
 *   byte-identical segments on every run, which keeps IPFS CIDs stable. (A different ffmpeg/x264
 *   build may encode differently: CIDs are stable per toolchain, not across them.)
 * - A source without audio gets a silent stereo track: several players stall or refuse muxed HLS
 *   whose renditions lack the audio their CODECS promise, and a uniform layout keeps players simple.
 * - Encryption is NOT done here (see encrypt.ts): ffmpeg's -hls_key_info_file needs the key in a
 *   plaintext file on disk, and the free preview is cut from these same plain segments.
 */
import type { ChildProcess } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { MediaError } from "./errors.ts";
import type { Rendition } from "./ladder.ts";
import { readMediaPlaylist, type MediaPlaylist } from "./playlist.ts";
import type { ProbeResult } from "./probe.ts";
import { stripSdtInPlace } from "./mpegts.ts";
import { fileArg, lastLogLine, mediaTools, run } from "./tools.ts";

export interface TranscodeOptions {
  /** Target segment length; segments start on forced keyframes, so all but the last match it. */
  segmentSeconds?: number;
  /** x264 preset: speed against size. Env MEDIA_X264_PRESET, default "veryfast". */
  preset?: string;
  /**
   * x264 threads per rendition. Env MEDIA_X264_THREADS, default 1: with one thread x264 output is
   * byte-identical run to run for every preset; with frame threads the fast presets (no rate
   * lookahead, e.g. ultrafast/superfast) were seen to vary, which would change CIDs. Parallelism
   * comes from encoding the renditions concurrently instead.
   */
  threads?: number;
  frameRate: number;
  /**
   * Encode only the first N seconds. The Livepeer path transcodes the full film at Livepeer and
   * needs only the free preview from us.
   */
  limitSeconds?: number;
  signal?: AbortSignal;
  /** 0–100, from ffmpeg's -progress output against the probed duration. */
  onProgress?: (percent: number) => void;
  onSpawn?: (child: ChildProcess) => void;
}

export interface TranscodedRendition extends Rendition {
  /** Directory name in the output ("720p"). */
  name: string;
  playlist: MediaPlaylist;
}

export const DEFAULT_SEGMENT_SECONDS = 4;

/** How many seconds of the source a run encodes: all of it, or the first `limitSeconds`. */
export function encodedSeconds(probe: ProbeResult, limitSeconds?: number): number {
  return limitSeconds !== undefined && limitSeconds > 0 ? Math.min(probe.durationSeconds, limitSeconds) : probe.durationSeconds;
}

export function renditionName(rendition: Rendition): string {
  return `${rendition.rung}p`;
}

/**
 * The ffmpeg arguments for the whole ladder. Exported so the benchmark can run the very same
 * command outside the pipeline and measure the pipeline's overhead against it.
 */
export function ladderArgs(
  sourcePath: string,
  probe: ProbeResult,
  ladder: Rendition[],
  outDir: string,
  options: Omit<TranscodeOptions, "signal" | "onProgress" | "onSpawn">,
): string[] {
  const segment = options.segmentSeconds ?? DEFAULT_SEGMENT_SECONDS;
  const preset = options.preset ?? process.env.MEDIA_X264_PRESET ?? "veryfast";
  const threads = options.threads ?? (Number(process.env.MEDIA_X264_THREADS) || 1);
  const fps = options.frameRate;
  const n = ladder.length;

  const filters: string[] = [];
  const fpsFilter = fps < probe.frameRate - 0.01 ? `fps=${fps.toFixed(6)},` : "";
  filters.push(`[0:v:0]${fpsFilter}split=${n}${ladder.map((_, i) => `[vin${i}]`).join("")}`);
  ladder.forEach((r, i) => {
    filters.push(`[vin${i}]scale=${r.width}:${r.height}:flags=bicubic,setsar=1,format=yuv420p[v${i}]`);
  });
  const seconds = encodedSeconds(probe, options.limitSeconds);
  const audioSource = probe.hasAudio
    ? "[0:a:0]aresample=48000,aformat=channel_layouts=stereo"
    : `anullsrc=r=48000:cl=stereo,atrim=duration=${seconds.toFixed(3)}`;
  filters.push(`${audioSource},asplit=${n}${ladder.map((_, i) => `[a${i}]`).join("")}`);

  const args = [
    "-nostdin",
    "-y",
    "-v",
    "error",
    "-fflags",
    "+bitexact",
    ...(seconds < probe.durationSeconds ? ["-t", seconds.toFixed(3)] : []),
    "-i",
    fileArg(sourcePath),
    "-filter_complex",
    filters.join(";"),
  ];
  const gop = Math.max(1, Math.round(fps * segment));
  ladder.forEach((r, i) => {
    const dir = join(outDir, renditionName(r));
    args.push(
      "-map",
      `[v${i}]`,
      "-map",
      `[a${i}]`,
      "-c:v",
      "libx264",
      "-preset",
      preset,
      "-profile:v",
      r.profile,
      "-level:v",
      r.level,
      "-threads",
      String(threads),
      "-crf",
      "23",
      "-maxrate",
      `${r.maxrateKbps}k`,
      "-bufsize",
      `${r.bufsizeKbps}k`,
      "-g",
      String(gop),
      "-keyint_min",
      String(gop),
      "-sc_threshold",
      "0",
      "-force_key_frames",
      `expr:gte(t,n_forced*${segment})`,
      "-flags:v",
      "+bitexact",
      "-c:a",
      "aac",
      "-b:a",
      `${r.audioKbps}k`,
      "-ac",
      "2",
      "-flags:a",
      "+bitexact",
      "-map_metadata",
      "-1",
      "-f",
      "hls",
      "-hls_time",
      String(segment),
      "-hls_playlist_type",
      "vod",
      "-hls_segment_type",
      "mpegts",
      "-hls_segment_filename",
      fileArg(join(dir, "seg_%05d.ts")),
      fileArg(join(dir, "index.m3u8")),
    );
  });
  return args;
}

export async function transcodeLadder(
  sourcePath: string,
  probe: ProbeResult,
  ladder: Rendition[],
  outDir: string,
  options: TranscodeOptions,
): Promise<TranscodedRendition[]> {
  for (const r of ladder) await mkdir(join(outDir, renditionName(r)), { recursive: true });
  const args = [...ladderArgs(sourcePath, probe, ladder, outDir, options), "-progress", "pipe:1", "-nostats"];
  const { ffmpeg } = mediaTools();
  const seconds = encodedSeconds(probe, options.limitSeconds);
  const totalUs = seconds * 1e6;
  const result = await run(ffmpeg, args, {
    signal: options.signal,
    onSpawn: options.onSpawn,
    onStdoutLine: (line) => {
      const match = /^out_time_(?:us|ms)=(\d+)/.exec(line);
      // out_time_ms is microseconds too, despite its name (an old ffmpeg quirk).
      if (match && options.onProgress) options.onProgress(Math.min(99.9, (Number(match[1]) / totalUs) * 100));
    },
  });
  if (result.signal !== null) {
    throw new MediaError("TRANSCODE_FAILED", `ffmpeg stopped mid-job (killed by ${result.signal}).`);
  }
  if (result.code !== 0) {
    throw new MediaError(
      "TRANSCODE_FAILED",
      `ffmpeg failed (exit code ${result.code}): ${lastLogLine(result.stderr, [sourcePath, outDir])}.`,
    );
  }

  const out: TranscodedRendition[] = [];
  for (const r of ladder) {
    const name = renditionName(r);
    const playlist = await readMediaPlaylist(join(outDir, name, "index.m3u8"));
    for (const segment of playlist.segments) await stripSdtInPlace(join(outDir, name, segment.uri));
    out.push({ ...r, name, playlist });
  }
  checkCompleteOutput(out[0].playlist, seconds);
  options.onProgress?.(100);
  return out;
}

/**
 * ffmpeg exits 0 on a source whose middle is damaged: it decodes what it can and stops. An output
 * much shorter than the probed duration means the film would end early, so it is refused.
 */
function checkCompleteOutput(playlist: MediaPlaylist, expectedSeconds: number): void {
  const produced = playlist.segments.reduce((sum, s) => sum + s.durationSeconds, 0);
  const tolerance = Math.max(1, expectedSeconds * 0.02);
  if (playlist.segments.length === 0 || produced < expectedSeconds - tolerance) {
    throw new MediaError(
      "TRUNCATED",
      `Only ${produced.toFixed(1)} s of the ${expectedSeconds.toFixed(1)} s film could be decoded: the file is truncated or corrupt.`,
    );
  }
}

/** A JPEG poster from ~10% into the film (skipping black openings), at the top rendition's size. */
export async function makePoster(
  sourcePath: string,
  probe: ProbeResult,
  top: Rendition,
  posterPath: string,
  signal?: AbortSignal,
): Promise<void> {
  const at = Math.min(probe.durationSeconds * 0.1, 10);
  const { ffmpeg } = mediaTools();
  const result = await run(
    ffmpeg,
    [
      "-nostdin",
      "-y",
      "-v",
      "error",
      "-fflags",
      "+bitexact",
      "-ss",
      at.toFixed(3),
      "-i",
      fileArg(sourcePath),
      "-map",
      "0:v:0",
      "-frames:v",
      "1",
      "-vf",
      `scale=${top.width}:${top.height}:flags=bicubic,setsar=1`,
      "-q:v",
      "3",
      "-flags:v",
      "+bitexact",
      "-f",
      "image2",
      fileArg(posterPath),
    ],
    { signal },
  );
  if (result.code !== 0 || result.signal !== null) {
    throw new MediaError("TRANSCODE_FAILED", `Making the poster failed: ${lastLogLine(result.stderr, [sourcePath, posterPath])}.`);
  }
}
