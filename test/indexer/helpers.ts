// Shared setup for the indexer tests: the AI Films contracts on a Hardhat in-process chain, real
// listing metadata JSON in an embedded IPFS store, and helpers to mint, watch and dump tables.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Signer } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import { connectProvider, type ChainContext } from "@ai-films/core/chain";
import type { Queryable } from "@ai-films/core/db";
import { recordHeartbeat, type Entitlement } from "@ai-films/core/ledger";
import { periodClock } from "@ai-films/core/oracle";
import { openIpfs, type IpfsStore } from "@ai-films/core/ipfs";

export const USD = 1_000_000n;
export const DAY = 86_400;
export const PERIOD = 30 * DAY;
export const PASS_WINDOW = 2 * DAY;
export const CHALLENGE_WINDOW = 3_600;
export const MONTHLY = 10n * USD;
export const WEIGHT = 5_000;

export interface FilmSpec {
  title: string;
  genre: string;
  aiTools: string[];
  duration: number;
  price: bigint;
  description?: string;
  creatorName?: string;
  /** Written as properties.ageRating when given (any value: the indexer must judge it). */
  ageRating?: unknown;
}

/** Listing metadata in the media pipeline's shape (core/src/media/metadata.ts). */
export function metadataJson(spec: FilmSpec, hlsCid: string) {
  const root = `ipfs://${hlsCid}`;
  return {
    name: spec.title,
    description: spec.description ?? `${spec.title}, a short film.`,
    image: `${root}/poster.jpg`,
    animation_url: `${root}/master.m3u8`,
    attributes: [
      { trait_type: "Duration (s)", value: spec.duration, display_type: "number" },
      { trait_type: "Genre", value: spec.genre },
      ...spec.aiTools.map((t) => ({ trait_type: "AI tool", value: t })),
    ],
    properties: {
      durationSeconds: spec.duration,
      genre: spec.genre,
      aiTools: spec.aiTools,
      renditions: [720, 480, 360],
      previewSeconds: 20,
      preview: `${root}/preview/master.m3u8`,
      encryption: "AES-128",
      keyId: `key-${spec.title.toLowerCase().replace(/\W+/g, "-")}`,
      ...(spec.creatorName ? { creatorName: spec.creatorName } : {}),
      ...(spec.ageRating !== undefined ? { ageRating: spec.ageRating } : {}),
    },
  };
}

export async function openTempIpfs(prefix: string): Promise<{ store: IpfsStore; dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { store: await openIpfs({ dataDir: path.join(dir, "ipfs") }), dir };
}

export async function deployWorld(connection: NetworkConnection, store: IpfsStore) {
  const { ethers, networkHelpers } = connection;
  const [admin, treasury, guardian, creatorA, creatorB, v1, v2, v3, buyer] = await ethers.getSigners();
  const oracles = Array.from(
    { length: 3 },
    (_, i) => new ethers.Wallet(ethers.keccak256(ethers.toUtf8Bytes(`indexer-oracle-${i}`)), ethers.provider),
  );
  const token = await ethers.deployContract("TestDollar");
  const listings = await ethers.deployContract("FilmListings");
  const market = await ethers.deployContract("FilmMarket", [
    {
      paymentToken: await token.getAddress(),
      listings: await listings.getAddress(),
      admin: admin.address,
      guardian: guardian.address,
      treasury: treasury.address,
      feeBps: 1_000,
      viewWeightBps: WEIGHT,
      monthlyPrice: MONTHLY,
      passWindow: PASS_WINDOW,
      challengeWindow: CHALLENGE_WINDOW,
      genesis: 0,
      periodLength: PERIOD,
      oracleSigners: oracles.map((o) => o.address),
      oracleThreshold: 2,
    },
  ]);
  const deployBlock = Number((await market.deploymentTransaction()!.wait())!.blockNumber);
  for (const v of [v1, v2, v3, buyer]) {
    await token.connect(v).faucet(1_000n * USD);
    await token.connect(v).approve(await market.getAddress(), ethers.MaxUint256);
  }
  const ctx: ChainContext = await connectProvider(connection.provider, { market: await market.getAddress() });
  const clock = await periodClock(ctx);

  /** Adds the film's metadata to IPFS and mints its listing from `creator`; returns the film id. */
  async function mint(creator: Signer, spec: FilmSpec): Promise<bigint> {
    const hlsCid = await store.addBytes(new TextEncoder().encode(`hls of ${spec.title}`));
    const cid = await store.addBytes(new TextEncoder().encode(JSON.stringify(metadataJson(spec, hlsCid), null, 2) + "\n"));
    await (await listings.connect(creator).mint(`ipfs://${cid}`, spec.duration, spec.price)).wait();
    return await listings.totalListings();
  }

  return {
    ethers,
    networkHelpers,
    ctx,
    clock,
    token,
    listings,
    market,
    oracles,
    deployBlock,
    admin,
    treasury,
    guardian,
    creatorA,
    creatorB,
    v1,
    v2,
    v3,
    buyer,
    mint,
  };
}

export type World = Awaited<ReturnType<typeof deployWorld>>;

/** A viewer watches `seconds` of a film from `startAt`, one heartbeat every 10 s. */
export async function watch(
  db: Parameters<typeof recordHeartbeat>[0],
  world: World,
  viewer: string,
  filmId: bigint,
  seconds: number,
  startAt: number,
  options: { entitlement?: Entitlement; session?: string; duration?: number; position?: number } = {},
) {
  const duration = options.duration ?? Number(await world.listings.durationOf(filmId));
  const session = options.session ?? `s-${viewer.slice(2, 8)}-${filmId}-${startAt}`;
  for (let t = 0; t <= seconds; t += 10) {
    const last = t + 10 > seconds;
    await recordHeartbeat(
      db,
      world.clock,
      {
        viewer,
        filmId,
        sessionId: session,
        at: startAt + t,
        entitlement: options.entitlement ?? "subscription",
        filmDurationSeconds: duration,
        positionSeconds: last && options.position !== undefined ? options.position : Math.min(t, duration),
      },
      { now: startAt + t },
    );
  }
}

const INDEXER_TABLES = [
  "films",
  "film_transfers",
  "purchases",
  "subscriptions",
  "period_subscribers",
  "period_pools",
  "tallies",
  "claims",
  "rollovers",
  "withdrawals",
  "market_params",
  "oracle_signers",
  "chain_events",
];

/** Every indexed table's rows as JSON, in a stable order, for before/after comparisons. */
export async function dumpTables(db: Queryable, options: { withMetadataTimes?: boolean } = {}) {
  const dump: Record<string, unknown[]> = {};
  for (const table of INDEXER_TABLES) {
    const rows = await db.query<{ j: string | Record<string, unknown> }>(`SELECT to_jsonb(t) AS j FROM ${table} t`);
    const values = rows.map((r): Record<string, unknown> => (typeof r.j === "string" ? JSON.parse(r.j) : r.j));
    if (table === "films" && !options.withMetadataTimes) {
      // Retry bookkeeping (when, how often a fetch was tried) depends on timing, not on the chain.
      for (const v of values) {
        delete v.metadata_fetched_at;
        delete v.metadata_attempts;
        delete v.metadata_next_attempt;
      }
    }
    dump[table] = values.map((v) => JSON.stringify(v)).sort();
  }
  return dump;
}

export async function latestTime(world: World): Promise<number> {
  return Number((await world.ethers.provider.getBlock("latest"))!.timestamp);
}
