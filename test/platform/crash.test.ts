// `npm start` killed with SIGKILL (the whole process group: launcher, chain, ledger, web server)
// at random moments and started again each time: during the demo catalogue's creation, during an
// upload's transcode, during the local oracle's tally/publish/sign/post, and while the indexer
// catches up on a start. Each start must come up on the same data; at the end the chain, the
// index, the ledger, IPFS and the media job agree: every film on chain is indexed once and on the
// first catalogue page, nothing was minted or posted twice, each posted tally matches the ledger,
// every film's content is retrievable, and the interrupted job finished or failed with its files
// removed. The moments are chosen by waiting for a log line or a file and then a random delay from
// a seeded generator: CRASH_SEED=<n> repeats a run (the seed is printed). Half the runs also lose
// the upload while the platform is down, so the job must fail instead of resuming
// (CRASH_LOSE_UPLOAD=1 or 0 chooses).
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createWalletClient, http, parseEventLogs, type Address } from "viem";
import { hardhat } from "viem/chains";
import { connectRpc, type ChainContext } from "@ai-films/core/chain";
import { filmListingsAbi } from "@ai-films/core/chain/abis";
import { openDatabase, type Database } from "@ai-films/core/db";
import { aggregatePeriod } from "@ai-films/core/ledger";
import { currentPeriod, periodFiles, periodSplit, readTally, tallyPostings } from "@ai-films/core/oracle";
import { DEFAULT_CAP_BPS } from "@ai-films/core/domain";
import { account, DEMO_ACCOUNTS, DEMO_FILMS } from "@ai-films/core/platform";
import { assertPortFree } from "@ai-films/core/platform/ports";
import { sessionCookieFor } from "../helpers/siweSession.ts";
import { makeClip } from "../media/helpers.ts";
import { TEST_WEB_DIST } from "../helpers/webBuild.ts";

const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const WEB_PORT = 4880;
const RPC_PORT = 4881;
const LEDGER_PORT = 4882;
const BASE = `http://localhost:${WEB_PORT}`;
const RPC = `http://127.0.0.1:${RPC_PORT}`;
const DEPLOYMENT_ID = "platform-crash-test";
const READY = "AI Films is running";

/** mulberry32: a small seeded generator, so a failing run can be repeated. */
function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return { next, int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)) };
}

/** One run of scripts/start.ts in its own process group. */
class Platform {
  readonly child: ChildProcess;
  output = "";
  readonly exited: Promise<void>;

  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own group: the kill reaches every process it started
    });
    const onData = (d: Buffer) => {
      this.output += d;
      if (process.env.CRASH_VERBOSE) process.stderr.write(d);
    };
    this.child.stdout!.on("data", onData);
    this.child.stderr!.on("data", onData);
    this.exited = new Promise((resolve) => this.child.once("exit", () => resolve()));
  }

  /** Resolves when the output matches `pattern`; fails if the run ends or the time is up. */
  async waitFor(pattern: RegExp | string, timeoutMs: number): Promise<RegExpMatchArray> {
    const regex = typeof pattern === "string" ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : pattern;
    const until = Date.now() + timeoutMs;
    for (;;) {
      const match = this.output.match(regex);
      if (match) return match;
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(
          `the platform exited (${this.child.exitCode ?? this.child.signalCode}) before ${regex}:\n${this.output.slice(-4000)}`,
        );
      if (Date.now() > until) throw new Error(`no ${regex} within ${timeoutMs / 1000} s:\n${this.output.slice(-4000)}`);
      await sleep(100);
    }
  }

  /** SIGKILL to the whole group, as a crash or `kill -9` of the terminal would. */
  async kill(): Promise<void> {
    try {
      process.kill(-this.child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
    await this.exited;
  }
}

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** The film ids on the first catalogue page. */
async function catalogueFilmIds(): Promise<Set<string>> {
  const html = await (await fetch(`${BASE}/`)).text();
  return new Set([...html.matchAll(/data-testid="film-card" data-film-id="(\d+)"/g)].map((m) => m[1]));
}

describe("npm start killed at random moments (SIGKILL) and started again", function () {
  this.timeout(20 * 60_000);
  const random = seeded(SEED);
  let dataDir: string;
  let platform: Platform | undefined;
  const log = (line: string) => console.log(`      [crash test, seed ${SEED}] ${line}`);

  const env = () => ({
    AI_FILMS_DATA_DIR: dataDir,
    PORT: String(WEB_PORT),
    RPC_PORT: String(RPC_PORT),
    LEDGER_PORT: String(LEDGER_PORT),
    NEXT_DIST_DIR: TEST_WEB_DIST,
    AI_FILMS_DEPLOYMENT_ID: DEPLOYMENT_ID,
    LOCAL_ORACLE_INTERVAL_MS: "1000",
  });

  async function start(): Promise<Platform> {
    // Nothing of the killed run may still hold a port: the group died with it.
    for (const [port, what] of [
      [WEB_PORT, "web"],
      [RPC_PORT, "chain"],
      [LEDGER_PORT, "ledger"],
    ] as const) {
      await waitUntil(`port ${port} (${what}) to be free after the kill`, () => assertPortFree(port, what).then(() => true), 10_000);
    }
    platform = new Platform(env());
    return platform;
  }

  async function killAfter(what: string, maxDelayMs: number): Promise<void> {
    const delay = random.int(0, maxDelayMs);
    await sleep(delay);
    log(`SIGKILL ${what} (+${delay} ms)`);
    await platform!.kill();
  }

  /** After a start: the first catalogue page lists exactly the films on chain, each indexed once. */
  async function checkStarted(p: Platform): Promise<{ ctx: ChainContext; db: Database }> {
    await p.waitFor(READY, 15 * 60_000);
    const market = p.output.match(/FilmMarket (0x[0-9a-fA-F]{40})/)![1];
    const ctx = await connectRpc({ rpcUrl: RPC, market });
    const onChain = Number(await ctx.contracts.listings.read.totalListings());
    const shown = await catalogueFilmIds();
    expect([...shown].sort(), "the first catalogue page after a start lists every film on chain").to.deep.equal(
      Array.from({ length: onChain }, (_, i) => String(i + 1)).sort(),
    );
    const db = await openDatabase({ dataDir: path.join(dataDir, "ledger"), embedded: { role: "the crash test" } });
    return { ctx, db };
  }

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "crash-"));
    await rm(path.join("ignition/deployments", DEPLOYMENT_ID), { recursive: true, force: true });
    log(`data in ${dataDir}; CRASH_SEED=${SEED} repeats this run`);
  });

  after(async () => {
    await platform?.kill();
    await rm(dataDir, { recursive: true, force: true });
    await rm(path.join("ignition/deployments", DEPLOYMENT_ID), { recursive: true, force: true });
  });

  it("comes back consistent after each kill: chain, index, ledger, IPFS and media jobs agree; nothing twice", async () => {
    // 1. During the demo catalogue's creation: while a film is ingested or minted.
    let p = await start();
    const film = random.int(2, 5);
    const step = random.next() < 0.5 ? "ingesting" : "minting";
    await p.waitFor(new RegExp(`film ${film}/${DEMO_FILMS.length}: ${step === "minting" ? "minting" : "ingesting"}`), 10 * 60_000);
    await killAfter(`while the demo ${step} film ${film}`, 2_500);

    // 2. The next start finishes the catalogue; then an upload is killed mid-transcode.
    p = await start();
    let { ctx, db } = await checkStarted(p);
    expect(p.output).to.include("carrying on where the last start was stopped");
    const demoListings = Number(await ctx.contracts.listings.read.totalListings());
    expect(demoListings, "each demo film minted once").to.equal(DEMO_FILMS.length);

    const creator = account(DEMO_ACCOUNTS.devWallets[0]);
    const cookie = await sessionCookieFor(BASE, creator);
    const headers = { Cookie: cookie, Origin: BASE };
    const clip = await readFile(await makeClip(path.join(dataDir, "crash-clip.mp4"), { seconds: 16, width: 640, height: 360 }));
    const created = await fetch(`${BASE}/api/uploads`, {
      method: "POST",
      headers: {
        ...headers,
        "Tus-Resumable": "1.0.0",
        "Upload-Length": String(clip.length),
        "Upload-Metadata": `filename ${Buffer.from("crash.mp4").toString("base64")}`,
      },
    });
    expect(created.status, await created.clone().text()).to.equal(201);
    const location = new URL(created.headers.get("location")!, BASE);
    const uploadId = location.pathname.split("/").pop()!;
    const patched = await fetch(location, {
      method: "PATCH",
      headers: { ...headers, "Tus-Resumable": "1.0.0", "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
      body: clip,
    });
    expect(patched.status).to.equal(204);
    const started = await fetch(`${BASE}/api/studio/jobs`, {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json" },
      body: JSON.stringify({ uploadId, title: "Crash Survivor", description: "Killed mid-transcode.", genre: "Test", price: "1000000" }),
    });
    expect(started.status, await started.clone().text()).to.equal(202);
    const { jobId } = (await started.json()) as { jobId: string };
    const jobStatus = async () => (await (await fetch(`${BASE}/api/studio/jobs/${jobId}`, { headers })).json()) as JobView;
    // Early in the transcode, so the job cannot finish within the delay before the kill.
    await waitUntil(
      "the job to be early in its transcode",
      async () => {
        const status = await jobStatus();
        return status.state === "running" && status.stage === "transcode" && status.stages.transcode.percent < 50;
      },
      120_000,
    );
    await db.close();
    await killAfter("during the upload's transcode", 1_500);
    // Half the runs also lose the upload while the platform is down (a disk cleanup, a lost volume):
    // then the job cannot resume and must end failed, its files removed.
    const loseUpload = process.env.CRASH_LOSE_UPLOAD ? process.env.CRASH_LOSE_UPLOAD === "1" : random.next() < 0.5;
    if (loseUpload) {
      log("the upload is lost while the platform is down");
      await rm(path.join(dataDir, "uploads", uploadId), { force: true });
      await rm(path.join(dataDir, "uploads", `${uploadId}.json`), { force: true });
    }

    // 3. The next start resumes the job (its upload is intact) or ends it failed; then the local
    //    oracle is killed while it settles a period, after blocks the indexer must catch up on.
    p = await start();
    ({ ctx, db } = await checkStarted(p));
    const job = await waitUntil(
      "the interrupted job to finish or fail",
      async () => {
        const status = await jobStatus();
        return status.state === "running" ? undefined : status;
      },
      240_000,
    );
    log(`the interrupted job ended ${job.state}${job.error ? ` (${job.error.code}: ${job.error.message})` : ""}`);
    if (job.state === "done") {
      // The creator mints it, as the studio's button would.
      const wallet = createWalletClient({ chain: hardhat, transport: http(RPC), account: creator });
      const hash = await wallet.writeContract({
        address: ctx.listings as Address,
        abi: filmListingsAbi,
        functionName: "mint",
        args: [job.result!.metadataUri, Math.max(1, Math.round(job.result!.durationSeconds)), 1_000_000n],
      });
      const receipt = await ctx.publicClient.waitForTransactionReceipt({ hash });
      expect(parseEventLogs({ abi: filmListingsAbi, eventName: "ListingMinted", logs: receipt.logs })).to.have.length(1);
    } else {
      expect(job.error?.code).to.equal("INTERRUPTED");
    }
    expect(job.state, "a job whose upload is intact resumes; one whose upload is gone fails").to.equal(loseUpload ? "failed" : "done");
    const period = await currentPeriod(ctx);
    const [, end] = await ctx.contracts.market.read.periodBounds([BigInt(period)]);
    // Test-node methods, answered slowly on a busy machine: a plain request without viem's 10 s timeout.
    const rpc = async (method: string, params: unknown[]) => {
      const res = await fetch(RPC, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      });
      const body = (await res.json()) as { error?: { message: string } };
      if (body.error) throw new Error(`${method}: ${body.error.message}`);
    };
    await rpc("anvil_mine", [`0x${(400).toString(16)}`]);
    await rpc("evm_setNextBlockTimestamp", [Number(end) + 120]);
    await rpc("evm_mine", []);
    const tallyFile = periodFiles(31337, period, path.join(dataDir, "oracle")).tally;
    await waitUntil(`the local oracle to tally period ${period}`, async () => existsSync(tallyFile), 60_000);
    await db.close();
    await killAfter(`during the local oracle's publish/sign/post of period ${period}`, 1_200);

    // 4. Killed again while the next start's indexer catches up.
    p = await start();
    await p.waitFor("starting the web app", 5 * 60_000);
    await killAfter("while the indexer catches up on a start", 4_000);

    // 5. The last start: everything agrees.
    p = await start();
    ({ ctx, db } = await checkStarted(p));
    try {
      const onChain = Number(await ctx.contracts.listings.read.totalListings());
      expect(onChain).to.equal(DEMO_FILMS.length + (job.state === "done" ? 1 : 0));
      await waitUntil(
        "the index to catch up with the chain",
        async () => {
          const [{ count }] = await db.query<{ count: string }>("SELECT count(*)::text AS count FROM films WHERE metadata_status = 'ok'");
          return Number(count) === onChain;
        },
        60_000,
      );
      const films = await db.query<{ film_id: string; metadata_uri: string; title: string; hls_cid: string }>(
        "SELECT film_id::text AS film_id, metadata_uri, title, hls_cid FROM films ORDER BY film_id",
      );
      expect(films.map((f) => Number(f.film_id))).to.deep.equal(Array.from({ length: onChain }, (_, i) => i + 1));
      expect(new Set(films.map((f) => f.metadata_uri)).size, "no content listed twice").to.equal(films.length);
      expect(new Set(films.map((f) => f.title)).size, "no film listed twice").to.equal(films.length);
      expect([...(await catalogueFilmIds())].sort()).to.deep.equal(films.map((f) => f.film_id).sort());

      // Every film's content is in IPFS: its metadata, its master playlist and its poster.
      for (const f of films) {
        const cid = f.metadata_uri.replace("ipfs://", "");
        const metadata = await fetch(`${BASE}/ipfs/${cid}`);
        expect(metadata.status, `metadata of film ${f.film_id}`).to.equal(200);
        expect(((await metadata.json()) as { name: string }).name).to.equal(f.title);
        for (const file of ["master.m3u8", "poster.jpg"]) {
          const res = await fetch(`${BASE}/ipfs/${f.hls_cid}/${file}`);
          expect(res.status, `${file} of film ${f.film_id}`).to.equal(200);
          await res.arrayBuffer();
        }
      }

      // Tallies: the interrupted period gets settled, once; each posted tally is the ledger's. (The
      // chain keeps its state to the last second: a kill within it can take the time move back.)
      if (Number((await ctx.publicClient.getBlock()).timestamp) < Number(end) + 60) {
        log("the kill took the chain's last second, with the time move: moving it again");
        await rpc("evm_setNextBlockTimestamp", [Number(end) + 120]);
        await rpc("evm_mine", []);
      }
      await waitUntil(`period ${period}'s tally to be posted`, async () => (await readTally(ctx, period)).status === "posted", 120_000);
      for (let p2 = 0; p2 <= period; p2++) {
        const postings = await tallyPostings(ctx, p2);
        expect(postings, `tallies posted for period ${p2}`).to.have.length(1);
        const onChainTally = await readTally(ctx, p2);
        // Split method 2 (the default) posts the ledger's totals in its weighted units.
        const split = await periodSplit(ctx, db, p2, { version: 2, capBps: DEFAULT_CAP_BPS }, { pool: 0n, viewWeightBps: 0 });
        const leaves = await aggregatePeriod(db, p2);
        expect(leaves.reduce((sum, l) => sum + l.views, 0n) * split.unitScale, `views of period ${p2}`).to.equal(onChainTally.totalViews);
        expect(leaves.reduce((sum, l) => sum + l.seconds, 0n) * split.unitScale, `seconds of period ${p2}`).to.equal(
          onChainTally.totalSeconds,
        );
        const indexed = await waitUntil(
          `the index to hold period ${p2}'s tally`,
          async () => (await db.query("SELECT 1 FROM tallies WHERE period = $1", [p2])).length || undefined,
          30_000,
        ).catch(() => 0);
        expect(indexed, `indexed tallies of period ${p2}`).to.equal(1);
      }

      // The media job: finished or failed, never lost, and nothing of it left behind.
      const [row] = await db.query<{ state: string; key_id: string | null }>("SELECT state, key_id FROM media_jobs WHERE id = $1", [jobId]);
      expect(row.state).to.equal(job.state);
      expect(existsSync(path.join(dataDir, "media/work", jobId)), "the job's work directory").to.equal(false);
      if (job.state === "done") expect(existsSync(path.join(dataDir, "uploads", uploadId)), "the consumed upload").to.equal(false);
      else expect(row.key_id).to.equal(null);
      expect(await db.query("SELECT id FROM media_jobs WHERE state = 'running'")).to.deep.equal([]);
    } finally {
      await db.close();
    }
  });
});

interface JobView {
  state: "running" | "done" | "failed";
  stage: string | null;
  stages: Record<string, { percent: number }>;
  error?: { code: string; message: string };
  result?: { metadataUri: string; durationSeconds: number };
}
