/**
 * The server's long-lived resources, one of each per process, created on first use and kept on
 * `globalThis` so Next's module reloading (dev) and its several route bundles (production) share
 * them: one ledger database (under `npm start` a client of the platform's ledger server; started
 * on its own, this server owns the PGlite directory and shares it the same way), one IPFS store,
 * one chain connection, one `serving` (SIWE, key server, gateway), and the Livepeer playback
 * tokens when Livepeer is configured.
 *
 * A failed start (RPC down, no deployment) is not cached: the next request tries again, so the
 * site recovers by itself once `npm run node` / `npm run deploy:local` have run.
 */
import "server-only";
import { connectRpc, type ChainContext } from "@ai-films/core/chain";
import { filmOfContentKey, filmOfLivepeerPlayback, livepeerPlaybackOfFilm } from "@ai-films/core/indexer";
import { openIpfs, type IpfsStore } from "@ai-films/core/ipfs";
import { openDatabase, type Database } from "@ai-films/core/db";
import { KeyStore } from "@ai-films/core/media";
import {
  clientIp,
  createGateway,
  createRateLimiter,
  databaseRateLimitStore,
  createPlaybackTokens,
  createPlaybackUrlCache,
  createServing,
  ledgerAuthStore,
  livepeerFromEnv,
  loadOrCreateSigningKey,
  playbackSignerFromEnv,
  resolveSessionSecret,
  type ContentKeyStore,
  type RateLimitedAction,
  type RateLimiter,
  type Serving,
} from "@ai-films/core/serving";
import { serverEnv } from "./env";

type Cache = {
  rateLimiter?: Promise<RateLimiter>;
  db?: Promise<Database>;
  ipfs?: Promise<IpfsStore>;
  chain?: Promise<ChainContext>;
  serving?: Promise<Serving>;
  playback?: Promise<PlaybackTokens | null>;
  keyStore?: KeyStore;
  playbackUrl?: (playbackId: string) => Promise<string>;
};

const globalCache = globalThis as typeof globalThis & { __aiFilmsServices?: Cache };
/** Read each time, not once at import: a test (or a dev-server reload) may install a fresh set. */
const services = (): Cache => (globalCache.__aiFilmsServices ??= {});

/** Memoises a promise, forgetting it if it rejects so the next caller retries. */
function once<T>(key: "db" | "ipfs" | "chain" | "serving" | "playback" | "rateLimiter", make: () => Promise<T>): Promise<T> {
  const cache = services();
  const existing = cache[key] as Promise<T> | undefined;
  if (existing) return existing;
  const created = make();
  (cache as Record<string, unknown>)[key] = created;
  created.catch(() => {
    if (cache[key] === (created as unknown)) delete cache[key];
  });
  return created;
}

export function getDb(): Promise<Database> {
  // DATABASE_URL (PostgreSQL) wins; otherwise PGlite in LEDGER_DIR, the same variable the oracle reads:
  // through its owner (the platform) when one runs, else opened and shared by this server.
  const embedded = { role: "the web server", share: true };
  return once("db", () => openDatabase(process.env.DATABASE_URL ? {} : { dataDir: serverEnv.ledgerDir, embedded }));
}

export function getIpfs(): Promise<IpfsStore> {
  return once("ipfs", () => openIpfs());
}

export function getChain(): Promise<ChainContext> {
  return once("chain", () => connectRpc({ rpcUrl: serverEnv.rpcUrl, market: serverEnv.marketAddress }));
}

export function keyStore(): KeyStore {
  const cache = services();
  return (cache.keyStore ??= new KeyStore());
}

const contentKeys: ContentKeyStore = {
  async getKey(keyId) {
    try {
      return await keyStore().get(keyId);
    } catch {
      return null; // unknown, malformed or unreadable: the key server answers 404
    }
  },
  // The index of listing metadata: which film, minted by the wallet the key is bound to, names the key id.
  filmOfKey: async (keyId) => filmOfContentKey(await getDb(), keyId, await keyStore().ingesterOf(keyId)),
};

export function getServing(): Promise<Serving> {
  return once("serving", async () => {
    const [db, ipfs, chain] = await Promise.all([getDb(), getIpfs(), getChain()]);
    return createServing({
      chain,
      authStore: ledgerAuthStore(db),
      ipfs,
      keys: contentKeys,
      domain: serverEnv.siteUrl.host,
      sessionSecret: resolveSessionSecret({ secretFile: serverEnv.sessionSecretFile }),
      rateLimiter: await getRateLimiter(),
      trustedProxies: serverEnv.trustedProxies,
    });
  });
}

/** The web edge's rate limits (core serving/rateLimits.ts), counted in the platform database. */
export function getRateLimiter(): Promise<RateLimiter> {
  return once("rateLimiter", async () => createRateLimiter({ store: databaseRateLimitStore(await getDb()) }));
}

/**
 * Counts a request against its action's limits, per client IP and (when known) per wallet:
 * the 429 to answer, or null to go ahead.
 */
export async function rateLimited(action: RateLimitedAction, request: Request, wallet?: string | null): Promise<Response | null> {
  return (await getRateLimiter()).check(action, { ip: clientIp(request, serverEnv.trustedProxies), wallet });
}

export type PlaybackTokens = ReturnType<typeof createPlaybackTokens>;

/**
 * Livepeer playback tokens (JWT), or null when Livepeer playback is not configured: a signing key
 * from LIVEPEER_SIGNING_PRIVATE_KEY (+ _PUBLIC_KEY or _KEY_ID), else one created through Studio
 * with LIVEPEER_API_KEY and kept in a file. Separate from getServing, so a Studio that does not
 * answer takes down only Livepeer playback, not sign-in or the key server.
 */
export function getPlaybackTokens(): Promise<PlaybackTokens | null> {
  return once("playback", async () => {
    const client = livepeerFromEnv();
    const signer =
      (await playbackSignerFromEnv(client)) ?? (client ? await loadOrCreateSigningKey(client, serverEnv.livepeerSigningKeyFile) : null);
    if (!signer) return null;
    const [serving, chain, db] = await Promise.all([getServing(), getChain(), getDb()]);
    return createPlaybackTokens({
      readSession: (request) => serving.auth.readSession(request),
      chain,
      signer,
      // The catalogue's index of listing metadata: which film, minted by the wallet the id is bound to, names it.
      filmOfPlayback: async (playbackId) => filmOfLivepeerPlayback(db, playbackId, await keyStore().playbackIngester(playbackId)),
      playbackOfFilm: (filmId) => livepeerPlaybackOfFilm(db, filmId),
    });
  });
}

/**
 * Where Livepeer's CDN serves a film: the URL `GET /playback/{id}` names (asked at the film's first
 * play, then cached for an hour), as Livepeer's API recommends. Without LIVEPEER_API_KEY, or while
 * Studio does not answer, the URL is built from LIVEPEER_PLAYBACK_BASE (recorded assets are served
 * under `…/asset/hls/<playbackId>/index.m3u8`).
 */
export async function livepeerPlaybackUrl(playbackId: string): Promise<string> {
  const built = `${serverEnv.livepeerPlaybackBase}/${encodeURIComponent(playbackId)}/index.m3u8`;
  const cache = services();
  if (!cache.playbackUrl) {
    const client = livepeerFromEnv();
    if (!client) return built;
    cache.playbackUrl = createPlaybackUrlCache(client);
  }
  return cache.playbackUrl(playbackId).catch(() => built);
}

/**
 * The IPFS gateway needs only the store: previews and posters still load while the chain is down.
 * The store may come from another route's bundle (globalThis); the gateway tells its errors apart
 * by code and brand, not by class, so any bundle's gateway understands them.
 */
export async function getGateway(): Promise<ReturnType<typeof createGateway>> {
  return createGateway({ ipfs: await getIpfs() });
}
