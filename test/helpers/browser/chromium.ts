// Debian's Chromium driven by playwright-core, and the steps a person takes on the platform that
// both the browser tests and the web benchmark need: connect the dev wallet and sign in, play,
// buy. They wait for what the page shows, not for fixed times, except where React hydration
// forces a pause (noted below).
import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--autoplay-policy=no-user-gesture-required",
  "--mute-audio",
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

const cspViolationsSeen: string[] = [];

/**
 * Records every Content-Security-Policy violation the context's pages report: Chromium logs each
 * to the console ("Refused to … because it violates the following Content Security Policy
 * directive"), and the page fires `securitypolicyviolation`, logged here for report-only cases.
 */
export async function recordCspViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} (Content Security Policy)`),
    );
  });
  context.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolationsSeen.push(`${message.location().url}: ${message.text()}`);
  });
}

/** The violations recorded so far in any context (see recordCspViolations). */
export function cspViolations(): readonly string[] {
  return [...cspViolationsSeen];
}

/** Connects the dev wallet with Hardhat account #devAccount and signs in with SIWE. */
export async function signIn(page: Page, devAccount: number): Promise<void> {
  const signInButton = page.getByTestId("sign-in");
  const session = page.getByTestId("session-status");
  const select = page.getByTestId("dev-wallet-select");
  // The header's wallet code loads when the visitor reaches for it: point at it, as a person would.
  // On a slow machine the pointer can arrive before React has hydrated the area: point again.
  for (let attempt = 0; ; attempt++) {
    await page.mouse.move(0, 0);
    await page.getByTestId("wallet-area").first().hover();
    const shown = await select.waitFor({ timeout: 10_000 }).then(
      () => true,
      () => false,
    );
    if (shown) break;
    if (attempt === 5) throw new Error("The dev wallet selector never appeared after pointing at the wallet area six times.");
  }
  await page.waitForTimeout(2_000); // a choice made before React hydrates the wallet island is lost
  for (let attempt = 0; attempt < 10 && !(await signInButton.isVisible()) && !(await session.isVisible()); attempt++) {
    if ((await select.isVisible()) && (await select.isEnabled())) {
      await select.selectOption(""); // React only sees a change from what it last saw
      await select.selectOption(`dev-wallet-${devAccount}`);
    }
    await page.waitForTimeout(1_500);
  }
  if (!(await session.isVisible())) await signInButton.click();
  await session.waitFor({ timeout: 30_000 });
}

export async function videoTime(page: Page): Promise<number> {
  return page.evaluate(() => document.querySelector("video")?.currentTime ?? 0);
}

/** Presses play and waits until the video has played past `seconds`. */
export async function playUntil(page: Page, seconds: number, timeoutMs = 60_000): Promise<void> {
  await page.getByTestId("play-button").click();
  await page.waitForFunction((s) => (document.querySelector("video")?.currentTime ?? 0) > s, seconds, { timeout: timeoutMs });
}

export type PurchaseOutcome = { ok: true } | { ok: false; kind: string | null; text: string };

/** Waits for the purchase panel's verdict; an error comes back with its kind and message. */
export async function purchaseOutcome(page: Page, timeoutMs = 90_000): Promise<PurchaseOutcome> {
  const success = page.getByTestId("purchase-success");
  const error = page.getByTestId("purchase-error");
  // On a film page a purchase that lands flips the server-rendered access status (and the refreshed
  // page drops the purchase panel, success message and all): that is a success too.
  const entitled = page.waitForFunction(
    () => {
      const access = document.querySelector('[data-testid="access-status"]')?.getAttribute("data-access");
      return access !== undefined && access !== null && access !== "none";
    },
    null,
    { timeout: timeoutMs },
  );
  const waiters = [success.waitFor({ timeout: timeoutMs }), error.waitFor({ timeout: timeoutMs }), entitled];
  for (const w of waiters) w.catch(() => undefined); // the losers time out later, unobserved
  try {
    await Promise.race(waiters);
  } catch {
    // Say where it stopped: the panel's last words (e.g. "Waiting for the transaction…").
    const panel = await page
      .getByTestId("purchase-panel")
      .innerText({ timeout: 2_000 })
      .catch(() => "(no purchase panel)");
    throw new Error(`No purchase verdict after ${timeoutMs / 1000} s; the panel says: ${panel.replace(/\s+/g, " ").trim()}`);
  }
  if ((await success.isVisible()) || (await isEntitled(page))) return { ok: true };
  // An error can be replaced by the next attempt's progress: read it without waiting.
  const kind = await error.getAttribute("data-kind", { timeout: 2_000 }).catch(() => null);
  const text = await error.innerText({ timeout: 2_000 }).catch(() => "");
  if (kind === null) return purchaseOutcome(page, timeoutMs);
  return { ok: false, kind, text };
}

async function isEntitled(page: Page): Promise<boolean> {
  const access = await page
    .getByTestId("access-status")
    .getAttribute("data-access", { timeout: 1_000 })
    .catch(() => null);
  return access !== null && access !== "none";
}

/**
 * Buys as the page's viewer. A viewer without test dollars is told so ("funds") and offered the
 * faucet: take it, wait for the faucet's confirmation, and buy again.
 */
export async function purchase(page: Page, button: "subscribe" | "buy-view"): Promise<void> {
  await page.getByTestId(button).click();
  let outcome = await purchaseOutcome(page);
  if (!outcome.ok && outcome.kind === "funds") {
    await page.getByTestId("faucet").click();
    await page.getByTestId("faucet-success").waitFor({ timeout: 60_000 });
    await page.getByTestId(button).click();
    outcome = await purchaseOutcome(page);
  }
  if (!outcome.ok) throw new Error(`${button} failed (${outcome.kind}): ${outcome.text}`);
}
