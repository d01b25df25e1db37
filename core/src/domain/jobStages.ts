/**
 * The stages of a media ingest job, in order, and the states a job ends in. The pipeline
 * (core/src/media/jobs.ts) reports progress per stage under these names and the upload page shows
 * them, so both read the list from here.
 */

export const JOB_STAGES = ["upload", "probe", "transcode", "encrypt", "ipfs", "metadata"] as const;
export type JobStage = (typeof JOB_STAGES)[number];

export type JobState = "running" | "done" | "failed";
