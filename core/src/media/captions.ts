// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the web app type-checks this file too, and only a reference brings the declaration along
/// <reference path="./webvtt-parser.d.ts" />
/**
 * Captions: a creator's WebVTT file is validated with the W3C's parser (webvtt-parser), then cut
 * into HLS subtitle segments on the same boundaries as the video's, so a player fetches only the
 * captions of the part it plays (RFC 8216 §3.5).
 *
 * Each segment repeats the cues that overlap it (players drop the duplicate), and carries the
 * cues' original text blocks — settings and markup included — with their times unchanged: the
 * header's X-TIMESTAMP-MAP says that local time 0 is the first video segment's MPEG-TS timestamp,
 * which is how players line cue times up with the picture.
 *
 * Captions are not encrypted: like the poster and the preview they are the film's public face,
 * and the free preview carries them too (preview.ts copies the first segments).
 */
import { readFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import webvtt from "webvtt-parser";
import { isMediaError, MediaError } from "./errors.ts";
import { writeMediaPlaylist, type MediaPlaylist, type Segment } from "./playlist.ts";
import { fileArg, mediaTools, run } from "./tools.ts";
import type { TrackSpec } from "./tracks.ts";

/** 4 MiB: a feature film's captions are a few hundred KiB. */
export const MAX_CAPTION_BYTES = 4 * 1024 ** 2;
/** A cue may end this long after the film's last frame (rounding in subtitle tools), not more. */
export const CUE_END_TOLERANCE_SECONDS = 0.5;
export const SUBTITLES_DIR = "subs";

export interface Cue {
  startSeconds: number;
  endSeconds: number;
  /** The cue's block as the creator wrote it (identifier, timing line with settings, payload). */
  block: string;
}

export interface CaptionTrack {
  language: string;
  label: string;
  cues: Cue[];
}

/** Reads and validates one caption file against the film's duration; INVALID_CAPTIONS otherwise. */
export async function readCaptions(spec: TrackSpec, filmSeconds: number): Promise<CaptionTrack> {
  const name = `The ${spec.label} (${spec.language}) captions`;
  let bytes: Buffer;
  try {
    bytes = await readFile(spec.path);
  } catch (error) {
    throw new MediaError("INVALID_CAPTIONS", `${name} file does not exist or cannot be read.`, { cause: error });
  }
  if (bytes.length > MAX_CAPTION_BYTES) throw new MediaError("INVALID_CAPTIONS", `${name} file is over 4 MiB.`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (error) {
    throw new MediaError("INVALID_CAPTIONS", `${name} file is not UTF-8 text (WebVTT must be UTF-8).`, { cause: error });
  }
  try {
    return { language: spec.language, label: spec.label, cues: parseCaptions(text, filmSeconds, name) };
  } catch (error) {
    if (isMediaError(error)) throw error;
    throw new MediaError("INVALID_CAPTIONS", `${name} file could not be read as WebVTT.`, { cause: error });
  }
}

/** Parses WebVTT text (without BOM) and checks every cue fits the film. */
export function parseCaptions(text: string, filmSeconds: number, name = "The captions"): Cue[] {
  const normalised = text.replace(/\r\n?/g, "\n");
  const { cues, errors } = new webvtt.WebVTTParser().parse(normalised, "metadata");
  if (errors.length > 0) {
    const first = errors[0];
    throw new MediaError("INVALID_CAPTIONS", `${name} file is not valid WebVTT: line ${first.line}: ${first.message}`);
  }
  if (cues.length === 0) throw new MediaError("INVALID_CAPTIONS", `${name} file has no cues.`);
  const blocks = cueBlocks(normalised);
  if (blocks.length !== cues.length) {
    throw new MediaError("INVALID_CAPTIONS", `${name} file has blocks that are neither cues nor notes; check its blank lines.`);
  }
  return cues.map((cue, i) => {
    if (cue.endTime > filmSeconds + CUE_END_TOLERANCE_SECONDS) {
      throw new MediaError(
        "INVALID_CAPTIONS",
        `${name} have a cue (${clock(cue.startTime)} → ${clock(cue.endTime)}) that ends after the film does (${clock(filmSeconds)}).`,
      );
    }
    return { startSeconds: cue.startTime, endSeconds: cue.endTime, block: blocks[i] };
  });
}

/** The cue blocks of a WebVTT text, in order: every block after the header but NOTE, STYLE and REGION blocks. */
function cueBlocks(text: string): string[] {
  const blocks = text.split(/\n{2,}/).slice(1);
  return blocks
    .map((block) => block.replace(/^\n+|\n+$/g, ""))
    .filter((block) => block !== "" && !/^(NOTE|STYLE|REGION)(?:[ \t\n]|$)/.test(block))
    .filter((block) =>
      block
        .split("\n")
        .slice(0, 2)
        .some((line) => line.includes("-->")),
    );
}

function clock(seconds: number): string {
  const whole = Math.floor(seconds);
  const ms = Math.round((seconds - whole) * 1000);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  return `${h > 0 ? `${h}:` : ""}${String(m).padStart(h > 0 ? 2 : 1, "0")}:${String(s).padStart(2, "0")}.${String(ms).padStart(3, "0")}`;
}

/**
 * Writes `<dir>/seg_NNNNN.vtt` (one per window) and `<dir>/index.m3u8`. `windows` are the video's
 * segments (their durations, in order); `mpegtsStart` is the first video segment's timestamp in
 * 90 kHz units.
 */
export async function writeSubtitleRendition(
  track: CaptionTrack,
  dir: string,
  windows: readonly Segment[],
  mpegtsStart: number,
): Promise<MediaPlaylist> {
  await mkdir(dir, { recursive: true });
  const header = `WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:${Math.round(mpegtsStart)},LOCAL:00:00:00.000\n`;
  const segments: Segment[] = [];
  let start = 0;
  for (const [index, window] of windows.entries()) {
    const end = start + window.durationSeconds;
    const last = index === windows.length - 1;
    // The last window also takes cues that end in the tolerance after the film.
    const inside = track.cues.filter((cue) => cue.startSeconds < (last ? Infinity : end) && cue.endSeconds > start);
    const uri = `seg_${String(index).padStart(5, "0")}.vtt`;
    await writeFile(join(dir, uri), header + inside.map((cue) => `\n${cue.block}\n`).join(""));
    segments.push({ uri, durationSeconds: window.durationSeconds });
    start = end;
  }
  const playlist = { mediaSequence: 0, segments };
  await writeFile(join(dir, "index.m3u8"), writeMediaPlaylist(playlist));
  return playlist;
}

/** The first timestamp of an MPEG-TS segment in 90 kHz units (what X-TIMESTAMP-MAP's MPEGTS names). */
export async function mpegtsStart(segmentPath: string, signal?: AbortSignal): Promise<number> {
  const { ffprobe } = mediaTools();
  const result = await run(ffprobe, ["-v", "error", "-show_entries", "format=start_time", "-of", "csv=p=0", fileArg(segmentPath)], {
    signal,
  });
  const seconds = Number(result.stdout.trim());
  if (result.code !== 0 || !Number.isFinite(seconds))
    throw new MediaError("INTERNAL", "Could not read the first video segment's start time.");
  return Math.round(seconds * 90_000);
}
