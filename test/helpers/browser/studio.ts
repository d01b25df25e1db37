// The creator studio as a creator meets it, for the web benchmark and the browser tests: fill the
// upload form, upload (tus), follow the server's processing (probe → transcode → encrypt → IPFS →
// metadata), mint the listing from the wallet, and open the minted film's page once the indexer
// has it. Every step waits on what the page shows (web/components/studio/UploadIsland.tsx) and a
// failure comes back as a StudioFlowError with the page's own code and sentence (studio-error).
//
// The page must be signed in as the creator with the wallet connected (test/helpers/browser/chromium.ts
// signIn does both): the mint is signed in the browser's wallet.
import type { Page } from "playwright-core";

export const STUDIO_STAGES = ["upload", "probe", "transcode", "encrypt", "ipfs", "metadata"] as const;
export type StudioStage = (typeof STUDIO_STAGES)[number];

/**
 * A step of the studio flow that failed: `code` is the page's data-code (e.g. NOT_MEDIA,
 * MINT_REJECTED), `stage` the processing stage the page marks as failed, if any.
 */
export class StudioFlowError extends Error {
  override readonly name = "StudioFlowError";
  constructor(
    message: string,
    readonly step: "open" | "form" | "upload" | "processing" | "mint" | "film-page",
    readonly code: string | null = null,
    readonly stage: StudioStage | null = null,
  ) {
    super(message);
  }
}

export interface FilmUpload {
  /** Path of the video file to upload. */
  file: string;
  title: string;
  description?: string;
  genre?: string;
  aiTools?: string[];
  /** Price per view in dollars, e.g. "1.50" or 1.5; 0 makes the film free. */
  priceDollars: string | number;
  /** Collaborators sharing the film's earnings (address, share in percent): minting then also splits it. */
  collaborators?: Array<{ address: string; percent: string }>;
  /**
   * Called whenever the progress bar's overall percent changes (polled every 200 ms, and read once
   * more when processing is done, so the last call says 100 for a processed film).
   */
  onProgress?: (percent: number, progress: StudioProgress) => void;
}

export interface StudioTimeouts {
  uploadMs?: number;
  processingMs?: number;
  mintMs?: number;
}

export interface StageView {
  state: string;
  percent: number;
}

export interface StudioProgress {
  /** The upload panel's phase: form, uploading, processing, ready, minting, minted, failed. */
  phase: string | null;
  /** The overall percent of the progress bar (null when it is not shown). */
  percent: number | null;
  /** The stage now running, if any. */
  stage: StudioStage | null;
  stages: Partial<Record<StudioStage, StageView>>;
}

export interface UploadAndMintResult {
  filmId: string;
  /** ipfs://… of the film's metadata, as shown on the mint panel. */
  metadataUri: string | null;
  /** The server's job id (from the page's polling of /api/studio/jobs/<id>), if seen. */
  jobId: string | null;
  /** Seconds per server stage, as the job reported them when it finished. */
  serverStageSeconds: Partial<Record<StudioStage, number>>;
  /** Milliseconds since the epoch: upload pressed, upload at 100 %, processing done, mint confirmed. */
  startedAtMs: number;
  uploadedAtMs: number;
  processedAtMs: number;
  mintedAtMs: number;
  uploadSeconds: number;
  processingSeconds: number;
  mintSeconds: number;
  totalSeconds: number;
}

/** Opens /studio and checks that it is the signed-in studio with the upload form ready. */
export async function openStudio(page: Page, baseUrl: string, timeoutMs = 30_000): Promise<void> {
  await page.goto(new URL("/studio", baseUrl).toString());
  await assertStudio(page, timeoutMs);
}

/**
 * The page is the signed-in studio and its upload form (a client island) is rendered. Right after
 * signing in, the signed-out studio is still on screen until the page refreshes itself: a signed-out
 * studio only counts as an error once the timeout has passed.
 */
export async function assertStudio(page: Page, timeoutMs = 30_000): Promise<void> {
  const signedIn = page.getByTestId("studio-page");
  const signedOut = page.getByTestId("studio-signed-out");
  const unavailable = page.getByTestId("studio-unavailable");
  await Promise.race([signedIn.waitFor({ timeout: timeoutMs }), unavailable.waitFor({ timeout: timeoutMs })]).catch(() => undefined);
  if (await signedOut.isVisible())
    throw new StudioFlowError(
      "The studio is signed out: sign in as the creator first (signIn in test/helpers/browser/chromium.ts).",
      "open",
      "NOT_SIGNED_IN",
    );
  if (await unavailable.isVisible())
    throw new StudioFlowError(`The studio is unavailable: ${await unavailable.innerText()}`, "open", "STUDIO_UNAVAILABLE");
  if (!(await signedIn.isVisible())) throw new StudioFlowError(`No studio page at ${page.url()} within ${timeoutMs / 1000} s.`, "open");
  await page.getByTestId("upload-form").waitFor({ timeout: timeoutMs });
}

/** What the upload panel shows now. */
export async function readProgress(page: Page): Promise<StudioProgress> {
  return page.evaluate(
    (stageNames) => {
      const panel = document.querySelector('[data-testid="upload-panel"]');
      const bar = document.querySelector('[data-testid="upload-progress"]');
      const stages: Record<string, { state: string; percent: number }> = {};
      let stage: string | null = null;
      for (const s of stageNames) {
        const el = document.querySelector(`[data-testid="stage-${s}"]`);
        if (!el) continue;
        const state = el.getAttribute("data-state") ?? "";
        stages[s] = { state, percent: Number(el.getAttribute("data-percent") ?? 0) };
        if (state === "running") stage = s;
      }
      const percent = bar?.getAttribute("data-percent");
      return {
        phase: panel?.getAttribute("data-phase") ?? null,
        percent: percent == null ? null : Number(percent),
        stage: stage as StudioStage | null,
        stages,
      };
    },
    [...STUDIO_STAGES],
  );
}

/** The stage the server is working on now (or "upload" while the file is sent), if any. */
export async function currentStage(page: Page): Promise<StudioStage | null> {
  return (await readProgress(page)).stage;
}

/** The studio's error, if the page shows one: the upload panel's (studio-error) or the form's (upload-error). */
export async function studioError(page: Page): Promise<{ code: string | null; message: string } | null> {
  return page.evaluate(() => {
    const failed = document.querySelector('[data-testid="studio-error"]');
    if (failed) {
      const message = document.querySelector('[data-testid="studio-error-message"]')?.textContent ?? failed.textContent ?? "";
      return { code: failed.getAttribute("data-code"), message: message.trim() };
    }
    const form = document.querySelector('[data-testid="upload-error"]');
    if (form) return { code: form.getAttribute("data-code"), message: (form.textContent ?? "").trim() };
    return null;
  });
}

type Milestone = "uploaded" | "processed" | "minted";
type MilestoneOutcome =
  { ok: true; filmId: string | null } | { ok: false; code: string | null; message: string; form: boolean; failedStage: string | null };

const STEP_OF: Record<Milestone, StudioFlowError["step"]> = { uploaded: "upload", processed: "processing", minted: "mint" };

function summarise(progress: StudioProgress): string {
  const stage = progress.stage ? `${progress.stage} ${Math.round(progress.stages[progress.stage]?.percent ?? 0)} %` : "no stage running";
  return `phase ${progress.phase ?? "?"}, ${progress.percent ?? 0} % overall, ${stage}`;
}

/**
 * Waits until the upload panel reaches a milestone — the file is uploaded (the upload stage at
 * 100 %), the server has processed it (the mint button), or the mint is confirmed (mint-success) —
 * and throws a StudioFlowError with the page's code and message as soon as it shows an error.
 */
export async function waitForMilestone(page: Page, milestone: Milestone, timeoutMs: number): Promise<{ filmId: string | null }> {
  let outcome: MilestoneOutcome;
  try {
    const handle = await page.waitForFunction(
      // No helper functions in here: tsx would wrap them in a __name() the page does not have.
      (m: Milestone): MilestoneOutcome | null => {
        const failed = document.querySelector('[data-testid="studio-error"]') ?? document.querySelector('[data-testid="upload-error"]');
        if (failed) {
          const message = (document.querySelector('[data-testid="studio-error-message"]') ?? failed).textContent ?? "";
          const stage =
            document.querySelector('[data-testid^="stage-"][data-state="failed"]')?.getAttribute("data-testid")?.slice("stage-".length) ??
            null;
          return {
            ok: false,
            code: failed.getAttribute("data-code"),
            message: message.trim(),
            form: failed.getAttribute("data-testid") === "upload-error",
            failedStage: stage,
          };
        }
        const minted = document.querySelector('[data-testid="mint-success"]');
        if (m === "minted") return minted ? { ok: true, filmId: minted.getAttribute("data-film-id") } : null;
        if (m === "processed") {
          return document.querySelector('[data-testid="mint-button"]') || document.querySelector('[data-testid="mint-progress"]') || minted
            ? { ok: true, filmId: null }
            : null;
        }
        const upload = Number(document.querySelector('[data-testid="stage-upload"]')?.getAttribute("data-percent") ?? 0);
        return upload >= 100 || document.querySelector('[data-testid="mint-panel"]') || minted ? { ok: true, filmId: null } : null;
      },
      milestone,
      { timeout: timeoutMs, polling: 100 },
    );
    outcome = (await handle.jsonValue()) as MilestoneOutcome;
  } catch (error) {
    if ((error as Error).name !== "TimeoutError") {
      throw new StudioFlowError(
        `Lost the studio page while waiting for "${milestone}": ${(error as Error).message}`,
        STEP_OF[milestone],
        "PAGE_ERROR",
      );
    }
    const progress = await readProgress(page).catch(() => null);
    throw new StudioFlowError(
      `The studio did not reach "${milestone}" within ${Math.round(timeoutMs / 1000)} s (${progress ? summarise(progress) : "page gone"}).`,
      STEP_OF[milestone],
      "TIMEOUT",
    );
  }
  if (!outcome.ok) {
    // Where it failed, from what the page marks: the form, a server stage, or the step waited for.
    const stage = (STUDIO_STAGES as readonly string[]).includes(outcome.failedStage ?? "") ? (outcome.failedStage as StudioStage) : null;
    const step = outcome.form ? "form" : stage && stage !== "upload" ? "processing" : stage === "upload" ? "upload" : STEP_OF[milestone];
    throw new StudioFlowError(
      `The studio failed ${stage ? `at the ${stage} stage` : `before "${milestone}"`} (${outcome.code ?? "no code"}): ${outcome.message}`,
      step,
      outcome.code,
      stage,
    );
  }
  return { filmId: outcome.filmId };
}

/** Fills the upload form (file first: picking a file proposes a title, which the given one replaces). */
export async function fillUploadForm(page: Page, film: FilmUpload): Promise<void> {
  await page.getByTestId("upload-file").setInputFiles(film.file);
  await page.getByTestId("upload-file-info").waitFor({ timeout: 10_000 });
  await page.getByTestId("upload-title").fill(film.title);
  if (film.description !== undefined) await page.getByTestId("upload-description").fill(film.description);
  if (film.genre !== undefined) await page.getByTestId("upload-genre").fill(film.genre);
  await page.getByTestId("upload-price").fill(typeof film.priceDollars === "number" ? String(film.priceDollars) : film.priceDollars);
  if ((await page.getByTestId("upload-price").getAttribute("aria-invalid")) === "true") {
    throw new StudioFlowError(`The studio does not take "${film.priceDollars}" as a price.`, "form", "INVALID_PRICE");
  }
  for (const [i, c] of (film.collaborators ?? []).entries()) {
    await page.getByTestId("collaborator-add").click();
    const row = page.getByTestId("collaborator-row").nth(i);
    await row.getByTestId("collaborator-address").fill(c.address);
    await row.getByTestId("collaborator-percent").fill(c.percent);
  }
  for (const tool of film.aiTools ?? []) {
    const chips = page.getByTestId("upload-tool-chip");
    const before = await chips.count();
    await page.getByTestId("upload-tool-input").fill(tool);
    await page.getByTestId("upload-tool-input").press("Enter");
    await page
      .waitForFunction((n) => document.querySelectorAll('[data-testid="upload-tool-chip"]').length > n, before, { timeout: 5_000 })
      .catch(() => undefined); // a duplicate tag is dropped by the form: not an error
  }
  const problem = await studioError(page);
  if (problem)
    throw new StudioFlowError(`The upload form refuses the film (${problem.code ?? "no code"}): ${problem.message}`, "form", problem.code);
}

/** Presses "Upload and process"; resolves with the time of the press (ms since the epoch). */
export async function submitUpload(page: Page): Promise<number> {
  const submit = page.getByTestId("upload-submit");
  await submit.waitFor({ timeout: 10_000 });
  if (!(await submit.isEnabled())) {
    const problem = await studioError(page);
    throw new StudioFlowError(
      `The upload button is disabled${problem ? ` (${problem.code}): ${problem.message}` : ": no file chosen?"}`,
      "form",
      problem?.code ?? null,
    );
  }
  const at = Date.now();
  await submit.click();
  return at;
}

/** Presses "Mint listing" and waits for the confirmed mint; returns the new film's id. */
export async function mintListing(page: Page, timeoutMs = 120_000): Promise<string> {
  await page.getByTestId("mint-button").click();
  const { filmId } = await waitForMilestone(page, "minted", timeoutMs);
  if (!filmId || !/^\d+$/.test(filmId))
    throw new StudioFlowError(`The mint was confirmed but the page shows no film id ("${filmId}").`, "mint", "NO_FILM_ID");
  return filmId;
}

/**
 * The whole creator flow on a signed-in /studio page: fill the form, upload, wait for processing,
 * mint. Resolves once the mint is confirmed, with the film id and when each milestone was reached;
 * rejects with a StudioFlowError (the page's code and sentence) and leaves the page as it is, so the
 * caller can look at the error shown.
 */
export async function uploadAndMint(
  page: Page,
  film: FilmUpload,
  options: { timeouts?: StudioTimeouts } = {},
): Promise<UploadAndMintResult> {
  await assertStudio(page);
  const timeouts = { uploadMs: 5 * 60_000, processingMs: 15 * 60_000, mintMs: 2 * 60_000, ...options.timeouts };

  // The server's own view of the job, as the page polls it: its id and the seconds per stage.
  let jobId: string | null = null;
  let lastJob: { stages?: Record<string, { seconds?: number }> } | null = null;
  const onResponse = (r: import("playwright-core").Response) => {
    const m = /\/api\/studio\/jobs\/([0-9a-f]{32})(?:\?|$)/.exec(r.url());
    if (!m || r.request().method() !== "GET" || r.status() !== 200) return;
    jobId = m[1];
    r.json()
      .then((body) => (lastJob = body as typeof lastJob))
      .catch(() => undefined);
  };
  page.on("response", onResponse);
  const watcher = film.onProgress ? watchProgress(page, film.onProgress) : null;
  try {
    await fillUploadForm(page, film);
    const startedAtMs = await submitUpload(page);
    await waitForMilestone(page, "uploaded", timeouts.uploadMs);
    const uploadedAtMs = Date.now();
    await waitForMilestone(page, "processed", timeouts.processingMs);
    const processedAtMs = Date.now();
    await watcher?.stop();
    const metadataUri = await page
      .getByTestId("metadata-uri")
      .innerText({ timeout: 2_000 })
      .catch(() => null);
    const filmId = await mintListing(page, timeouts.mintMs);
    const mintedAtMs = Date.now();
    const stages: Partial<Record<StudioStage, number>> = {};
    const finished = lastJob as { stages?: Record<string, { seconds?: number }> } | null;
    for (const s of STUDIO_STAGES) {
      const seconds = finished?.stages?.[s]?.seconds;
      if (typeof seconds === "number") stages[s] = seconds;
    }
    return {
      filmId,
      metadataUri: metadataUri?.trim() || null,
      jobId,
      serverStageSeconds: stages,
      startedAtMs,
      uploadedAtMs,
      processedAtMs,
      mintedAtMs,
      uploadSeconds: (uploadedAtMs - startedAtMs) / 1000,
      processingSeconds: (processedAtMs - uploadedAtMs) / 1000,
      mintSeconds: (mintedAtMs - processedAtMs) / 1000,
      totalSeconds: (mintedAtMs - startedAtMs) / 1000,
    };
  } finally {
    await watcher?.stop();
    page.off("response", onResponse);
  }
}

/** Polls the overall percent one reading at a time (so no stale reading lands after a newer one). */
function watchProgress(page: Page, onProgress: NonNullable<FilmUpload["onProgress"]>) {
  let last: number | null = null;
  let stopped = false;
  const sample = async () => {
    const progress = await readProgress(page).catch(() => null);
    if (progress?.percent == null || progress.percent === last) return;
    last = progress.percent;
    onProgress(progress.percent, progress);
  };
  const loop = (async () => {
    while (!stopped) {
      await sample();
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  let stopping: Promise<void> | undefined;
  return {
    stop(): Promise<void> {
      stopping ??= (async () => {
        stopped = true;
        await loop;
        await sample();
      })();
      return stopping;
    },
  };
}

/**
 * Opens /films/<filmId>, reloading while the indexer has not picked the listing up yet (the page is
 * a 404 until then), until the film page shows the expected access (e.g. "owner" for its creator).
 */
export async function openFilmPage(
  page: Page,
  baseUrl: string,
  filmId: string,
  options: { access?: string; timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const url = new URL(`/films/${filmId}`, baseUrl).toString();
  let seen = "not loaded";
  for (;;) {
    const response = await page.goto(url);
    const access = (await page.getByTestId("film-page").isVisible())
      ? await page.getByTestId("access-status").getAttribute("data-access")
      : null;
    if (access !== null && (options.access === undefined || access === options.access)) return;
    seen = access === null ? `HTTP ${response?.status() ?? "?"}, no film page` : `access "${access}"`;
    if (Date.now() > deadline) {
      throw new StudioFlowError(
        `Film #${filmId}'s page did not show${options.access ? ` access "${options.access}"` : ""} in time (last: ${seen}).`,
        "film-page",
        access === null ? "NOT_INDEXED" : "WRONG_ACCESS",
      );
    }
    await page.waitForTimeout(500);
  }
}
