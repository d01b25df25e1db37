// Web benchmark: `npm run bench:web` starts its own platform (`npm start`'s script through
// core/src/platform/launch.ts, on ports 3310/8845 with the build in web/.next-bench, beside a
// developer's platform and the browser tests), drives Debian's Chromium, and measures what a viewer
// and a creator meet. Prints a table (unless --json) and one JSON object on its last line.
//
//   ttffMs                      click on play → first decoded frame (requestVideoFrameCallback) of the
//                               FULL (AES-128) film, for a subscribed viewer (dev wallet #4), pressed as
//                               soon as the player offers the full film; median of --samples fresh
//                               browser contexts (cold cache); target ≤ 1500 ms. ttffSettledMs: the same,
//                               pressed once the page is at network idle (what the player preloads is in)
//   catalogueLighthouse         Lighthouse performance score of `/`, default settings (mobile,
//                               simulated throttling), median of --lighthouse-runs; target ≥ 95 (LCP in catalogueMetrics.lcpMs, target ≤ 2500 ms)
//   catalogueLighthouseDesktop  the same with Lighthouse's desktop preset
//   catalogueLighthouseNoWallet diagnostic: the mobile audit with the scripts that carry wallet code
//                               blocked, to show what the wallet island costs the score
//   catalogueFirstLoadKb        gzip size (node:zlib, kB = 1000 B) of the scripts the server-rendered
//                               HTML of `/` references (<script src>), but for `nomodule` polyfills
//                               (catalogueNoModuleKb: module-capable browsers skip them); target ≤ 150
//   catalogueAllJsKb            gzip size of every script the page loads until network idle (the
//                               islands — wallet — come after the first load)
//   studioLighthouse            Lighthouse performance of `/studio` signed in as a demo creator
//                               (account #10, SIWE session through /api/auth), mobile; target ≥ 85
//   accessibility               Lighthouse accessibility score (mobile) of the catalogue, a film page,
//                               /account (demo viewer #13), /studio (creator #10) and /payouts; target ≥ 95
//   axeSerious                  serious + critical axe-core violations (WCAG 2.1 A/AA) on the same
//                               pages, in a phone-sized window; target 0
//   uploadToPlayableSeconds     a generated 30 s 720p clip uploaded in /studio by dev wallet #6: from
//                               pressing upload to the first frame of the minted full film on its page,
//                               with the breakdown (upload, processing, mint, film page, first frame)
//
// Options: --json, --samples N (TTFF, default 5, at least 3), --lighthouse-runs N (default 3),
// --skip-upload, --only SECTION[,SECTION…] (e.g. --only studioLighthouse), --verbose (echo the platform's output). Exits 1 if a measurement failed (the
// others are still printed) or if Chromium is missing; targets are reported, not enforced.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";
import type { Browser, BrowserContext, Cookie, Page } from "playwright-core";
import type { Hash } from "viem";
import { chromium } from "playwright-core";
import { seriousViolations } from "../../test/helpers/browser/axe.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH, signIn } from "../../test/helpers/browser/chromium.ts";
import { playToFirstFrame, waitForFullFilm } from "../../test/helpers/browser/player.ts";
import { sessionCookieFor } from "../../test/helpers/siweSession.ts";
import { openFilmPage, openStudio, uploadAndMint, type StudioProgress } from "../../test/helpers/browser/studio.ts";
import { connectRpc } from "@ai-films/core/chain";
import { runFfmpeg } from "@ai-films/core/media/tools";
import { account, DEMO_ACCOUNTS, launchPlatform, type LaunchedPlatform } from "@ai-films/core/platform";

const { values } = parseArgs({
  options: {
    json: { type: "boolean" },
    samples: { type: "string" },
    "lighthouse-runs": { type: "string" },
    "skip-upload": { type: "boolean" },
    only: { type: "string" },
    verbose: { type: "boolean" },
  },
});
/** --only a,b: run just these sections (names as in the table: catalogueJs, studioLighthouse, ttff, upload…). */
const ONLY = values.only ? new Set(values.only.split(",").map((s) => s.trim())) : null;
const json = values.json === true;
const SAMPLES = Math.max(3, Number(values.samples ?? 5));
const LH_RUNS = Math.max(1, Number(values["lighthouse-runs"] ?? 3));
const WEB_PORT = 3310;
const RPC_PORT = 8845;
const DIST_DIR = ".next-bench";
const TARGET = {
  ttffMs: 1500,
  catalogueLighthouse: 95,
  catalogueLcpMs: 2500,
  catalogueFirstLoadKb: 150,
  studioLighthouse: 85,
  accessibility: 95,
  axeSerious: 0,
} as const;
const CLIP = { seconds: 30, width: 1280, height: 720 };
const VIEWER = DEMO_ACCOUNTS.devWallets[0]; // #4: subscribes, then watches
const UPLOADER = DEMO_ACCOUNTS.devWallets[2]; // #6: uploads and mints in the studio
const STUDIO_CREATOR = DEMO_ACCOUNTS.creators[0]; // #10: the demo's creator with films, earnings and claims
const CHROME_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--mute-audio",
];
const USD = 1_000_000n;

const started = Date.now();
const log = (message: string) => {
  if (!json) process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
};
const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const kB = (bytes: number) => round(bytes / 1000, 1);
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

// ---------------------------------------------------------------- cleanup, whatever happens
let platform: LaunchedPlatform | undefined;
let browser: Browser | undefined;
const chromes = new Set<chromeLauncher.LaunchedChrome>();
let workDir: string | undefined;
let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const chrome of chromes) {
      try {
        chrome.kill();
      } catch {
        // already gone: nothing left to stop
      }
    }
    await browser?.close().catch(() => undefined);
    if (platform) {
      log("stopping the platform");
      await platform.stop().catch((e) => process.stderr.write(`bench:web: could not stop the platform: ${errorText(e)}\n`));
    }
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  })();
  return cleaning;
}
let launching = false;
let interrupted = false;

/**
 * The platform being launched, before launchPlatform hands it over: our own child running
 * scripts/start.ts, the leader of its process group. Stopping that group makes
 * launchPlatform reject, and it then removes its data directory and deployment itself.
 */
function stopLaunchingPlatform() {
  const leaders: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${process.pid}/task`)) {
      for (const pid of readFileSync(`/proc/${process.pid}/task/${task}/children`, "utf8")
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number)) {
        if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("scripts/start.ts")) leaders.push(pid);
      }
    }
  } catch {
    // no /proc: nothing more we can do than say so below
  }
  if (leaders.length === 0)
    process.stderr.write("bench:web: could not find the platform being launched; check for a leftover scripts/start.ts\n");
  for (const pid of leaders) {
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      // the group has already exited
    }
    setTimeout(() => {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // the group exited after SIGTERM
      }
    }, 1_500).unref();
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130); // a second Ctrl-C: leave now
    interrupted = true;
    process.stderr.write(`bench:web: ${signal}, cleaning up…\n`);
    // While the platform starts, stop its process group; the launch then fails and main() unwinds.
    if (launching) stopLaunchingPlatform();
    else void cleanup().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------- helpers
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

async function newContext(): Promise<BrowserContext> {
  return browser!.newContext({ viewport: { width: 1280, height: 860 } });
}

/** Reloads the server-rendered catalogue until the indexer has all six demo films. */
async function waitForCatalogue(baseUrl: string, timeoutMs = 5 * 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let films = 0;
  while (Date.now() < deadline) {
    const html = await (await fetch(baseUrl)).text().catch(() => "");
    films = new Set([...html.matchAll(/data-film-id="(\d+)"/g)].map((m) => m[1])).size;
    if (films >= 6) return films;
    await new Promise((r) => setTimeout(r, 2_000));
  }
  throw new Error(`the catalogue shows ${films} of the 6 demo films after ${timeoutMs / 1000} s`);
}

// ---------------------------------------------------------------- JavaScript weight
const WALLET_CODE = /WagmiProvider|rainbowkit|@wagmi\/core/i;

interface ScriptWeight {
  url: string;
  gzipBytes: number;
  wallet: boolean;
}

function weigh(url: string, body: Buffer): ScriptWeight {
  return { url, gzipBytes: gzipSync(body).length, wallet: WALLET_CODE.test(body.toString("utf8")) };
}

/**
 * The scripts the server-rendered HTML references. `nomodule` ones (Next's legacy polyfills) are
 * apart: a browser that runs modules — every browser the site supports — neither fetches nor runs them.
 */
async function firstLoadScripts(baseUrl: string): Promise<{ scripts: ScriptWeight[]; noModule: ScriptWeight[] }> {
  const html = await (await fetch(baseUrl)).text();
  const tags = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  const srcOf = (tag: string) => /\ssrc="([^"]+)"/.exec(tag)?.[1].replace(/&amp;/g, "&");
  const isNoModule = (tag: string) => /\snomodule(?:[\s=>]|$)/i.test(tag);
  const weighAll = (list: string[]) =>
    Promise.all(
      list.map(async (src) => {
        const url = new URL(src, baseUrl).toString();
        const res = await fetch(url);
        if (!res.ok) throw new Error(`${url} answered ${res.status}`);
        return weigh(url, Buffer.from(await res.arrayBuffer()));
      }),
    );
  const srcs = [
    ...new Set(
      tags
        .filter((t) => !isNoModule(t))
        .map(srcOf)
        .filter((s): s is string => s !== undefined),
    ),
  ];
  if (srcs.length === 0) throw new Error("the catalogue's HTML references no scripts");
  const legacy = [
    ...new Set(
      tags
        .filter(isNoModule)
        .map(srcOf)
        .filter((s): s is string => s !== undefined),
    ),
  ];
  return { scripts: await weighAll(srcs), noModule: await weighAll(legacy) };
}

async function allScripts(baseUrl: string): Promise<{ scripts: ScriptWeight[]; idle: boolean }> {
  const context = await newContext();
  try {
    const page = await context.newPage();
    const pending: Promise<ScriptWeight | null>[] = [];
    page.on("response", (r) => {
      if (r.request().resourceType() !== "script") return;
      pending.push(
        r
          .body()
          .then((b) => weigh(r.url(), b))
          .catch(() => null),
      );
    });
    await page.goto(baseUrl, { waitUntil: "load" });
    const idle = await page.waitForLoadState("networkidle", { timeout: 30_000 }).then(
      () => true,
      () => false,
    );
    await page.waitForTimeout(1_000); // anything an idle callback starts
    const seen = (await Promise.all(pending)).filter((s): s is ScriptWeight => s !== null);
    return { scripts: [...new Map(seen.map((s) => [s.url, s])).values()], idle };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------- Lighthouse
interface LighthouseMetrics {
  fcpMs: number;
  lcpMs: number;
  tbtMs: number;
  cls: number;
  siMs: number;
}
interface LighthouseRun {
  score: number;
  metrics: LighthouseMetrics;
  costs: string[];
  scripts: string[];
  finalUrl: string;
  version: string;
  load: number;
}
interface LighthouseFigure {
  score: number;
  runs: number[];
  metrics: LighthouseMetrics;
  costs: string[];
  scripts: string[];
  version: string;
  load: number[];
}

interface LighthouseOptions {
  desktop?: boolean;
  headers?: Record<string, string>;
  blocked?: string[];
  expectPath?: string;
}

/**
 * A fresh Chromium for one Lighthouse audit, killed afterwards. handleSIGINT off: chrome-launcher's
 * own handler would exit before the platform is stopped.
 */
async function withAuditChrome<T>(audit: (port: number) => Promise<T>): Promise<T> {
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM_PATH,
    chromeFlags: CHROME_FLAGS,
    logLevel: "silent",
    handleSIGINT: false,
  });
  chromes.add(chrome);
  try {
    return await audit(chrome.port);
  } finally {
    chrome.kill();
    chromes.delete(chrome);
  }
}

async function lighthouseOnce(url: string, options: LighthouseOptions = {}): Promise<LighthouseRun> {
  const load = round(loadavg()[0], 2); // other work on the machine shows in the (simulated) CPU times
  return withAuditChrome(async (port) => {
    const result = await lighthouse(
      url,
      {
        port,
        onlyCategories: ["performance"],
        output: "json",
        logLevel: "error",
        extraHeaders: options.headers,
        blockedUrlPatterns: options.blocked,
      },
      options.desktop ? desktopConfig : undefined,
    );
    if (!result) throw new Error("Lighthouse returned no result");
    const { lhr } = result;
    if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
    const score = lhr.categories.performance?.score;
    if (score === null || score === undefined)
      throw new Error(`Lighthouse gave no performance score (${lhr.runWarnings.join("; ") || "no warning"})`);
    const value = (id: string) => {
      const v = lhr.audits[id]?.numericValue;
      if (typeof v !== "number") throw new Error(`Lighthouse measured no ${id}`);
      return v;
    };
    const metrics = {
      fcpMs: round(value("first-contentful-paint")),
      lcpMs: round(value("largest-contentful-paint")),
      tbtMs: round(value("total-blocking-time")),
      cls: round(value("cumulative-layout-shift"), 3),
      siMs: round(value("speed-index")),
    };
    // What Lighthouse flags as costing the most: failing audits by their estimated savings.
    const metricIds = new Set(lhr.categories.performance.auditRefs.filter((r) => r.group === "metrics").map((r) => r.id));
    const costs = lhr.categories.performance.auditRefs
      .map((r) => lhr.audits[r.id])
      .filter((a) => a && !metricIds.has(a.id) && a.score !== null && a.score < 0.9)
      .map((a) => {
        const s = a.metricSavings ?? {};
        const saving = (s.LCP ?? 0) + (s.FCP ?? 0) + (s.TBT ?? 0) + (s.CLS ?? 0) * 1000;
        const overall = (a.details as { overallSavingsMs?: number } | undefined)?.overallSavingsMs ?? 0;
        return { text: `${a.title}${a.displayValue ? ` (${a.displayValue})` : ""}`, weight: Math.max(saving, overall) };
      })
      .sort((x, y) => y.weight - x.weight)
      .slice(0, 3)
      .map((c) => c.text);
    // Where the main thread's time went, per script (the bootup-time audit, observed, unthrottled).
    const bootup =
      (lhr.audits["bootup-time"]?.details as { items?: Array<{ url: string; total: number; scripting: number }> } | undefined)?.items ?? [];
    const scripts = bootup
      .filter((i) => /^https?:/.test(i.url))
      .sort((a, b) => b.total - a.total)
      .slice(0, 3)
      .map(
        (i) =>
          `${new URL(i.url).pathname.split("/").pop() || `${new URL(i.url).pathname} (document)`} ${round(i.total)} ms CPU (${round(i.scripting)} ms scripting)`,
      );
    return {
      score: Math.round(score * 100),
      metrics,
      costs,
      scripts,
      finalUrl: lhr.finalDisplayedUrl,
      version: lhr.lighthouseVersion,
      load,
    };
  });
}

async function lighthouseMedian(label: string, url: string, options: LighthouseOptions = {}): Promise<LighthouseFigure> {
  const runs: LighthouseRun[] = [];
  for (let i = 0; i < LH_RUNS; i++) {
    const run = await lighthouseOnce(url, options);
    if (options.expectPath && new URL(run.finalUrl).pathname !== options.expectPath) {
      throw new Error(`Lighthouse audited ${run.finalUrl}, not ${options.expectPath}`);
    }
    log(`  ${label} run ${i + 1}/${LH_RUNS}: ${run.score}`);
    runs.push(run);
  }
  const byScore = [...runs].sort((a, b) => a.score - b.score);
  const mid = byScore[Math.floor((byScore.length - 1) / 2)];
  return {
    score: mid.score,
    runs: runs.map((r) => r.score),
    metrics: mid.metrics,
    costs: mid.costs,
    scripts: mid.scripts,
    version: mid.version,
    load: runs.map((r) => r.load),
  };
}

/** Lighthouse's accessibility category (deterministic: one run) and the audits it failed. */
async function lighthouseAccessibility(
  url: string,
  headers?: Record<string, string>,
): Promise<{ score: number; failed: string[]; finalUrl: string }> {
  return withAuditChrome(async (port) => {
    const result = await lighthouse(url, {
      port,
      onlyCategories: ["accessibility"],
      output: "json",
      logLevel: "error",
      extraHeaders: headers,
    });
    if (!result) throw new Error("Lighthouse returned no result");
    const { lhr } = result;
    if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
    const score = lhr.categories.accessibility?.score;
    if (score === null || score === undefined) throw new Error("Lighthouse gave no accessibility score");
    const failed = lhr.categories.accessibility.auditRefs
      .map((r) => lhr.audits[r.id])
      .filter((a) => a && a.score !== null && a.score < 1)
      .map((a) => a.id);
    return { score: Math.round(score * 100), failed, finalUrl: lhr.finalDisplayedUrl };
  });
}

// ---------------------------------------------------------------- the measurements
interface Figures {
  [key: string]: unknown;
}
const figures: Figures = {};
let walletScripts: string[] = []; // the catalogue's scripts with wallet code, found by the JS weight section
const errors: Record<string, string> = {};

async function section(name: string, fn: () => Promise<void>) {
  if (ONLY && !ONLY.has(name)) return;
  try {
    await fn();
  } catch (e) {
    errors[name] = errorText(e);
    log(`✗ ${name} failed: ${errorText(e)}`);
  }
}

async function main() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.`);
  }
  for (const port of [WEB_PORT, RPC_PORT, RPC_PORT + 1]) {
    if (!(await portFree(port)))
      throw new Error(
        `port ${port} is in use (another bench:web still running?); the benchmark needs ${WEB_PORT}, ${RPC_PORT} and ${RPC_PORT + 1}.`,
      );
  }
  const cpuList = cpus();
  figures.machine = {
    cpus: cpuList.length,
    model: cpuList[0]?.model.trim() ?? "?",
    memoryGB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
  };

  log(`starting the platform on :${WEB_PORT} (chain :${RPC_PORT}, build web/${DIST_DIR}); the first run builds the web app`);
  launching = true;
  try {
    platform = await launchPlatform({ webPort: WEB_PORT, rpcPort: RPC_PORT, distDir: DIST_DIR, verbose: values.verbose === true });
  } finally {
    launching = false;
  }
  if (interrupted) throw new Error("interrupted");
  const base = platform.baseUrl;
  figures.platformReadySeconds = round((Date.now() - started) / 1000);
  log(`platform ready at ${base}; waiting for the indexer to list the demo films`);
  await waitForCatalogue(base);
  // launchChromium's browser, but without playwright's own Ctrl-C handler: that one closes the
  // browser and exits at once, before the platform (its own process group) is stopped.
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  (figures.machine as Record<string, unknown>).chromium = browser.version();

  await section("catalogueJs", async () => {
    log("catalogue JavaScript: first load and everything until network idle");
    const { scripts: first, noModule } = await firstLoadScripts(base);
    const { scripts: all, idle } = await allScripts(base);
    if (!idle) log("  the catalogue never reached network idle (a request stayed open): counted the scripts of its first 30 s");
    figures.catalogueReachedNetworkIdle = idle;
    const sum = (xs: ScriptWeight[]) => xs.reduce((s, x) => s + x.gzipBytes, 0);
    figures.catalogueFirstLoadKb = kB(sum(first));
    figures.catalogueFirstLoadFiles = first.length;
    figures.catalogueNoModuleKb = kB(sum(noModule)); // legacy polyfills: not loaded by module-capable browsers
    figures.catalogueFirstLoadWalletFiles = first.filter((s) => s.wallet).length;
    figures.catalogueAllJsKb = kB(sum(all));
    figures.catalogueAllJsFiles = all.length;
    figures.catalogueAllJsWalletKb = kB(sum(all.filter((s) => s.wallet)));
    walletScripts = all.filter((s) => s.wallet).map((s) => s.url);
  });

  await section("catalogueLighthouse", async () => {
    // Warm the server's caches (catalogue queries) the way any earlier visitor would have.
    for (let i = 0; i < 2; i++) await fetch(base).then((r) => r.text());
    log(`Lighthouse on / (mobile, default settings) × ${LH_RUNS}`);
    const mobile = await lighthouseMedian("catalogue mobile", `${base}/`, { expectPath: "/" });
    figures.catalogueLighthouse = mobile.score;
    figures.catalogueLighthouseRuns = mobile.runs;
    figures.catalogueMetrics = mobile.metrics;
    figures.catalogueLighthouseCosts = mobile.costs;
    figures.catalogueLighthouseScripts = mobile.scripts;
    figures.catalogueLighthouseLoadAvg = mobile.load;
    figures.lighthouseVersion = mobile.version;
  });
  await section("catalogueLighthouseDesktop", async () => {
    log(`Lighthouse on / (desktop preset) × ${LH_RUNS}`);
    const desktop = await lighthouseMedian("catalogue desktop", `${base}/`, { desktop: true, expectPath: "/" });
    figures.catalogueLighthouseDesktop = desktop.score;
    figures.catalogueLighthouseDesktopRuns = desktop.runs;
    figures.catalogueDesktopMetrics = desktop.metrics;
    figures.catalogueLighthouseDesktopLoadAvg = desktop.load;
  });
  await section("catalogueLighthouseNoWallet", async () => {
    // Diagnostic: the same mobile audit with the wallet island's scripts blocked (the page still
    // renders; only "Connect wallet" stays a placeholder), to show what the island costs.
    if (walletScripts.length === 0) return;
    log(`Lighthouse on / (mobile) with the ${walletScripts.length} wallet script(s) blocked × ${LH_RUNS}`);
    const blocked = await lighthouseMedian("catalogue mobile, wallet blocked", `${base}/`, { blocked: walletScripts, expectPath: "/" });
    figures.catalogueLighthouseNoWallet = blocked.score;
    figures.catalogueLighthouseNoWalletRuns = blocked.runs;
    figures.catalogueNoWalletMetrics = blocked.metrics;
    figures.catalogueLighthouseNoWalletLoadAvg = blocked.load;
  });

  await section("studioLighthouse", async () => {
    const creator = account(STUDIO_CREATOR);
    log(`Lighthouse on /studio signed in as creator #${STUDIO_CREATOR} (${creator.address}) × ${LH_RUNS}`);
    const cookie = await sessionCookieFor(base, creator);
    // The audited page must be the signed-in studio, not the signed-out invitation.
    const html = await (await fetch(`${base}/studio`, { headers: { Cookie: cookie } })).text();
    const address =
      /data-testid="studio-page"[^>]*data-address="(0x[0-9a-fA-F]{40})"|data-address="(0x[0-9a-fA-F]{40})"[^>]*data-testid="studio-page"/.exec(
        html,
      );
    const who = address?.[1] ?? address?.[2];
    if (!who || who.toLowerCase() !== creator.address.toLowerCase() || !html.includes('data-testid="studio-upload"')) {
      throw new Error(
        `with the session cookie, /studio is not the signed-in studio of ${creator.address} (${html.includes("studio-signed-out") ? "signed out" : "no studio-page/studio-upload"})`,
      );
    }
    const studio = await lighthouseMedian("studio mobile", `${base}/studio`, { headers: { Cookie: cookie }, expectPath: "/studio" });
    // Still the same session afterwards (Lighthouse sent the cookie on every request, nothing revoked it).
    const after = await fetch(`${base}/api/auth/session`, { headers: { Cookie: cookie } });
    if (!after.ok) throw new Error(`the creator's session was gone after the Lighthouse runs (${after.status})`);
    figures.studioLighthouse = studio.score;
    figures.studioLighthouseRuns = studio.runs;
    figures.studioMetrics = studio.metrics;
    figures.studioLighthouseCosts = studio.costs;
    figures.studioLighthouseScripts = studio.scripts;
    figures.studioLighthouseLoadAvg = studio.load;
  });

  await section("accessibility", async () => {
    // The five pages of issue 17, as the browser suite's screens test opens them.
    const html = await (await fetch(base)).text();
    const id = /data-film-id="(\d+)"/.exec(html)?.[1];
    if (!id) throw new Error("the catalogue lists no film");
    const viewerCookie = await sessionCookieFor(base, account(DEMO_ACCOUNTS.viewers[0]));
    const creatorCookie = await sessionCookieFor(base, account(STUDIO_CREATOR));
    const pages: { name: string; path: string; cookie?: string }[] = [
      { name: "catalogue", path: "/" },
      { name: "film", path: `/films/${id}`, cookie: viewerCookie },
      { name: "account", path: "/account", cookie: viewerCookie },
      { name: "studio", path: "/studio", cookie: creatorCookie },
      { name: "payouts", path: "/payouts" },
    ];
    const scores: Record<string, number> = {};
    const failedAudits: Record<string, string[]> = {};
    const axe: Record<string, number> = {};
    const axeRules: Record<string, string[]> = {};
    for (const page of pages) {
      log(`accessibility of ${page.path} (Lighthouse, axe-core)`);
      const lh = await lighthouseAccessibility(`${base}${page.path}`, page.cookie ? { Cookie: page.cookie } : undefined);
      if (new URL(lh.finalUrl).pathname !== page.path) throw new Error(`Lighthouse audited ${lh.finalUrl}, not ${page.path}`);
      scores[page.name] = lh.score;
      if (lh.failed.length > 0) failedAudits[page.name] = lh.failed;
      const context = await browser!.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      try {
        if (page.cookie) {
          const [name, ...rest] = page.cookie.split("=");
          await context.addCookies([{ name: name!, value: rest.join("="), url: base }]);
        }
        const tab = await context.newPage();
        await tab.goto(`${base}${page.path}`, { waitUntil: "networkidle", timeout: 60_000 });
        const found = await seriousViolations(tab);
        axe[page.name] = found.length;
        if (found.length > 0) axeRules[page.name] = found.map((f) => `${f.id} (${f.impact})`);
      } finally {
        await context.close();
      }
    }
    figures.accessibility = scores;
    figures.accessibilityFailedAudits = failedAudits;
    figures.axeSerious = Object.values(axe).reduce((a, b) => a + b, 0);
    figures.axeSeriousByPage = axe;
    if (Object.keys(axeRules).length > 0) figures.axeSeriousRules = axeRules;
  });

  await section("ttff", async () => {
    // Entitle dev wallet #4 on the chain: test dollars from the faucet, approve, one month's subscription.
    const market = /FilmMarket (0x[0-9a-fA-F]{40})/.exec(platform!.output())?.[1];
    if (!market) throw new Error("the platform's output names no FilmMarket address");
    const ctx = await connectRpc({ rpcUrl: platform!.rpcUrl, market });
    const viewer = account(VIEWER);
    const contracts = ctx.contractsFor(viewer);
    const mined = async (what: string, sent: Promise<Hash>) => {
      const receipt = await ctx.publicClient.waitForTransactionReceipt({ hash: await sent });
      if (receipt.status !== "success") throw new Error(`${what} reverted`);
    };
    const monthly = await contracts.market.read.monthlyPrice();
    log(`TTFF: subscribing dev wallet #${VIEWER} (${viewer.address}) on the chain`);
    await mined("faucet", contracts.token.write.faucet([100n * USD]));
    await mined("approve", contracts.token.write.approve([ctx.market, monthly]));
    await mined("subscribe", contracts.market.write.subscribe([1n, monthly]));

    // Sign in through the page (dev wallet, SIWE), then reuse the session in fresh contexts.
    const signing = await newContext();
    let cookies: Cookie[];
    let filmUrl: string;
    let title: string;
    try {
      const page = await signing.newPage();
      await page.goto(base);
      const card = page.getByTestId("film-card").filter({ hasText: "Mandelbrot Descent" }).first();
      const chosen = (await card.count()) > 0 ? card : page.getByTestId("film-card").first();
      const filmId = await chosen.getAttribute("data-film-id");
      title = (await chosen.getByTestId("film-title").innerText()).trim();
      filmUrl = `${base}/films/${filmId}`;
      await page.goto(filmUrl);
      await signIn(page, VIEWER);
      cookies = await signing.cookies(base);
    } finally {
      await signing.close();
    }
    figures.ttffFilm = title;
    // Each sample: a fresh context (cold cache) with the viewer's session; play as soon as the
    // player offers the full film ("ready"), and — for comparison — once the page is settled
    // (network idle: whatever the player loads before play is loaded).
    const sample = async (settled: boolean) => {
      const context = await newContext();
      try {
        await context.addCookies(cookies);
        const page = await context.newPage();
        await page.goto(filmUrl);
        await page
          .waitForFunction(
            () => document.querySelector('[data-testid="access-status"]')?.getAttribute("data-access") === "subscription",
            null,
            { timeout: 30_000 },
          )
          .catch(async () => {
            const access = await page
              .getByTestId("access-status")
              .getAttribute("data-access")
              .catch(() => null);
            throw new Error(`the film page does not see the subscription (access: ${access})`);
          });
        await waitForFullFilm(page);
        if (settled) await page.waitForLoadState("networkidle", { timeout: 15_000 }).catch(() => undefined);
        const frame = await playToFirstFrame(page);
        if (!frame.keyFetched) throw new Error("the full film played without its key being fetched: not the encrypted film?");
        return { ms: round(frame.ms), via: frame.via, preloaded: frame.preloaded };
      } finally {
        await context.close();
      }
    };
    const ready: number[] = [];
    const settled: number[] = [];
    let preloaded = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const r = await sample(false);
      ready.push(r.ms);
      if (r.preloaded) preloaded++;
      const s = await sample(true);
      settled.push(s.ms);
      log(
        `  TTFF sample ${i + 1}/${SAMPLES}: ${r.ms} ms at once${r.preloaded ? " (key and first segment already loaded)" : ""}, ${s.ms} ms on a settled page (${r.via})`,
      );
    }
    figures.ttffPreloadedSamples = preloaded;
    figures.ttffMs = round(median(ready));
    figures.ttffSamplesMs = ready;
    figures.ttffSettledMs = round(median(settled));
    figures.ttffSettledSamplesMs = settled;
  });

  if (values["skip-upload"]) return;
  await section("upload", async () => {
    workDir = mkdtempSync(join(tmpdir(), "ai-films-bench-web-"));
    const clip = join(workDir, "bench-clip.mp4");
    log(`upload: generating a ${CLIP.seconds} s ${CLIP.width}x${CLIP.height} clip`);
    await runFfmpeg([
      "-nostdin",
      "-y",
      "-v",
      "error",
      "-f",
      "lavfi",
      "-i",
      `testsrc2=size=${CLIP.width}x${CLIP.height}:rate=25:duration=${CLIP.seconds}`,
      "-f",
      "lavfi",
      "-i",
      `sine=frequency=440:sample_rate=48000:duration=${CLIP.seconds}`,
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-pix_fmt",
      "yuv420p",
      "-c:a",
      "aac",
      "-shortest",
      `file:${clip}`,
    ]);
    figures.clip = `${CLIP.seconds}s ${CLIP.width}x${CLIP.height}, ${round(statSync(clip).size / 1e6, 1)} MB`;

    const context = await newContext();
    try {
      const page: Page = await context.newPage();
      await page.goto(`${base}/studio`);
      log(`upload: signing in dev wallet #${UPLOADER} in the studio`);
      await signIn(page, UPLOADER);
      await openStudio(page, base);
      log("upload: uploading, processing and minting through the studio page");
      let lastStage = "";
      const result = await uploadAndMint(page, {
        file: clip,
        title: `Benchmark upload ${new Date().toISOString().slice(0, 19)}`,
        description: "A generated test pattern uploaded by npm run bench:web.",
        genre: "Benchmark",
        aiTools: ["ffmpeg testsrc2"],
        priceDollars: "1.00",
        onProgress: (percent: number, p: StudioProgress) => {
          if (p.stage && p.stage !== lastStage) log(`  stage ${p.stage} (${percent} % overall)`);
          lastStage = p.stage ?? lastStage;
        },
      });
      log(`upload: minted film #${result.filmId}; opening its page as the owner`);
      await openFilmPage(page, base, result.filmId, { access: "owner", timeoutMs: 120_000 });
      await waitForFullFilm(page);
      const pageReadyAtMs = Date.now();
      const frame = await playToFirstFrame(page);
      if (!frame.keyFetched) throw new Error("the minted film played without its key being fetched");
      figures.uploadToPlayableSeconds = round((frame.atEpochMs - result.startedAtMs) / 1000, 1);
      figures.uploadBreakdownSeconds = {
        upload: round(result.uploadSeconds, 1),
        processing: round(result.processingSeconds, 1),
        mint: round(result.mintSeconds, 1),
        toFirstFrame: round((frame.atEpochMs - result.mintedAtMs) / 1000, 1),
        filmPage: round((pageReadyAtMs - result.mintedAtMs) / 1000, 1),
        firstFrame: round((frame.atEpochMs - pageReadyAtMs) / 1000, 1),
      };
      figures.uploadServerStageSeconds = Object.fromEntries(
        Object.entries(result.serverStageSeconds).map(([k, v]) => [k, round(v ?? 0, 1)]),
      );
      figures.uploadFilmId = result.filmId;
    } finally {
      await context.close();
    }
  });
}

function printTable() {
  const check = (ok: boolean) => (ok ? "✓" : "✗");
  const num = (key: string) => (typeof figures[key] === "number" ? (figures[key] as number) : null);
  const rows: Array<[string, string]> = [];
  const machine = figures.machine as { cpus: number; model: string; memoryGB: number; chromium?: string; node: string } | undefined;
  if (machine)
    rows.push([
      "machine",
      `${machine.cpus} CPUs, ${machine.model}, ${machine.memoryGB} GB, Node ${machine.node}, Chromium ${machine.chromium ?? "?"}`,
    ]);
  if (figures.platformReadySeconds !== undefined)
    rows.push(["platform ready", `${figures.platformReadySeconds} s (chain, deploy, demo, web build)`]);

  const ttff = num("ttffMs");
  rows.push([
    "TTFF, full film",
    ttff === null ? `failed: ${errors.ttff}` : `${ttff} ms median (target ≤ ${TARGET.ttffMs} ms) ${check(ttff <= TARGET.ttffMs)}`,
  ]);
  if (figures.ttffSamplesMs) {
    rows.push([
      "  samples",
      `${(figures.ttffSamplesMs as number[]).join(", ")} ms — "${figures.ttffFilm}", cold cache, play as soon as offered`,
    ]);
    rows.push([
      "",
      `${figures.ttffPreloadedSamples} of ${(figures.ttffSamplesMs as number[]).length} had the key and a segment loaded before the press (the player preloads)`,
    ]);
    rows.push([
      "  on a settled page",
      `${figures.ttffSettledMs} ms median — ${(figures.ttffSettledSamplesMs as number[]).join(", ")} ms (play after network idle)`,
    ]);
  }

  const metricsRow = (m: LighthouseMetrics) =>
    `FCP ${(m.fcpMs / 1000).toFixed(1)} s, LCP ${(m.lcpMs / 1000).toFixed(1)} s, TBT ${m.tbtMs} ms, CLS ${m.cls}, SI ${(m.siMs / 1000).toFixed(1)} s`;
  const lh = (label: string, key: string, target: number | null, metricsKey: string, detailPrefix: string | null) => {
    const score = num(key);
    if (score === null) {
      rows.push([label, `failed: ${errors[key] ?? "not measured"}`]);
      return;
    }
    const load = (figures[`${key}LoadAvg`] as number[] | undefined)?.join(", ");
    rows.push([
      label,
      `${score}${target === null ? "" : ` (target ≥ ${target}) ${check(score >= target)}`} — runs ${(figures[`${key}Runs`] as number[]).join(", ")}${load ? ` (load avg ${load})` : ""}`,
    ]);
    if (figures[metricsKey]) rows.push(["  metrics", metricsRow(figures[metricsKey] as LighthouseMetrics)]);
    for (const [i, cost] of ((detailPrefix && (figures[`${detailPrefix}Costs`] as string[])) || []).entries())
      rows.push([i === 0 ? "  biggest costs" : "", cost]);
    for (const [i, script] of ((detailPrefix && (figures[`${detailPrefix}Scripts`] as string[])) || []).entries())
      rows.push([i === 0 ? "  busiest scripts" : "", script]);
  };
  lh("Lighthouse /, mobile", "catalogueLighthouse", TARGET.catalogueLighthouse, "catalogueMetrics", "catalogueLighthouse");
  lh("Lighthouse /, desktop", "catalogueLighthouseDesktop", null, "catalogueDesktopMetrics", null);
  if (figures.catalogueLighthouseNoWallet !== undefined || errors.catalogueLighthouseNoWallet) {
    lh("  …mobile, wallet JS blocked", "catalogueLighthouseNoWallet", null, "catalogueNoWalletMetrics", null);
  }
  lh("Lighthouse /studio, mobile", "studioLighthouse", TARGET.studioLighthouse, "studioMetrics", "studioLighthouse");
  const lcp = (figures.catalogueMetrics as LighthouseMetrics | undefined)?.lcpMs;
  if (lcp !== undefined)
    rows.push(["catalogue LCP, mobile", `${lcp} ms (target ≤ ${TARGET.catalogueLcpMs} ms) ${check(lcp <= TARGET.catalogueLcpMs)}`]);
  if (figures.accessibility) {
    for (const [name, score] of Object.entries(figures.accessibility as Record<string, number>)) {
      const failed = (figures.accessibilityFailedAudits as Record<string, string[]>)[name];
      rows.push([
        `accessibility ${name}`,
        `${score} (target ≥ ${TARGET.accessibility}) ${check(score >= TARGET.accessibility)}${failed ? ` — failed: ${failed.join(", ")}` : ""}`,
      ]);
    }
    const axeCount = figures.axeSerious as number;
    rows.push([
      "axe-core serious/critical",
      `${axeCount} (target 0) ${check(axeCount === 0)}${figures.axeSeriousRules ? ` — ${JSON.stringify(figures.axeSeriousRules)}` : ""}`,
    ]);
  } else if (errors.accessibility) rows.push(["accessibility", `failed: ${errors.accessibility}`]);

  if (num("catalogueFirstLoadKb") !== null) {
    rows.push([
      "catalogue first-load JS",
      `${figures.catalogueFirstLoadKb} kB gzip in ${figures.catalogueFirstLoadFiles} files (${figures.catalogueFirstLoadWalletFiles} with wallet code; nomodule polyfills ${figures.catalogueNoModuleKb} kB apart) (target ≤ ${TARGET.catalogueFirstLoadKb} kB) ${check((figures.catalogueFirstLoadKb as number) <= TARGET.catalogueFirstLoadKb)}`,
    ]);
    rows.push([
      "catalogue JS to idle",
      `${figures.catalogueAllJsKb} kB gzip in ${figures.catalogueAllJsFiles} files (wallet code ${figures.catalogueAllJsWalletKb} kB, loaded after the page)${figures.catalogueReachedNetworkIdle ? "" : "; no network idle in 30 s"}`,
    ]);
  } else rows.push(["catalogue JS", `failed: ${errors.catalogueJs}`]);

  const up = num("uploadToPlayableSeconds");
  if (up !== null) {
    const b = figures.uploadBreakdownSeconds as Record<string, number>;
    rows.push(["upload → playable", `${up} s for ${figures.clip} (film #${figures.uploadFilmId})`]);
    rows.push(["  upload (tus, to 100 %)", `${b.upload} s`]);
    rows.push([
      "  processing",
      `${b.processing} s (server: ${
        Object.entries(figures.uploadServerStageSeconds as Record<string, number>)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ") || "n/a"
      })`,
    ]);
    rows.push(["  mint (wallet → receipt)", `${b.mint} s`]);
    rows.push(["  to first frame", `${b.toFirstFrame} s (indexer + film page ${b.filmPage} s, play → frame ${b.firstFrame} s)`]);
  } else if (!values["skip-upload"]) rows.push(["upload → playable", `failed: ${errors.upload ?? "not measured"}`]);

  const widest = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(widest)}  ${v}\n`);
}

let exitCode = 0;
try {
  await main();
} catch (e) {
  errors.fatal = interrupted ? "interrupted" : errorText(e);
  process.stderr.write(`bench:web: ${errors.fatal}\n`);
  exitCode = 1;
} finally {
  await cleanup();
}
if (Object.keys(errors).length > 0) exitCode = 1;
if (interrupted) exitCode = 130;
if (!interrupted && (!errors.fatal || figures.machine)) {
  figures.target = TARGET;
  if (Object.keys(errors).length > 0) figures.errors = errors;
  if (!json && !errors.fatal) printTable();
  process.stdout.write(JSON.stringify(figures) + "\n");
}
process.exit(exitCode);
