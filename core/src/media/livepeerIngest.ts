/**
 * The Livepeer path of the ingest (pipeline.ts switches to it when given a Livepeer client, which
 * the CLI and the studio take from LIVEPEER_API_KEY): the full film is transcoded and served by
 * Livepeer Studio under a JWT playback policy, and only what is public anyway is made here.
 *
 *   (probe, as on the local path) → transcode: poster + free preview locally, then request-upload
 *   → tus upload → Livepeer transcodes → ipfs: Livepeer's export (free films only) + add the
 *   poster/preview directory → metadata (properties.livepeer = { playbackId, assetId })
 *
 * No AES key is created: nothing of the full film is published by us. Livepeer's CDN plays it only
 * with a token our server signs after the on-chain entitlement check (core/src/serving/livepeerPlayback.ts).
 *
 * Why `ipfs: false` for a priced film: Studio's IPFS export publishes the original uploaded file
 * (Livepeer's export task pins the source, not its renditions), unencrypted, under a public CID
 * that anyone may fetch from any gateway. The JWT policy gates
 * Livepeer's CDN, not IPFS, so exporting a paid film would give it away. Only a film listed free
 * (price 0) is exported; that copy stays public even if its owner later sets a price.
 *
 * On failure (Livepeer refuses, the asset fails or times out, IPFS, cancellation) the Livepeer
 * asset is deleted (best effort) and the error rethrown; pipeline.ts removes the local work
 * directory and marks the job failed, and no metadata CID exists, as on the local path.
 */
import type { ChildProcess } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { IpfsStore } from "../ipfs/index.ts";
import { isLivepeerError, livepeerFromEnv, type LivepeerClient, type LivepeerProfile, type LivepeerProgress } from "../serving/livepeer.ts";
import { MediaError } from "./errors.ts";
import type { Job } from "./jobs.ts";
import type { Rendition } from "./ladder.ts";
import { buildMetadata, serializeMetadata, type Listing, type LivepeerFacts } from "./metadata.ts";
import { DEFAULT_PREVIEW_SECONDS, writePreview } from "./preview.ts";
import type { ProbeResult } from "./probe.ts";
import { DEFAULT_SEGMENT_SECONDS, makePoster, transcodeLadder } from "./transcode.ts";

export interface LivepeerIngestOptions {
  client: LivepeerClient;
  /**
   * True only for a film that will be listed at price 0: then, and only then, Livepeer exports it
   * to IPFS (see above). Anything else keeps the full film off IPFS.
   */
  free: boolean;
  /** Between asset polls (default the client's 5 s). */
  intervalMs?: number;
  /** For the whole Livepeer transcode (default the client's 2 h). */
  timeoutMs?: number;
  /** tus bytes per request (default the client's 16 MiB). */
  chunkSize?: number;
}

export interface LivepeerIngestInput {
  job: Job<unknown>;
  source: string;
  listing: Listing;
  probe: ProbeResult;
  ladder: Rendition[];
  frameRate: number;
  /** The job's work directory (removed by the caller, success or not). */
  jobDir: string;
  ipfs(): Promise<IpfsStore>;
  previewSeconds?: number;
  segmentSeconds?: number;
  preset?: string;
  threads?: number;
  onSpawn?: (child: ChildProcess) => void;
  livepeer: LivepeerIngestOptions;
}

export interface LivepeerIngestOutput {
  metadataCid: string;
  /** The poster and preview directory (there is no full film under it on this path). */
  hlsCid: string;
  durationSeconds: number;
  renditions: number[];
  previewSeconds: number;
  /** The poster and preview as added to IPFS. */
  outDir: string;
  livepeer: LivepeerFacts;
}

/**
 * The Livepeer options when LIVEPEER_API_KEY is set (LIVEPEER_API_URL, LIVEPEER_POLL_INTERVAL_MS
 * optional), else undefined: the local pipeline. `free`: the film will be listed at price 0.
 */
export function livepeerIngestFromEnv(free: boolean, env: NodeJS.ProcessEnv = process.env): LivepeerIngestOptions | undefined {
  const client = livepeerFromEnv(env);
  if (!client) return undefined;
  const poll = env.LIVEPEER_POLL_INTERVAL_MS?.trim();
  const intervalMs = poll ? Number(poll) : undefined;
  if (intervalMs !== undefined && (!Number.isSafeInteger(intervalMs) || intervalMs <= 0)) {
    throw new MediaError("INTERNAL", "LIVEPEER_POLL_INTERVAL_MS must be a positive whole number of milliseconds.");
  }
  return { client, free, intervalMs };
}

/** Studio's smallest transcode profile: width and height of at least 128 px (its API schema's `transcode-profile`). */
export const LIVEPEER_MIN_DIMENSION = 128;

/**
 * Our ladder as Studio's transcode profiles, so Livepeer serves the renditions we would have made,
 * within Studio's limits: rungs narrower or shorter than 128 px (a source whose short side is
 * 64–255 px steps down below it) are dropped, and when none is left (a source under 128 px) the
 * top rung is scaled up to 128 px on its short side, so request-upload is never refused with 422.
 */
export function livepeerProfiles(ladder: Rendition[]): LivepeerProfile[] {
  const profile = (name: string, width: number, height: number, kbps: number): LivepeerProfile => ({
    name,
    width,
    height,
    bitrate: kbps * 1000,
  });
  const within = ladder.filter((r) => r.width >= LIVEPEER_MIN_DIMENSION && r.height >= LIVEPEER_MIN_DIMENSION);
  if (within.length > 0) return within.map((r) => profile(`${r.rung}p`, r.width, r.height, r.maxrateKbps));
  const top = ladder[0];
  const scale = LIVEPEER_MIN_DIMENSION / Math.min(top.width, top.height);
  const evenUp = (value: number) => Math.ceil((value * scale) / 2) * 2;
  return [profile(`${LIVEPEER_MIN_DIMENSION}p`, evenUp(top.width), evenUp(top.height), top.maxrateKbps)];
}

// Shares of the transcode stage: the local preview is short work next to the upload and
// Livepeer's transcode of the whole film.
const PREVIEW_SHARE = 15;
const POSTER_DONE = 20;
const UPLOAD_END = 50;
// Share of the ipfs stage taken by Livepeer's export, when there is one.
const EXPORT_SHARE = 80;

export async function ingestViaLivepeer(input: LivepeerIngestInput): Promise<LivepeerIngestOutput> {
  const { job, probe, ladder, frameRate, livepeer } = input;
  const { client } = livepeer;
  const signal = job.signal;
  let assetId: string | undefined;

  try {
    job.startStage("transcode");
    // Public by design: the poster and the first seconds, as plain HLS like the local path's preview.
    const plainDir = join(input.jobDir, "plain");
    const outDir = join(input.jobDir, "out");
    await mkdir(outDir, { recursive: true });
    const previewSeconds = input.previewSeconds ?? DEFAULT_PREVIEW_SECONDS;
    const segmentSeconds = input.segmentSeconds ?? DEFAULT_SEGMENT_SECONDS;
    // Up to a segment boundary, so the preview ends where the local path's would.
    const limitSeconds = Math.ceil(previewSeconds / segmentSeconds) * segmentSeconds;
    const renditions = await transcodeLadder(input.source, probe, ladder, plainDir, {
      frameRate,
      limitSeconds,
      segmentSeconds,
      preset: input.preset,
      threads: input.threads,
      signal,
      onSpawn: input.onSpawn,
      onProgress: (percent) => job.progress((percent / 100) * PREVIEW_SHARE, "preview"),
    });
    await makePoster(input.source, probe, ladder[0], join(outDir, "poster.jpg"), signal);
    const preview = await writePreview(plainDir, outDir, renditions, previewSeconds, frameRate);
    await rm(plainDir, { recursive: true, force: true });
    job.progress(POSTER_DONE, "preview");
    job.throwIfCancelled();

    // The film itself goes to Livepeer. A priced film is never exported to IPFS (see above).
    const exportToIpfs = livepeer.free;
    const onProgress = livepeerProgress(job, exportToIpfs);
    const requested = await client.requestUpload(input.listing.title, {
      ipfs: exportToIpfs,
      playbackPolicy: "jwt",
      profiles: livepeerProfiles(ladder),
    });
    assetId = requested.asset.id;
    await client.uploadFile(requested.tusEndpoint, input.source, { onProgress, chunkSize: livepeer.chunkSize, signal });
    const asset = await client.waitForAsset(assetId, {
      onProgress,
      intervalMs: livepeer.intervalMs,
      timeoutMs: livepeer.timeoutMs,
      requireIpfs: exportToIpfs,
      signal,
    });
    const ipfsCid = exportToIpfs ? (asset.storage?.ipfs?.cid ?? undefined) : undefined;
    const facts: LivepeerFacts = { playbackId: asset.playbackId!, assetId, ...(ipfsCid ? { ipfsCid } : {}) };

    if (job.snapshot().stage !== "ipfs") job.startStage("ipfs");
    const base = exportToIpfs ? EXPORT_SHARE : 0;
    const ipfs = await input.ipfs();
    const hlsCid = await ipfs.addDirectory(outDir, (done, total) =>
      job.progress(base + (total > 0 ? done / total : 1) * (100 - base), "preview"),
    );
    job.throwIfCancelled();

    job.startStage("metadata");
    const durationSeconds = Math.round(probe.durationSeconds * 1000) / 1000;
    const renditionHeights = ladder.map((r) => r.rung);
    const metadata = buildMetadata(input.listing, {
      hlsCid,
      durationSeconds,
      renditions: renditionHeights,
      previewSeconds: preview.previewSeconds,
      livepeer: facts,
    });
    const metadataCid = await ipfs.addBytes(serializeMetadata(metadata));
    return {
      metadataCid,
      hlsCid,
      durationSeconds,
      renditions: renditionHeights,
      previewSeconds: preview.previewSeconds,
      outDir,
      livepeer: facts,
    };
  } catch (error) {
    // No listing will ever name this asset: do not leave it at Livepeer (playable with a token,
    // and billed for storage).
    if (assetId !== undefined) await client.deleteAsset(assetId).catch(() => undefined);
    throw isLivepeerError(error) && !signal.aborted ? new MediaError("LIVEPEER_FAILED", error.message, { cause: error }) : error;
  }
}

/**
 * Maps the client's steps onto the job: uploading and Livepeer's transcode are the rest of the
 * transcode stage; the IPFS export (free films) opens the ipfs stage. Never moves backwards.
 */
function livepeerProgress(job: Job<unknown>, exportToIpfs: boolean): (progress: LivepeerProgress) => void {
  let last = POSTER_DONE;
  return ({ stage, percent }) => {
    if (stage === "exporting" || (stage === "ready" && exportToIpfs)) {
      if (job.snapshot().stage !== "ipfs") {
        job.startStage("ipfs");
        last = 0;
      }
      const at = stage === "ready" ? EXPORT_SHARE : (percent / 100) * EXPORT_SHARE;
      last = Math.max(last, at);
      job.progress(last, "livepeer: exporting to IPFS");
      return;
    }
    if (job.snapshot().stage !== "transcode") return;
    let at: number;
    let detail: string;
    if (stage === "uploading" && last < UPLOAD_END) {
      at = POSTER_DONE + (percent / 100) * (UPLOAD_END - POSTER_DONE);
      detail = "livepeer: uploading";
    } else if (stage === "processing") {
      at = UPLOAD_END + (percent / 100) * (99 - UPLOAD_END);
      detail = "livepeer: processing";
    } else if (stage === "ready") {
      at = 100;
      detail = "livepeer: ready";
    } else {
      // "waiting" (or Studio still taking in the upload): between the upload and the transcode.
      at = UPLOAD_END;
      detail = "livepeer: waiting";
    }
    last = Math.max(last, at);
    job.progress(last, detail);
  };
}
