"use client";
/**
 * The studio's upload form: a video file and the listing's text in, a minted listing out.
 *
 *   pick file → resumable upload (tus, percent) → ingest job on the server (probe, transcode,
 *   encrypt, IPFS, metadata; polled) → "Mint listing": FilmListings.mint(ipfs://…, duration, price)
 *   signed in the creator's wallet → with collaborators, the listing goes to the SplitterFactory
 *   with the payees and shares (a second transaction), whose clone splitter then owns it.
 *
 * Nothing is listed until the mint is confirmed: a failed job or a refused mint leaves no film.
 * A failed job says why (the pipeline's one sentence) and offers a retry: the same upload when the
 * machine failed, a new file when the file itself was the problem.
 */
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { Upload, type DetailedError } from "tus-js-client";
import { TrackFields, trackProblem, uploadTrack, type TrackDraft } from "./TrackFields";
import { CollaboratorFields } from "./CollaboratorFields";
import { encodeAbiParameters, parseEventLogs, type Address } from "viem";
import { filmListingsAbi } from "@ai-films/core/chain/abis";
import {
  AGE_RATINGS,
  AGE_RATING_LABELS,
  JOB_STAGES,
  isAgeRating,
  parseSplit,
  type AgeRating,
  type CollaboratorRow,
  type JobStage,
  type JobState,
} from "@ai-films/core/domain";
import { openConnectModal } from "@/lib/client/events";
import { formatBytes, formatDollars, parseDollars } from "@/lib/format";
import { friendlyError } from "@/lib/wallet/errors";
import { connectedWallet, walletActions } from "@/lib/wallet/lazy";

interface TrackRef {
  uploadId: string;
  language: string;
  label?: string;
}

export interface UploadProps {
  listings: Address;
  /** Where collaborator splits are made; null: this deployment has none (no collaborators offered). */
  splitterFactory: Address | null;
  creator: string;
  maxBytes: number;
  toolSuggestions: string[];
  genreSuggestions: string[];
}

/** No wallet code at load: wagmi arrives with the mint (lib/wallet/lazy). */
export default function UploadIsland(props: UploadProps) {
  return <UploadForm {...props} />;
}

const STAGE_LABELS: Record<JobStage, string> = {
  upload: "Upload",
  probe: "Check the file",
  transcode: "Transcode (HLS ladder)",
  encrypt: "Encrypt",
  ipfs: "Store in IPFS",
  metadata: "Metadata",
};

interface JobView {
  id: string;
  state: JobState;
  stage: JobStage | null;
  percent: number;
  stages: Record<JobStage, { percent: number; seconds?: number }>;
  error?: { code: string; message: string; retryable: boolean };
  uploadId: string;
  price: string;
  result?: { metadataUri: string; durationSeconds: number };
}

type Phase =
  | { kind: "form" }
  | { kind: "uploading"; percent: number; bytes: number; total: number }
  | { kind: "processing"; job: JobView | null }
  | { kind: "ready"; job: JobView }
  | { kind: "minting"; job: JobView; step: string }
  | { kind: "splitting"; filmId: string; step: string }
  | { kind: "minted"; filmId: string; txHash: string; collaborators: number }
  | {
      kind: "failed";
      code: string;
      message: string;
      retry: "job" | "upload" | "file" | "mint" | "split";
      job?: JobView;
      uploadId?: string;
      /** The film minted but not yet split ("split" retries only the split). */
      filmId?: string;
    };

const VIDEO_EXTENSIONS = /\.(mp4|m4v|mov|mkv|webm|avi|mpe?g|ts|m2ts|mts|ogv|wmv|flv|3gp)$/i;

function wrongType(file: File): string | null {
  const type = file.type;
  if (type.startsWith("video/")) return null;
  if (!type && VIDEO_EXTENSIONS.test(file.name)) return null;
  if (type === "application/octet-stream" && VIDEO_EXTENSIONS.test(file.name)) return null;
  if (type === "application/x-matroska" || type === "application/mp4") return null;
  return `“${file.name}” is not a video file${type ? ` (${type})` : ""}. Choose a video such as MP4, MOV, MKV or WebM.`;
}

async function messageOf(response: Response | null | undefined, fallback: string): Promise<{ code: string; message: string }> {
  if (!response) return { code: "NETWORK", message: fallback };
  try {
    const body = (await response.json()) as { error?: string; code?: string; message?: string };
    return { code: body.code ?? body.error ?? `HTTP_${response.status}`, message: body.message ?? fallback };
  } catch {
    return { code: `HTTP_${response.status}`, message: fallback };
  }
}

function UploadForm({ listings, splitterFactory, creator, maxBytes, toolSuggestions, genreSuggestions }: UploadProps) {
  const router = useRouter();

  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [genre, setGenre] = useState("");
  /** "" = unrated. */
  const [ageRating, setAgeRating] = useState<AgeRating | "">("");
  const [tools, setTools] = useState<string[]>([]);
  const [toolText, setToolText] = useState("");
  const [price, setPrice] = useState("1.00");
  const [formError, setFormError] = useState<{ code: string; message: string } | null>(null);
  const [tracks, setTracks] = useState<TrackDraft[]>([]);
  const [collaborators, setCollaborators] = useState<CollaboratorRow[]>([]);
  /** The uploaded tracks' ids with their languages, once sent: a retried job reuses them. */
  const trackIds = useRef<{ captions: TrackRef[]; audio: TrackRef[] }>({ captions: [], audio: [] });
  const [phase, setPhase] = useState<Phase>({ kind: "form" });
  const uploadRef = useRef<Upload | null>(null);
  const pollRef = useRef<ReturnType<typeof setTimeout> | null>(null);
  const fileInput = useRef<HTMLInputElement | null>(null);

  useEffect(
    () => () => {
      if (pollRef.current) clearTimeout(pollRef.current);
      void uploadRef.current?.abort();
    },
    [],
  );

  const priceUnits = parseDollars(price);
  const busy = phase.kind === "uploading" || phase.kind === "processing" || phase.kind === "minting" || phase.kind === "splitting";

  function addTool(raw: string) {
    const tag = raw.trim().replace(/\s+/g, " ").slice(0, 64);
    if (!tag) return;
    setTools((t) => (t.some((x) => x.toLowerCase() === tag.toLowerCase()) || t.length >= 20 ? t : [...t, tag]));
    setToolText("");
  }

  function onPick(next: File | null) {
    setFile(next);
    setFormError(null);
    if (next) {
      const problem = wrongType(next);
      if (problem) setFormError({ code: "WRONG_TYPE", message: problem });
      else if (next.size > maxBytes)
        setFormError({ code: "TOO_LARGE", message: `The file is ${formatBytes(next.size)}; the limit is ${formatBytes(maxBytes)}.` });
      else if (next.size === 0) setFormError({ code: "EMPTY_FILE", message: "The file is empty." });
      else if (!title)
        setTitle(
          next.name
            .replace(/\.[^.]+$/, "")
            .replace(/[_-]+/g, " ")
            .trim()
            .slice(0, 200),
        );
    }
  }

  function validate(): string | null {
    if (!file) return "Choose a video file.";
    const problem = wrongType(file);
    if (problem) return problem;
    if (file.size === 0) return "The file is empty.";
    if (file.size > maxBytes) return `The file is ${formatBytes(file.size)}; the limit is ${formatBytes(maxBytes)}.`;
    if (!title.trim()) return "Give the film a title.";
    if (priceUnits === null) return "Enter the price per view in dollars, e.g. 1.50 (0 makes the film free).";
    const split = parseSplit(collaborators);
    if (!split.ok) return split.problem;
    return trackProblem(tracks);
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const problem = validate();
    if (problem) {
      setFormError({ code: file && wrongType(file) ? "WRONG_TYPE" : "INVALID_INPUT", message: problem });
      return;
    }
    setFormError(null);
    if (toolText.trim()) addTool(toolText);
    void upload(file!);
  }

  async function upload(f: File) {
    setPhase({ kind: "uploading", percent: 0, bytes: 0, total: f.size });
    // The tracks first (small files), so the job can start the moment the film has arrived.
    try {
      const sent: { captions: TrackRef[]; audio: TrackRef[] } = { captions: [], audio: [] };
      for (const t of tracks) {
        const ref = {
          uploadId: await uploadTrack(t.file),
          language: t.language.trim(),
          ...(t.label.trim() ? { label: t.label.trim() } : {}),
        };
        sent[t.kind].push(ref);
      }
      trackIds.current = sent;
    } catch {
      setPhase({
        kind: "failed",
        code: "UPLOAD_FAILED",
        message: "A caption or audio file could not be uploaded; try again.",
        retry: "upload",
      });
      return;
    }
    const up = new Upload(f, {
      endpoint: "/api/uploads",
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      metadata: { filename: f.name, filetype: f.type || "application/octet-stream" },
      removeFingerprintOnSuccess: true,
      onProgress(bytes, total) {
        setPhase({ kind: "uploading", percent: total > 0 ? Math.floor((bytes / total) * 1000) / 10 : 0, bytes, total });
      },
      onShouldRetry(err) {
        const status = (err as DetailedError).originalResponse?.getStatus() ?? 0;
        return status === 0 || status >= 500 || status === 423 || status === 409;
      },
      async onError(err) {
        const res = (err as DetailedError).originalResponse;
        let code = "UPLOAD_FAILED";
        let message = "The upload failed: check your connection and try again (it resumes where it stopped).";
        if (res) {
          try {
            const body = JSON.parse(res.getBody() || "{}") as { error?: string; message?: string };
            code = (body.error ?? code).toUpperCase().replace(/-/g, "_");
            message = body.message ?? message;
          } catch {
            // not JSON: keep the generic sentence
          }
          if (res.getStatus() === 413) code = "TOO_LARGE";
        }
        setPhase({ kind: "failed", code, message, retry: code === "TOO_LARGE" || code === "NO_SESSION" ? "file" : "upload" });
      },
      onSuccess() {
        const id = (up.url ?? "").split("/").filter(Boolean).pop() ?? "";
        void startJob(id);
      },
    });
    uploadRef.current = up;
    try {
      const previous = await up.findPreviousUploads();
      if (previous.length > 0) up.resumeFromPreviousUpload(previous[0]);
    } catch {
      // no stored fingerprints: a fresh upload
    }
    up.start();
  }

  async function startJob(uploadId: string) {
    setPhase({ kind: "processing", job: null });
    const res = await fetch("/api/studio/jobs", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({
        uploadId,
        title,
        description,
        genre,
        aiTools: tools,
        ...(ageRating ? { ageRating } : {}),
        price: (priceUnits ?? 0n).toString(),
        captions: trackIds.current.captions,
        audio: trackIds.current.audio,
      }),
    }).catch(() => null);
    if (!res || !res.ok) {
      const { code, message } = await messageOf(res, "The server could not start processing the film. Try again.");
      const normalised = code.toUpperCase().replace(/-/g, "_");
      const again = !res || res.status >= 500 || normalised === "INVALID_METADATA" || normalised === "MALFORMED";
      setPhase({ kind: "failed", code: normalised, message, retry: again ? "job" : "file", uploadId });
      return;
    }
    const { jobId } = (await res.json()) as { jobId: string };
    poll(jobId);
  }

  function poll(jobId: string) {
    const tick = async () => {
      const res = await fetch(`/api/studio/jobs/${jobId}`, { cache: "no-store", credentials: "same-origin" }).catch(() => null);
      if (res && res.ok) {
        const job = (await res.json()) as JobView;
        if (job.state === "done") return setPhase({ kind: "ready", job });
        if (job.state === "failed") {
          return setPhase({
            kind: "failed",
            code: job.error?.code ?? "INTERNAL",
            message: job.error?.message ?? "Processing failed.",
            retry: job.error?.retryable ? "job" : "file",
            job,
            uploadId: job.uploadId,
          });
        }
        setPhase({ kind: "processing", job });
      } else if (res && res.status !== 503) {
        const { code, message } = await messageOf(res, "Lost track of the job.");
        return setPhase({ kind: "failed", code: code.toUpperCase().replace(/-/g, "_"), message, retry: "file" });
      }
      pollRef.current = setTimeout(tick, 700);
    };
    void tick();
  }

  async function mint(job: JobView) {
    if (!job.result) return;
    // The collaborators may have been edited since the upload: check them again before minting.
    const split = parseSplit(collaborators);
    if (!split.ok) {
      setFormError({ code: "INVALID_SPLIT", message: split.problem });
      return;
    }
    setFormError(null);
    setPhase({ kind: "minting", job, step: "Opening your wallet…" });
    const { address, isConnected } = await connectedWallet();
    if (!isConnected || !address) {
      setPhase({ kind: "ready", job });
      openConnectModal();
      return;
    }
    if (address.toLowerCase() !== creator.toLowerCase()) {
      setPhase({
        kind: "failed",
        code: "WRONG_ACCOUNT",
        message: `You are signed in as ${creator} but the wallet is on ${address}. Switch the wallet to the signed-in account.`,
        retry: "mint",
        job,
      });
      return;
    }
    let filmId: string;
    try {
      const wallet = await walletActions();
      await wallet.toAppChain();
      setPhase({ kind: "minting", job, step: "Confirm the mint in your wallet…" });
      const duration = Math.max(1, Math.round(job.result.durationSeconds));
      const { hash, receipt } = await wallet.send(
        { address: listings, abi: filmListingsAbi, functionName: "mint", args: [job.result.metadataUri, duration, BigInt(job.price)] },
        () => setPhase({ kind: "minting", job, step: "Waiting for the transaction…" }),
      );
      if (receipt.status !== "success") throw new Error("The mint failed on-chain.");
      const [minted] = parseEventLogs({ abi: filmListingsAbi, eventName: "ListingMinted", logs: receipt.logs });
      if (!minted) throw new Error("The mint's receipt names no film.");
      filmId = minted.args.filmId.toString();
      if (split.payees.length === 0) {
        setPhase({ kind: "minted", filmId, txHash: hash, collaborators: 0 });
        // The indexer picks the listing up within a few seconds; refresh "My films" after it.
        setTimeout(() => router.refresh(), 3000);
        return;
      }
    } catch (e) {
      const friendly = friendlyError(e);
      setPhase({
        kind: "failed",
        code: friendly.kind === "rejected" ? "MINT_REJECTED" : "MINT_FAILED",
        message: friendly.message,
        retry: "mint",
        job,
      });
      return;
    }
    await splitFilm(filmId);
  }

  /** Sends the minted listing to the SplitterFactory with the payees and shares (one transaction). */
  async function splitFilm(filmId: string) {
    const split = parseSplit(collaborators);
    if (!split.ok || split.payees.length === 0 || !splitterFactory) return;
    try {
      setPhase({ kind: "splitting", filmId, step: `Minted as film #${filmId}. Opening your wallet…` });
      const wallet = await walletActions();
      const { address } = await wallet.account();
      if (!address || address.toLowerCase() !== creator.toLowerCase()) {
        throw new Error(`Film #${filmId} belongs to ${creator}: switch the wallet to that account to split it.`);
      }
      await wallet.toAppChain();
      setPhase({ kind: "splitting", filmId, step: `Minted as film #${filmId}. Confirm the split in your wallet…` });
      const data = encodeAbiParameters([{ type: "address[]" }, { type: "uint256[]" }], [split.payees, split.shares]);
      const { hash, receipt } = await wallet.send(
        {
          address: listings,
          abi: filmListingsAbi,
          functionName: "safeTransferFrom",
          args: [address, splitterFactory, BigInt(filmId), data],
        },
        () => setPhase({ kind: "splitting", filmId, step: "Waiting for the split transaction…" }),
      );
      if (receipt.status !== "success") throw new Error("The split failed on-chain.");
      setPhase({ kind: "minted", filmId, txHash: hash, collaborators: split.payees.length });
      setTimeout(() => router.refresh(), 3000);
    } catch (e) {
      const friendly = friendlyError(e);
      setPhase({
        kind: "failed",
        code: friendly.kind === "rejected" ? "SPLIT_REJECTED" : "SPLIT_FAILED",
        message: friendly.message,
        retry: "split",
        filmId,
      });
    }
  }

  function retry(p: Extract<Phase, { kind: "failed" }>) {
    if (p.retry === "mint" && p.job) return setPhase({ kind: "ready", job: p.job });
    if (p.retry === "split" && p.filmId) return void splitFilm(p.filmId);
    if (p.retry === "job" && p.uploadId) return void startJob(p.uploadId);
    if (p.retry === "upload" && file) return void upload(file);
    reset();
  }

  function reset() {
    if (pollRef.current) clearTimeout(pollRef.current);
    setPhase({ kind: "form" });
    setFile(null);
    setFormError(null);
    if (fileInput.current) fileInput.current.value = "";
  }

  // One progress view: the upload's bytes are the first stage, then the server's stages.
  const job =
    phase.kind === "processing" || phase.kind === "ready" || phase.kind === "minting"
      ? phase.job
      : phase.kind === "failed"
        ? (phase.job ?? null)
        : null;
  const uploadPercent = phase.kind === "uploading" ? phase.percent : phase.kind === "form" ? 0 : 100;
  const stagePercent = (s: JobStage) => (s === "upload" ? (job ? 100 : uploadPercent) : (job?.stages[s]?.percent ?? 0));
  const overall = job ? job.percent : Math.round(uploadPercent) / 10;
  const currentStage: JobStage | null = phase.kind === "uploading" ? "upload" : job?.state === "running" ? job.stage : null;
  const showProgress =
    phase.kind !== "form" && phase.kind !== "minted" && !(phase.kind === "failed" && phase.retry === "file" && !job && uploadPercent === 0);

  return (
    <div className="studio-upload" data-testid="upload-panel" data-phase={phase.kind}>
      <form onSubmit={submit} className="studio-form" aria-busy={busy} data-testid="upload-form">
        <label className="field">
          <span>Video file</span>
          <input
            ref={fileInput}
            type="file"
            accept="video/*,.mkv,.mov,.mp4,.webm"
            data-testid="upload-file"
            disabled={busy || phase.kind === "ready"}
            onChange={(e) => onPick(e.target.files?.[0] ?? null)}
          />
          {file && (
            <small className="muted" data-testid="upload-file-info">
              {file.name} — {formatBytes(file.size)}
            </small>
          )}
        </label>
        <label className="field">
          <span>Title</span>
          <input
            type="text"
            value={title}
            maxLength={200}
            required
            onChange={(e) => setTitle(e.target.value)}
            disabled={busy}
            data-testid="upload-title"
          />
        </label>
        <label className="field">
          <span>Description</span>
          <textarea
            value={description}
            maxLength={5000}
            rows={3}
            onChange={(e) => setDescription(e.target.value)}
            disabled={busy}
            data-testid="upload-description"
          />
        </label>
        <div className="field-row">
          <label className="field">
            <span>Genre</span>
            <input
              type="text"
              list="studio-genres"
              value={genre}
              maxLength={64}
              onChange={(e) => setGenre(e.target.value)}
              disabled={busy}
              data-testid="upload-genre"
            />
            <datalist id="studio-genres">
              {genreSuggestions.map((g) => (
                <option key={g} value={g} />
              ))}
            </datalist>
          </label>
          <label className="field">
            <span>Age rating</span>
            <select
              value={ageRating}
              onChange={(e) => setAgeRating(isAgeRating(e.target.value) ? e.target.value : "")}
              disabled={busy}
              data-testid="upload-age-rating"
            >
              <option value="">Unrated</option>
              {AGE_RATINGS.map((r) => (
                <option key={r} value={r}>
                  {AGE_RATING_LABELS[r]}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Price per view (dollars)</span>
            <input
              type="text"
              inputMode="decimal"
              value={price}
              onChange={(e) => setPrice(e.target.value)}
              disabled={busy}
              data-testid="upload-price"
              aria-invalid={priceUnits === null}
            />
            <small className="muted" data-testid="upload-price-preview">
              {priceUnits === null ? "Not a price" : formatDollars(priceUnits, undefined, { free: "Free" })}
            </small>
          </label>
        </div>
        <TrackFields tracks={tracks} onChange={setTracks} disabled={busy} />
        {splitterFactory && <CollaboratorFields rows={collaborators} onChange={setCollaborators} disabled={busy} creator={creator} />}
        <div className="field">
          <span>AI tools and models used</span>
          <ul className="chips" data-testid="upload-tools">
            {tools.map((t) => (
              <li key={t} data-testid="upload-tool-chip">
                {t}{" "}
                <button
                  type="button"
                  className="link"
                  aria-label={`Remove ${t}`}
                  onClick={() => setTools((all) => all.filter((x) => x !== t))}
                  disabled={busy}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
          <div className="field-inline">
            <input
              type="text"
              list="studio-tools"
              value={toolText}
              maxLength={64}
              placeholder="e.g. Sora, Runway Gen-4, Suno"
              disabled={busy}
              data-testid="upload-tool-input"
              onChange={(e) => setToolText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" || e.key === ",") {
                  e.preventDefault();
                  addTool(toolText);
                }
              }}
            />
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => addTool(toolText)}
              disabled={busy || !toolText.trim()}
              data-testid="upload-tool-add"
            >
              Add
            </button>
          </div>
          <datalist id="studio-tools">
            {toolSuggestions.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
          {toolSuggestions.length > 0 && (
            <p className="tool-suggestions" data-testid="upload-tool-suggestions">
              {toolSuggestions
                .filter((t) => !tools.includes(t))
                .slice(0, 8)
                .map((t) => (
                  <button key={t} type="button" className="chip chip-button" onClick={() => addTool(t)} disabled={busy}>
                    + {t}
                  </button>
                ))}
            </p>
          )}
        </div>
        {formError && (
          <p className="error" role="alert" data-testid="upload-error" data-code={formError.code}>
            {formError.message}
          </p>
        )}
        {phase.kind === "form" && (
          <button
            className="btn btn-primary btn-large"
            type="submit"
            data-testid="upload-submit"
            disabled={!file || Boolean(formError && formError.code !== "INVALID_INPUT")}
          >
            Upload and process
          </button>
        )}
      </form>

      {showProgress && (
        <section className="studio-progress" data-testid="upload-progress" data-percent={overall} aria-live="polite">
          <div className="progress-head">
            <strong data-testid="upload-overall-percent">{overall.toFixed(1)} %</strong>
            {phase.kind === "uploading" && (
              <span className="muted" data-testid="upload-bytes">
                {formatBytes(phase.bytes)} of {formatBytes(phase.total)} uploaded
              </span>
            )}
          </div>
          <progress max={100} value={overall} data-testid="upload-progress-bar" />
          <ol className="stage-list" data-testid="stage-list">
            {JOB_STAGES.map((s) => {
              const pct = stagePercent(s);
              const failedHere = phase.kind === "failed" && job?.state === "failed" && job.stage === s;
              const state = failedHere ? "failed" : pct >= 100 ? "done" : currentStage === s ? "running" : "waiting";
              return (
                <li key={s} data-testid={`stage-${s}`} data-state={state} data-percent={pct} className={`stage stage-${state}`}>
                  <span className="stage-name">{STAGE_LABELS[s]}</span>
                  <progress max={100} value={pct} />
                  <span className="stage-percent" data-testid={`stage-${s}-percent`}>
                    {Math.round(pct)} %
                  </span>
                </li>
              );
            })}
          </ol>
        </section>
      )}

      {phase.kind === "ready" && (
        <div className="studio-ready" data-testid="mint-panel">
          <p className="success" data-testid="processing-done">
            Processed: {Math.round(phase.job.result?.durationSeconds ?? 0)} s, stored in IPFS. Mint the listing to publish it at{" "}
            {formatDollars(phase.job.price, undefined, { free: "Free" })} per view.
          </p>
          <p className="muted mono" data-testid="metadata-uri">
            {phase.job.result?.metadataUri}
          </p>
          <button className="btn btn-primary btn-large" type="button" onClick={() => mint(phase.job)} data-testid="mint-button">
            Mint listing
          </button>
        </div>
      )}
      {(phase.kind === "minting" || phase.kind === "splitting") && (
        <p className="notice" data-testid="mint-progress">
          {phase.step}
        </p>
      )}
      {phase.kind === "minted" && (
        <div className="success-box" data-testid="mint-success" data-film-id={phase.filmId} data-collaborators={phase.collaborators}>
          <p className="success">
            Minted as film #{phase.filmId}
            {phase.collaborators > 0 ? `, its earnings split among ${phase.collaborators} collaborators` : ""}. It appears in the catalogue
            within a few seconds:{" "}
            <a href={`/films/${phase.filmId}`} data-testid="minted-film-link">
              open its page
            </a>
            .
          </p>
          <button
            className="btn btn-secondary"
            type="button"
            onClick={() => {
              reset();
              setTitle("");
              setDescription("");
              setTools([]);
              setCollaborators([]);
            }}
            data-testid="upload-another"
          >
            Upload another film
          </button>
        </div>
      )}
      {phase.kind === "failed" && (
        <div className="error" role="alert" data-testid="studio-error" data-code={phase.code}>
          <p data-testid="studio-error-message">{phase.message}</p>
          <p className="muted">
            {phase.retry === "file"
              ? "Nothing was published."
              : phase.retry === "mint"
                ? "The film is processed; nothing is listed until the mint is confirmed."
                : phase.retry === "split"
                  ? `Film #${phase.filmId} is minted and still pays you alone: retry the split to divide its earnings.`
                  : "Nothing was published."}
          </p>
          <button className="btn btn-secondary" type="button" onClick={() => retry(phase)} data-testid="retry-button">
            {phase.retry === "file"
              ? "Choose another file"
              : phase.retry === "mint"
                ? "Try the mint again"
                : phase.retry === "split"
                  ? "Try the split again"
                  : "Retry"}
          </button>
        </div>
      )}
    </div>
  );
}
