// Oracle benchmark: `npm run bench:oracle` generates a ledger of --rows counter rows (default
// 1,000,000: 100,000 viewers × 20,000 films, popularity with a head and a long tail; see
// test/helpers/synthetic-ledger.ts), times the oracle's tally of that period and its signature, then
// the ledger's heartbeat throughput. Prints a table (unless --json) and one JSON object on its last line.
//
//   rows, films, viewers  the generated ledger (films: films with counters; leaves: films in the tally)
//   tallySeconds          aggregateSeconds + treeSeconds + fileSeconds, the work of `oracle tally`:
//     aggregateSeconds    aggregatePeriod, the SQL that sums the period's counters by film
//     treeSeconds         buildTallyFile: the leaves' Merkle tree (StandardMerkleTree format) and totals
//     fileSeconds         serialising the tally file and writing it (atomically) to a temp oracle dir
//   signSeconds           what `oracle sign` does locally: read and self-check the tally file (its tree
//                         rebuilt from its leaves), then the EIP-712 signature of the Tally (not timed:
//                         the chain reads around it, and publishing to IPFS)
//   peakRssMb             VmHWM (the kernel's peak resident set) of a child process that only opens the
//                         ledger, tallies and signs, as `oracle tally` and `oracle sign` would; the
//                         generation ran in the parent. On PostgreSQL the server's memory is not in it
//   heartbeatsPerSecond   recordHeartbeat into the same ledger, in the period after the tallied one:
//                         --beats beats from 50 concurrent player sessions of viewers in the ledger
//   receipts              signed heartbeats (scripts/bench/receipts.ts): receipts verified per second per
//                         core, key authorizations recovered per second, and the sealed receipts
//                         archive's size per million beats (measured on --archive-beats, extrapolated)
//   generateSeconds       writing the rows (SQL INSERT … SELECT, indexes rebuilt after; on PostgreSQL
//                         also the VACUUM ANALYZE below)
//
// Targets: tally ≤ 15 s and peak RSS ≤ 2 GB for 1,000,000 rows on PGlite (reported, not enforced).
// Options: --rows N, --films N (default 20,000), --viewers N (default rows / 10), --beats N (default
// 4,000), --verify N receipts to verify (default 5,000), --archive-beats N (default 100,000),
// --receipts-only (only the receipts figures, no ledger), --postgres (a throwaway PostgreSQL server started like the tests' one, instead of PGlite in
// a temp dir), --json. Progress goes to stderr. PostgreSQL gets the VACUUM ANALYZE its autovacuum
// would run after such a load; PGlite has no autovacuum, so its ledger is measured as loaded.
import { fork } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { aggregatePeriod } from "@ai-films/core/ledger/aggregate";
import { openDatabase, type Database, type DatabaseOptions } from "@ai-films/core/db";
import { recordHeartbeat } from "@ai-films/core/ledger/ledger";
import { periodBounds, type PeriodClock } from "@ai-films/core/ledger/periods";
import { stepProgress } from "@ai-films/core/oracle/progress";
import { signTally, type TallyDomainContext } from "@ai-films/core/oracle/sign";
import { buildTallyFile, parseTallyFile, serializeTallyFile, tallyStruct } from "@ai-films/core/oracle/tallyFile";
import { periodFiles, writeAtomic } from "@ai-films/core/oracle/workdir";
import { startPostgresOnce, stopPostgres } from "../../test/helpers/postgres.ts";
import { audienceSizes, generateLedger } from "../../test/helpers/synthetic-ledger.ts";
import { measureReceipts, type ReceiptFigures } from "./receipts.ts";

/** Monthly periods from 2024-01-01, like a deployed market; the tallied period is the first. */
const CLOCK: PeriodClock = { genesis: 1_704_067_200, periodLength: 30 * 86_400 };
const PERIOD = 0;
const DOMAIN: TallyDomainContext = { chainId: 31337, market: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
/** Publishing is not measured; any CID signs the same way. */
const DATA_CID = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
const FILM_SECONDS = 5_400;
const SESSIONS = 50;

const { values } = parseArgs({
  options: {
    json: { type: "boolean" },
    postgres: { type: "boolean" },
    rows: { type: "string" },
    films: { type: "string" },
    viewers: { type: "string" },
    beats: { type: "string" },
    verify: { type: "string" },
    "archive-beats": { type: "string" },
    "receipts-only": { type: "boolean" },
    // Internal: the process that measures the tally (see measureTally).
    "tally-child": { type: "boolean" },
  },
});
const json = values.json === true;
const log = (message: string) => {
  if (!json) process.stderr.write(message + "\n");
};
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
const seconds = (since: number) => (performance.now() - since) / 1000;

/** What the parent asks of the tally child, and what the child answers. */
interface TallyJob {
  ledger: DatabaseOptions;
  filesRoot: string;
}
interface TallyFigures {
  openSeconds: number;
  aggregateSeconds: number;
  treeSeconds: number;
  fileSeconds: number;
  signSeconds: number;
  leaves: number;
  fileBytes: number;
  root: string;
  peakRssMb: number;
}

if (values["tally-child"]) {
  process.once("message", (job: TallyJob) => {
    measureTally(job).then(
      (figures) => process.send!(figures, () => process.exit(0)),
      (error) => {
        process.stderr.write(`bench:oracle: tally failed: ${(error as Error).stack}\n`);
        process.exit(1);
      },
    );
  });
} else {
  await main();
}

/**
 * The tally and its signature in a process of their own, so the peak resident set is theirs alone
 * and not the generation's (PGlite's WebAssembly heap never shrinks).
 */
async function measureTally(job: TallyJob): Promise<TallyFigures> {
  const progress = stepProgress("bench:oracle tally", 5, { quiet: json });
  progress.step("opening the ledger");
  let started = performance.now();
  const db = await openDatabase(job.ledger);
  const openSeconds = seconds(started);
  try {
    progress.step("aggregating the period");
    started = performance.now();
    const leaves = await aggregatePeriod(db, PERIOD);
    const aggregateSeconds = seconds(started);

    progress.step(`building the Merkle tree of ${leaves.length} films`);
    started = performance.now();
    const { start, end } = periodBounds(CLOCK, PERIOD);
    const file = buildTallyFile(
      { ...DOMAIN, period: PERIOD, revision: 0, periodStart: start, periodEnd: end, viewWeightBps: 5_000, pool: 1_000_000_000_000n },
      leaves,
    );
    const treeSeconds = seconds(started);

    progress.step("writing the tally file");
    started = performance.now();
    const paths = periodFiles(DOMAIN.chainId, PERIOD, job.filesRoot);
    const text = serializeTallyFile(file);
    await writeAtomic(paths.tally, text);
    const fileSeconds = seconds(started);

    progress.step("signing");
    started = performance.now();
    const checked = parseTallyFile(await readFile(paths.tally, "utf8"), paths.tally);
    await signTally(DOMAIN, privateKeyToAccount(generatePrivateKey()), tallyStruct(checked, DATA_CID));
    const signSeconds = seconds(started);
    progress.done();

    return {
      openSeconds,
      aggregateSeconds,
      treeSeconds,
      fileSeconds,
      signSeconds,
      leaves: leaves.length,
      fileBytes: Buffer.byteLength(text),
      root: file.root,
      peakRssMb: peakRssMb(),
    };
  } finally {
    await db.close();
  }
}

/** This process's peak resident set so far (VmHWM), in MB (10^6 bytes). */
function peakRssMb(): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
  if (!match) throw new Error("no VmHWM in /proc/self/status (Linux only)");
  return (Number(match[1]) * 1024) / 1e6;
}

function runTallyChild(job: TallyJob): Promise<TallyFigures> {
  return new Promise((resolve, reject) => {
    const args = ["--tally-child", ...(json ? ["--json"] : [])];
    const child = fork(fileURLToPath(import.meta.url), args, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let figures: TallyFigures | undefined;
    child.once("message", (message) => (figures = message as TallyFigures));
    child.once("error", reject);
    child.once("exit", (code) => (figures ? resolve(figures) : reject(new Error(`the tally process exited with ${code}`))));
    child.send(job);
  });
}

function count(name: string, fallback: number): number {
  const raw = values[name as "rows"];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`--${name} must be a positive integer, got ${raw}`);
  return n;
}

/** A bar on a terminal; otherwise a line every tenth of the way. */
function rowsProgress(total: number) {
  if (json) return { update: (_n: number) => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: "bench:oracle generating {bar} {value}/{total} rows, {duration}s", hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    let stopped = false;
    return {
      update: (n: number) => bar.update(n),
      stop: () => {
        if (!stopped) bar.stop();
        stopped = true;
      },
    };
  }
  let shown = 0;
  return {
    update: (n: number) => {
      const tenth = Math.floor((n * 10) / total);
      if (tenth > shown) {
        shown = tenth;
        log(`bench:oracle generating: ${n}/${total} rows`);
      }
    },
    stop: () => {},
  };
}

/** --beats heartbeats, SESSIONS sessions at a time, 10 s apart in each session; beats per second. */
async function measureHeartbeats(db: Database, beats: number): Promise<number> {
  const pairs = await db.query<{ viewer: string; film_id: string }>(
    "SELECT viewer, film_id::text AS film_id FROM view_counters WHERE period = $1 LIMIT $2",
    [PERIOD, SESSIONS],
  );
  const { start } = periodBounds(CLOCK, PERIOD + 1);
  const now = start + CLOCK.periodLength; // "now" after every beat: none is refused as from the future
  let next = 0;
  const started = performance.now();
  await Promise.all(
    pairs.map(async ({ viewer, film_id }, session) => {
      for (let k = 0; next < beats; k++) {
        next++; // claimed before awaiting, so the sessions together send exactly `beats`
        await recordHeartbeat(
          db,
          CLOCK,
          {
            viewer,
            filmId: film_id,
            sessionId: `bench-${session}`,
            at: start + 10 * k,
            entitlement: "subscription",
            filmDurationSeconds: FILM_SECONDS,
          },
          { now },
        );
      }
    }),
  );
  return beats / seconds(started);
}

/** The receipts figures, printed as rows of the table. */
async function receiptFigures(): Promise<{ figures: ReceiptFigures; table: Array<[string, string]> }> {
  const figures = await measureReceipts({ verify: count("verify", 5_000), archiveBeats: count("archive-beats", 100_000), log });
  const table: Array<[string, string]> = [
    [
      "receipts",
      `${round(figures.receiptsPerSecondPerCore, 1)} verified/s per core (P-256, ${figures.receiptsVerified} real signed beats)`,
    ],
    ["key authorizations", `${round(figures.keyAuthorizationsPerSecond, 1)} recovered/s (EIP-712, secp256k1; one per viewer per day)`],
    [
      "receipts archive",
      `${round(figures.archiveMbPerMillionBeats, 1)} MB per million beats (${round(figures.bytesPerBeat, 1)} B/beat; sealed archive of ` +
        `${figures.archiveBeats} beats of ${figures.archiveViewers} viewers = ${round(figures.archiveBytes / 1e6, 2)} MB, extrapolated linearly)`,
    ],
  ];
  return { figures, table };
}

async function main(): Promise<void> {
  if (values["receipts-only"]) {
    const { figures, table } = await receiptFigures();
    if (!json) {
      table.push([
        "machine",
        `${cpus().length} CPUs, load ${loadavg()
          .map((n) => round(n, 2))
          .join(" ")}`,
      ]);
      const widest = Math.max(...table.map(([k]) => k.length));
      for (const [k, v] of table) process.stdout.write(`${k.padEnd(widest)}  ${v}\n`);
    }
    process.stdout.write(JSON.stringify({ receipts: figures, cpus: cpus().length, loadAverage: loadavg() }) + "\n");
    return;
  }
  const rows = count("rows", 1_000_000);
  const films = count("films", 20_000);
  const viewers = count("viewers", Math.max(1, Math.floor(rows / 10)));
  const beats = count("beats", 4_000);
  const backend = values.postgres ? "postgres" : "pglite";
  const root = mkdtempSync(join(tmpdir(), "ai-films-bench-oracle-"));
  try {
    let ledger: DatabaseOptions;
    if (values.postgres) {
      log("bench:oracle: starting PostgreSQL…");
      const server = await startPostgresOnce();
      ledger = { databaseUrl: await server.createDatabase() };
    } else {
      ledger = { dataDir: join(root, "ledger") };
    }

    log(`bench:oracle: ${rows} rows, ${films} films, ${viewers} viewers on ${backend}`);
    let db = await openDatabase(ledger);
    const progress = rowsProgress(rows);
    const { start, end } = periodBounds(CLOCK, PERIOD);
    const started = performance.now();
    try {
      await generateLedger(db, {
        period: PERIOD,
        rows,
        films,
        viewers,
        periodStart: start,
        periodEnd: end,
        onProgress: (n) => progress.update(n),
        onIndexes: () => {
          progress.stop();
          log("bench:oracle: rebuilding the ledger's indexes…");
        },
      });
      if (db.kind === "postgres") await db.query("VACUUM ANALYZE view_counters");
    } finally {
      progress.stop();
      await db.close(); // PGlite is one process's: the tally child opens it next
    }
    const generateSeconds = seconds(started);

    log("bench:oracle: tallying in a fresh process…");
    const tally = await runTallyChild({ ledger, filesRoot: join(root, "oracle") });

    log(`bench:oracle: ${beats} heartbeats…`);
    db = await openDatabase(ledger);
    let heartbeatsPerSecond: number;
    try {
      heartbeatsPerSecond = await measureHeartbeats(db, beats);
    } finally {
      await db.close();
    }

    const receipts = await receiptFigures();
    const tallySeconds = tally.aggregateSeconds + tally.treeSeconds + tally.fileSeconds;
    const figures = {
      backend,
      rows,
      films: audienceSizes(rows, films).filter((n) => n > 0).length,
      viewers,
      leaves: tally.leaves,
      tallySeconds: round(tallySeconds),
      peakRssMb: round(tally.peakRssMb, 1),
      heartbeatsPerSecond: round(heartbeatsPerSecond, 1),
      aggregateSeconds: round(tally.aggregateSeconds),
      treeSeconds: round(tally.treeSeconds),
      fileSeconds: round(tally.fileSeconds),
      signSeconds: round(tally.signSeconds),
      generateSeconds: round(generateSeconds),
      openSeconds: round(tally.openSeconds),
      tallyFileMb: round(tally.fileBytes / 1e6, 2),
      root: tally.root,
      receipts: receipts.figures,
      cpus: cpus().length,
      loadAverage: loadavg().map((n) => round(n, 2)),
      target: { tallySeconds: 15, peakRssMb: 2000 },
    };

    if (!json) {
      const table: Array<[string, string]> = [
        ["ledger", `${backend}: ${rows} rows, ${figures.films} films, ${viewers} viewers`],
        ["generate", `${figures.generateSeconds.toFixed(3)} s`],
        ["tally", `${figures.tallySeconds.toFixed(3)} s (target ≤ 15 s), ${figures.leaves} leaves, ${figures.tallyFileMb} MB file`],
        ["  aggregate", `${figures.aggregateSeconds.toFixed(3)} s`],
        ["  tree", `${figures.treeSeconds.toFixed(3)} s`],
        ["  file", `${figures.fileSeconds.toFixed(3)} s`],
        ["sign", `${figures.signSeconds.toFixed(3)} s (file read and self-checked, EIP-712 signature)`],
        [
          "peak RSS",
          `${figures.peakRssMb} MB (target ≤ 2000 MB; VmHWM of the tally process, ledger open ${figures.openSeconds.toFixed(3)} s)`,
        ],
        ["heartbeats", `${figures.heartbeatsPerSecond} beats/s (${beats} beats, ${SESSIONS} sessions)`],
        ...receipts.table,
        ["machine", `${figures.cpus} CPUs, load ${figures.loadAverage.join(" ")}`],
      ];
      const widest = Math.max(...table.map(([k]) => k.length));
      for (const [k, v] of table) process.stdout.write(`${k.padEnd(widest)}  ${v}\n`);
    }
    process.stdout.write(JSON.stringify(figures) + "\n");
  } finally {
    if (values.postgres) await stopPostgres();
    rmSync(root, { recursive: true, force: true });
  }
}
