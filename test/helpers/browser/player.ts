// The film page's player as a viewer meets it, for the web benchmark and the browser tests: wait
// until the page offers the full film, then press play and time the first decoded frame. Times
// are taken inside the page (performance.now() at the click on the play button, and the
// requestVideoFrameCallback that follows it), so the driver's round trips do not count.
import type { Page } from "playwright-core";

export interface FirstFrame {
  /** From the click on the play button to the first decoded video frame, in milliseconds. */
  ms: number;
  /** How the frame was seen: requestVideoFrameCallback, or (without it) `playing` with time > 0. */
  via: "requestVideoFrameCallback" | "playing";
  /** The first frame, as milliseconds since the epoch (performance.timeOrigin + the frame's time). */
  atEpochMs: number;
  /** The video's position when the frame was seen. */
  currentTime: number;
  /**
   * Whether the film's AES-128 key came back 200 from /api/keys/ by the time of the frame: during the
   * press, or earlier in the page's life (the player may load the playlist and key before play).
   */
  keyFetched: boolean;
  /** Whether the key and a first media segment had already arrived when play was pressed (preloaded). */
  preloaded: boolean;
}

interface FrameProbe {
  clickAt: number | null;
  frameAt: number | null;
  via: FirstFrame["via"] | null;
  currentTime: number;
  origin: number;
}

/**
 * Waits until the film page's player is in full-film mode (the server found the viewer entitled)
 * with its play button and video element rendered; throws with the page's own words if it stays
 * on the preview.
 */
export async function waitForFullFilm(page: Page, timeoutMs = 30_000): Promise<void> {
  try {
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="player"]')?.getAttribute("data-mode") === "full" &&
        document.querySelector('[data-testid="play-button"]') !== null &&
        document.querySelector("video") !== null,
      null,
      { timeout: timeoutMs },
    );
  } catch {
    const mode = await page
      .getByTestId("player-mode")
      .innerText({ timeout: 1_000 })
      .catch(() => "(no player)");
    const access = await page
      .getByTestId("access-status")
      .getAttribute("data-access", { timeout: 1_000 })
      .catch(() => null);
    throw new Error(
      `The player did not offer the full film within ${timeoutMs / 1000} s (player: "${mode}", access: ${access ?? "unknown"}) at ${page.url()}.`,
    );
  }
  const mode = await page.getByTestId("player-mode").innerText();
  if (!/full film/i.test(mode)) throw new Error(`The player says "${mode}", not the full film, at ${page.url()}.`);
}

/**
 * Presses play and resolves at the first decoded frame after the press. The page must show the
 * player (see waitForFullFilm); the video must not be playing yet.
 */
export async function playToFirstFrame(page: Page, timeoutMs = 60_000): Promise<FirstFrame> {
  let keyFetched = false;
  const onResponse = (r: { url(): string; status(): number }) => {
    if (r.url().includes("/api/keys/") && r.status() === 200) keyFetched = true;
  };
  page.on("response", onResponse);
  try {
    // No named functions inside page functions: tsx (esbuild keepNames) would wrap them in a
    // __name() helper that does not exist in the page.
    await page.evaluate(() => {
      const probe: FrameProbe = { clickAt: null, frameAt: null, via: null, currentTime: 0, origin: performance.timeOrigin };
      (window as unknown as { __aifFirstFrame: FrameProbe }).__aifFirstFrame = probe;
      // Capture phase on the window: before React's own handler on the root starts playback.
      window.addEventListener(
        "click",
        (event) => {
          const target = event.target instanceof Element ? event.target : null;
          if (probe.clickAt !== null || !target?.closest('[data-testid="play-button"]')) return;
          probe.clickAt = performance.now();
          const video = (document.querySelector('[data-testid="player-video"]') ??
            document.querySelector("video")) as HTMLVideoElement | null;
          if (!video) return;
          if (typeof video.requestVideoFrameCallback === "function") {
            video.requestVideoFrameCallback((now) => {
              if (probe.frameAt !== null) return;
              probe.frameAt = now;
              probe.via = "requestVideoFrameCallback";
              probe.currentTime = video.currentTime;
            });
          } else {
            video.addEventListener("timeupdate", () => {
              if (probe.frameAt !== null || video.paused || video.currentTime <= 0) return;
              probe.frameAt = performance.now();
              probe.via = "playing";
              probe.currentTime = video.currentTime;
            });
          }
        },
        { capture: true },
      );
    });
    await page.getByTestId("play-button").click();
    try {
      await page.waitForFunction(() => (window as unknown as { __aifFirstFrame?: FrameProbe }).__aifFirstFrame?.frameAt != null, null, {
        timeout: timeoutMs,
        polling: 50,
      });
    } catch {
      const state = await page
        .evaluate(() => {
          const v = document.querySelector("video");
          return v
            ? `readyState ${v.readyState}, paused ${v.paused}, currentTime ${v.currentTime}, error ${v.error?.message ?? v.error?.code ?? "none"}`
            : "no video";
        })
        .catch(() => "page gone");
      const playerError = await page
        .getByTestId("player-error")
        .innerText({ timeout: 500 })
        .catch(() => null);
      throw new Error(`No video frame within ${timeoutMs / 1000} s of pressing play (${state})${playerError ? `: ${playerError}` : ""}.`);
    }
    const probe = await page.evaluate(() => (window as unknown as { __aifFirstFrame: FrameProbe }).__aifFirstFrame);
    if (probe.clickAt === null || probe.frameAt === null || probe.via === null)
      throw new Error("The click on the play button was not seen by the page.");
    // The key's response reaches us as an event; give it a moment if the frame's message came first.
    // A key fetched before the press (the player preloading) is in the page's resource timings.
    for (let i = 0; i < 20 && !keyFetched; i++) {
      keyFetched = await page.evaluate(() =>
        performance
          .getEntriesByType("resource")
          .some(
            (e) =>
              e.name.includes("/api/keys/") &&
              [200, 0, undefined].includes((e as PerformanceEntry & { responseStatus?: number }).responseStatus),
          ),
      );
      if (!keyFetched) await page.waitForTimeout(100);
    }
    const clickAt = probe.clickAt;
    const preloaded = await page.evaluate((at) => {
      const before = performance
        .getEntriesByType("resource")
        .filter((e) => (e as PerformanceResourceTiming).responseEnd > 0 && (e as PerformanceResourceTiming).responseEnd <= at);
      return before.some((e) => e.name.includes("/api/keys/")) && before.some((e) => /\.(ts|m4s|mp4)(\?|$)/.test(e.name));
    }, clickAt);
    return {
      preloaded,
      ms: probe.frameAt - probe.clickAt,
      via: probe.via,
      atEpochMs: probe.origin + probe.frameAt,
      currentTime: probe.currentTime,
      keyFetched,
    };
  } finally {
    page.off("response", onResponse);
  }
}
