/**
 * Resumable uploads with the tus protocol (tus.io): `@tus/server` storing into `.data/uploads/`
 * with `@tus/file-store`. A browser (tus-js-client) can lose its connection, come back, ask the
 * server how much arrived (HEAD) and continue from there (PATCH) instead of starting over.
 *
 * - Size limit: MEDIA_MAX_UPLOAD_BYTES (default 2 GiB); larger uploads are refused up front with
 *   413, before a single byte is stored.
 * - Abandoned uploads: an upload that is not finished within the expiry period
 *   (MEDIA_UPLOAD_EXPIRY_MS, default 24 h) is deleted by the file store's expiration extension,
 *   run on a timer (and on demand through cleanupExpired()).
 * - Names: the stored file is named by a random id the server picks; the client's file name is
 *   only metadata (a label), so "../../etc/passwd" as a name reaches no path.
 *
 * Mount it either on a Node http server (`handleNode`) or in a Next.js route handler
 * (`handleWeb`, Request → Response), e.g. app/api/uploads/[[...id]]/route.ts exporting it as
 * POST/PATCH/HEAD/OPTIONS/DELETE with `path: "/api/uploads"`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { FileStore } from "@tus/file-store";
import { EVENTS, Server } from "@tus/server";
import { MediaError } from "./errors.ts";
import { maxUploadBytesFromEnv } from "./pipeline.ts";
import { dataPath } from "../paths.ts";

export const DEFAULT_UPLOADS_DIR = dataPath("uploads");
export const DEFAULT_UPLOAD_EXPIRY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_UPLOADS_PATH = "/api/uploads";

const UPLOAD_ID = /^[0-9a-f]{32}$/;

export interface FinishedUpload {
  id: string;
  /** The stored file (named by id). */
  path: string;
  size: number;
  /** tus Upload-Metadata as sent by the client (filename, filetype, title…): untrusted text. */
  metadata: Record<string, string>;
}

export interface UploadServiceOptions {
  dir?: string;
  /** URL path the server is mounted at. */
  path?: string;
  maxBytes?: number;
  /** Unfinished uploads older than this are deleted. 0 disables expiry. */
  expiryMs?: number;
  /** How often to look for expired uploads; default min(expiry, 1 h). 0 disables the timer. */
  cleanupIntervalMs?: number;
  /** Called once an upload is complete (start an ingest job here). Errors are logged, not sent. */
  onFinish?: (upload: FinishedUpload) => void;
  /** Bytes received so far, for an "upload" stage progress bar. */
  onProgress?: (id: string, offset: number, size: number | undefined) => void;
}

export interface UploadService {
  readonly tus: Server;
  readonly dir: string;
  handleNode(req: IncomingMessage, res: ServerResponse): Promise<void>;
  handleWeb(request: Request): Promise<Response>;
  /** Deletes unfinished uploads past their expiry; returns how many. */
  cleanupExpired(): Promise<number>;
  /** A finished upload by id; TRUNCATED while still incomplete, NOT_FOUND when unknown. */
  finished(id: string): Promise<FinishedUpload>;
  remove(id: string): Promise<void>;
  /** Stops the cleanup timer. */
  close(): void;
}

export function createUploadService(options: UploadServiceOptions = {}): UploadService {
  const dir = options.dir ?? process.env.MEDIA_UPLOADS_DIR ?? DEFAULT_UPLOADS_DIR;
  const expiryMs = options.expiryMs ?? (Number(process.env.MEDIA_UPLOAD_EXPIRY_MS) || DEFAULT_UPLOAD_EXPIRY_MS);
  const store = new FileStore({ directory: dir, expirationPeriodInMilliseconds: expiryMs });

  const toFinished = (upload: { id: string; size?: number; metadata?: Record<string, string | null> }): FinishedUpload => ({
    id: upload.id,
    path: join(/*turbopackIgnore: true*/ dir, upload.id),
    size: upload.size ?? 0,
    metadata: Object.fromEntries(Object.entries(upload.metadata ?? {}).map(([k, v]) => [k, v ?? ""])),
  });

  const tus = new Server({
    path: options.path ?? DEFAULT_UPLOADS_PATH,
    datastore: store,
    maxSize: options.maxBytes ?? maxUploadBytesFromEnv(),
    // Relative Location headers survive reverse proxies and Next's rewrites unchanged.
    relativeLocation: true,
    onUploadFinish: async (_req, upload) => {
      // @tus/file-store records the offset only at creation (0) and its deleteExpired() judges
      // "unfinished" by that record, so it would delete finished uploads too once they are older
      // than the expiry. Recording the final offset keeps finished uploads out of the cleanup.
      await store.configstore.set(upload.id, upload);
      try {
        options.onFinish?.(toFinished(upload));
      } catch (error) {
        console.error(`uploads: onFinish for ${upload.id} failed:`, error);
      }
      return {};
    },
  });
  if (options.onProgress) {
    const onProgress = options.onProgress;
    tus.on(EVENTS.POST_RECEIVE, (_req, upload) => onProgress(upload.id, upload.offset, upload.size));
  }

  const cleanupExpired = () => tus.cleanUpExpiredUploads();
  const interval = options.cleanupIntervalMs ?? (expiryMs > 0 ? Math.min(expiryMs, 60 * 60 * 1000) : 0);
  const timer =
    interval > 0 && expiryMs > 0
      ? setInterval(() => {
          cleanupExpired().catch((error: unknown) => console.error("uploads: cleanup of expired uploads failed:", error));
        }, interval)
      : undefined;
  // The timer must not keep a CLI or a test process alive.
  timer?.unref();

  return {
    tus,
    dir,
    handleNode: (req, res) => tus.handle(req, res),
    handleWeb: (request) => tus.handleWeb(request),
    cleanupExpired,
    async finished(id) {
      if (!UPLOAD_ID.test(id)) throw new MediaError("NOT_FOUND", "No such upload.");
      let upload;
      try {
        upload = await store.getUpload(id);
      } catch (error) {
        throw new MediaError("NOT_FOUND", "No such upload (it may have expired).", { cause: error });
      }
      if (upload.size === undefined || upload.offset !== upload.size) {
        throw new MediaError("TRUNCATED", `The upload is incomplete (${upload.offset} of ${upload.size ?? "?"} bytes): resume it first.`);
      }
      return toFinished(upload);
    },
    async remove(id) {
      if (!UPLOAD_ID.test(id)) return;
      await store.remove(id).catch(() => undefined);
    },
    close() {
      if (timer !== undefined) clearInterval(timer);
    },
  };
}
