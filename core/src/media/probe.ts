/**
 * Probe: decide whether a file is a video we can transcode, and read what the ladder needs
 * (duration, size, frame rate, audio presence). Refusals are MediaErrors with one sentence each.
 *
 * ffprobe alone trusts the container's header: a fast-start MP4 cut in half still reports its
 * full duration. So after ffprobe we also read the last video packets; a file that stops early
 * ends before its header's duration and is refused as truncated before any transcoding time is spent.
 */
import { open, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { isMediaError, MediaError } from "./errors.ts";
import { fileArg, lastLogLine, mediaTools, run } from "./tools.ts";

export interface ProbeResult {
  /** Seconds, from the container (or the video stream when the container has none). */
  durationSeconds: number;
  width: number;
  height: number;
  /** Average frame rate; 0 when ffprobe cannot tell. */
  frameRate: number;
  videoCodec: string;
  hasAudio: boolean;
  audioCodec?: string;
  formatName: string;
  sizeBytes: number;
}

export interface ProbeOptions {
  /** Refuse files larger than this (bytes). */
  maxBytes?: number;
  /** Refuse films longer than this (seconds). */
  maxDurationSeconds?: number;
  signal?: AbortSignal;
}

/** Smallest picture we accept: below this a three-rung ladder is meaningless. */
export const MIN_VIDEO_SIDE = 64;

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  nb_frames?: string;
  disposition?: { attached_pic?: number };
}

interface FfprobeOutput {
  format?: { format_name?: string; duration?: string };
  streams?: FfprobeStream[];
}

/** Formats that are pictures, not films, even though ffprobe reports a "video" stream. */
const IMAGE_FORMATS = /^(image2|png_pipe|jpeg_pipe|bmp_pipe|webp_pipe|tiff_pipe|gif_pipe|svg_pipe|.*_pipe)$/;

export async function probeFile(path: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const absolute = resolve(path);
  const sizeBytes = await fileSize(absolute);
  if (sizeBytes === 0) throw new MediaError("EMPTY_FILE", "The file is empty (0 bytes).");
  if (options.maxBytes !== undefined && sizeBytes > options.maxBytes) {
    throw new MediaError("TOO_LARGE", `The file is ${formatBytes(sizeBytes)}, over the ${formatBytes(options.maxBytes)} limit.`);
  }

  const { ffprobe } = mediaTools();
  const probed = await run(ffprobe, ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", fileArg(absolute)], {
    signal: options.signal,
  });
  if (probed.signal !== null) {
    // Not the file's fault: e.g. the static ffprobe shipped on npm crashes on MPEG-TS whose
    // service table it cannot convert (see mpegts.ts). Say so rather than "not a video".
    throw new MediaError("INTERNAL", `ffprobe crashed (${probed.signal}) reading the file; set FFPROBE_PATH to another ffprobe build.`);
  }
  if (probed.code !== 0) {
    // A missing MP4 index is what an interrupted copy of a normal (non-fast-start) MP4 looks like.
    if (/moov atom not found/i.test(probed.stderr) && (await looksLikeIsoMedia(absolute))) {
      throw new MediaError("TRUNCATED", "The file is incomplete (its MP4 index is missing): upload the whole file again.");
    }
    throw new MediaError(
      "NOT_MEDIA",
      "The file is not a video that can be read (ffprobe: " + lastLogLine(probed.stderr, [absolute]) + ").",
    );
  }
  let output: FfprobeOutput;
  try {
    output = JSON.parse(probed.stdout) as FfprobeOutput;
  } catch (error) {
    throw new MediaError("INTERNAL", "ffprobe printed output that is not JSON.", { cause: error });
  }

  const formatName = output.format?.format_name ?? "";
  const streams = output.streams ?? [];
  // Cover art in an MP3/M4A is a "video" stream with attached_pic set: still audio-only.
  const video = streams.find((s) => s.codec_type === "video" && s.disposition?.attached_pic !== 1);
  const audio = streams.find((s) => s.codec_type === "audio");
  if (video === undefined) {
    if (audio !== undefined) throw new MediaError("NO_VIDEO", "The file has audio but no video: upload a video file.");
    throw new MediaError("NOT_MEDIA", "The file contains no video stream.");
  }
  if (IMAGE_FORMATS.test(formatName) || video.nb_frames === "1") {
    throw new MediaError("NO_VIDEO", "The file is a still image, not a video.");
  }
  const width = video.width ?? 0;
  const height = video.height ?? 0;
  if (width < MIN_VIDEO_SIDE || height < MIN_VIDEO_SIDE) {
    throw new MediaError("UNSUPPORTED", `The video is ${width}x${height}; at least ${MIN_VIDEO_SIDE}x${MIN_VIDEO_SIDE} is needed.`);
  }
  const durationSeconds = positive(output.format?.duration) ?? positive(video.duration);
  if (durationSeconds === undefined) throw new MediaError("UNSUPPORTED", "The video has no readable duration.");
  if (options.maxDurationSeconds !== undefined && durationSeconds > options.maxDurationSeconds) {
    throw new MediaError(
      "UNSUPPORTED",
      `The video lasts ${Math.round(durationSeconds)} s, over the ${options.maxDurationSeconds} s limit.`,
    );
  }

  // The video stream's own length when known: audio may legitimately run longer than the picture.
  await checkTailPresent(absolute, positive(video.duration) ?? durationSeconds, options.signal);

  return {
    durationSeconds,
    width,
    height,
    frameRate: parseRate(video.avg_frame_rate) || parseRate(video.r_frame_rate),
    videoCodec: video.codec_name ?? "unknown",
    hasAudio: audio !== undefined,
    audioCodec: audio?.codec_name,
    formatName,
    sizeBytes,
  };
}

/**
 * Reads (without decoding: stream copy to the null muxer) the video packets of the final ~1.5 s,
 * keeping their timestamps. A file cut short stops early, so its last packet lands well before
 * the duration its header promised. Demuxing only, so it costs a seek and a few reads even for a
 * 2 GiB upload.
 */
async function checkTailPresent(absolute: string, videoSeconds: number, signal?: AbortSignal): Promise<void> {
  const { ffmpeg } = mediaTools();
  const start = Math.max(0, videoSeconds - 1.5);
  let lastUs = -1;
  const result = await run(
    ffmpeg,
    [
      "-nostdin",
      "-v",
      "error",
      "-ss",
      start.toFixed(3),
      "-copyts",
      "-i",
      fileArg(absolute),
      "-map",
      "0:v:0",
      "-c",
      "copy",
      "-f",
      "null",
      "-progress",
      "pipe:1",
      "-nostats",
      "-",
    ],
    {
      signal,
      onStdoutLine: (line) => {
        const match = /^out_time_(?:us|ms)=(\d+)/.exec(line);
        if (match) lastUs = Number(match[1]);
      },
    },
  );
  const tolerance = Math.max(1, videoSeconds * 0.02);
  if (result.code !== 0 || /partial file/i.test(result.stderr) || lastUs < 0 || lastUs / 1e6 < videoSeconds - tolerance) {
    throw new MediaError("TRUNCATED", "The file ends before its stated length (truncated or corrupt): upload the whole file again.");
  }
}

/**
 * Whether the file starts like an MP4/MOV (an ISO-BMFF box such as "ftyp" at offset 4). ffprobe
 * picks the MP4 demuxer from the extension alone, so a text file named film.mp4 also reports a
 * missing index: only a file that really began as an MP4 is called truncated.
 */
async function looksLikeIsoMedia(absolute: string): Promise<boolean> {
  const handle = await open(absolute, "r");
  try {
    const head = Buffer.alloc(12);
    await handle.read(head, 0, 12, 0);
    return /^(ftyp|moov|mdat|free|wide|skip|pnot)$/.test(head.subarray(4, 8).toString("latin1"));
  } finally {
    await handle.close();
  }
}

async function fileSize(absolute: string): Promise<number> {
  try {
    const info = await stat(absolute);
    if (!info.isFile()) throw new MediaError("NOT_FOUND", "The path is not a regular file.");
    return info.size;
  } catch (error) {
    if (isMediaError(error)) throw error;
    throw new MediaError("NOT_FOUND", "The file does not exist or cannot be read.", { cause: error });
  }
}

function positive(value: string | undefined): number | undefined {
  const n = value === undefined ? NaN : Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** "30000/1001" → 29.97; "0/0" → 0. */
function parseRate(value: string | undefined): number {
  if (!value) return 0;
  const [num, den] = value.split("/").map(Number);
  if (!Number.isFinite(num) || !Number.isFinite(den) || den === 0) return 0;
  return num / den;
}

export function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value >= 10 ? 0 : 1)} ${units[unit]}`;
}
