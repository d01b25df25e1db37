/**
 * The free preview: the first N seconds of the film as its own unencrypted HLS ladder under
 * `preview/`, playable by anyone with no key request at all.
 *
 * It reuses the plain segments the ladder produced, so it costs no encoding. Segments start on
 * the same forced keyframes in every rendition, so the cut is at a segment boundary: the preview
 * holds every segment that starts before N seconds, i.e. it covers at least N seconds (or the whole
 * film when that is shorter) and ends at most one segment after N. The reported previewSeconds is
 * what the preview playlist actually lasts.
 *
 * Captions come along: their segments share the video's boundaries, so the preview takes the same
 * number of them. Dubs do not (they are encrypted with the paid film).
 */
import { copyFile, mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { variantEntry } from "./encrypt.ts";
import { writeMasterPlaylist, writeMediaPlaylist, type AlternateRendition, type MediaPlaylist, type VariantEntry } from "./playlist.ts";
import type { TranscodedRendition } from "./transcode.ts";

export const DEFAULT_PREVIEW_SECONDS = 30;
export const PREVIEW_DIR = "preview";

/** A subtitle rendition of the full film, already written under `<outDir>/<uri's directory>`. */
export interface PreviewSubtitles extends AlternateRendition {
  playlist: MediaPlaylist;
}

export interface PreviewResult {
  previewSeconds: number;
  variants: VariantEntry[];
}

export async function writePreview(
  plainDir: string,
  outDir: string,
  renditions: TranscodedRendition[],
  previewSeconds: number,
  frameRate: number,
  subtitles: readonly PreviewSubtitles[] = [],
): Promise<PreviewResult> {
  const variants: VariantEntry[] = [];
  let covered = 0;
  for (const r of renditions) {
    const kept = r.playlist.segments.slice(0, segmentsKept(r, previewSeconds));
    covered = kept.reduce((sum, segment) => sum + segment.durationSeconds, 0);
    const dir = join(outDir, PREVIEW_DIR, r.name);
    await mkdir(dir, { recursive: true });
    const sizes: number[] = [];
    for (const segment of kept) {
      await copyFile(join(plainDir, r.name, segment.uri), join(dir, segment.uri));
      sizes.push((await stat(join(dir, segment.uri))).size);
    }
    const playlist = { mediaSequence: r.playlist.mediaSequence, segments: kept };
    await writeFile(join(dir, "index.m3u8"), writeMediaPlaylist(playlist));
    variants.push(variantEntry(`${r.name}/index.m3u8`, { ...r, playlist }, sizes, frameRate));
  }
  const keptCount = renditions.length > 0 ? segmentsKept(renditions[0], previewSeconds) : 0;
  for (const track of subtitles) {
    const dir = track.uri.slice(0, track.uri.lastIndexOf("/"));
    await mkdir(join(outDir, PREVIEW_DIR, dir), { recursive: true });
    const segments = track.playlist.segments.slice(0, keptCount);
    for (const segment of segments) await copyFile(join(outDir, dir, segment.uri), join(outDir, PREVIEW_DIR, dir, segment.uri));
    await writeFile(join(outDir, PREVIEW_DIR, track.uri), writeMediaPlaylist({ mediaSequence: track.playlist.mediaSequence, segments }));
  }
  const alternates = { subtitles: subtitles.map(({ language, label, uri }) => ({ language, label, uri })) };
  await writeFile(join(outDir, PREVIEW_DIR, "master.m3u8"), writeMasterPlaylist(variants, alternates));
  return { previewSeconds: Math.round(covered * 1000) / 1000, variants };
}

/** How many segments the preview keeps: every one that starts before previewSeconds (at least one). */
function segmentsKept(r: TranscodedRendition, previewSeconds: number): number {
  let count = 0;
  let start = 0;
  for (const segment of r.playlist.segments) {
    if (start >= previewSeconds && count > 0) break;
    count++;
    start += segment.durationSeconds;
  }
  return count;
}
