// Captions in a real browser: a creator uploads a clip with English and French WebVTT files in the
// studio and mints it; on the film page (full film, the creator's own) the captions menu offers
// both, the chosen one is shown (its cues in the video's showing text track) and can be switched;
// the choice is remembered across a reload, and the free preview carries the captions too.
import { expect } from "chai";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { playUntil, recordCspViolations, signIn } from "../helpers/browser/chromium.ts";
import { fillUploadForm, mintListing, openFilmPage, submitUpload, waitForMilestone } from "../helpers/browser/studio.ts";
import { makeClip } from "../media/helpers.ts";
import { ARTIFACTS, E2E_ACCOUNTS, e2ePlatform, tracePage, type E2E } from "./platform.ts";

const EN = "WEBVTT\n\n00:00:00.200 --> 00:00:07.800\nA caption in English\n";
const FR = "WEBVTT\n\n00:00:00.200 --> 00:00:07.800\nUn sous-titre en français\n";

/** The language and cue texts of the video's showing text track, or null when none shows. */
async function showingCaptions(page: Page): Promise<{ language: string; cues: string[] } | null> {
  return page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('[data-testid="player-video"]');
    const track = video ? Array.from(video.textTracks).find((t) => t.mode === "showing") : undefined;
    if (!track) return null;
    return { language: track.language, cues: Array.from(track.cues ?? []).map((c) => (c as VTTCue).text) };
  });
}

async function waitForCaption(page: Page, text: string, timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction(
    (wanted) => {
      const video = document.querySelector<HTMLVideoElement>('[data-testid="player-video"]');
      const track = video ? Array.from(video.textTracks).find((t) => t.mode === "showing") : undefined;
      return Array.from(track?.cues ?? []).some((c) => (c as VTTCue).text === wanted);
    },
    text,
    { timeout: timeoutMs },
  );
}

describe("Captions in a real browser", function () {
  this.timeout(15 * 60_000);
  let e2e: E2E;
  let context: BrowserContext;
  let page: Page;
  let filmId = "";

  before(async function () {
    e2e = await e2ePlatform();
    context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await recordCspViolations(context);
    page = await context.newPage();
    tracePage(page, "captions");
    await page.goto(`${e2e.baseUrl}/studio`);
    await signIn(page, E2E_ACCOUNTS.creator);
  });

  afterEach(async function () {
    // A failure keeps what the page showed and the player's state, for the next person to read.
    if (this.currentTest?.state !== "failed" || !page) return;
    const name = (this.currentTest.title.match(/\w+/g) ?? []).slice(0, 4).join("-");
    await page.screenshot({ path: path.join(ARTIFACTS, `captions-failed-${name}.png`) }).catch(() => {});
    const player = await page
      .evaluate(() => {
        const video = document.querySelector<HTMLVideoElement>('[data-testid="player-video"]');
        return {
          mode: document.querySelector('[data-testid="player"]')?.getAttribute("data-mode"),
          access: document.querySelector('[data-testid="access-status"]')?.getAttribute("data-access"),
          videoError: video?.error?.message ?? video?.error?.code ?? null,
          readyState: video?.readyState,
          textTracks: video ? Array.from(video.textTracks, (t) => `${t.language}:${t.mode}`) : [],
          captionsMenu: document.querySelector('[data-testid="captions-select"]') !== null,
        };
      })
      .catch((error: unknown) => String(error));
    console.log(`captions: "${this.currentTest.title}" failed; the page: ${JSON.stringify(player)}`);
  });

  after(async () => {
    await context?.close();
  });

  it("uploads a clip with English and French captions in the studio and mints it", async () => {
    const dir = e2e.platform.dataDir;
    const clip = await makeClip(path.join(dir, "captioned.mp4"), { seconds: 8 });
    await writeFile(path.join(dir, "captioned.en.vtt"), EN);
    await writeFile(path.join(dir, "captioned.fr.vtt"), FR);
    await fillUploadForm(page, { file: clip, title: `Captioned ${Date.now().toString(36)}`, priceDollars: "1" });
    for (const [language, label] of [
      ["en", ""],
      ["fr", "Français"],
    ]) {
      await page.getByTestId("upload-captions-file").setInputFiles(path.join(dir, `captioned.${language}.vtt`));
      await page.getByTestId("upload-captions-language").last().fill(language);
      if (label) await page.getByTestId("upload-captions-label").last().fill(label);
    }
    await submitUpload(page);
    await waitForMilestone(page, "processed", 10 * 60_000);
    filmId = await mintListing(page);
  });

  it("shows the chosen captions on the full film and switches them", async function () {
    // Once more on a fresh page load if it fails: a CI run once saw no captions menu within 30 s (the other runs passed).
    this.retries(1);
    await openFilmPage(page, e2e.baseUrl, filmId, { access: "owner" });
    const select = page.getByTestId("captions-select");
    await select.waitFor({ timeout: 30_000 });
    const options = await select.locator("option").allInnerTexts();
    expect(options).to.deep.equal(["Off", "English", "Français"]);
    expect(await select.getAttribute("aria-label")).to.equal(null); // labelled by its <label>
    expect(await page.getByRole("combobox", { name: "Captions" }).count()).to.equal(1);
    expect(await showingCaptions(page)).to.equal(null); // off until chosen
    await select.selectOption("en");
    await playUntil(page, 1);
    await waitForCaption(page, "A caption in English");
    expect((await showingCaptions(page))?.language).to.equal("en");
    await select.selectOption("fr");
    await waitForCaption(page, "Un sous-titre en français");
    expect((await showingCaptions(page))?.language).to.equal("fr");
    await page.screenshot({ path: path.join(ARTIFACTS, "captions-full.png") });
  });

  it("remembers the choice: after a reload the French captions show again", async function () {
    // Once more on a fresh page load if it fails: a CI run once saw no captions menu within 30 s (the other runs passed).
    this.retries(1);
    await page.reload();
    const select = page.getByTestId("captions-select");
    await select.waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector<HTMLSelectElement>('[data-testid="captions-select"]')?.value === "fr");
    // Chosen by the menu with no click of ours: the cues must really show, not just the menu's value.
    await playUntil(page, 1);
    await waitForCaption(page, "Un sous-titre en français");
    expect((await showingCaptions(page))?.language).to.equal("fr");
  });

  it("shows the captions in the free preview and switches them there", async () => {
    /** The first request for one of the preview's own files (under <film>/preview/). */
    const previewRequest = (file: RegExp) =>
      page.waitForRequest((r) => file.test(new URL(r.url()).pathname.replace(/^.*\/preview\//, "")), { timeout: 60_000 });
    // The full film's video element, marked: the preview must be a new player on its own playlist.
    await page.getByTestId("player-video").evaluate((el) => el.setAttribute("data-full-film", ""));
    const master = previewRequest(/^master\.m3u8$/);
    const french = previewRequest(/^subs\/fr\/.+\.vtt$/);
    // Awaited below; if the test fails first, their rejection must not take the whole run down.
    master.catch(() => {});
    french.catch(() => {});
    await page.getByTestId("toggle-preview").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="player"]')?.getAttribute("data-mode") === "preview");
    await master;
    await page.waitForFunction(() => {
      const video = document.querySelector('[data-testid="player-video"]');
      return video !== null && !video.hasAttribute("data-full-film");
    });
    await page.getByTestId("captions-select").waitFor({ timeout: 30_000 });
    // The preview's playlist lists the same languages, and the remembered one is chosen again.
    await page.waitForFunction(() => document.querySelector<HTMLSelectElement>('[data-testid="captions-select"]')?.value === "fr");
    const offered = await page
      .getByTestId("captions-select")
      .evaluate((el) => Array.from((el as HTMLSelectElement).options, (o) => o.value));
    expect(offered).to.deep.equal(["off", "en", "fr"]);
    await playUntil(page, 1);
    await french; // the preview's own French segments, not the full film's
    await waitForCaption(page, "Un sous-titre en français");
    expect((await showingCaptions(page))?.language).to.equal("fr");
    const english = previewRequest(/^subs\/en\/.+\.vtt$/);
    await page.getByTestId("captions-select").selectOption("en");
    await english;
    await waitForCaption(page, "A caption in English");
    expect((await showingCaptions(page))?.language).to.equal("en");
    expect(await page.getByTestId("player-mode").innerText()).to.match(/preview/i);
    await page.screenshot({ path: path.join(ARTIFACTS, "captions-preview.png") });
    await page.getByTestId("captions-select").selectOption("off");
    await page.waitForFunction(() => {
      const video = document.querySelector<HTMLVideoElement>('[data-testid="player-video"]');
      return video !== null && Array.from(video.textTracks).every((t) => t.mode !== "showing");
    });
  });
});
