/**
 * Extra audio tracks (dubs): each one is checked (it is audio, and it lasts as long as the film),
 * encoded like the film's own sound (AAC stereo 48 kHz in MPEG-TS segments as long as the video's)
 * and encrypted exactly like the video: AES-128 under the film's one key, an explicit IV per
 * segment derived from (keyId, rendition, sequence), the key served by /api/keys/<keyId> to
 * entitled viewers only. A dub is part of the paid film, so the free preview does not carry it.
 *
 * The master playlist lists a dub as an alternative rendition (EXT-X-MEDIA TYPE=AUDIO) next to
 * an entry without URI for the sound muxed into the video, so players offer "Original" and the dubs.
 */
import type { ChildProcess } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { encryptSegment, segmentIv } from "./encrypt.ts";
import { MediaError } from "./errors.ts";
import { stripSdtInPlace } from "./mpegts.ts";
import { readMediaPlaylist, writeMediaPlaylist, type MediaPlaylist } from "./playlist.ts";
import { fileArg, lastLogLine, mediaTools, run } from "./tools.ts";
import type { TrackSpec } from "./tracks.ts";

export const AUDIO_DIR = "audio";
export const DUB_AUDIO_KBPS = 128;

export interface AudioTrack {
  language: string;
  label: string;
  /** Directory under the output ("audio/es"); also the rendition name its IVs derive from. */
  name: string;
  playlist: MediaPlaylist;
}

/** How far a dub's length may differ from the film's: a second, or 2 % of a long film. */
export function audioDurationTolerance(filmSeconds: number): number {
  return Math.max(1, filmSeconds * 0.02);
}

/** Refuses a dub that is not audio or does not last as long as the film (INVALID_AUDIO_TRACK). */
export async function checkAudioTrack(spec: TrackSpec, filmSeconds: number, signal?: AbortSignal): Promise<void> {
  const name = `The ${spec.label} (${spec.language}) audio track`;
  const { ffprobe } = mediaTools();
  const probed = await run(ffprobe, ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", fileArg(spec.path)], {
    signal,
  });
  if (probed.code !== 0 || probed.signal !== null) {
    throw new MediaError("INVALID_AUDIO_TRACK", `${name} cannot be read as audio (ffprobe: ${lastLogLine(probed.stderr, [spec.path])}).`);
  }
  let output: { format?: { duration?: string }; streams?: Array<{ codec_type?: string; duration?: string }> };
  try {
    output = JSON.parse(probed.stdout) as typeof output;
  } catch (error) {
    throw new MediaError("INTERNAL", "ffprobe printed output that is not JSON.", { cause: error });
  }
  const audio = output.streams?.find((s) => s.codec_type === "audio");
  if (audio === undefined) throw new MediaError("INVALID_AUDIO_TRACK", `${name} contains no audio.`);
  const seconds = Number(audio.duration ?? output.format?.duration);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new MediaError("INVALID_AUDIO_TRACK", `${name} has no readable duration.`);
  const tolerance = audioDurationTolerance(filmSeconds);
  if (Math.abs(seconds - filmSeconds) > tolerance) {
    throw new MediaError(
      "INVALID_AUDIO_TRACK",
      `${name} lasts ${seconds.toFixed(1)} s but the film lasts ${filmSeconds.toFixed(1)} s (they may differ by ${tolerance.toFixed(1)} s at most).`,
    );
  }
}

export interface AudioTranscodeOptions {
  filmSeconds: number;
  segmentSeconds: number;
  signal?: AbortSignal;
  onSpawn?: (child: ChildProcess) => void;
}

/** Encodes one dub into plain HLS under `<plainDir>/audio/<language>/`, padded or cut to the film's length. */
export async function transcodeAudioTrack(spec: TrackSpec, plainDir: string, options: AudioTranscodeOptions): Promise<AudioTrack> {
  const name = `${AUDIO_DIR}/${spec.language}`;
  const dir = join(plainDir, name);
  await mkdir(dir, { recursive: true });
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
      "-i",
      fileArg(spec.path),
      "-map",
      "0:a:0",
      "-af",
      "aresample=48000,aformat=channel_layouts=stereo,apad",
      "-t",
      options.filmSeconds.toFixed(3),
      "-c:a",
      "aac",
      "-b:a",
      `${DUB_AUDIO_KBPS}k`,
      "-ac",
      "2",
      "-flags:a",
      "+bitexact",
      "-map_metadata",
      "-1",
      "-f",
      "hls",
      "-hls_time",
      String(options.segmentSeconds),
      "-hls_playlist_type",
      "vod",
      "-hls_segment_type",
      "mpegts",
      "-hls_segment_filename",
      fileArg(join(dir, "seg_%05d.ts")),
      fileArg(join(dir, "index.m3u8")),
    ],
    { signal: options.signal, onSpawn: options.onSpawn },
  );
  if (result.code !== 0 || result.signal !== null) {
    throw new MediaError(
      "TRANSCODE_FAILED",
      `Encoding the ${spec.language} audio track failed: ${lastLogLine(result.stderr, [spec.path, dir])}.`,
    );
  }
  const playlist = await readMediaPlaylist(join(dir, "index.m3u8"));
  for (const segment of playlist.segments) await stripSdtInPlace(join(dir, segment.uri));
  return { language: spec.language, label: spec.label, name, playlist };
}

/** Encrypts a dub's segments from plainDir into outDir under the film's key and writes its playlist. */
export async function encryptAudioTrack(
  track: AudioTrack,
  plainDir: string,
  outDir: string,
  options: { key: Buffer; keyId: string; keyUri: string },
): Promise<void> {
  await mkdir(join(outDir, track.name), { recursive: true });
  const ivs: Buffer[] = [];
  for (const [index, segment] of track.playlist.segments.entries()) {
    const iv = segmentIv(options.keyId, track.name, track.playlist.mediaSequence + index);
    const plain = await readFile(join(plainDir, track.name, segment.uri));
    await writeFile(join(outDir, track.name, segment.uri), encryptSegment(plain, options.key, iv));
    ivs.push(iv);
  }
  await writeFile(
    join(outDir, track.name, "index.m3u8"),
    writeMediaPlaylist(track.playlist, (index) => ({ uri: options.keyUri, iv: ivs[index] })),
  );
}
