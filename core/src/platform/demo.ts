// The demo catalogue `npm start` creates on first run: six short procedural films generated with
// ffmpeg, each ingested through the real media pipeline and minted by one of three creator
// accounts; viewers with subscriptions, view passes and watch history; and one past period
// already tallied, published, signed, posted and claimable — so every page has something real.
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { parseEventLogs, type Hash } from "viem";
import type { HDAccount } from "viem/accounts";
import type { ChainContext } from "../chain/context.ts";
import { filmListingsAbi } from "../chain/abis.ts";
import type { Database } from "../db/index.ts";
import { periodBounds } from "../domain/periods.ts";
import { recordHeartbeat } from "../ledger/ledger.ts";
import type { IpfsStore } from "../ipfs/index.ts";
import { ingestFile } from "../media/pipeline.ts";
import { mediaTools, run } from "../media/tools.ts";
import { periodClock } from "../oracle/chainReads.ts";
import { runPost } from "../oracle/post.ts";
import { runPublish } from "../oracle/publish.ts";
import { runSign } from "../oracle/sign.ts";
import { runTally } from "../oracle/tally.ts";

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
  filmSeconds?: number;
  log: (line: string) => void;
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
  await mkdir(options.workDir, { recursive: true });

  // 1. Films: generate, ingest (probe → HLS ladder → encrypt → IPFS → metadata), mint.
  const filmIds: bigint[] = [];
  const durations: number[] = [];
  for (const [i, film] of DEMO_FILMS.entries()) {
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
      { ipfs, previewSeconds: 8 },
    );
    const creator = account(DEMO_ACCOUNTS.creators[film.creator]);
    const receipt = await mined(
      ctx,
      "mint",
      ctx.contractsFor(creator).listings.write.mint([`ipfs://${result.metadataCid}`, Math.round(result.durationSeconds), film.price]),
    );
    const [minted] = parseEventLogs({ abi: filmListingsAbi, eventName: "ListingMinted", logs: receipt.logs });
    filmIds.push(minted.args.filmId);
    durations.push(Math.round(result.durationSeconds));
    await rm(source, { force: true });
  }

  // 2. Viewers: test dollars, subscriptions and passes.
  const [v1, v2, v3] = DEMO_ACCOUNTS.viewers.map(account);
  const price = await ctx.contracts.market.read.monthlyPrice();
  for (const v of [v1, v2, v3]) {
    const { token } = ctx.contractsFor(v);
    await mined(ctx, "faucet", token.write.faucet([1_000n * USD]));
    await mined(ctx, "approve", token.write.approve([ctx.market, 2n ** 256n - 1n]));
  }
  log("viewers: two subscriptions and two view passes");
  await mined(ctx, "subscribe", ctx.contractsFor(v1).market.write.subscribe([3n, price]));
  await mined(ctx, "subscribe", ctx.contractsFor(v2).market.write.subscribe([1n, price]));
  const passWindow = BigInt(await ctx.contracts.market.read.passWindow());
  await mined(ctx, "buyView", ctx.contractsFor(v3).market.write.buyView([filmIds[0], DEMO_FILMS[0].price, passWindow]));
  await mined(ctx, "buyView", ctx.contractsFor(v3).market.write.buyView([filmIds[4], DEMO_FILMS[4].price, passWindow]));

  // 3. Watch history in period 0, recorded through the ledger's rules as the heartbeat route would.
  const clock = await periodClock(ctx);
  const start = Number((await ctx.publicClient.getBlock()).timestamp) + 60;
  const watch = async (viewer: HDAccount, film: number, secs: number, at: number, entitlement: "subscription" | "pass") => {
    for (let t = 0; t <= secs; t += 10) {
      await recordHeartbeat(
        db,
        clock,
        {
          viewer: viewer.address,
          filmId: filmIds[film],
          sessionId: `demo-${viewer.address}-${film}-${at}`,
          at: at + t,
          entitlement,
          filmDurationSeconds: durations[film],
          positionSeconds: Math.min(t, durations[film]),
        },
        { now: at + t },
      );
    }
  };
  log("watch history: heartbeats through the ledger");
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
  log("period 0 ends: moving the local chain's clock past it");
  await chainRpc(ctx, "evm_setNextBlockTimestamp", [end + 120]);
  await chainRpc(ctx, "evm_mine", []);
  const filesRoot = path.join(options.workDir, "oracle");
  await runTally(ctx, { period: 0, ledger: db, filesRoot });
  await runPublish(ctx, ipfs, 0, filesRoot);
  const [o1, o2] = DEMO_ACCOUNTS.oracles.map(account);
  await runSign(ctx, o1, 0, filesRoot);
  await runSign(ctx, o2, 0, filesRoot);
  await runPost(ctx, o1, 0, filesRoot);
  const window = Number(await ctx.contracts.market.read.challengeWindow());
  await chainRpc(ctx, "evm_increaseTime", [window + 60]);
  await chainRpc(ctx, "evm_mine", []);
  log("period 0 tallied, posted and claimable");

  // 5. A little watching in the current period, so "trending this period" has an order.
  const now = Number((await ctx.publicClient.getBlock()).timestamp);
  await watch(v1, 2, 40, now, "subscription");
  await watch(v1, 5, 40, now + 100, "subscription");
  await watch(v1, 0, 20, now + 200, "subscription");
  return { films: filmIds.length };
}
