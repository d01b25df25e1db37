/**
 * A Livepeer Studio client for the films pipeline, used when LIVEPEER_API_KEY is set: upload and
 * transcoding go to Studio instead of local ffmpeg, the result is exported to IPFS by Studio, and
 * playback is gated by a JWT playback policy (tokens signed by livepeerPlayback.ts).
 *
 *   requestUpload  POST /asset/request-upload  { name, storage: { ipfs: true }, playbackPolicy: { type: "jwt" }, profiles? }
 *                  → { url, tusEndpoint, asset: { id, … }, task: { id } }
 *   deleteAsset    DELETE /asset/{id} → 204 (cleaning up after a failed ingest); 404, or 400 "already
 *                  being deleted" for a repeated delete, count as done
 *   playbackUrl    GET /playback/{playbackId} → { type, meta: { source: [{ hrn: "HLS (TS)", url }] } }:
 *                  where the CDN serves the asset (recorded assets: …/asset/hls/<playbackId>/index.m3u8);
 *                  Livepeer's API recommends this over building the URL
 *   uploadFile     tus (resumable) to tusEndpoint
 *   waitForAsset   GET /asset/{id} until status.phase is "ready" (and, when asked, the IPFS
 *                  export in storage.status is done and storage.ipfs.cid is set) or "failed"
 *   signing keys   POST /access-control/signing-key → { id, publicKey, privateKey (once) };
 *                  GET /access-control/signing-key/{id} → { id, publicKey }
 *
 * Shapes follow Livepeer's OpenAPI reference (livepeer/studio, packages/api/src/schema/api-schema.yaml).
 * Errors come back as `{ errors: [string] }`; we surface them in a LivepeerError.
 *
 * A caveat: Studio's IPFS export publishes the original uploaded file, unencrypted, under a
 * public CID. The JWT policy gates Livepeer's CDN playback, not IPFS. The ingest
 * (core/src/media/livepeerIngest.ts) therefore asks for `ipfs: false` for every priced film and
 * lets only a free film be exported.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import * as tus from "tus-js-client";
import { z } from "zod/v4";
import { AiFilmsError, isAiFilmsError, type ModuleCode } from "../errors.ts";

export const DEFAULT_LIVEPEER_API = "https://livepeer.studio/api";

/** What went wrong talking to Studio (the codes are listed in ../errors.ts). */
export type LivepeerErrorCode = ModuleCode<"livepeer">;

export class LivepeerError extends AiFilmsError<"livepeer"> {
  override readonly name = "LivepeerError";
  constructor(
    code: LivepeerErrorCode,
    message: string,
    /** Studio's HTTP status, when it answered. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super("livepeer", code, message, options);
  }
}

/** By brand, not class: the ingest may get the client from another bundled copy of this module. */
export function isLivepeerError(error: unknown, code?: LivepeerErrorCode): error is LivepeerError {
  return isAiFilmsError(error, "livepeer") && (code === undefined || error.code === code);
}

// --- response shapes (only what we read; Studio sends more and may add fields) -----------------

const phaseSchema = z.enum(["uploading", "waiting", "processing", "ready", "failed", "deleting", "deleted"]);

const assetSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  playbackId: z.string().optional(),
  playbackUrl: z.string().optional(),
  status: z
    .looseObject({
      phase: phaseSchema,
      progress: z.number().optional(),
      errorMessage: z.string().optional(),
      updatedAt: z.number().optional(),
    })
    .optional(),
  storage: z
    .looseObject({
      ipfs: z
        .looseObject({
          cid: z.string().optional(),
          url: z.string().optional(),
          gatewayUrl: z.string().optional(),
        })
        .nullable()
        .optional(),
      status: z
        .looseObject({
          phase: z.string(),
          progress: z.number().optional(),
          errorMessage: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  videoSpec: z.looseObject({ duration: z.number().optional() }).optional(),
});
export type LivepeerAsset = z.infer<typeof assetSchema>;

const requestUploadSchema = z.looseObject({
  url: z.string().min(1),
  tusEndpoint: z.string().min(1),
  asset: assetSchema,
  task: z.looseObject({ id: z.string().min(1) }),
});
export type RequestUploadResult = z.infer<typeof requestUploadSchema>;

const signingKeySchema = z.looseObject({
  id: z.string().min(1),
  publicKey: z.string().min(1),
  privateKey: z.string().optional(),
  name: z.string().optional(),
  disabled: z.boolean().optional(),
});
export type LivepeerSigningKey = z.infer<typeof signingKeySchema>;

/** `GET /playback/{id}` (Studio's playback-info): the sources the CDN serves the asset from. */
const playbackInfoSchema = z.looseObject({
  type: z.string(),
  meta: z.looseObject({
    source: z.array(z.looseObject({ hrn: z.string(), type: z.string(), url: z.string().min(1) })),
  }),
});
export type LivepeerPlaybackInfo = z.infer<typeof playbackInfoSchema>;

const errorSchema = z.looseObject({ errors: z.array(z.string()) });

// --- progress ----------------------------------------------------------------------------------

export interface LivepeerProgress {
  stage: "uploading" | "waiting" | "processing" | "exporting" | "ready";
  /** 0–100 within the stage. */
  percent: number;
}
export type LivepeerProgressFn = (progress: LivepeerProgress) => void;

// --- client ------------------------------------------------------------------------------------

/** One rendition Studio should transcode (its transcode-profile; bitrate in bit/s). */
export interface LivepeerProfile {
  name: string;
  width: number;
  height: number;
  bitrate: number;
}

export interface LivepeerClientOptions {
  apiKey: string;
  /** Default https://livepeer.studio/api. */
  baseUrl?: string;
  /** Per request, default 30 s. */
  requestTimeoutMs?: number;
}

export interface WaitOptions {
  onProgress?: LivepeerProgressFn;
  /** Between polls, default 5 s (Studio's asset status changes on that scale). */
  intervalMs?: number;
  /** Overall, default 2 h (a long film transcodes for a while). */
  timeoutMs?: number;
  /** Also wait for the IPFS export (storage.ipfs.cid), default true. */
  requireIpfs?: boolean;
  signal?: AbortSignal;
}

export interface UploadOptions {
  /** The tus `filename` metadata; default the file's base name. */
  filename?: string;
  filetype?: string;
  onProgress?: LivepeerProgressFn;
  /** Bytes per PATCH; a failed chunk is retried from the server's offset. Default 16 MiB. */
  chunkSize?: number;
  /** Retry delays for a failed chunk, default [0, 1 s, 3 s, 10 s, 20 s]. */
  retryDelays?: number[];
  /**
   * A file remembering unfinished uploads, so rerunning after a crash resumes instead of starting
   * over (tus-js-client's FileUrlStorage).
   */
  resumeStateFile?: string;
  /** Aborts the upload (tus stops sending); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface UploadFilmResult {
  assetId: string;
  playbackId: string;
  /** The IPFS export's CID; undefined when `ipfs: false`. */
  ipfsCid?: string;
  asset: LivepeerAsset;
}

export function createLivepeerClient(options: LivepeerClientOptions) {
  if (!options.apiKey) throw new LivepeerError("unauthorized", "A Livepeer Studio API key is required.");
  const base = (options.baseUrl ?? DEFAULT_LIVEPEER_API).replace(/\/+$/, "");
  const requestTimeout = options.requestTimeoutMs ?? 30_000;

  async function call<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${options.apiKey}`,
          Accept: "application/json",
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(requestTimeout),
      });
    } catch (error) {
      throw new LivepeerError("unreachable", `Livepeer Studio did not answer ${method} ${path}: ${(error as Error).message}`, undefined, {
        cause: error,
      });
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const reasons = errorSchema.safeParse(parsed);
      const detail = reasons.success ? reasons.data.errors.join("; ") : text.slice(0, 200) || response.statusText;
      const code = response.status === 401 || response.status === 403 ? "unauthorized" : "http";
      throw new LivepeerError(code, `Livepeer Studio refused ${method} ${path} (${response.status}): ${detail}`, response.status);
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      throw new LivepeerError("bad-response", `Livepeer Studio's answer to ${method} ${path} is not what its API reference describes.`);
    }
    return result.data;
  }

  const client = {
    baseUrl: base,

    /**
     * Creates the asset and its upload URLs. `ipfs` (default true) asks Studio to export to IPFS;
     * `profiles` (default Studio's own ladder) names the renditions to transcode.
     */
    requestUpload(
      name: string,
      opts: { ipfs?: boolean; playbackPolicy?: "jwt" | "public"; profiles?: LivepeerProfile[] } = {},
    ): Promise<RequestUploadResult> {
      return call("POST", "/asset/request-upload", requestUploadSchema, {
        name,
        ...(opts.ipfs === false ? {} : { storage: { ipfs: true } }),
        playbackPolicy: { type: opts.playbackPolicy ?? "jwt" },
        ...(opts.profiles && opts.profiles.length > 0 ? { profiles: opts.profiles } : {}),
      });
    },

    /**
     * Deletes an asset. One that is already gone (404) or already being deleted (Studio answers a
     * repeated delete with 400 "… already being deleted") counts as deleted.
     */
    async deleteAsset(assetId: string): Promise<void> {
      try {
        await call("DELETE", `/asset/${encodeURIComponent(assetId)}`, z.unknown());
      } catch (error) {
        if (isLivepeerError(error) && error.status === 404) return;
        if (isLivepeerError(error) && error.status === 400 && /already being deleted/i.test(error.message)) return;
        throw error;
      }
    },

    getPlaybackInfo(playbackId: string): Promise<LivepeerPlaybackInfo> {
      return call("GET", `/playback/${encodeURIComponent(playbackId)}`, playbackInfoSchema);
    },

    /** The HLS URL Livepeer's CDN serves `playbackId` from, as `GET /playback/{id}` names it. */
    async playbackUrl(playbackId: string): Promise<string> {
      const info = await client.getPlaybackInfo(playbackId);
      const hls = info.meta.source.find((s) => s.hrn === "HLS (TS)" || s.type === "html5/application/vnd.apple.mpegurl");
      if (!hls) throw new LivepeerError("bad-response", `Livepeer names no HLS source for playback id ${playbackId}.`);
      return hls.url;
    },

    getAsset(assetId: string): Promise<LivepeerAsset> {
      return call("GET", `/asset/${encodeURIComponent(assetId)}`, assetSchema);
    },

    /** Uploads a file (path) or bytes to a tus endpoint, resumably. */
    async uploadFile(tusEndpoint: string, input: string | Buffer, opts: UploadOptions = {}): Promise<void> {
      const isPath = typeof input === "string";
      const size = isPath ? (await stat(input)).size : input.byteLength;
      if (size === 0) throw new LivepeerError("upload-failed", "Refusing to upload an empty file.");
      const filename = opts.filename ?? (isPath ? basename(input) : "upload.bin");
      // tus-js-client in Node reads an fs.ReadStream by path, slice by slice; its types only
      // name the browser inputs.
      opts.signal?.throwIfAborted();
      const source = (isPath ? createReadStream(input) : input) as unknown as Buffer;
      await new Promise<void>((resolvePromise, rejectPromise) => {
        let lastPercent = -1;
        const onAbort = () => {
          // Keep what the server has: a rerun with resumeStateFile carries on from there.
          void upload.abort(false).catch(() => undefined);
          reject(opts.signal!.reason);
        };
        const resolve = () => {
          opts.signal?.removeEventListener("abort", onAbort);
          resolvePromise();
        };
        const reject = (error: unknown) => {
          opts.signal?.removeEventListener("abort", onAbort);
          rejectPromise(error);
        };
        const upload = new tus.Upload(source, {
          endpoint: tusEndpoint,
          uploadSize: size,
          chunkSize: opts.chunkSize ?? 16 * 1024 * 1024,
          retryDelays: opts.retryDelays ?? [0, 1_000, 3_000, 10_000, 20_000],
          metadata: { filename, filetype: opts.filetype ?? "video/mp4" },
          ...(opts.resumeStateFile
            ? { urlStorage: fileUrlStorage(opts.resumeStateFile), storeFingerprintForResuming: true, removeFingerprintOnSuccess: true }
            : { storeFingerprintForResuming: false }),
          onProgress(sent, total) {
            const percent = total > 0 ? Math.floor((sent / total) * 100) : 0;
            if (percent !== lastPercent) {
              lastPercent = percent;
              opts.onProgress?.({ stage: "uploading", percent });
            }
          },
          onSuccess: () => resolve(),
          onError: (error) =>
            reject(
              new LivepeerError("upload-failed", `Uploading ${filename} to Livepeer failed: ${error.message}`, undefined, { cause: error }),
            ),
        });
        opts.signal?.addEventListener("abort", onAbort, { once: true });
        const begin = async () => {
          if (opts.resumeStateFile) {
            const previous = await upload.findPreviousUploads();
            if (previous.length > 0) upload.resumeFromPreviousUpload(previous[0]);
          }
          upload.start();
        };
        begin().catch(reject);
      });
    },

    /**
     * Polls the asset until it is ready (and exported to IPFS unless `requireIpfs: false`).
     * A "failed" phase, of the asset or of its IPFS export, throws `asset-failed` with Studio's
     * error message.
     */
    async waitForAsset(assetId: string, opts: WaitOptions = {}): Promise<LivepeerAsset> {
      const interval = opts.intervalMs ?? 5_000;
      const deadline = Date.now() + (opts.timeoutMs ?? 2 * 3_600_000);
      const requireIpfs = opts.requireIpfs ?? true;
      for (;;) {
        opts.signal?.throwIfAborted();
        const asset = await client.getAsset(assetId);
        const phase = asset.status?.phase;
        if (phase === "failed") {
          throw new LivepeerError(
            "asset-failed",
            `Livepeer could not process the video: ${asset.status?.errorMessage ?? "no reason given"}.`,
          );
        }
        if (phase === "deleting" || phase === "deleted") {
          throw new LivepeerError("asset-failed", `The Livepeer asset ${assetId} was deleted.`);
        }
        if (phase === "ready") {
          const exportStatus = asset.storage?.status;
          if (exportStatus?.phase === "failed") {
            throw new LivepeerError(
              "asset-failed",
              `Livepeer could not export the video to IPFS: ${exportStatus.errorMessage ?? "no reason given"}.`,
            );
          }
          if (!requireIpfs || asset.storage?.ipfs?.cid) {
            if (!asset.playbackId) throw new LivepeerError("bad-response", `The ready asset ${assetId} has no playbackId.`);
            opts.onProgress?.({ stage: "ready", percent: 100 });
            return asset;
          }
          opts.onProgress?.({ stage: "exporting", percent: toPercent(exportStatus?.progress) });
        } else {
          const stage = phase === "processing" ? "processing" : phase === "uploading" ? "uploading" : "waiting";
          opts.onProgress?.({ stage, percent: toPercent(asset.status?.progress) });
        }
        if (Date.now() + interval > deadline) {
          throw new LivepeerError("timeout", `The Livepeer asset ${assetId} was not ready in time (last phase: ${phase ?? "unknown"}).`);
        }
        await sleep(interval, opts.signal);
      }
    },

    /** The whole flow: request upload → tus upload → wait until ready (and exported to IPFS). */
    async uploadFilm(
      file: string,
      opts: { name: string; ipfs?: boolean; profiles?: LivepeerProfile[]; onProgress?: LivepeerProgressFn } & Pick<
        WaitOptions,
        "intervalMs" | "timeoutMs" | "signal"
      > &
        Pick<UploadOptions, "chunkSize" | "resumeStateFile" | "filetype"> = { name: "" },
    ): Promise<UploadFilmResult> {
      const name = opts.name || basename(file);
      const requested = await client.requestUpload(name, { ipfs: opts.ipfs, profiles: opts.profiles });
      await client.uploadFile(requested.tusEndpoint, file, {
        filename: basename(file),
        filetype: opts.filetype,
        chunkSize: opts.chunkSize,
        resumeStateFile: opts.resumeStateFile,
        onProgress: opts.onProgress,
        signal: opts.signal,
      });
      const asset = await client.waitForAsset(requested.asset.id, {
        onProgress: opts.onProgress,
        intervalMs: opts.intervalMs,
        timeoutMs: opts.timeoutMs,
        signal: opts.signal,
        requireIpfs: opts.ipfs !== false,
      });
      return { assetId: asset.id, playbackId: asset.playbackId!, ipfsCid: asset.storage?.ipfs?.cid ?? undefined, asset };
    },

    /** Creates a signing key pair; Studio shows the private key only in this answer. */
    createSigningKey(): Promise<LivepeerSigningKey & { privateKey: string }> {
      return call("POST", "/access-control/signing-key", signingKeySchema.extend({ privateKey: z.string().min(1) }));
    },

    getSigningKey(keyId: string): Promise<LivepeerSigningKey> {
      return call("GET", `/access-control/signing-key/${encodeURIComponent(keyId)}`, signingKeySchema);
    },
  };
  return client;
}

export type LivepeerClient = ReturnType<typeof createLivepeerClient>;

/** The client when LIVEPEER_API_KEY is set (base URL from LIVEPEER_API_URL), else null: local ffmpeg. */
export function livepeerFromEnv(env: NodeJS.ProcessEnv = process.env): LivepeerClient | null {
  const apiKey = env.LIVEPEER_API_KEY?.trim();
  if (!apiKey) return null;
  return createLivepeerClient({ apiKey, baseUrl: env.LIVEPEER_API_URL?.trim() || undefined });
}

/**
 * Playback URLs from `GET /playback/{id}`, asked once per playback id (at its first play) and kept
 * for `ttlMs` (default 1 h), so a page view costs no call to Studio while a CDN change still
 * reaches the players within the hour. A failed lookup is not kept: the next play asks again.
 */
export function createPlaybackUrlCache(client: Pick<LivepeerClient, "playbackUrl">, options: { ttlMs?: number; now?: () => number } = {}) {
  const ttl = options.ttlMs ?? 3_600_000;
  const now = options.now ?? Date.now;
  const known = new Map<string, { url: Promise<string>; until: number }>();
  return (playbackId: string): Promise<string> => {
    const hit = known.get(playbackId);
    if (hit && hit.until > now()) return hit.url;
    const url = client.playbackUrl(playbackId);
    known.set(playbackId, { url, until: now() + ttl });
    url.catch(() => known.delete(playbackId));
    return url;
  };
}

/** tus-js-client's Node build exports FileUrlStorage; its type definitions only describe the browser build. */
function fileUrlStorage(path: string): NonNullable<ConstructorParameters<typeof tus.Upload>[1]["urlStorage"]> {
  const { FileUrlStorage } = tus as unknown as { FileUrlStorage: new (path: string) => never };
  return new FileUrlStorage(path);
}

function toPercent(progress: number | undefined): number {
  // Studio reports progress as a 0–1 ratio.
  if (progress === undefined || !Number.isFinite(progress)) return 0;
  return Math.max(0, Math.min(100, Math.round(progress * 100)));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
