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
export { MediaError, isMediaError, type MediaErrorCode } from "./errors.ts";
export { probeFile, type ProbeResult } from "./probe.ts";
export { chooseLadder, type Rendition } from "./ladder.ts";
export { segmentIv, encryptSegment, defaultKeyUri } from "./encrypt.ts";
export { KeyStore, ingesterAddress, isKeyId, masterKeyFromEnv, type KeyRecord } from "./keys.ts";
export { parseListing, buildMetadata, serializeMetadata, type FilmMetadata, type Listing } from "./metadata.ts";
export { Job, JobRegistry, readJobStatus, STAGES, type JobStatus, type Stage } from "./jobs.ts";
export {
  MediaJobStore,
  recoverJobs,
  isOrphaned,
  MAX_ATTEMPTS,
  type JobInput,
  type JobRecord,
  type JobTracker,
  type RecoveryOutcome,
} from "./jobStore.ts";
export { ingestFile, maxUploadBytesFromEnv, type IngestOptions, type IngestResult } from "./pipeline.ts";
export { livepeerIngestFromEnv, livepeerProfiles, type LivepeerIngestOptions } from "./livepeerIngest.ts";
export { createUploadService, type FinishedUpload, type UploadService } from "./uploads.ts";
export { parseMasterMedia, parseMasterPlaylist, parseMediaPlaylist } from "./playlist.ts";
export { normaliseTracks, parseTrackArg, type TrackInput, type TrackKind, type TrackSpec } from "./tracks.ts";
export { parseCaptions, readCaptions, type CaptionTrack } from "./captions.ts";
export { checkAudioTrack } from "./audioTracks.ts";
