/**
 * The ingest pipeline: a video file and the creator's listing text in, the metadata CID the
 * creator mints with out. Stages, in order (each one a module):
 *
 *   upload (done by uploads.ts, or a local file) → probe (+ the captions and dubs checked)
 *   → transcode (ladder + poster + dubs; captions segmented) → encrypt (+ the free preview)
 *   → ipfs (the output directory) → metadata (ERC-721 JSON to IPFS)
 *
 * Failure at any point — bad input, ffmpeg crashing, cancellation, IPFS — leaves nothing behind:
 * the job's work directory is removed, a key created for it is deleted, and no metadata CID exists,
 * because the metadata is the last thing written. (Blocks already added to a local IPFS store stay
 * there unreferenced; the store never garbage-collects, see core/src/ipfs/helia.ts.)
 *
 * With a Livepeer Studio client (`options.livepeer`; the CLI and the studio pass one when
 * LIVEPEER_API_KEY is set) the same probe runs, and then livepeerIngest.ts: the poster and the
 * free preview are made here, the full film is transcoded and served by Livepeer under a JWT
 * playback policy, and no AES key is created. Failure leaves nothing behind there either.
 *
 * Work happens under `.data/media/work/<jobId>/`, named by the job id, never by anything from the
 * creator (file names with spaces, unicode or "../" only ever reach ffmpeg as one argument).
 */
import type { ChildProcess } from "node:child_process";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { isIpfsError, openIpfs, type IpfsStore } from "../ipfs/index.ts";
import { checkAudioTrack, encryptAudioTrack, transcodeAudioTrack, type AudioTrack } from "./audioTracks.ts";
import { mpegtsStart, readCaptions, SUBTITLES_DIR, writeSubtitleRendition, type CaptionTrack } from "./captions.ts";
import { defaultKeyUri, encryptLadder } from "./encrypt.ts";
import { MediaError, toMediaError } from "./errors.ts";
import { Job, type JobRegistry } from "./jobs.ts";
import { ingesterAddress, KeyStore } from "./keys.ts";
import { chooseLadder, outputFrameRate } from "./ladder.ts";
import { ingestViaLivepeer, type LivepeerIngestOptions } from "./livepeerIngest.ts";
import { buildMetadata, parseListing, serializeMetadata, type ListingInputRaw } from "./metadata.ts";
import { DEFAULT_PREVIEW_SECONDS, writePreview } from "./preview.ts";
import { probeFile } from "./probe.ts";
import { DEFAULT_SEGMENT_SECONDS, makePoster, transcodeLadder } from "./transcode.ts";
import { normaliseTracks, type TrackInput } from "./tracks.ts";
import { dataPath } from "../paths.ts";

export const DEFAULT_WORK_DIR = dataPath("media", "work");
/** 2 GiB: a feature film at a sensible upload bitrate; env MEDIA_MAX_UPLOAD_BYTES overrides. */
export const DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 ** 3;
export const POSTER_NAME = "poster.jpg";

export function maxUploadBytesFromEnv(): number {
  const value = Number(process.env.MEDIA_MAX_UPLOAD_BYTES);
  return Number.isSafeInteger(value) && value > 0 ? value : DEFAULT_MAX_UPLOAD_BYTES;
}

export interface IngestOptions {
  /** An open IPFS store; when omitted one is opened (env IPFS_API_URL / default Helia) and closed. */
  ipfs?: IpfsStore;
  keyStore?: KeyStore;
  /**
   * The wallet ingesting the film, which will mint its listing: the film's key (or Livepeer
   * playback id) is bound to it, so only that wallet's listing unlocks the film.
   */
  ingester?: string;
  /**
   * Re-ingest with an existing film key instead of creating one. With the same source and text
   * this reproduces the same hlsCid and metadataCid byte for byte.
   */
  keyId?: string;
  /** Run under this job (e.g. one created when its upload began); otherwise a new one. */
  job?: Job<IngestResult>;
  jobs?: JobRegistry;
  workDir?: string;
  previewSeconds?: number;
  segmentSeconds?: number;
  preset?: string;
  threads?: number;
  maxBytes?: number;
  maxDurationSeconds?: number;
  /** Keep `<workDir>/<jobId>/out` after success (it is in IPFS either way). */
  keepOutput?: boolean;
  onSpawn?: (child: ChildProcess) => void;
  /**
   * Called (and awaited) with the id of a film key the job creates, before anything is encrypted
   * with it: a job store records it, so a job a crash interrupts does not leave its key behind.
   */
  onKeyCreated?: (keyId: string) => void | Promise<void>;
  /**
   * Transcode and serve the full film through Livepeer Studio instead of local ffmpeg + AES
   * (see livepeerIngest.ts). `free` must be true only for a film listed at price 0.
   */
  livepeer?: LivepeerIngestOptions;
  /** WebVTT caption files (see captions.ts); checked before any transcoding. */
  captions?: TrackInput[];
  /** Dubs (see audioTracks.ts), encrypted with the film's key. */
  audio?: TrackInput[];
}

export interface IngestResult {
  jobId: string;
  metadataCid: string;
  /** ipfs://<metadataCid>: the tokenURI to mint with. */
  metadataUri: string;
  hlsCid: string;
  durationSeconds: number;
  /** Rendition heights (short side), highest first. */
  renditions: number[];
  previewSeconds: number;
  /** Languages of the caption tracks and dubs, in the order given. */
  captions?: string[];
  audio?: string[];
  /** The film's AES-128 key (local path); absent on the Livepeer path, which creates none. */
  keyId?: string;
  /** The Livepeer path: the asset the full film plays from (hlsCid then holds only poster + preview). */
  livepeer?: { playbackId: string; assetId: string; ipfsCid?: string };
  /** Inside the HLS directory: ipfs://<hlsCid>/poster.jpg. */
  posterPath: string;
  /** Bytes of the directory added to IPFS. */
  outputBytes: number;
  /** Where the output was kept, when keepOutput was set. */
  outputDir?: string;
}

export async function ingestFile(path: string, meta: ListingInputRaw, options: IngestOptions = {}): Promise<IngestResult> {
  const job = options.job ?? options.jobs?.create<IngestResult>(meta.title) ?? new Job<IngestResult>({ label: meta.title });
  // A run-time data directory, not a source folder: bundlers must not trace it.
  const jobDir = join(/*turbopackIgnore: true*/ options.workDir ?? process.env.MEDIA_WORK_DIR ?? DEFAULT_WORK_DIR, job.id);
  const keyStore = options.keyStore ?? new KeyStore();
  const ownsIpfs = options.ipfs === undefined;
  let ipfs = options.ipfs;
  let createdKeyId: string | undefined;
  const signal = job.signal;

  try {
    // Validate the text first: a typo in the title should not cost a transcode.
    const listing = parseListing(meta);
    const ingester = options.ingester === undefined ? undefined : ingesterAddress(options.ingester);
    const captionSpecs = normaliseTracks("captions", options.captions ?? []);
    const audioSpecs = normaliseTracks("audio", options.audio ?? []);
    const source = resolve(path);

    job.startStage("upload");
    job.progress(100);

    job.startStage("probe");
    const probe = await probeFile(source, {
      maxBytes: options.maxBytes ?? maxUploadBytesFromEnv(),
      maxDurationSeconds: options.maxDurationSeconds,
      signal,
    });
    const frameRate = outputFrameRate(probe.frameRate);
    const ladder = chooseLadder({ width: probe.width, height: probe.height, frameRate });

    // Captions and dubs are checked against the film's length before any transcoding time is spent.
    const captions: CaptionTrack[] = [];
    for (const spec of captionSpecs) captions.push(await readCaptions(spec, probe.durationSeconds));
    for (const spec of audioSpecs) await checkAudioTrack(spec, probe.durationSeconds, signal);

    if (options.livepeer) {
      if (captions.length > 0 || audioSpecs.length > 0) {
        throw new MediaError("UNSUPPORTED", "Captions and extra audio tracks are not yet supported for films transcoded by Livepeer.");
      }
      if (options.keyId !== undefined) throw new MediaError("INTERNAL", "A key id makes no sense for a film transcoded by Livepeer.");
      const out = await ingestViaLivepeer({
        job: job as Job<unknown>,
        source,
        listing,
        probe,
        ladder,
        frameRate,
        jobDir,
        ipfs: async () => (ipfs ??= await openIpfs()),
        previewSeconds: options.previewSeconds,
        segmentSeconds: options.segmentSeconds,
        preset: options.preset,
        threads: options.threads,
        onSpawn: options.onSpawn,
        livepeer: options.livepeer,
      });
      if (ingester !== undefined) await keyStore.bindPlayback(out.livepeer.playbackId, ingester);
      const result: IngestResult = {
        jobId: job.id,
        metadataCid: out.metadataCid,
        metadataUri: `ipfs://${out.metadataCid}`,
        hlsCid: out.hlsCid,
        durationSeconds: out.durationSeconds,
        renditions: out.renditions,
        previewSeconds: out.previewSeconds,
        livepeer: out.livepeer,
        posterPath: POSTER_NAME,
        outputBytes: await directoryBytes(out.outDir),
      };
      if (options.keepOutput) result.outputDir = out.outDir;
      else await rm(jobDir, { recursive: true, force: true });
      job.complete(result);
      return result;
    }

    job.startStage("transcode");
    const plainDir = join(jobDir, "plain");
    const outDir = join(jobDir, "out");
    await mkdir(outDir, { recursive: true });
    const renditions = await transcodeLadder(source, probe, ladder, plainDir, {
      frameRate,
      segmentSeconds: options.segmentSeconds,
      preset: options.preset,
      threads: options.threads,
      signal,
      onSpawn: options.onSpawn,
      onProgress: (percent) => job.progress(percent * 0.97),
    });
    await makePoster(source, probe, ladder[0], join(outDir, POSTER_NAME), signal);
    const dubs: AudioTrack[] = [];
    for (const spec of audioSpecs) {
      job.throwIfCancelled();
      const segmentSeconds = options.segmentSeconds ?? DEFAULT_SEGMENT_SECONDS;
      dubs.push(
        await transcodeAudioTrack(spec, plainDir, { filmSeconds: probe.durationSeconds, segmentSeconds, signal, onSpawn: options.onSpawn }),
      );
    }
    const windows = renditions[0].playlist.segments;
    const start = captions.length > 0 ? await mpegtsStart(join(plainDir, renditions[0].name, windows[0].uri), signal) : 0;
    const subtitles = [];
    for (const track of captions) {
      const uri = `${SUBTITLES_DIR}/${track.language}/index.m3u8`;
      const playlist = await writeSubtitleRendition(track, join(outDir, SUBTITLES_DIR, track.language), windows, start);
      subtitles.push({ language: track.language, label: track.label, uri, playlist });
    }

    job.startStage("encrypt");
    let key: Buffer;
    let keyId: string;
    if (options.keyId !== undefined) {
      keyId = options.keyId;
      key = await keyStore.get(keyId);
    } else {
      ({ keyId, key } = await keyStore.create({ ingester }));
      createdKeyId = keyId;
      await options.onKeyCreated?.(keyId);
    }
    for (const dub of dubs) await encryptAudioTrack(dub, plainDir, outDir, { key, keyId, keyUri: defaultKeyUri(keyId) });
    await encryptLadder(plainDir, outDir, renditions, {
      key,
      keyId,
      keyUri: defaultKeyUri(keyId),
      frameRate,
      alternates: {
        subtitles: subtitles.map(({ language, label, uri }) => ({ language, label, uri })),
        audio: dubs.map((dub) => ({ language: dub.language, label: dub.label, uri: `${dub.name}/index.m3u8` })),
      },
      onProgress: (percent) => job.progress(percent * 0.9),
    });
    const preview = await writePreview(
      plainDir,
      outDir,
      renditions,
      options.previewSeconds ?? DEFAULT_PREVIEW_SECONDS,
      frameRate,
      subtitles,
    );
    // The plain segments are the whole film unencrypted: gone before anything is published.
    await rm(plainDir, { recursive: true, force: true });
    job.throwIfCancelled();

    job.startStage("ipfs");
    const outputBytes = await directoryBytes(outDir);
    ipfs ??= await openIpfs();
    const hlsCid = await ipfs.addDirectory(outDir, (done, total) => job.progress(total > 0 ? (done / total) * 100 : 100));
    job.throwIfCancelled();

    job.startStage("metadata");
    const durationSeconds = Math.round(probe.durationSeconds * 1000) / 1000;
    const renditionHeights = renditions.map((r) => r.rung);
    const metadata = buildMetadata(listing, {
      hlsCid,
      durationSeconds,
      renditions: renditionHeights,
      previewSeconds: preview.previewSeconds,
      keyId,
      captions: subtitles.map(({ language, label, uri }) => ({ language, label, playlist: uri })),
      audioTracks: dubs.map(({ language, label }) => ({ language, label })),
    });
    const metadataCid = await ipfs.addBytes(serializeMetadata(metadata));
    await keyStore.attach(keyId, { metadataCid, hlsCid });

    const result: IngestResult = {
      jobId: job.id,
      metadataCid,
      metadataUri: `ipfs://${metadataCid}`,
      hlsCid,
      durationSeconds,
      renditions: renditionHeights,
      previewSeconds: preview.previewSeconds,
      ...(captions.length > 0 ? { captions: captions.map((c) => c.language) } : {}),
      ...(dubs.length > 0 ? { audio: dubs.map((d) => d.language) } : {}),
      keyId,
      posterPath: POSTER_NAME,
      outputBytes,
    };
    if (options.keepOutput) {
      await rm(join(jobDir, "plain"), { recursive: true, force: true });
      result.outputDir = outDir;
    } else {
      await rm(jobDir, { recursive: true, force: true });
    }
    job.complete(result);
    return result;
  } catch (error) {
    // A cancelled job's stages see their own errors (ffmpeg killed…); report the cancellation.
    const failure = signal.aborted
      ? new MediaError("CANCELLED", "The job was cancelled.")
      : isIpfsError(error)
        ? toMediaError(error, "IPFS_FAILED", "Storing the film in IPFS failed")
        : toMediaError(error, "INTERNAL", "Ingest failed");
    await rm(jobDir, { recursive: true, force: true }).catch(() => undefined);
    if (createdKeyId !== undefined) await keyStore.delete(createdKeyId).catch(() => undefined);
    job.fail(failure);
    throw failure;
  } finally {
    if (ownsIpfs && ipfs !== undefined) await ipfs.close().catch(() => undefined);
  }
}

async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}
