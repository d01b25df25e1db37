/**
 * The media pipeline's public surface, for the CLI, the web server's route handlers and tests:
 *
 *   const result = await ingestFile(path, { title, description, genre, aiTools });
 *   // → { metadataCid, hlsCid, durationSeconds, renditions, previewSeconds, keyId, … }
 *   const viaLivepeer = await ingestFile(path, listing, { livepeer: livepeerIngestFromEnv(price === 0n) });
 *   // → { …, livepeer: { playbackId, assetId }, no keyId }
 *
 * The key server reads film keys with `new KeyStore().get(keyId)` (ids are validated; the record
 * names the film's metadataCid once ingested); uploads mount `createUploadService()`.
 */
export { MediaError, isMediaError, type MediaErrorCode } from "./errors.js";
export { probeFile, type ProbeResult } from "./probe.js";
export { chooseLadder, type Rendition } from "./ladder.js";
export { segmentIv, encryptSegment, defaultKeyUri } from "./encrypt.js";
export { KeyStore, isKeyId, masterKeyFromEnv, type KeyRecord } from "./keys.js";
export { parseListing, buildMetadata, serializeMetadata, type FilmMetadata, type Listing } from "./metadata.js";
export { Job, JobRegistry, readJobStatus, STAGES, type JobStatus, type Stage } from "./jobs.js";
export { ingestFile, maxUploadBytesFromEnv, type IngestOptions, type IngestResult } from "./pipeline.js";
export { livepeerIngestFromEnv, livepeerProfiles, type LivepeerIngestOptions } from "./livepeerIngest.js";
export { createUploadService, type FinishedUpload, type UploadService } from "./uploads.js";
export { parseMasterPlaylist, parseMediaPlaylist } from "./playlist.js";
