/**
 * The creator studio's server side: the tus upload service and the ingest jobs of this process,
 * which creator owns which upload and job, and the read models of the studio (overview, claims).
 *
 * Ownership: on creation of an upload the server writes the signed-in address into the upload's
 * tus metadata (`owner`, replacing anything the client sent), so it survives a restart with the
 * upload itself; only that address may resume it or start an ingest from it. Jobs are rows of the
 * database (core/src/media/jobStore.ts) with their owner, input and status, so they outlive this
 * process: when the server starts (and every half minute) the jobs a crash interrupted are run
 * again from their upload, or end failed (code INTERRUPTED) with their temporary files removed.
 */
import "server-only";
import type { Address } from "viem";
import type { AgeRating } from "@ai-films/core/domain";
import * as queries from "@ai-films/core/indexer";
import {
  createUploadService,
  ingestFile,
  JobRegistry,
  KeyStore,
  type Job,
  MediaJobStore,
  recoverJobs,
  livepeerIngestFromEnv,
  MediaError,
  maxUploadBytesFromEnv,
  normaliseTracks,
  parseListing,
  type TrackInput,
  type IngestResult,
  type JobRecord,
  type JobStatus,
  type UploadService,
} from "@ai-films/core/media";
import { claimProof, postedTallyFile, type TallyFile } from "@ai-films/core/oracle";
import { UPLOADS_IN_FLIGHT_PER_CREATOR } from "@ai-films/core/serving";
import { chainNow } from "./chainTime";
import { getChain, getDb, getIpfs } from "./services";

export const UPLOADS_PATH = "/api/uploads";

/** Codes that mean "send a different file or different text", as opposed to "the machine failed". */
export const INPUT_ERROR_CODES = new Set([
  "NOT_FOUND",
  "EMPTY_FILE",
  "TOO_LARGE",
  "NOT_MEDIA",
  "NO_VIDEO",
  "TRUNCATED",
  "UNSUPPORTED",
  "INVALID_METADATA",
  "INVALID_CAPTIONS",
  "INVALID_AUDIO_TRACK",
  // Interrupted by a restart with its upload gone (or too often): only a new upload helps.
  "INTERRUPTED",
]);

export interface StudioJob {
  owner: string;
  uploadId: string;
  /** Price per view in token units, as the creator entered it; the mint uses it. */
  price: string;
  title: string;
}

type State = {
  uploads?: UploadService;
  jobs?: JobRegistry;
  recovery?: ReturnType<typeof setInterval>;
  tallies: Map<string, Promise<TallyFile>>;
};
const g = globalThis as typeof globalThis & { __aiFilmsStudio?: State };
const state: State = (g.__aiFilmsStudio ??= { tallies: new Map() });

export function uploads(): UploadService {
  return (state.uploads ??= createUploadService({ path: UPLOADS_PATH }));
}

/** The jobs running in this process; their records are in the database (jobStore). */
export function jobs(): JobRegistry {
  return (state.jobs ??= new JobRegistry(undefined, { statusFiles: false }));
}

async function jobStore(): Promise<MediaJobStore> {
  return new MediaJobStore(await getDb());
}

export const maxUploadBytes = () => maxUploadBytesFromEnv();

/** How much disk one creator's unfinished uploads may hold (UPLOADS_IN_FLIGHT_PER_CREATOR maximum-size uploads). */
export const uploadQuotaBytes = () => UPLOADS_IN_FLIGHT_PER_CREATOR * maxUploadBytes();

/**
 * The bytes a creator's unfinished uploads may still grow to, from the upload records on disk
 * (which every web worker shares). A finished upload records its final offset, so it drops out.
 */
export async function uploadBytesInFlight(owner: string): Promise<number> {
  const datastore = uploads().tus.datastore as unknown as {
    configstore: {
      list?(): Promise<string[]>;
      get(id: string): Promise<{ size?: number; offset?: number; metadata?: Record<string, string | null> } | undefined>;
    };
  };
  const ids = (await datastore.configstore.list?.().catch(() => [])) ?? [];
  let total = 0;
  for (const id of ids) {
    const upload = await datastore.configstore.get(id);
    if (!upload || upload.metadata?.owner?.toLowerCase() !== owner.toLowerCase()) continue;
    const size = upload.size ?? maxUploadBytes();
    if ((upload.offset ?? 0) < size) total += size;
  }
  return total;
}

/** The owner recorded in an upload's metadata, or null if the upload is unknown. */
export async function uploadOwner(id: string): Promise<string | null> {
  if (!/^[0-9a-f]{32}$/.test(id)) return null;
  try {
    const upload = await uploads().tus.datastore.getUpload(id);
    return upload.metadata?.owner?.toLowerCase() ?? null;
  } catch {
    return null;
  }
}

/**
 * The media module finds ffmpeg/ffprobe with a computed require(), which the bundler cannot see
 * (it compiles to "module not found"); here the packages are imported by name (they are server
 * externals, loaded from node_modules) and their paths handed over as FFMPEG_PATH / FFPROBE_PATH.
 */
async function locateMediaTools(): Promise<void> {
  const pathOf = (m: unknown) =>
    (m as { path?: string; default?: { path?: string } }).path ?? (m as { default?: { path?: string } }).default?.path;
  if (!process.env.FFMPEG_PATH?.trim()) {
    const found = pathOf(await import("@ffmpeg-installer/ffmpeg").catch(() => ({})));
    if (found) process.env.FFMPEG_PATH = found;
  }
  if (!process.env.FFPROBE_PATH?.trim()) {
    const found = pathOf(await import("@ffprobe-installer/ffprobe").catch(() => ({})));
    if (found) process.env.FFPROBE_PATH = found;
  }
}

/** A caption file or dub the creator uploaded (tus) beside the film, with its language and menu label. */
export interface TrackUpload {
  uploadId: string;
  language: string;
  label?: string;
}

export interface StudioTracks {
  captions: TrackUpload[];
  audio: TrackUpload[];
}

export interface StartJobInput {
  uploadId: string;
  title: string;
  description: string;
  genre: string;
  aiTools: string[];
  /** "all", "12", "16", "18", or absent for an unrated film. */
  ageRating?: AgeRating;
  price: bigint;
  /** Optional extra tracks; each upload must be this creator's and finished. */
  tracks?: StudioTracks;
}

const NO_TRACKS: StudioTracks = { captions: [], audio: [] };

/**
 * The files of a job's track uploads, checked like the film's upload (this creator's, finished).
 * Language codes and labels are checked before anything is read, so a bad code costs no work.
 */
async function trackFiles(owner: string, tracks: StudioTracks): Promise<{ captions: TrackInput[]; audio: TrackInput[] }> {
  normaliseTracks(
    "captions",
    tracks.captions.map((t) => ({ ...t, path: "" })),
  );
  normaliseTracks(
    "audio",
    tracks.audio.map((t) => ({ ...t, path: "" })),
  );
  const resolveOne = async (kind: "captions" | "audio", t: TrackUpload): Promise<TrackInput> => {
    const code = kind === "captions" ? "INVALID_CAPTIONS" : "INVALID_AUDIO_TRACK";
    if ((await uploadOwner(t.uploadId)) !== owner)
      throw new MediaError(
        code,
        `No such upload for the ${t.language} ${kind === "captions" ? "captions" : "audio track"}: upload it again.`,
      );
    const finished = await uploads().finished(t.uploadId);
    return { language: t.language, label: t.label, path: finished.path };
  };
  return {
    captions: await Promise.all(tracks.captions.map((t) => resolveOne("captions", t))),
    audio: await Promise.all(tracks.audio.map((t) => resolveOne("audio", t))),
  };
}

function trackUploadIds(tracks: StudioTracks): string[] {
  return [...tracks.captions, ...tracks.audio].map((t) => t.uploadId);
}

/**
 * Starts ingesting a finished upload for `owner`. Input errors (unknown or unfinished upload,
 * invalid text) throw MediaError before any job exists; failures during the job end up in its
 * status. The upload is removed when the job succeeds or the file itself is unusable; after a
 * machine failure (ffmpeg, IPFS) it stays, so "Retry" can run the job again without re-uploading.
 */
export async function startJob(owner: string, input: StartJobInput): Promise<string> {
  await locateMediaTools();
  const who = owner.toLowerCase();
  const recorded = await uploadOwner(input.uploadId);
  if (recorded === null) throw new MediaError("NOT_FOUND", "No such upload (it may have expired): upload the file again.");
  if (recorded !== who) throw new MediaError("NOT_FOUND", "No such upload for this account.");
  const finished = await uploads().finished(input.uploadId);
  const listing = {
    title: input.title,
    description: input.description,
    genre: input.genre,
    aiTools: input.aiTools,
    ...(input.ageRating ? { ageRating: input.ageRating } : {}),
  };
  parseListing(listing); // a typo in the title should not cost an upload's worth of transcoding
  const tracks = input.tracks ?? NO_TRACKS;
  const files = await trackFiles(who, tracks);
  // With LIVEPEER_API_KEY the full film goes to Livepeer Studio (JWT playback) and needs no key.
  // Only a film priced 0 may be exported to IPFS by Livepeer: the export is public and unencrypted.
  const livepeer = livepeerIngestFromEnv(input.price === 0n);
  // Opened here, not inside the pipeline: a missing MEDIA_MASTER_KEY must refuse the request, not
  // leave a job that never starts.
  const keyStore = livepeer ? undefined : new KeyStore();
  const job = jobs().create<IngestResult>(input.title);
  const store = await jobStore();
  // The tracks ride in the stored listing (ignored by parseListing), so recovery can find them again.
  const stored = trackUploadIds(tracks).length > 0 ? { ...listing, tracks } : listing;
  await store.create(job, { owner: who, uploadId: input.uploadId, listing: stored, price: input.price });
  await runJob(store, job, {
    uploadId: input.uploadId,
    path: finished.path,
    listing,
    price: input.price,
    keyStore,
    tracks,
    files,
    ingester: who,
  });
  return job.id;
}

/** Runs the pipeline under `job` (started or resumed), its row following it; returns once it runs. */
async function runJob(
  store: MediaJobStore,
  job: Job<IngestResult>,
  input: {
    uploadId: string;
    path: string;
    listing: StartJobInputText;
    price: bigint;
    keyStore: KeyStore | undefined;
    tracks: StudioTracks;
    files: { captions: TrackInput[]; audio: TrackInput[] };
    ingester: string;
  },
): Promise<void> {
  const removeUploads = async () => {
    await uploads().remove(input.uploadId);
    for (const id of trackUploadIds(input.tracks)) await uploads().remove(id);
  };
  const livepeer = livepeerIngestFromEnv(input.price === 0n);
  const tracker = store.track(job);
  const ipfs = await getIpfs();
  ingestFile(input.path, input.listing, {
    job,
    ipfs,
    keyStore: input.keyStore,
    // The signed-in wallet uploading the film: only a listing it mints unlocks the film.
    ingester: input.ingester,
    livepeer,
    onKeyCreated: tracker.setKey,
    captions: input.files.captions,
    audio: input.files.audio,
  })
    .then(removeUploads)
    .catch(async (error: unknown) => {
      const code = (error as { code?: string }).code ?? "INTERNAL";
      if (INPUT_ERROR_CODES.has(code)) await removeUploads();
      console.warn(`studio: job ${job.id} failed (${code}): ${(error as Error).message}`);
    });
}

type StartJobInputText = Pick<StartJobInput, "title" | "description" | "genre" | "aiTools" | "ageRating">;

/** The tracks startJob stored beside a job's listing (none for jobs from before tracks existed). */
function storedTracks(listing: unknown): StudioTracks {
  const tracks = (listing as { tracks?: Partial<StudioTracks> } | null)?.tracks;
  const list = (value: unknown): TrackUpload[] =>
    Array.isArray(value) ? value.filter((t): t is TrackUpload => typeof t?.uploadId === "string" && typeof t?.language === "string") : [];
  return { captions: list(tracks?.captions), audio: list(tracks?.audio) };
}

/**
 * Resumes or ends the jobs a crash interrupted (their runner is gone): run when the server starts
 * and every 30 s after (another server's jobs become orphaned when its heartbeat stops).
 */
export async function recoverInterruptedJobs(): Promise<void> {
  await locateMediaTools();
  const store = await jobStore();
  await recoverJobs({
    store,
    keyStore: new KeyStore(),
    resume: async (record: JobRecord) => {
      if (!record.uploadId || !record.owner) return "It has no upload to start again from.";
      let path: string;
      try {
        if ((await uploadOwner(record.uploadId)) !== record.owner) throw new Error("not this creator's upload");
        path = (await uploads().finished(record.uploadId)).path;
      } catch {
        await uploads().remove(record.uploadId);
        return "Its upload is no longer on the server: upload the film again.";
      }
      const price = record.price ?? 0n;
      const tracks = storedTracks(record.listing);
      let files;
      try {
        files = await trackFiles(record.owner, tracks);
      } catch {
        return "Its captions or audio tracks are no longer on the server: upload them again.";
      }
      const keyStore = livepeerIngestFromEnv(price === 0n) ? undefined : new KeyStore();
      const job = jobs().create<IngestResult>(record.listing.title, record.id);
      await runJob(store, job, {
        uploadId: record.uploadId,
        path,
        listing: record.listing as StartJobInputText,
        price,
        keyStore,
        ingester: record.owner,
        tracks,
        files,
      });
      return true;
    },
    log: (line) => console.log(line),
  });
}

/** Starts recovering interrupted jobs now and every 30 s; once per process. */
export function startJobRecovery(): Promise<void> {
  if (state.recovery) return Promise.resolve();
  const run = () =>
    recoverInterruptedJobs().catch((error: unknown) =>
      console.warn(`media jobs: recovery failed (${error instanceof Error ? error.message : error}); retrying shortly`),
    );
  state.recovery = setInterval(run, 30_000);
  state.recovery.unref?.();
  return run();
}

export async function jobFor(owner: string, id: string): Promise<{ status: JobStatus; job: StudioJob } | null> {
  const record = await (await jobStore()).get(id);
  if (!record || record.owner !== owner.toLowerCase()) return null;
  // While it runs here, memory is newer than the row (which is written at most once a second).
  const status = jobs().get(id)?.snapshot() ?? record.status;
  return { status, job: studioJob(record) };
}

function studioJob(record: JobRecord): StudioJob {
  return {
    owner: record.owner ?? "",
    uploadId: record.uploadId ?? "",
    price: (record.price ?? 0n).toString(),
    title: record.listing.title ?? "",
  };
}

export interface RecentJob extends StudioJob {
  id: string;
  state: JobStatus["state"];
  stage: JobStatus["stage"];
  percent: number;
  error?: { code: string; message: string };
  createdAt: number;
}

/** The creator's latest ingest jobs, for the studio's list (a job interrupted by a restart shows there). */
export async function recentJobs(owner: string, limit = 10): Promise<RecentJob[]> {
  const records = await (await jobStore()).listByOwner(owner, limit);
  return records.map((record) => {
    const status = jobs().get(record.id)?.snapshot() ?? record.status;
    return {
      ...studioJob(record),
      id: record.id,
      state: status.state,
      stage: status.stage,
      percent: status.percent,
      error: status.error,
      createdAt: record.createdAt,
    };
  });
}

// ------------------------------------------------------------------------------- read models

export async function creatorOverview(address: string): Promise<queries.CreatorOverview & { now: number }> {
  const now = await chainNow().catch(() => undefined);
  const overview = await queries.creatorOverview(await getDb(), address, { nowSeconds: now });
  return { ...overview, now: now ?? Math.floor(Date.now() / 1000) };
}

/** The published tally file in force for a period, cached by (period, root): a posted root never changes its file. */
export function tallyFileOf(period: number, root: string): Promise<TallyFile> {
  const key = `${period}:${root}`;
  let hit = state.tallies.get(key);
  if (!hit) {
    hit = (async () => postedTallyFile(await getChain(), await getIpfs(), period))();
    state.tallies.set(key, hit);
    hit.catch(() => state.tallies.delete(key));
  }
  return hit;
}

export interface ClaimRow {
  period: number;
  filmId: string;
  title: string;
  views: string;
  seconds: string;
  /** The leaf's units per view or second (split method 2's leaves carry weighted counts; 1 for raw counts). */
  unitScale: string;
  proof: `0x${string}`[];
  amount: string;
  claimed: boolean;
  claimable: boolean;
  claimableAt: number;
  /** When claims close; after it the unclaimed rest of the pool rolls over. */
  claimDeadline: number;
  /** Past the deadline by the chain's clock and never claimed. */
  closed: boolean;
}

/**
 * Every (period, film) share of the films this address owns now under a posted, undisputed tally:
 * the amount the contract pays (shareOf), whether it was claimed, and the proof to claim it.
 */
export async function creatorClaims(address: string, films: { filmId: string; title: string }[]): Promise<ClaimRow[]> {
  if (films.length === 0) return [];
  const db = await getDb();
  const now = await chainNow().catch(() => undefined);
  const periods = await queries.periodsOverview(db, { nowSeconds: now });
  const chain = await getChain();
  const rows: ClaimRow[] = [];
  for (const p of periods) {
    if (!p.tally || p.tally.status !== "posted" || p.tally.leafCount === 0) continue;
    let file: TallyFile;
    try {
      file = await tallyFileOf(p.period, p.tally.root);
    } catch (error) {
      console.warn(`studio: tally file of period ${p.period} unavailable: ${(error as Error).message}`);
      continue;
    }
    for (const film of films) {
      let proof;
      try {
        proof = await claimProof(chain, file, BigInt(film.filmId));
      } catch {
        continue; // no leaf: the film earned nothing from that pool
      }
      rows.push({
        period: p.period,
        filmId: film.filmId,
        title: film.title,
        views: proof.views.toString(),
        seconds: proof.seconds.toString(),
        unitScale: file.method.unitScale ?? "1",
        proof: proof.proof,
        amount: proof.amount.toString(),
        claimed: proof.claimed,
        claimable: proof.claimable,
        claimableAt: proof.claimableAt,
        claimDeadline: proof.claimDeadline,
        closed: proof.closed,
      });
    }
  }
  void address;
  return rows.sort((a, b) => b.period - a.period || Number(BigInt(a.filmId) - BigInt(b.filmId)));
}

/** What the market owes this address in pay-per-view earnings (withdrawEarnings), read from the chain. */
export async function ppvBalance(address: Address): Promise<bigint> {
  const chain = await getChain();
  return chain.contracts.market.read.earningsOf([address]);
}

/** The wallet's balance of the payment token: shown with the claims, so the page needs no wallet code to show it. */
export async function tokenBalance(address: Address): Promise<bigint> {
  const chain = await getChain();
  return chain.contracts.token.read.balanceOf([address]);
}

export async function contracts(): Promise<{ market: Address; listings: Address; token: Address }> {
  const chain = await getChain();
  return { market: chain.market, listings: chain.listings, token: chain.paymentToken };
}
