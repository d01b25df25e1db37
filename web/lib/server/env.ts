/**
 * The server's configuration, read from the environment once. Every value has a safe local
 * default, so `next start` on a machine with `npm run node` + `npm run deploy:local` just works.
 */
import "server-only";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../../", String(import.meta.url)));

function siteUrl(): URL {
  const configured = process.env.SITE_URL?.trim();
  if (configured) return new URL(configured);
  return new URL(`http://localhost:${process.env.PORT ?? 3000}`);
}

export const serverEnv = {
  repoRoot,
  /** The server's RPC (the chain's truth for entitlement checks). */
  rpcUrl: process.env.RPC_URL?.trim() || "http://127.0.0.1:8545",
  marketAddress: process.env.MARKET_ADDRESS?.trim() || undefined,
  /**
   * Where browsers reach the site. Its host is the SIWE domain: sign-in messages for any other
   * host are refused, which is what stops a look-alike site relaying our visitors' signatures.
   */
  siteUrl: siteUrl(),
  /** PGlite data directory when DATABASE_URL is unset (reached through its owner, see services.ts). */
  ledgerDir: process.env.LEDGER_DIR?.trim() || `${repoRoot}.data/ledger`,
  /** Created on first start (mode 0600) when SESSION_SECRET is unset. */
  sessionSecretFile: process.env.SESSION_SECRET_FILE?.trim() || `${repoRoot}.data/session-secret`,
  /**
   * The Livepeer playback signing key, created through Studio on first use (mode 0600) when
   * LIVEPEER_API_KEY is set and no LIVEPEER_SIGNING_PRIVATE_KEY is given: Studio shows a private
   * key only once.
   */
  livepeerSigningKeyFile: process.env.LIVEPEER_SIGNING_KEY_FILE?.trim() || `${repoRoot}.data/livepeer-signing-key.json`,
  /**
   * Where Livepeer-served films play from when Studio's `GET /playback/{id}` cannot be asked (no
   * LIVEPEER_API_KEY, or Studio not answering): <base>/<playbackId>/index.m3u8. Recorded assets are
   * served under /asset/hls/ (/hls/ is Livepeer's live-stream route).
   */
  livepeerPlaybackBase: (process.env.LIVEPEER_PLAYBACK_BASE?.trim() || "https://livepeercdn.studio/asset/hls").replace(/\/+$/, ""),
  /**
   * Reverse proxies in front of the web server that append the client's address to
   * X-Forwarded-For (0: none; then per-IP limits trust the header as sent, see clientIp).
   */
  trustedProxies: Math.max(0, Math.floor(Number(process.env.TRUSTED_PROXIES) || 0)),
  /** Send Strict-Transport-Security (HSTS): set when the site is served over HTTPS. */
  hsts: process.env.HSTS === "1" || process.env.HSTS === "true",
};
