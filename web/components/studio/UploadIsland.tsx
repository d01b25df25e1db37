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
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { Upload, type DetailedError } from "tus-js-client";
import { TrackFields, tracksValid, uploadTrack, type TrackDraft } from "./TrackFields";
import { CollaboratorFields, useSplitIssue } from "./CollaboratorFields";
import { reasonOfCode } from "./jobReason";
import { encodeAbiParameters, parseEventLogs, type Address } from "viem";
import { filmListingsAbi } from "@ai-films/core/chain/abis";
import {
  AGE_RATINGS,
  JOB_STAGES,
  isAgeRating,
  parseSplit,
  type AgeRating,
  type CollaboratorRow,
  type JobStage,
  type JobState,
} from "@ai-films/core/domain";
import { openConnectModal } from "@/lib/client/events";
import { useApiErrors } from "@/i18n/apiErrors";
import { formatBytes, formatDollars, formatPercent, parseDollars } from "@/lib/format";
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

/** True when the file is not (recognisably) a video. */
function isWrongType(file: File): boolean {
  const type = file.type;
  if (type.startsWith("video/")) return false;
  if (!type && VIDEO_EXTENSIONS.test(file.name)) return false;
  if (type === "application/octet-stream" && VIDEO_EXTENSIONS.test(file.name)) return false;
  if (type === "application/x-matroska" || type === "application/mp4") return false;
  return true;
}

/**
 * A failed response's code and reason: the code for data-code (tests, logs), the reason for the
 * sentence the viewer reads (errors catalogue); the server's English message goes to the console.
 */
async function failureOf(response: Response | null | undefined): Promise<{ code: string; reason: string | null }> {
  if (!response) return { code: "NETWORK", reason: null };
  try {
    const body = (await response.json()) as { error?: string; code?: string; message?: string };
    if (body.message) console.warn("studio:", body.error ?? body.code, body.message);
    return {
      code: body.code ?? body.error ?? `HTTP_${response.status}`,
      reason: body.error ?? (body.code ? reasonOfCode(body.code) : null),
    };
  } catch {
    return { code: `HTTP_${response.status}`, reason: null };
  }
}

function UploadForm({ listings, splitterFactory, creator, maxBytes, toolSuggestions, genreSuggestions }: UploadProps) {
  const router = useRouter();
  const t = useTranslations("studio");
  const tw = useTranslations("studio.wallet");
  const locale = useLocale();
  const apiError = useApiErrors();
  const splitIssue = useSplitIssue();
  const free = { free: useTranslations("common")("free") };
  /** The processed film's exact length ("75 sec", "75 Sek."): the creator checks it against their file. */
  const seconds = new Intl.NumberFormat(locale, { style: "unit", unit: "second", unitDisplay: "short" });
  /** A failed request's sentence: the API's reason in the viewer's words, else this step's own. */
  const sentence = (reason: string | null, fallback: string) => (reason ? apiError(reason) : fallback);
  const wrongType = (f: File): string | null =>
    !isWrongType(f)
      ? null
      : f.type
        ? t("upload.invalid.wrongTypeNamed", { name: f.name, type: f.type })
        : t("upload.invalid.wrongType", { name: f.name });
  const tooLarge = (size: number) =>
    t("upload.invalid.tooLarge", { size: formatBytes(size, locale), limit: formatBytes(maxBytes, locale) });

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
    setTools((all) => (all.some((x) => x.toLowerCase() === tag.toLowerCase()) || all.length >= 20 ? all : [...all, tag]));
    setToolText("");
  }

  function onPick(next: File | null) {
    setFile(next);
    setFormError(null);
    if (next) {
      const problem = wrongType(next);
      if (problem) setFormError({ code: "WRONG_TYPE", message: problem });
      else if (next.size > maxBytes) setFormError({ code: "TOO_LARGE", message: tooLarge(next.size) });
      else if (next.size === 0) setFormError({ code: "EMPTY_FILE", message: t("upload.invalid.empty") });
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
    if (!file) return t("upload.invalid.noFile");
    const problem = wrongType(file);
    if (problem) return problem;
    if (file.size === 0) return t("upload.invalid.empty");
    if (file.size > maxBytes) return tooLarge(file.size);
    if (!title.trim()) return t("upload.invalid.noTitle");
    if (priceUnits === null) return t("upload.invalid.badPrice");
    const split = parseSplit(collaborators);
    if (!split.ok) return splitIssue(split.issue);
    return tracksValid(tracks) ? null : t("tracks.badLanguage");
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const problem = validate();
    if (problem) {
      setFormError({ code: file && isWrongType(file) ? "WRONG_TYPE" : "INVALID_INPUT", message: problem });
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
      for (const track of tracks) {
        const ref = {
          uploadId: await uploadTrack(track.file),
          language: track.language.trim(),
          ...(track.label.trim() ? { label: track.label.trim() } : {}),
        };
        sent[track.kind].push(ref);
      }
      trackIds.current = sent;
    } catch {
      setPhase({
        kind: "failed",
        code: "UPLOAD_FAILED",
        message: t("upload.failure.tracks"),
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
        let message = t("upload.failure.connection");
        if (res) {
          try {
            const body = JSON.parse(res.getBody() || "{}") as { error?: string; message?: string };
            if (body.message) console.warn("studio: upload:", body.error, body.message);
            code = (body.error ?? code).toUpperCase().replace(/-/g, "_");
            if (body.error) message = apiError(body.error);
          } catch {
            // not JSON: keep the generic sentence
          }
          if (res.getStatus() === 413) code = "TOO_LARGE";
          // The limit is the detail a creator needs: say it (the server's reason alone does not).
          if (code === "TOO_LARGE") message = t("upload.invalid.overLimit", { limit: formatBytes(maxBytes, locale) });
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
      const { code, reason } = await failureOf(res);
      const message = sentence(reason, t("upload.failure.startJob"));
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
          if (job.error) console.warn("studio: job:", job.error.code, job.error.message);
          return setPhase({
            kind: "failed",
            code: job.error?.code ?? "INTERNAL",
            message: job.error ? apiError(reasonOfCode(job.error.code)) : t("upload.failure.processing"),
            retry: job.error?.retryable ? "job" : "file",
            job,
            uploadId: job.uploadId,
          });
        }
        setPhase({ kind: "processing", job });
      } else if (res && res.status !== 503) {
        const { code, reason } = await failureOf(res);
        return setPhase({
          kind: "failed",
          code: code.toUpperCase().replace(/-/g, "_"),
          message: sentence(reason, t("upload.failure.lostJob")),
          retry: "file",
        });
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
      setFormError({ code: "INVALID_SPLIT", message: splitIssue(split.issue) });
      return;
    }
    setFormError(null);
    setPhase({ kind: "minting", job, step: tw("opening") });
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
        message: t("upload.failure.wrongAccount", { creator, address }),
        retry: "mint",
        job,
      });
      return;
    }
    let filmId: string;
    try {
      const wallet = await walletActions();
      await wallet.toAppChain();
      setPhase({ kind: "minting", job, step: t("upload.confirmMint") });
      const duration = Math.max(1, Math.round(job.result.durationSeconds));
      const { hash, receipt } = await wallet.send(
        { address: listings, abi: filmListingsAbi, functionName: "mint", args: [job.result.metadataUri, duration, BigInt(job.price)] },
        () => setPhase({ kind: "minting", job, step: tw("waiting") }),
      );
      if (receipt.status !== "success") throw new Error(t("upload.failure.mintOnChain"));
      const [minted] = parseEventLogs({ abi: filmListingsAbi, eventName: "ListingMinted", logs: receipt.logs });
      if (!minted) throw new Error(t("upload.failure.mintNoFilm"));
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
      setPhase({ kind: "splitting", filmId, step: t("upload.splitOpening", { id: filmId }) });
      const wallet = await walletActions();
      const { address } = await wallet.account();
      if (!address || address.toLowerCase() !== creator.toLowerCase()) {
        throw new Error(t("upload.failure.splitWrongAccount", { id: filmId, creator }));
      }
      await wallet.toAppChain();
      setPhase({ kind: "splitting", filmId, step: t("upload.splitConfirm", { id: filmId }) });
      const data = encodeAbiParameters([{ type: "address[]" }, { type: "uint256[]" }], [split.payees, split.shares]);
      const { hash, receipt } = await wallet.send(
        {
          address: listings,
          abi: filmListingsAbi,
          functionName: "safeTransferFrom",
          args: [address, splitterFactory, BigInt(filmId), data],
        },
        () => setPhase({ kind: "splitting", filmId, step: t("upload.splitWaiting") }),
      );
      if (receipt.status !== "success") throw new Error(t("upload.failure.splitOnChain"));
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
          <span>{t("upload.file")}</span>
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
              {file.name} — {formatBytes(file.size, locale)}
            </small>
          )}
        </label>
        <label className="field">
          <span>{t("upload.title")}</span>
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
          <span>{t("upload.description")}</span>
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
            <span>{t("upload.genre")}</span>
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
            <span>{t("upload.ageRating")}</span>
            <select
              value={ageRating}
              onChange={(e) => setAgeRating(isAgeRating(e.target.value) ? e.target.value : "")}
              disabled={busy}
              data-testid="upload-age-rating"
            >
              <option value="">{t("upload.unrated")}</option>
              {AGE_RATINGS.map((r) => (
                <option key={r} value={r}>
                  {t(`upload.ageRatings.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t("upload.price")}</span>
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
              {priceUnits === null ? t("upload.notAPrice") : formatDollars(priceUnits, locale, free)}
            </small>
          </label>
        </div>
        <TrackFields tracks={tracks} onChange={setTracks} disabled={busy} />
        {splitterFactory && <CollaboratorFields rows={collaborators} onChange={setCollaborators} disabled={busy} creator={creator} />}
        <div className="field">
          <span>{t("upload.tools")}</span>
          <ul className="chips" data-testid="upload-tools">
            {tools.map((tool) => (
              <li key={tool} data-testid="upload-tool-chip">
                {tool}{" "}
                <button
                  type="button"
                  className="link"
                  aria-label={t("upload.removeTool", { tool })}
                  onClick={() => setTools((all) => all.filter((x) => x !== tool))}
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
              placeholder={t("upload.toolsPlaceholder")}
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
              {t("upload.addTool")}
            </button>
          </div>
          <datalist id="studio-tools">
            {toolSuggestions.map((tool) => (
              <option key={tool} value={tool} />
            ))}
          </datalist>
          {toolSuggestions.length > 0 && (
            <p className="tool-suggestions" data-testid="upload-tool-suggestions">
              {toolSuggestions
                .filter((tool) => !tools.includes(tool))
                .slice(0, 8)
                .map((tool) => (
                  <button
                    key={tool}
                    type="button"
                    className="chip chip-button"
                    aria-label={t("upload.suggestTool", { tool })}
                    onClick={() => addTool(tool)}
                    disabled={busy}
                  >
                    + {tool}
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
            {t("upload.submit")}
          </button>
        )}
      </form>

      {showProgress && (
        <section className="studio-progress" data-testid="upload-progress" data-percent={overall} aria-live="polite">
          <div className="progress-head">
            <strong data-testid="upload-overall-percent">{formatPercent(overall / 100, locale, 1)}</strong>
            {phase.kind === "uploading" && (
              <span className="muted" data-testid="upload-bytes">
                {t("upload.bytes", { done: formatBytes(phase.bytes, locale), total: formatBytes(phase.total, locale) })}
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
                  <span className="stage-name" id={`stage-${s}-name`}>
                    {t(`upload.stages.${s}`)}
                  </span>
                  <progress max={100} value={pct} aria-labelledby={`stage-${s}-name`} />
                  <span className="stage-percent" data-testid={`stage-${s}-percent`}>
                    {formatPercent(Math.round(pct) / 100, locale, 0)}
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
            {t("upload.processed", {
              duration: seconds.format(Math.round(phase.job.result?.durationSeconds ?? 0)),
              price: formatDollars(phase.job.price, locale, free),
            })}
          </p>
          <p className="muted mono" data-testid="metadata-uri">
            {phase.job.result?.metadataUri}
          </p>
          <button className="btn btn-primary btn-large" type="button" onClick={() => mint(phase.job)} data-testid="mint-button">
            {t("upload.mint")}
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
            {t.rich(phase.collaborators > 0 ? "upload.mintedSplit" : "upload.minted", {
              id: phase.filmId,
              count: phase.collaborators,
              link: (chunks) => (
                <a href={`/films/${phase.filmId}`} data-testid="minted-film-link">
                  {chunks}
                </a>
              ),
            })}
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
            {t("upload.another")}
          </button>
        </div>
      )}
      {phase.kind === "failed" && (
        <div className="error" role="alert" data-testid="studio-error" data-code={phase.code}>
          <p data-testid="studio-error-message">{phase.message}</p>
          <p className="muted">
            {phase.retry === "mint"
              ? t("upload.mintPending")
              : phase.retry === "split"
                ? t("upload.splitPending", { id: phase.filmId ?? "" })
                : t("upload.nothingPublished")}
          </p>
          <button className="btn btn-secondary" type="button" onClick={() => retry(phase)} data-testid="retry-button">
            {phase.retry === "file"
              ? t("upload.chooseAnother")
              : phase.retry === "mint"
                ? t("upload.retryMint")
                : phase.retry === "split"
                  ? t("upload.retrySplit")
                  : t("upload.retry")}
          </button>
        </div>
      )}
    </div>
  );
}
