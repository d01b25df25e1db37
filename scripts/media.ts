/**
 * The media CLI: `npm run media -- ingest <file> --title …` runs the whole pipeline on a local file
 * and prints the CIDs to mint with. Progress goes to stderr, results to stdout; the LAST stdout line
 * is always one JSON object (the result, or {"error": …}), so scripts can read it without parsing
 * the rest.
 *
 * With LIVEPEER_API_KEY set, ingest sends the film to Livepeer Studio (core/src/media/livepeerIngest.ts):
 * the poster and the free preview are still made here and added to IPFS, the full film plays from
 * Livepeer under a JWT policy. Livepeer exports a film to IPFS only when `--free` says it will be
 * listed at price 0: the export would publish a paid film unencrypted.
 *
 * Exit status: 0 done, 2 bad input or usage (the creator can fix it), 1 anything else,
 * 130 interrupted (Ctrl-C cancels the job, and it cleans up like any failure).
 */
import { basename } from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { isAgeRating } from "@ai-films/core/domain";
import {
  isMediaError,
  MediaError,
  JobRegistry,
  readJobStatus,
  type JobStatus,
  livepeerIngestFromEnv,
  ingestFile,
  parseTrackArg,
  type IngestResult,
} from "@ai-films/core/media";

const USAGE = `AI Films media — transcode, encrypt and store a film on IPFS.

Usage:
  npm run media -- ingest <file> --title TITLE --creator ADDRESS [--description TEXT] [--genre GENRE]
                                 [--ai-tools a,b,c] [--age-rating all|12|16|18] [--preview-seconds N]
                                 [--key-id ID] [--free] [--json]
                                 [--captions LANG[:LABEL]=FILE.vtt]… [--audio LANG[:LABEL]=FILE]…
  npm run media -- status <jobId> [--json]

ingest prints progress on stderr and, on its last stdout line, one JSON object:
  {"metadataCid", "hlsCid", "durationSeconds", "renditions", "previewSeconds", …}
Mint the listing with tokenURI ipfs://<metadataCid> from the --creator wallet: the film's key (or
Livepeer playback id) is bound to it, and a listing minted by any other wallet unlocks nothing.

--age-rating writes properties.ageRating into the metadata (viewers can hide films above their
limit); without it the film is unrated.

--captions (repeatable) adds a WebVTT caption track, --audio (repeatable) a dub, each with a BCP 47
language code and an optional menu label (default: the language's own name), e.g.
  --captions en=film.en.vtt --captions "pt-BR:Português=film.pt.vtt" --audio es=film.es.m4a
Captions must be valid WebVTT ending within the film; a dub must last as long as the film (±1 s).

With LIVEPEER_API_KEY set, Livepeer Studio transcodes and serves the full film (JWT playback);
the poster and free preview still go to IPFS, and hlsCid is their directory. The JSON adds
"livepeerPlaybackId". --free (the film will be listed at price 0) lets Livepeer export the film
to IPFS; without it a film is taken as priced and never exported (the export is public).

Environment: FFMPEG_PATH, FFPROBE_PATH, IPFS_API_URL (Kubo) or IPFS_DATA_DIR, MEDIA_MASTER_KEY,
  MEDIA_MAX_UPLOAD_BYTES, MEDIA_X264_PRESET, MEDIA_X264_THREADS, MEDIA_KEY_URI_BASE,
  LIVEPEER_API_KEY, LIVEPEER_API_URL, LIVEPEER_POLL_INTERVAL_MS`;

const OPTIONS = {
  title: { type: "string" },
  creator: { type: "string" },
  description: { type: "string" },
  genre: { type: "string" },
  "ai-tools": { type: "string" },
  "age-rating": { type: "string" },
  "preview-seconds": { type: "string" },
  "key-id": { type: "string" },
  free: { type: "boolean" },
  json: { type: "boolean" },
  captions: { type: "string", multiple: true },
  audio: { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
} as const;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(USAGE + "\n");
    return command === undefined && !values.help ? 2 : 0;
  }
  if (command === "ingest") return ingest(rest, values);
  if (command === "status") return status(rest, values.json === true);
  throw new UsageError(`Unknown command "${command}" (expected ingest or status).`);
}

async function ingest(args: string[], values: Record<string, string | boolean | string[] | undefined>): Promise<number> {
  if (args.length !== 1) throw new UsageError("ingest takes exactly one file: npm run media -- ingest <file> --title TITLE.");
  if (typeof values.title !== "string") throw new UsageError("--title is required.");
  if (typeof values.creator !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(values.creator)) {
    throw new UsageError("--creator ADDRESS is required: the wallet that will mint the listing (only its listing unlocks the film).");
  }
  const json = values.json === true;
  let previewSeconds: number | undefined;
  if (typeof values["preview-seconds"] === "string") {
    previewSeconds = Number(values["preview-seconds"]);
    if (!Number.isFinite(previewSeconds) || previewSeconds <= 0) throw new UsageError("--preview-seconds must be a positive number.");
  }
  const aiTools =
    typeof values["ai-tools"] === "string"
      ? values["ai-tools"]
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s !== "")
      : [];
  const ageRating = values["age-rating"];
  if (ageRating !== undefined && !isAgeRating(ageRating)) throw new UsageError("--age-rating must be one of all, 12, 16, 18.");
  const keyId = typeof values["key-id"] === "string" ? values["key-id"] : undefined;
  const tracks = (value: unknown): string[] => (Array.isArray(value) ? (value as string[]) : []);
  // Malformed LANG=FILE arguments are refused as media input errors (exit 2) by the pipeline's codes.
  const captions = tracks(values.captions).map((arg) => parseTrackArg("captions", arg));
  const audio = tracks(values.audio).map((arg) => parseTrackArg("audio", arg));
  const livepeer = livepeerIngestFromEnv(values.free === true);
  if (livepeer && keyId !== undefined) {
    throw new UsageError("--key-id re-uses a local AES key; with LIVEPEER_API_KEY set no key is involved (unset it to re-ingest locally).");
  }

  const jobs = new JobRegistry();
  const job = jobs.create<IngestResult>(basename(args[0]));
  const bar =
    json || (!process.stderr.isTTY && process.env.MEDIA_PROGRESS !== "1")
      ? undefined
      : new cliProgress.SingleBar(
          { stream: process.stderr, format: " {stage} |{bar}| {percent}% overall", hideCursor: true, clearOnComplete: false },
          cliProgress.Presets.shades_classic,
        );
  bar?.start(100, 0, { stage: "upload".padEnd(9) });
  let lastStage: string | null = null;
  let lastDetail: string | undefined;
  job.on("update", (s: JobStatus) => {
    bar?.update(Math.floor(s.percent), { stage: (s.stage ?? s.state).padEnd(9) });
    // Without a terminal (CI logs, pipes) a bar is noise: one line per stage (and step) instead.
    if (!json && bar === undefined && s.stage !== null && (s.stage !== lastStage || s.detail !== lastDetail)) {
      process.stderr.write(`ingest: ${s.stage}${s.detail ? ` (${s.detail})` : ""}…\n`);
    }
    lastStage = s.stage;
    lastDetail = s.detail;
  });
  if (!json) process.stderr.write(`ingest: job ${job.id} (npm run media -- status ${job.id})\n`);
  const onSigint = () => job.cancel();
  process.once("SIGINT", onSigint);

  try {
    const result = await ingestFile(
      args[0],
      {
        title: values.title,
        description: typeof values.description === "string" ? values.description : undefined,
        genre: typeof values.genre === "string" ? values.genre : undefined,
        aiTools,
        ageRating,
      },
      {
        job,
        previewSeconds,
        keyId,
        livepeer,
        ingester: values.creator,
        captions,
        audio,
      },
    );
    bar?.update(100, { stage: "done".padEnd(9) });
    bar?.stop();
    if (!json) {
      const lines = [`metadata  ipfs://${result.metadataCid}   (mint with this tokenURI)`];
      if (result.livepeer) {
        lines.push(
          `livepeer  playback id ${result.livepeer.playbackId}, asset ${result.livepeer.assetId} (JWT playback)`,
          ...(result.livepeer.ipfsCid
            ? [`export    ipfs://${result.livepeer.ipfsCid} (Livepeer's IPFS export: the free film's original uploaded file)`]
            : []),
        );
      } else {
        lines.push(`hls       ipfs://${result.hlsCid}/master.m3u8`);
      }
      lines.push(
        `preview   ipfs://${result.hlsCid}/preview/master.m3u8 (${result.previewSeconds} s, free)`,
        `poster    ipfs://${result.hlsCid}/${result.posterPath}`,
        `duration  ${result.durationSeconds} s, renditions ${result.renditions.map((h) => `${h}p`).join(" ")}`,
      );
      if (result.captions) lines.push(`captions  ${result.captions.join(" ")}`);
      if (result.audio) lines.push(`audio     original ${result.audio.join(" ")} (encrypted like the video)`);
      if (result.keyId) lines.push(`key id    ${result.keyId}`);
      process.stdout.write(lines.join("\n") + "\n");
    }
    // The Livepeer path names its playback id at the top level too, for scripts reading the last line.
    process.stdout.write(JSON.stringify(result.livepeer ? { ...result, livepeerPlaybackId: result.livepeer.playbackId } : result) + "\n");
    return 0;
  } catch (error) {
    bar?.stop();
    throw error;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

async function status(args: string[], json: boolean): Promise<number> {
  if (args.length !== 1) throw new UsageError("status takes one job id.");
  const found = await readJobStatus(args[0]);
  if (found === undefined) throw new MediaError("NOT_FOUND", `No job with id ${args[0]}.`);
  if (!json) {
    process.stdout.write(
      `${found.id}: ${found.state}${found.stage ? ` (${found.stage})` : ""}, ${found.percent}%` +
        (found.error ? ` — ${found.error.message}` : "") +
        "\n",
    );
  }
  process.stdout.write(JSON.stringify(found) + "\n");
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof UsageError ? "USAGE" : isMediaError(error) ? error.code : "INTERNAL";
    process.stderr.write(`media: ${message}\n`);
    process.stdout.write(JSON.stringify({ error: { code, message } }) + "\n");
    if (code === "CANCELLED") process.exitCode = 130;
    else process.exitCode = error instanceof UsageError || (isMediaError(error) && error.isInputError) ? 2 : 1;
  },
);
