/**
 * Reading and writing the HLS playlists (RFC 8216). ffmpeg writes the plain media playlists; we
 * parse them and write every playlist that is published ourselves, so the key tags, IVs, the
 * master playlist's BANDWIDTH/CODECS and the preview's cut are exactly what we decided — and the
 * same bytes on every run, which keeps the directory's CID stable.
 */
import { readFile } from "node:fs/promises";
import { MediaError } from "./errors.ts";

export interface Segment {
  /** File name relative to the playlist. */
  uri: string;
  durationSeconds: number;
}

export interface MediaPlaylist {
  mediaSequence: number;
  segments: Segment[];
}

export async function readMediaPlaylist(path: string): Promise<MediaPlaylist> {
  return parseMediaPlaylist(await readFile(path, "utf8"));
}

export function parseMediaPlaylist(text: string): MediaPlaylist {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  if (lines[0] !== "#EXTM3U") throw new MediaError("INTERNAL", "Not an HLS playlist (no #EXTM3U header).");
  let mediaSequence = 0;
  let pendingDuration: number | undefined;
  const segments: Segment[] = [];
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
      mediaSequence = Number(line.slice("#EXT-X-MEDIA-SEQUENCE:".length));
    } else if (line.startsWith("#EXTINF:")) {
      pendingDuration = Number(line.slice("#EXTINF:".length).split(",")[0]);
    } else if (!line.startsWith("#")) {
      if (pendingDuration === undefined || !Number.isFinite(pendingDuration)) {
        throw new MediaError("INTERNAL", `Playlist segment ${line} has no #EXTINF duration.`);
      }
      segments.push({ uri: line, durationSeconds: pendingDuration });
      pendingDuration = undefined;
    }
  }
  return { mediaSequence, segments };
}

export interface SegmentKey {
  /** Absolute-path URI on our origin, e.g. /api/keys/<keyId>. */
  uri: string;
  /** 16-byte IV for this segment. */
  iv: Buffer;
}

/**
 * A VOD media playlist. When `keyFor` is given, every segment gets its own EXT-X-KEY line with
 * an explicit IV (version 2+), so no two segments of a film share an IV under its one key.
 */
export function writeMediaPlaylist(playlist: MediaPlaylist, keyFor?: (index: number) => SegmentKey): string {
  const target = Math.max(1, ...playlist.segments.map((s) => Math.round(s.durationSeconds)));
  const out = [
    "#EXTM3U",
    "#EXT-X-VERSION:3",
    `#EXT-X-TARGETDURATION:${target}`,
    `#EXT-X-MEDIA-SEQUENCE:${playlist.mediaSequence}`,
    "#EXT-X-PLAYLIST-TYPE:VOD",
    "#EXT-X-INDEPENDENT-SEGMENTS",
  ];
  playlist.segments.forEach((segment, index) => {
    if (keyFor) {
      const key = keyFor(index);
      out.push(`#EXT-X-KEY:METHOD=AES-128,URI="${key.uri}",IV=0x${key.iv.toString("hex")}`);
    }
    out.push(`#EXTINF:${segment.durationSeconds.toFixed(6)},`, segment.uri);
  });
  out.push("#EXT-X-ENDLIST", "");
  return out.join("\n");
}

export interface VariantEntry {
  uri: string;
  /** Peak and average bits per second, measured from the segments as published. */
  bandwidth: number;
  averageBandwidth: number;
  width: number;
  height: number;
  frameRate: number;
  codecs: string;
}

/** A caption or dub listed beside the variants (EXT-X-MEDIA); language and label are validated by tracks.ts. */
export interface AlternateRendition {
  language: string;
  label: string;
  /** Media playlist, relative to the master. */
  uri: string;
}

export interface MasterAlternates {
  subtitles?: AlternateRendition[];
  audio?: AlternateRendition[];
}

export const SUBTITLES_GROUP = "subs";
export const AUDIO_GROUP = "audio";
/** The menu entry for the sound muxed into the video, when dubs are offered beside it. */
export const ORIGINAL_AUDIO_LABEL = "Original";

export function writeMasterPlaylist(variants: VariantEntry[], alternates: MasterAlternates = {}): string {
  const out = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"];
  const subtitles = alternates.subtitles ?? [];
  const audio = alternates.audio ?? [];
  if (audio.length > 0) {
    // No URI: this rendition is the audio inside the variant streams (RFC 8216 §4.3.4.1).
    out.push(`#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="${AUDIO_GROUP}",NAME="${ORIGINAL_AUDIO_LABEL}",DEFAULT=YES,AUTOSELECT=YES`);
    for (const a of audio) {
      out.push(
        `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="${AUDIO_GROUP}",NAME="${a.label}",LANGUAGE="${a.language}",DEFAULT=NO,AUTOSELECT=YES,URI="${a.uri}"`,
      );
    }
  }
  for (const s of subtitles) {
    out.push(
      `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="${SUBTITLES_GROUP}",NAME="${s.label}",LANGUAGE="${s.language}",DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,URI="${s.uri}"`,
    );
  }
  const groups = (audio.length > 0 ? `,AUDIO="${AUDIO_GROUP}"` : "") + (subtitles.length > 0 ? `,SUBTITLES="${SUBTITLES_GROUP}"` : "");
  for (const v of variants) {
    out.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${v.bandwidth},AVERAGE-BANDWIDTH=${v.averageBandwidth},` +
        `RESOLUTION=${v.width}x${v.height},FRAME-RATE=${v.frameRate.toFixed(3)},CODECS="${v.codecs}"${groups}`,
      v.uri,
    );
  }
  out.push("");
  return out.join("\n");
}

export interface MasterVariant {
  uri: string;
  attributes: Record<string, string>;
}

/** The EXT-X-MEDIA entries of a master playlist, their attributes unquoted. */
export function parseMasterMedia(text: string): Array<Record<string, string>> {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.startsWith("#EXT-X-MEDIA:"))
    .map((line) => attributesOf(line.slice("#EXT-X-MEDIA:".length)));
}

function attributesOf(list: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of list.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) attributes[match[1]] = match[2].replace(/^"|"$/g, "");
  return attributes;
}

/** Just enough of a master playlist parser for tests and the serving side to list renditions. */
export function parseMasterPlaylist(text: string): MasterVariant[] {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const variants: MasterVariant[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith("#EXT-X-STREAM-INF:")) continue;
    const attributes: Record<string, string> = {};
    for (const match of lines[i].slice("#EXT-X-STREAM-INF:".length).matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) {
      attributes[match[1]] = match[2].replace(/^"|"$/g, "");
    }
    variants.push({ uri: lines[i + 1], attributes });
  }
  return variants;
}
