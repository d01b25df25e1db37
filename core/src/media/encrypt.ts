/**
 * Encrypt: turns the plain HLS ladder into the published, paid one. Every segment is encrypted
 * with HLS AES-128 (AES-128-CBC, PKCS#7 padding, RFC 8216 §4.3.2.4) under the film's one key, and
 * every media playlist points players at our origin for that key (`/api/keys/<keyId>`), where the
 * key server hands it only to entitled wallets.
 *
 * Why here and not ffmpeg's -hls_key_info_file: that option needs the content key in a plaintext
 * file on disk for the whole transcode, and picks IVs we do not control. Encrypting afterwards
 * keeps the key in memory only, and lets each segment carry an explicit IV derived from
 * (keyId, rendition, sequence number): unique per segment under the key (CBC must not reuse an
 * IV under one key across renditions whose first blocks are alike) and reproducible, so the same
 * film with the same key gives the same bytes and the same CID.
 */
import { createCipheriv, createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writeMasterPlaylist, writeMediaPlaylist, type MasterAlternates, type VariantEntry } from "./playlist.ts";
import type { TranscodedRendition } from "./transcode.ts";

export interface EncryptOptions {
  key: Buffer;
  keyId: string;
  /** Key URI written into playlists; default `/api/keys/<keyId>` (env MEDIA_KEY_URI_BASE overrides the prefix). */
  keyUri?: string;
  frameRate: number;
  /** Captions and dubs the master playlist lists beside the variants (already written). */
  alternates?: MasterAlternates;
  onProgress?: (percent: number) => void;
}

export function defaultKeyUri(keyId: string): string {
  const base = process.env.MEDIA_KEY_URI_BASE?.trim() || "/api/keys/";
  return `${base.endsWith("/") ? base : `${base}/`}${keyId}`;
}

/** The IV of one segment: the first 16 bytes of SHA-256 over its identity. */
export function segmentIv(keyId: string, rendition: string, sequence: number): Buffer {
  return createHash("sha256").update(`ai-films/hls-iv/v1\0${keyId}\0${rendition}\0${sequence}`).digest().subarray(0, 16);
}

export function encryptSegment(plain: Buffer, key: Buffer, iv: Buffer): Buffer {
  const cipher = createCipheriv("aes-128-cbc", key, iv);
  return Buffer.concat([cipher.update(plain), cipher.final()]);
}

/**
 * Writes `<outDir>/<rendition>/seg_*.ts` (encrypted), each rendition's index.m3u8 and
 * `<outDir>/master.m3u8`. Returns the master playlist's variant entries.
 */
export async function encryptLadder(
  plainDir: string,
  outDir: string,
  renditions: TranscodedRendition[],
  options: EncryptOptions,
): Promise<VariantEntry[]> {
  if (options.key.length !== 16) throw new Error("An HLS AES-128 key is 16 bytes.");
  const keyUri = options.keyUri ?? defaultKeyUri(options.keyId);
  const total = renditions.reduce((n, r) => n + r.playlist.segments.length, 0);
  let done = 0;
  const variants: VariantEntry[] = [];
  for (const r of renditions) {
    await mkdir(join(outDir, r.name), { recursive: true });
    const sizes: number[] = [];
    const ivs: Buffer[] = [];
    for (const [index, segment] of r.playlist.segments.entries()) {
      const iv = segmentIv(options.keyId, r.name, r.playlist.mediaSequence + index);
      const sealed = encryptSegment(await readFile(join(plainDir, r.name, segment.uri)), options.key, iv);
      await writeFile(join(outDir, r.name, segment.uri), sealed);
      sizes.push(sealed.length);
      ivs.push(iv);
      options.onProgress?.((++done / total) * 100);
    }
    const text = writeMediaPlaylist(r.playlist, (index) => ({ uri: keyUri, iv: ivs[index] }));
    await writeFile(join(outDir, r.name, "index.m3u8"), text);
    variants.push(variantEntry(`${r.name}/index.m3u8`, r, sizes, options.frameRate));
  }
  await writeFile(join(outDir, "master.m3u8"), writeMasterPlaylist(variants, options.alternates));
  return variants;
}

/** BANDWIDTH is the peak segment bitrate as published (HLS requires the peak), rounded up. */
export function variantEntry(uri: string, r: TranscodedRendition, sizes: number[], frameRate: number): VariantEntry {
  const rates = r.playlist.segments.map((s, i) => (sizes[i] * 8) / Math.max(s.durationSeconds, 0.001));
  // The short final segment can spike the per-second rate; HLS peak is over whole segments,
  // but ignoring a final fragment under 1 s keeps a tiny tail from skewing rendition choice.
  const measured = rates.filter((_, i) => i < rates.length - 1 || r.playlist.segments[i].durationSeconds >= 1 || rates.length === 1);
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  const totalSeconds = r.playlist.segments.reduce((a, s) => a + s.durationSeconds, 0);
  return {
    uri,
    bandwidth: Math.ceil(Math.max(...measured)),
    averageBandwidth: Math.ceil((totalBytes * 8) / Math.max(totalSeconds, 0.001)),
    width: r.width,
    height: r.height,
    frameRate,
    codecs: `${r.codecs},mp4a.40.2`,
  };
}
