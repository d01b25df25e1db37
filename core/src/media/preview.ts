/**
 * The free preview: the first N seconds of the film as its own unencrypted HLS ladder under
 * `preview/`, playable by anyone with no key request at all.
 *
 * It reuses the plain segments the ladder produced, so it costs no encoding. Segments start on
 * the same forced keyframes in every rendition, so the cut is at a segment boundary: the preview
 * holds every segment that starts before N seconds, i.e. it covers at least N seconds (or the whole
 * film when that is shorter) and ends at most one segment after N. The reported previewSeconds is
 * what the preview playlist actually lasts.
 */
import { copyFile, mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { variantEntry } from "./encrypt.ts";
import { writeMasterPlaylist, writeMediaPlaylist, type VariantEntry } from "./playlist.ts";
import type { TranscodedRendition } from "./transcode.ts";

export const DEFAULT_PREVIEW_SECONDS = 30;
export const PREVIEW_DIR = "preview";

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
): Promise<PreviewResult> {
  const variants: VariantEntry[] = [];
  let covered = 0;
  for (const r of renditions) {
    const kept = [];
    let start = 0;
    for (const segment of r.playlist.segments) {
      if (start >= previewSeconds && kept.length > 0) break;
      kept.push(segment);
      start += segment.durationSeconds;
    }
    covered = start;
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
  await writeFile(join(outDir, PREVIEW_DIR, "master.m3u8"), writeMasterPlaylist(variants));
  return { previewSeconds: Math.round(covered * 1000) / 1000, variants };
}
