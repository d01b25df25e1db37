// The demo catalogue `npm start` creates on first run: six short procedural films generated with
// ffmpeg, each ingested through the real media pipeline and minted by one of three creator
// accounts; viewers with subscriptions, view passes and watch history; and one past period
// already tallied, published, signed, posted and claimable — so every page has something real.
//
// A kill at any point (Ctrl-C, SIGKILL, a crash) and a restart finish the catalogue without doing
// anything twice: each step asks the chain whether it is done before doing it (a film whose
// metadata URI is already a listing is not minted again; a subscription, a pass, a posted tally
// are not bought or posted again), and what the steps cannot ask the chain — the metadata URI
// of a film ingested but perhaps not minted, the times the watch history starts at — is written
// to a progress file before it is used. The watch history is signed like the player's (a session
// key the viewer's wallet authorizes), so the period's receipts archive holds it and the local
// operators recompute the tally before signing; it carries on after each session's last recorded
// beat (the ledger refuses a replayed one).
import { mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { parseEventLogs, type Hash } from "viem";
import type { HDAccount } from "viem/accounts";
import type { ChainContext } from "../chain/context.ts";
import { filmListingsAbi } from "../chain/abis.ts";
import type { Database } from "../db/index.ts";
import { periodBounds } from "../domain/periods.ts";
import type { IpfsStore } from "../ipfs/index.ts";
import { ingestFile } from "../media/pipeline.ts";
import { mediaTools, run } from "../media/tools.ts";
import { chainTime, periodClock, readTally } from "../oracle/chainReads.ts";
import { runPost } from "../oracle/post.ts";
import { runPublish } from "../oracle/publish.ts";
import { runRecompute } from "../oracle/recompute.ts";
import { runSign } from "../oracle/sign.ts";
import { authorizeSessionKey } from "../receipts/sessionKeys.ts";
import { generateSessionKey, signReceipt } from "../receipts/receipt.ts";
import { heartbeatKeyTypedData } from "../receipts/keyAuthorization.ts";
import { recordSignedHeartbeat } from "../receipts/signedHeartbeat.ts";
import { localOperators } from "./localOperators.ts";
import { runTally } from "../oracle/tally.ts";
import { writeAtomic } from "../oracle/workdir.ts";
import { Job } from "../media/jobs.ts";

export { account, DEMO_ACCOUNTS, HARDHAT_MNEMONIC } from "./accounts.ts";
import { account, DEMO_ACCOUNTS } from "./accounts.ts";

const USD = 1_000_000n;

interface DemoFilm {
  title: string;
  description: string;
  genre: string;
  aiTools: string[];
  creator: number; // index into DEMO_ACCOUNTS.creators
  price: bigint; // token units, 0 = free
  video: string; // lavfi video source
  audio: string; // lavfi audio source
}

// Honest titles: these are procedural pictures and tones made by ffmpeg's generators, not AI films.
export const DEMO_FILMS: DemoFilm[] = [
  {
    title: "Mandelbrot Descent",
    description: "A slow zoom into the Mandelbrot set, rendered frame by frame by ffmpeg's mandelbrot generator, over a low drone.",
    genre: "Abstract",
    aiTools: ["procedural: ffmpeg mandelbrot"],
    creator: 0,
    price: 2n * USD,
    video: "mandelbrot=size=480x270:rate=24",
    audio: "sine=frequency=110:sample_rate=48000",
  },
  {
    title: "Life, Generation by Generation",
    description: "Conway's Game of Life from a random soup, with a pulsing tone.",
    genre: "Science",
    aiTools: ["procedural: ffmpeg life"],
    creator: 0,
    price: 1n * USD,
    video: "life=size=480x270:rate=24:mold=10:ratio=0.1:death_color=#1b1b3a:life_color=#7fd1ff",
    audio: "sine=frequency=220:beep_factor=4:sample_rate=48000",
  },
  {
    title: "Rule 30",
    description: "Wolfram's elementary cellular automaton rule 30 scrolling down the screen.",
    genre: "Science",
    aiTools: ["procedural: ffmpeg cellauto"],
    creator: 1,
    price: 0n,
    video: "cellauto=rule=30:size=480x270:rate=24:scroll=1",
    audio: "sine=frequency=330:sample_rate=48000",
  },
  {
    title: "Test Card Overture",
    description: "The moving test pattern of testsrc2 with a two-tone score: a film about films.",
    genre: "Experimental",
    aiTools: ["procedural: ffmpeg testsrc2"],
    creator: 1,
    price: 150_000n,
    video: "testsrc2=size=480x270:rate=24",
    audio: "sine=frequency=440:sample_rate=48000",
  },
  {
    title: "Colour Bars at Dusk",
    description: "SMPTE HD colour bars whose hue turns slowly through the spectrum.",
    genre: "Abstract",
    aiTools: ["procedural: ffmpeg smptehdbars", "hue filter"],
    creator: 2,
    price: 3n * USD,
    video: "smptehdbars=size=480x270:rate=24,hue=h=t*24",
    audio: "sine=frequency=262:sample_rate=48000",
  },
  {
    title: "Rule 110",
    description: "Rule 110, the automaton that is Turing complete, growing from a single cell.",
    genre: "Science",
    aiTools: ["procedural: ffmpeg cellauto"],
    creator: 2,
    price: 500_000n,
    video: "cellauto=rule=110:size=480x270:rate=24:scroll=1:start_full=0:pattern=1",
    audio: "sine=frequency=196:sample_rate=48000",
  },
];

export interface DemoOptions {
  ctx: ChainContext;
  db: Database;
  ipfs: IpfsStore;
  workDir: string;
  /** Where the seeding records its progress, so a restart after a kill carries on (default: in workDir). */
  progressFile?: string;
  filmSeconds?: number;
  log: (line: string) => void;
}

/** What a restart needs to carry on and the chain cannot tell: for one market. */
interface DemoProgress {
  market: string;
  /** Films ingested, by index into DEMO_FILMS: the URI they are (or will be) minted with. */
  films: Record<number, { metadataUri: string; durationSeconds: number }>;
  /** Unix seconds the period-0 watch history starts at. */
  watchStart?: number;
  /** Unix seconds the current period's watching starts at. */
  lateWatchStart?: number;
}

async function readProgress(file: string, market: string): Promise<DemoProgress> {
  try {
    const progress = JSON.parse(await readFile(file, "utf8")) as DemoProgress;
    // Progress on another deployment (the chain was reset since) tells nothing about this one.
    if (progress.market === market.toLowerCase()) return progress;
  } catch {
    // none yet
  }
  return { market: market.toLowerCase(), films: {} };
}

/** The listing minted with `metadataUri` by `creator`, if any (the demo's films are few, so a scan is fine). */
async function listingWith(ctx: ChainContext, metadataUri: string, creator: string): Promise<bigint | null> {
  const total = await ctx.contracts.listings.read.totalListings();
  for (let id = 1n; id <= total; id++) {
    if ((await ctx.contracts.listings.read.tokenURI([id])) !== metadataUri) continue;
    const [minted] = await ctx.contracts.listings.getEvents.ListingMinted({ filmId: id }, { fromBlock: 0n });
    if (minted?.args.creator?.toLowerCase() === creator.toLowerCase()) return id;
  }
  return null;
}

/** Waits for a sent transaction (`what` names it in the error) and insists it succeeded. */
async function mined(ctx: ChainContext, what: string, sent: Promise<Hash>) {
  const hash = await sent;
  const receipt = await ctx.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`${what} reverted (${hash})`);
  return receipt;
}

async function chainRpc(ctx: ChainContext, method: string, params: unknown[]) {
  // Test-node methods outside viem's public schema: the override types them as untyped JSON-RPC.
  return ctx.publicClient.request<{ Parameters: unknown[]; ReturnType: unknown }>({ method, params });
}

export async function seedDemo(options: DemoOptions): Promise<{ films: number }> {
  const { ctx, db, ipfs, log } = options;
  const seconds = options.filmSeconds ?? 12;
  const tools = mediaTools();
  const progressFile = options.progressFile ?? path.join(options.workDir, "progress.json");
  const progress = await readProgress(progressFile, ctx.market);
  const save = () => writeAtomic(progressFile, JSON.stringify(progress, null, 2) + "\n");
  // The ingests' work directories: whatever an interrupted run left there is of no use.
  const mediaWork = path.join(options.workDir, "media");
  await rm(mediaWork, { recursive: true, force: true });
  await mkdir(options.workDir, { recursive: true });

  // 1. Films: generate, ingest (probe → HLS ladder → encrypt → IPFS → metadata), mint.
  const filmIds: bigint[] = [];
  const durations: number[] = [];
  for (const [i, film] of DEMO_FILMS.entries()) {
    const creator = account(DEMO_ACCOUNTS.creators[film.creator]);
    const ingested = progress.films[i];
    const existing = ingested ? await listingWith(ctx, ingested.metadataUri, creator.address) : null;
    if (ingested && existing !== null) {
      log(`film ${i + 1}/${DEMO_FILMS.length}: "${film.title}" is already minted (film ${existing})`);
      filmIds.push(existing);
      durations.push(ingested.durationSeconds);
      continue;
    }
    if (!ingested) {
      const source = path.join(options.workDir, `demo-${i + 1}.mp4`);
      log(`film ${i + 1}/${DEMO_FILMS.length}: generating "${film.title}"`);
      await run(tools.ffmpeg, [
        "-y",
        "-hide_banner",
        "-loglevel",
        "error",
        "-f",
        "lavfi",
        "-i",
        film.video,
        "-f",
        "lavfi",
        "-i",
        film.audio,
        "-t",
        String(seconds),
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        source,
      ]);
      log(`film ${i + 1}/${DEMO_FILMS.length}: ingesting through the media pipeline`);
      const result = await ingestFile(
        source,
        { title: film.title, description: film.description, genre: film.genre, aiTools: film.aiTools },
        // No status file: the seeding is this process's own work, redone by the next start if cut short.
        { ipfs, previewSeconds: 8, workDir: mediaWork, job: new Job({ dir: null, label: film.title }), ingester: creator.address },
      );
      // Recorded before the mint: a kill after the mint finds the listing by this URI.
      progress.films[i] = { metadataUri: `ipfs://${result.metadataCid}`, durationSeconds: Math.round(result.durationSeconds) };
      await save();
      await rm(source, { force: true });
    }
    const { metadataUri, durationSeconds } = progress.films[i];
    log(`film ${i + 1}/${DEMO_FILMS.length}: minting "${film.title}"`);
    const receipt = await mined(ctx, "mint", ctx.contractsFor(creator).listings.write.mint([metadataUri, durationSeconds, film.price]));
    const [minted] = parseEventLogs({ abi: filmListingsAbi, eventName: "ListingMinted", logs: receipt.logs });
    filmIds.push(minted.args.filmId);
    durations.push(durationSeconds);
  }

  // 2. Viewers: test dollars, subscriptions and passes (each only if the chain does not have it yet).
  const [v1, v2, v3] = DEMO_ACCOUNTS.viewers.map(account);
  const price = await ctx.contracts.market.read.monthlyPrice();
  for (const v of [v1, v2, v3]) {
    const { token } = ctx.contractsFor(v);
    if ((await ctx.contracts.token.read.balanceOf([v.address])) === 0n) await mined(ctx, "faucet", token.write.faucet([1_000n * USD]));
    if ((await ctx.contracts.token.read.allowance([v.address, ctx.market])) === 0n)
      await mined(ctx, "approve", token.write.approve([ctx.market, 2n ** 256n - 1n]));
  }
  log("viewers: two subscriptions and two view passes");
  const subscribe = async (v: HDAccount, months: bigint) => {
    if ((await ctx.contracts.market.read.subscriptionEnd([v.address])) === 0n)
      await mined(ctx, "subscribe", ctx.contractsFor(v).market.write.subscribe([months, price]));
  };
  const passWindow = BigInt(await ctx.contracts.market.read.passWindow());
  const buyView = async (v: HDAccount, film: number) => {
    if ((await ctx.contracts.market.read.passExpiry([filmIds[film], v.address])) === 0n)
      await mined(ctx, "buyView", ctx.contractsFor(v).market.write.buyView([filmIds[film], DEMO_FILMS[film].price, passWindow]));
  };
  await subscribe(v1, 3n);
  await subscribe(v2, 1n);
  await buyView(v3, 0);
  await buyView(v3, 4);

  // 3. Watch history in period 0, recorded through the ledger's rules as the heartbeat route would.
  const clock = await periodClock(ctx);
  if (progress.watchStart === undefined) {
    progress.watchStart = Number((await ctx.publicClient.getBlock()).timestamp) + 60;
    await save();
  }
  const start = progress.watchStart;
  const watch = async (viewer: HDAccount, film: number, secs: number, at: number, entitlement: "subscription" | "pass") => {
    const sessionId = `demo-${viewer.address}-${film}-${at}`;
    // A restart carries on after the session's last recorded beat (a replayed one is refused).
    const [recorded] = await db.query<{ last_seq: string }>(
      "SELECT last_seq::text FROM heartbeat_receipt_sessions WHERE viewer = $1 AND film_id = $2 AND session_id = $3",
      [viewer.address.toLowerCase(), filmIds[film].toString(), sessionId],
    );
    const from = recorded ? Number(recorded.last_seq) + 1 : 0;
    if (from * 10 > secs) return;
    // As the player does: a fresh session key, authorized by the wallet for two hours, signs every beat.
    const { keyPair, publicKey } = await generateSessionKey();
    const expiresAt = at + 7_200;
    const signature = await viewer.signTypedData(
      heartbeatKeyTypedData(ctx.chainId, { viewer: viewer.address, publicKey, expiresAt: BigInt(expiresAt) }),
    );
    await authorizeSessionKey(db, { chainId: ctx.chainId, viewer: viewer.address, publicKey, expiresAt, signature, now: at });
    for (let seq = from, t = from * 10; t <= secs; t += 10, seq++) {
      const fields = {
        viewer: viewer.address.toLowerCase(),
        filmId: filmIds[film],
        sessionId,
        seq,
        positionSeconds: Math.min(t, durations[film]),
      };
      const receipt = Buffer.from(await signReceipt(keyPair.privateKey, fields)).toString("hex");
      await recordSignedHeartbeat(
        db,
        clock,
        {
          ...fields,
          at: at + t,
          entitlement,
          filmDurationSeconds: durations[film],
          publicKey,
          signature: `0x${receipt}`,
        },
        { now: at + t },
      );
    }
  };
  log("watch history: signed heartbeats through the ledger");
  await watch(v1, 0, 40, start, "subscription");
  await watch(v1, 1, 30, start + 600, "subscription");
  await watch(v1, 3, 20, start + 1_200, "subscription");
  await watch(v2, 0, 40, start + 100, "subscription");
  await watch(v2, 2, 40, start + 900, "subscription");
  await watch(v2, 5, 30, start + 1_500, "subscription");
  await watch(v3, 0, 30, start + 200, "pass");
  await watch(v3, 4, 40, start + 300, "pass");

  // 4. The period ends (time moves on the local chain); the oracle settles it; the window passes.
  const { end } = periodBounds(clock, 0);
  if ((await chainTime(ctx)) < end + 120) {
    log("period 0 ends: moving the local chain's clock past it");
    await chainRpc(ctx, "evm_setNextBlockTimestamp", [end + 120]);
    await chainRpc(ctx, "evm_mine", []);
  }
  if ((await readTally(ctx, 0)).status === "none") {
    // Each oracle step is idempotent too: the same ledger gives the same file, and post checks the chain first.
    // The chain is the truth: it writes its state once a second, so a start killed just after posting can
    // come back with the post (and the transactions before it) undone while this private work dir kept a
    // tally of the lost state. Nothing is posted, so that draft is replaced (force), never trusted.
    // As operators do: the receipts archive sealed to the local operators, recomputed from it and the
    // chain alone, and signed only if that reproduces the tally (sign refuses otherwise).
    const filesRoot = path.join(options.workDir, "oracle");
    const operators = await localOperators(ctx);
    const archive = { store: ipfs, operatorKeys: operators.map((o) => o.account.publicKey) };
    await runTally(ctx, { period: 0, ledger: db, filesRoot, force: true, archive });
    await runPublish(ctx, ipfs, 0, filesRoot);
    await runRecompute(ctx, ipfs, operators[0].key, 0, filesRoot);
    const [o1, o2] = operators.map((o) => o.account);
    await runSign(ctx, o1, 0, filesRoot, { requireRecomputation: true });
    await runSign(ctx, o2, 0, filesRoot, { requireRecomputation: true });
    await runPost(ctx, o1, 0, filesRoot);
  }
  const { claimableAt } = await readTally(ctx, 0);
  const now = await chainTime(ctx);
  if (now < claimableAt + 60) {
    await chainRpc(ctx, "evm_increaseTime", [claimableAt + 60 - now]);
    await chainRpc(ctx, "evm_mine", []);
  }
  log("period 0 tallied, posted and claimable");

  // 5. A little watching in the current period, so "trending this period" has an order.
  if (progress.lateWatchStart === undefined) {
    progress.lateWatchStart = Number((await ctx.publicClient.getBlock()).timestamp);
    await save();
  }
  const late = progress.lateWatchStart;
  await watch(v1, 2, 40, late, "subscription");
  await watch(v1, 5, 40, late + 100, "subscription");
  await watch(v1, 0, 20, late + 200, "subscription");
  return { films: filmIds.length };
}
