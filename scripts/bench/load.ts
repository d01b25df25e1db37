// Load benchmark: `npm run bench:load` starts a throwaway PostgreSQL server (as the tests do) and
// the whole platform on it (`npm start`'s script through core/src/platform/launch.ts, web on 4310,
// chain on 4345, build in web/.next-load, data in a temp dir), signs in generated viewers through
// /api/auth (real SIWE), subscribes them on the local chain in batched blocks, and drives the
// production web server with autocannon. Prints a table (unless --json) and one JSON object on its last line.
//
//   viewers         N: the most viewers whose heartbeats (one per viewer every 10 s, the player's
//                   rhythm, multiplexed over keep-alive connections) kept p99 ≤ 250 ms without
//                   errors in the ramp (100, 250, 500, 1k, 2k, 4k, 8k, 15k … --max-viewers)
//   beatsPerSecond  answered heartbeats per second, sustained for --duration s at N viewers
//   p50Ms, p99Ms    heartbeat latency in that run
//   errors          heartbeats not answered 200 (connection errors, timeouts, other statuses), all runs
//                   (a 10 s warm-up at the first step, the ramp, the sustained run)
//   lostSeconds     seconds in the ledger (view_counters, read from PostgreSQL after the runs) minus the
//                   seconds the answered heartbeats reported as credited (addedSeconds): must be 0
//   catalogueRps    `/` answered per second by the server alone, 8 connections, 10 s, after the runs
// During every heartbeat run, catalogue and film pages are also requested (--page-rate per second).
//
// Every figure is measured once per WEB_WORKERS setting (--workers, default "1,2"), each on a platform
// started afresh; the headline keys are the best sustained run's, and byWorkers lists them all.
//
// Options: --workers LIST (default 1,2), --duration S (default 60), --max-viewers N (default 15,000),
// --step-seconds S (ramp steps, default 15), --page-rate N (default 10), --json, --verbose (echo
// the platform's output). The build in web/.next-load is reused while its sources are unchanged.
// Targets are reported, not enforced.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg, cpus } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { encodeFunctionData, type Address, type Hex, type LocalAccount } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { connectRpc, filmMarketAbi, testDollarAbi } from "@ai-films/core/chain";
import { openDatabase } from "@ai-films/core/db";
import { generateSessionKey, heartbeatKeyTypedData, signReceipt } from "@ai-films/core/receipts";
import { launchPlatform, LOCAL_CHAIN_ID, type LaunchedPlatform } from "@ai-films/core/platform";
import { startPostgresOnce, stopPostgres } from "../../test/helpers/postgres.ts";
import { sessionCookieFor } from "../../test/helpers/siweSession.ts";

const { values } = parseArgs({
  options: {
    json: { type: "boolean" },
    duration: { type: "string" },
    "max-viewers": { type: "string" },
    "step-seconds": { type: "string" },
    "page-rate": { type: "string" },
    verbose: { type: "boolean" },
    workers: { type: "string" },
  },
});
const json = values.json === true;
const positive = (name: string, raw: string | undefined, fallback: number) => {
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`--${name} must be a positive integer, got ${raw}`);
  return n;
};
const DURATION = positive("duration", values.duration, 60);
const MAX_VIEWERS = positive("max-viewers", values["max-viewers"], 15_000);
const STEP_SECONDS = positive("step-seconds", values["step-seconds"], 15);
/** 0: heartbeats alone (what one beat costs the web tier). */
const PAGE_RATE = values["page-rate"] === "0" ? 0 : positive("page-rate", values["page-rate"], 10);
/** WEB_WORKERS of each run, in order: the platform is started afresh for each. */
const WORKER_COUNTS = (values.workers ?? "1,2").split(",").map((w) => positive("workers", w.trim(), 1));
const WEB_PORT = 4310;
const RPC_PORT = 4345;
const DIST_DIR = ".next-load";
const BEAT_INTERVAL_SECONDS = 10;
const TARGET = { beatsPerSecond: 1_500, p99Ms: 250, lostSeconds: 0 } as const;
const WARM_UP_SECONDS = 10;
const RAMP = [100, 250, 500, 1_000, 2_000, 4_000, 8_000, 15_000];
/** Generous fixed gas limits: the transactions are signed before the earlier ones are mined, so nothing can be estimated. */
const GAS = 300_000n;
const MAX_FEE = 1_000_000_000_000n; // 1,000 gwei: above any base fee the full blocks can push it to
const RPC_BATCH = 500;

const started = Date.now();
const log = (message: string) => {
  if (!json) process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
};
const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

interface Viewer {
  account: LocalAccount;
  cookie: string;
  /** The player session key the wallet authorized at sign-in: every beat is signed by it. */
  key: { privateKey: CryptoKey; publicKey: Hex };
}

// ---------------------------------------------------------------- the local chain, batched
async function rpcBatch(url: string, calls: Array<{ method: string; params: unknown[] }>): Promise<unknown[]> {
  const results: unknown[] = [];
  for (let i = 0; i < calls.length; i += RPC_BATCH) {
    const chunk = calls.slice(i, i + RPC_BATCH).map((c, j) => ({ jsonrpc: "2.0", id: i + j, ...c }));
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(chunk) });
    const answers = (await res.json()) as Array<{ id: number; result?: unknown; error?: { message: string } }>;
    for (const a of answers.sort((x, y) => x.id - y.id)) {
      if (a.error) throw new Error(`${chunk[a.id - i].method}: ${a.error.message}`);
      results.push(a.result);
    }
  }
  return results;
}
const rpc = async (url: string, method: string, params: unknown[] = []) => (await rpcBatch(url, [{ method, params }]))[0];

/**
 * Subscribes every viewer for a month: ETH for gas set directly (anvil_setBalance), then each
 * viewer's faucet → approve → subscribe, signed locally with nonces 0–2 and sent in JSON-RPC
 * batches with automine off, and mined block after block until the pool is empty.
 */
async function subscribeAll(rpcUrl: string, market: Address, token: Address, monthlyPrice: bigint, accounts: LocalAccount[]) {
  await rpcBatch(
    rpcUrl,
    accounts.map((a) => ({ method: "anvil_setBalance", params: [a.address, "0x56BC75E2D63100000"] })),
  ); // 100 ETH
  const calls: Array<{ to: Address; data: Hex }> = [
    { to: token, data: encodeFunctionData({ abi: testDollarAbi, functionName: "faucet", args: [monthlyPrice] }) },
    { to: token, data: encodeFunctionData({ abi: testDollarAbi, functionName: "approve", args: [market, monthlyPrice] }) },
    { to: market, data: encodeFunctionData({ abi: filmMarketAbi, functionName: "subscribe", args: [1n, monthlyPrice] }) },
  ];
  const raw: Hex[] = [];
  for (const account of accounts) {
    for (const [nonce, call] of calls.entries()) {
      raw.push(
        await account.signTransaction!({
          type: "eip1559",
          chainId: LOCAL_CHAIN_ID,
          nonce,
          gas: GAS,
          maxFeePerGas: MAX_FEE,
          maxPriorityFeePerGas: 0n,
          ...call,
        }),
      );
    }
  }
  await rpc(rpcUrl, "evm_setAutomine", [false]);
  let hashes: Hex[];
  try {
    hashes = (await rpcBatch(
      rpcUrl,
      raw.map((tx) => ({ method: "eth_sendRawTransaction", params: [tx] })),
    )) as Hex[];
    for (;;) {
      const status = (await rpc(rpcUrl, "txpool_status")) as { pending: string; queued: string };
      if (Number(status.pending) + Number(status.queued) === 0) break;
      await rpc(rpcUrl, "evm_mine");
    }
  } finally {
    await rpc(rpcUrl, "evm_setAutomine", [true]);
  }
  const receipts = (await rpcBatch(
    rpcUrl,
    hashes.map((h) => ({ method: "eth_getTransactionReceipt", params: [h] })),
  )) as Array<{ status: string } | null>;
  const failed = receipts.filter((r) => r?.status !== "0x1").length;
  if (failed > 0) throw new Error(`${failed} of ${receipts.length} subscription transactions failed`);
}

// ---------------------------------------------------------------- viewers
/**
 * Each simulated viewer's own address (10.x.y.z), sent as X-Forwarded-For: the web edge's per-IP
 * rate limits (README § Security) see thousands of clients, as in production, not one.
 */
const viewerIp = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

async function signInAll(base: string, accounts: LocalAccount[], concurrency = 8): Promise<Viewer[]> {
  const viewers: Viewer[] = new Array(accounts.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < accounts.length) {
        const i = next++;
        const cookie = await sessionCookieFor(base, accounts[i], viewerIp(i));
        viewers[i] = { account: accounts[i], cookie, key: await authorizeKey(base, accounts[i], cookie, viewerIp(i)) };
      }
    }),
  );
  return viewers;
}

/** As the browser does at sign-in: a P-256 session key, authorized by the wallet (EIP-712) for a day. */
async function authorizeKey(base: string, account: LocalAccount, cookie: string, ip: string): Promise<Viewer["key"]> {
  const { keyPair, publicKey } = await generateSessionKey();
  const expiresAt = Math.floor(Date.now() / 1000) + 23 * 3600;
  const signature = await account.signTypedData!(
    heartbeatKeyTypedData(LOCAL_CHAIN_ID, { viewer: account.address, publicKey, expiresAt: BigInt(expiresAt) }),
  );
  const res = await fetch(new URL("/api/heartbeat/key", base), {
    method: "POST",
    headers: { "content-type": "application/json", origin: new URL(base).origin, cookie, "x-forwarded-for": ip },
    body: JSON.stringify({ publicKey, expiresAt, signature }),
  });
  if (!res.ok) throw new Error(`authorizing a player key: ${res.status} ${await res.text()}`);
  return { privateKey: keyPair.privateKey, publicKey };
}

/** Beat bodies signed ahead (autocannon builds requests synchronously): `count` per viewer, seq 0…count-1. */
async function signedBodies(viewers: Viewer[], filmIds: string[], run: number, count: number): Promise<string[][]> {
  return Promise.all(
    viewers.map(async (v, i) => {
      const fields = { viewer: v.account.address.toLowerCase(), filmId: filmIds[i % filmIds.length], sessionId: `load-${run}-${i}` };
      const bodies: string[] = [];
      for (let seq = 0; seq < count; seq++) {
        const signature = Buffer.from(await signReceipt(v.key.privateKey, { ...fields, seq, positionSeconds: 0 })).toString("hex");
        const receipt = { seq, publicKey: v.key.publicKey, signature: `0x${signature}` };
        bodies.push(JSON.stringify({ filmId: fields.filmId, sessionId: fields.sessionId, positionSeconds: 0, ...receipt }));
      }
      return bodies;
    }),
  );
}

// ---------------------------------------------------------------- load runs
interface RunFigures {
  viewers: number;
  seconds: number;
  beatsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  creditedSeconds: number;
  pagesPerSecond: number;
  pagesP99Ms: number;
  pageErrors: number;
  /** CPU milliseconds the web processes spent per answered beat (pages beside included). */
  webCpuMsPerBeat: number;
}

/** Errors and statuses other than 200 autocannon counted. */
const failures = (r: autocannon.Result) => r.errors + r.non2xx;

let runNumber = 0;

// ---------------------------------------------------------------- CPU time of the web tier
// Latency on a shared machine says as much about the neighbours as about the server; the CPU
// the web processes spend per answered beat does not, so it is reported beside the latency.
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** The web tier's processes: scripts/web.ts's primary (its pid file in the data dir) and its workers. */
function webPids(dataDir: string): number[] {
  try {
    const primary = (JSON.parse(readFileSync(path.join(dataDir, "web.pid"), "utf8")) as { pid: number }).pid;
    const workers = execFileSync("ps", ["-o", "pid=", "--ppid", String(primary)], { encoding: "utf8" })
      .split("\n")
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0);
    return [primary, ...workers];
  } catch {
    return [];
  }
}

/** User + system CPU seconds used so far by these processes (0 for any that is gone). */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    } catch {
      // gone
    }
  }
  return ticks / CLOCK_TICKS;
}

/** Beats are sent by this many autocannon instances started evenly across each second. */
const STAGGER = 10;

/** The q-quantile (0–1) of sorted values, nearest rank. */
const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : 0;

/**
 * n viewers beating every 10 s for `seconds`, over keep-alive connections, with pages beside them.
 * `rate` (beats per second) defaults to the players' rhythm: each viewer once every 10 s.
 *
 * Players beat at uniformly spread moments, but an autocannon instance sends each second's quota
 * in a burst as the second starts, which would measure the queue of the burst rather than the
 * server. So the rate is split over STAGGER instances started 1/STAGGER s apart, and latency is
 * every answer's own response time (autocannon's "response" event), pooled across them.
 */
async function heartbeatRun(base: string, viewers: Viewer[], filmIds: string[], seconds: number, rate?: number): Promise<RunFigures> {
  const run = ++runNumber;
  const pids = platform ? webPids(platform.dataDir) : [];
  const cpuBefore = cpuSeconds(pids);
  const total = rate ?? Math.max(1, Math.round(viewers.length / BEAT_INTERVAL_SECONDS));
  const origin = new URL(base).origin;
  const bodies = await signedBodies(viewers, filmIds, run, Math.ceil((total * seconds) / viewers.length) + 1);
  let next = 0;
  let creditedSeconds = 0;
  let badBodies = 0;
  const latencies: number[] = [];
  const instances = Math.min(STAGGER, total);
  const started = Date.now();
  const beats = Array.from({ length: instances }, async (_, k) => {
    const share = Math.floor(total / instances) + (k < total % instances ? 1 : 0);
    await new Promise((resolve) => setTimeout(resolve, (k * 1000) / instances));
    return new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: base,
          // One connection per beat a second, each beating once a second (as each player keeps its own
          // connection): autocannon splits the amount evenly over connections, so any other split
          // leaves the slower connections beating after the rest have finished.
          connections: share,
          overallRate: share,
          // A number of beats rather than a duration: autocannon then waits for every answer, so each
          // beat the server recorded is also one whose credit was read.
          amount: share * seconds,
          timeout: 10,
          requests: [
            {
              method: "POST",
              path: "/api/heartbeat",
              // Round-robin over the viewers: at `total` beats per second, each one beats every 10 s.
              setupRequest: (request) => {
                const beat = next++;
                const i = beat % viewers.length;
                return {
                  ...request,
                  headers: { "content-type": "application/json", origin, cookie: viewers[i].cookie, "x-forwarded-for": viewerIp(i) },
                  // The viewer's next signed beat, in sequence order.
                  body: bodies[i][Math.floor(beat / viewers.length)],
                };
              },
              onResponse: (status, body) => {
                if (status !== 200) return;
                try {
                  creditedSeconds += (JSON.parse(body) as { addedSeconds: number }).addedSeconds;
                } catch {
                  badBodies++;
                }
              },
            },
          ],
        },
        (error, result) => (error ? reject(error) : resolve(result)),
      );
      instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
    });
  });
  const noPages = { "2xx": 0, errors: 0, non2xx: 0, latency: { p99: 0 } } as unknown as autocannon.Result;
  const pages =
    PAGE_RATE === 0
      ? Promise.resolve(noPages)
      : autocannon({
          url: base,
          connections: 2,
          overallRate: PAGE_RATE,
          duration: seconds,
          timeout: 10,
          requests: [{ method: "GET", path: "/" }, ...filmIds.slice(0, 3).map((id) => ({ method: "GET" as const, path: `/films/${id}` }))],
        });
  const results = await Promise.all(beats);
  // From the first instance's start to the last answer, less the stagger of the instances' starts.
  const wall = Math.max(seconds, (Date.now() - started) / 1000 - (instances - 1) / instances);
  const p = await pages;
  latencies.sort((x, y) => x - y);
  const answered = results.reduce((sum, r) => sum + r["2xx"], 0);
  return {
    viewers: viewers.length,
    seconds,
    beatsPerSecond: round(answered / wall, 1),
    p50Ms: round(quantile(latencies, 0.5), 1),
    p99Ms: round(quantile(latencies, 0.99), 1),
    errors: results.reduce((sum, r) => sum + failures(r), 0) + badBodies,
    creditedSeconds,
    pagesPerSecond: round(p["2xx"] / seconds, 1),
    pagesP99Ms: p.latency.p99,
    pageErrors: failures(p),
    webCpuMsPerBeat: answered ? round(((cpuSeconds(pids) - cpuBefore) * 1000) / answered, 2) : 0,
  };
}

async function catalogueRun(base: string): Promise<{ rps: number; p99Ms: number; errors: number }> {
  const r = await autocannon({ url: `${base}/`, connections: 8, duration: 10, timeout: 10 });
  return { rps: round(r["2xx"] / 10, 1), p99Ms: r.latency.p99, errors: failures(r) };
}

/** The server-rendered catalogue, once the indexer has all six demo films: their ids. */
async function demoFilmIds(base: string, timeoutMs = 5 * 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let ids: string[] = [];
  while (Date.now() < deadline) {
    const html = await (await fetch(base)).text().catch(() => "");
    ids = [...new Set([...html.matchAll(/data-film-id="(\d+)"/g)].map((m) => m[1]))];
    if (ids.length >= 6) return ids;
    await new Promise((r) => setTimeout(r, 2_000));
  }
  throw new Error(`the catalogue shows ${ids.length} of the 6 demo films after ${timeoutMs / 1000} s`);
}

// ---------------------------------------------------------------- main
let platform: LaunchedPlatform | undefined;
let stopping: Promise<void> | undefined;
const cleanup = () =>
  (stopping ??= (async () => {
    await platform?.stop().catch((e) => process.stderr.write(`bench:load: could not stop the platform: ${(e as Error).message}\n`));
    await stopPostgres().catch(() => undefined);
  })());
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void cleanup().finally(() => process.exit(130)));
}

/** Everything measured with one WEB_WORKERS setting, on a platform of its own. */
async function measure(workers: number) {
  log(`WEB_WORKERS=${workers}: starting PostgreSQL and the platform on :${WEB_PORT} (chain :${RPC_PORT}, build web/${DIST_DIR})`);
  const databaseUrl = await (await startPostgresOnce()).createDatabase();
  const platformStarted = Date.now();
  platform = await launchPlatform({
    webPort: WEB_PORT,
    rpcPort: RPC_PORT,
    distDir: DIST_DIR,
    verbose: values.verbose === true,
    env: { DATABASE_URL: databaseUrl, WEB_WORKERS: String(workers) },
  });
  try {
    return await measureOn(platform, databaseUrl, workers, platformStarted);
  } finally {
    await platform.stop();
    platform = undefined;
  }
}

async function measureOn(platform: LaunchedPlatform, databaseUrl: string, workers: number, platformStarted: number) {
  const base = platform.baseUrl;
  const filmIds = await demoFilmIds(base);
  log(`platform ready in ${round((Date.now() - platformStarted) / 1000)} s; films ${filmIds.join(", ")}`);

  const market = /FilmMarket (0x[0-9a-fA-F]{40})/.exec(platform.output())?.[1] as Address | undefined;
  if (!market) throw new Error("the platform's output names no FilmMarket address");
  const ctx = await connectRpc({ rpcUrl: platform.rpcUrl, market });
  const monthlyPrice = await ctx.contracts.market.read.monthlyPrice();

  const viewers: Viewer[] = [];
  const grow = async (n: number) => {
    if (viewers.length >= n) return;
    const accounts = Array.from({ length: n - viewers.length }, () => privateKeyToAccount(generatePrivateKey()));
    let t = Date.now();
    await subscribeAll(platform.rpcUrl, ctx.market, ctx.paymentToken, monthlyPrice, accounts);
    log(`  subscribed ${accounts.length} new viewers on the chain in ${round((Date.now() - t) / 1000, 1)} s`);
    t = Date.now();
    viewers.push(...(await signInAll(base, accounts)));
    log(`  signed ${accounts.length} new viewers in (SIWE) in ${round((Date.now() - t) / 1000, 1)} s`);
  };

  const steps = [...RAMP.filter((n) => n < MAX_VIEWERS), MAX_VIEWERS];
  // Warm-up, not judged: the server's first requests compile routes, open pools and fill the
  // access cache for every viewer at once. Its beats still count in the ledger check.
  await grow(steps[0]);
  log(`warm-up: ${steps[0]} viewers for ${WARM_UP_SECONDS} s`);
  const warmUp = await heartbeatRun(base, viewers.slice(0, steps[0]), filmIds, WARM_UP_SECONDS);
  const ramp: RunFigures[] = [];
  const fills: RunFigures[] = [];
  let passing = 0;
  for (const n of steps) {
    log(`ramp: ${n} viewers (${n / BEAT_INTERVAL_SECONDS} beats/s) for ${STEP_SECONDS} s`);
    await grow(n);
    // Fill the access cache of the viewers new to this step, so the step measures steady-state beats.
    // Not judged; their beats count in the ledger check.
    const fresh = viewers.slice(ramp.length === 0 ? steps[0] : steps[ramp.length - 1], n);
    if (fresh.length > 0) {
      const fillRate = Math.max(100, Math.ceil(fresh.length / 4));
      fills.push(await heartbeatRun(base, fresh, filmIds, Math.ceil(fresh.length / fillRate), fillRate));
    }
    const step = await heartbeatRun(base, viewers.slice(0, n), filmIds, STEP_SECONDS);
    ramp.push(step);
    const kept = step.beatsPerSecond >= 0.9 * (n / BEAT_INTERVAL_SECONDS);
    log(
      `  ${step.beatsPerSecond} beats/s, p50 ${step.p50Ms} ms, p99 ${step.p99Ms} ms, ${step.errors} errors${kept ? "" : ", the rate was not kept"}`,
    );
    if (step.p99Ms > TARGET.p99Ms || step.errors > 0 || !kept) break;
    passing = n;
  }
  const n = passing || steps[0];
  log(`sustained: ${n} viewers for ${DURATION} s`);
  const sustained = await heartbeatRun(base, viewers.slice(0, n), filmIds, DURATION);
  log(`  ${sustained.beatsPerSecond} beats/s, p50 ${sustained.p50Ms} ms, p99 ${sustained.p99Ms} ms, ${sustained.errors} errors`);

  log("catalogue alone: / with 8 connections for 10 s");
  const catalogue = await catalogueRun(base);

  // What the ledger holds for the benchmark's viewers, against what the answers said they credited.
  const db = await openDatabase({ databaseUrl });
  let ledgerSeconds: number;
  try {
    const rows = await db.query<{ seconds: string }>(
      "SELECT COALESCE(SUM(seconds), 0)::text AS seconds FROM view_counters WHERE lower(viewer) = ANY($1)",
      [viewers.map((v) => v.account.address.toLowerCase())],
    );
    ledgerSeconds = Number(rows[0].seconds);
  } finally {
    await db.close();
  }
  const runs = [warmUp, ...fills, ...ramp, sustained];
  const reportedSeconds = runs.reduce((s, r) => s + r.creditedSeconds, 0);
  const errors = runs.reduce((s, r) => s + r.errors, 0);
  return {
    workers,
    beatsPerSecond: sustained.beatsPerSecond,
    p50Ms: sustained.p50Ms,
    p99Ms: sustained.p99Ms,
    errors,
    lostSeconds: ledgerSeconds - reportedSeconds,
    catalogueRps: catalogue.rps,
    viewers: n,
    passedRamp: passing > 0,
    ledgerSeconds,
    creditedSeconds: reportedSeconds,
    sustainedErrors: sustained.errors,
    webCpuMsPerBeat: sustained.webCpuMsPerBeat,
    pagesPerSecond: sustained.pagesPerSecond,
    pagesP99Ms: sustained.pagesP99Ms,
    pageErrors: runs.reduce((s, r) => s + r.pageErrors, 0),
    catalogueP99Ms: catalogue.p99Ms,
    catalogueErrors: catalogue.errors,
    ramp: ramp.map((r) => ({
      viewers: r.viewers,
      beatsPerSecond: r.beatsPerSecond,
      p50Ms: r.p50Ms,
      p99Ms: r.p99Ms,
      errors: r.errors,
      webCpuMsPerBeat: r.webCpuMsPerBeat,
    })),
  };
}

async function main() {
  const byWorkers: Array<Awaited<ReturnType<typeof measure>>> = [];
  for (const workers of WORKER_COUNTS) byWorkers.push(await measure(workers));
  // The headline figures are the best sustained run's; every run is listed under byWorkers.
  const best = byWorkers.reduce((a, b) => (b.passedRamp && b.beatsPerSecond > a.beatsPerSecond ? b : a));
  const figures = {
    beatsPerSecond: best.beatsPerSecond,
    p50Ms: best.p50Ms,
    p99Ms: best.p99Ms,
    errors: byWorkers.reduce((s, r) => s + r.errors, 0),
    lostSeconds: byWorkers.reduce((s, r) => s + r.lostSeconds, 0),
    catalogueRps: best.catalogueRps,
    workers: best.workers,
    viewers: best.viewers,
    durationSeconds: DURATION,
    byWorkers,
    cpus: cpus().length,
    loadAverage: loadavg().map((x) => round(x, 2)),
    target: TARGET,
  };

  if (!json) {
    const check = (ok: boolean) => (ok ? "✓" : "✗");
    const table: Array<[string, string]> = [
      [
        "beats/s",
        `${figures.beatsPerSecond} sustained ${DURATION} s with ${best.workers} worker(s), ${best.viewers} viewers (target ≥ ${TARGET.beatsPerSecond}) ${check(figures.beatsPerSecond >= TARGET.beatsPerSecond)}`,
      ],
      ["latency", `p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms (target ≤ ${TARGET.p99Ms}) ${check(figures.p99Ms <= TARGET.p99Ms)}`],
      ["errors", `${figures.errors} over all runs`],
      ["lost seconds", `${figures.lostSeconds} over all runs ${check(figures.lostSeconds === 0)}`],
      ["catalogue alone", `${figures.catalogueRps} req/s (${best.workers} worker(s))`],
      ...byWorkers.flatMap((r): Array<[string, string]> => [
        [
          `WEB_WORKERS=${r.workers}`,
          `${r.beatsPerSecond} beats/s at ${r.viewers} viewers (web CPU ${r.webCpuMsPerBeat} ms/beat)${r.passedRamp ? "" : " (no ramp step passed; the first is shown)"}, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.errors} errors, lost ${r.lostSeconds} s (ledger ${r.ledgerSeconds} s), catalogue ${r.catalogueRps} req/s, pages beside ${r.pagesPerSecond}/s p99 ${r.pagesP99Ms} ms`,
        ],
        ...r.ramp.map((step): [string, string] => [
          `  ramp ${step.viewers}`,
          `${step.beatsPerSecond} beats/s, p50 ${step.p50Ms} ms, p99 ${step.p99Ms} ms, ${step.errors} errors, web CPU ${step.webCpuMsPerBeat} ms/beat`,
        ]),
      ]),
      ["machine", `${figures.cpus} CPUs, load ${figures.loadAverage.join(" ")}`],
    ];
    const widest = Math.max(...table.map(([k]) => k.length));
    for (const [k, v] of table) process.stdout.write(`${k.padEnd(widest)}  ${v}\n`);
  }
  process.stdout.write(JSON.stringify(figures) + "\n");
}

let exitCode = 0;
try {
  await main();
} catch (e) {
  process.stderr.write(`bench:load: ${e instanceof Error ? e.message : String(e)}\n`);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
