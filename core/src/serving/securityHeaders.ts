/**
 * The security headers of every page: a Content-Security-Policy with a fresh nonce per request
 * (Next puts it on its own scripts when it finds the policy on the request; web/proxy.ts does
 * that), framing refused, MIME sniffing off, a strict referrer, the powerful browser features
 * off, and HSTS when the site is served over HTTPS. Dependency-free, so the proxy stays small.
 *
 * What the pages need and get:
 * - scripts: only those carrying the nonce, and what they load ('strict-dynamic'); no 'unsafe-inline'.
 *   Next's development server also needs eval (React's dev tools), never in production.
 * - styles: inline allowed (RainbowKit's modal and the player set style attributes); styles cannot run code.
 * - media: our IPFS gateway ('self'), hls.js's blob: MediaSource URLs, Livepeer's CDN.
 * - connections: our API and RPC relay ('self'), the public RPC's origin (PUBLIC_RPC_URL), Livepeer's CDN
 *   (hls.js fetches playlists and segments), WalletConnect's relay when a wallet uses it.
 */

export interface SecurityHeaderOptions {
  /** Base64 nonce for this response's scripts. */
  nonce: string;
  /** Next's development server (adds 'unsafe-eval' and websocket HMR). */
  dev?: boolean;
  /** Served over HTTPS: send Strict-Transport-Security and upgrade stray http: subresources. */
  hsts?: boolean;
  /** Extra origins the browser fetches from (the public RPC, a Livepeer playback base). */
  connectOrigins?: readonly string[];
  /** Extra origins media plays from. */
  mediaOrigins?: readonly string[];
}

/** Livepeer Studio's playback CDNs (HLS playlists, segments, thumbnails). */
export const LIVEPEER_ORIGINS = [
  "https://livepeercdn.studio",
  "https://*.livepeercdn.studio",
  "https://*.lp-playback.studio",
  "https://*.lp-playback.monster",
] as const;

/** WalletConnect's relay, verify frame and wallet registry, for wallets that connect through it. */
const WALLETCONNECT_ORIGINS = [
  "https://*.walletconnect.com",
  "https://*.walletconnect.org",
  "wss://*.walletconnect.com",
  "wss://*.walletconnect.org",
] as const;

/** Two years, with subdomains: what the HSTS preload list asks for. */
const HSTS_MAX_AGE_SECONDS = 63_072_000;

export function contentSecurityPolicy(options: SecurityHeaderOptions): string {
  // data: for hls.js's caption tracks, which it starts as an empty `data:,WEBVTT` <track>.
  const media = ["'self'", "blob:", "data:", ...LIVEPEER_ORIGINS, ...(options.mediaOrigins ?? [])];
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    "script-src": ["'self'", `'nonce-${options.nonce}'`, "'strict-dynamic'", ...(options.dev ? ["'unsafe-eval'"] : [])],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", ...LIVEPEER_ORIGINS],
    "font-src": ["'self'", "data:"],
    "media-src": media,
    "connect-src": [
      "'self'",
      ...LIVEPEER_ORIGINS,
      ...WALLETCONNECT_ORIGINS,
      ...(options.connectOrigins ?? []),
      ...(options.mediaOrigins ?? []),
      ...(options.dev ? ["ws:"] : []),
    ],
    "worker-src": ["'self'", "blob:"], // hls.js runs its demuxer in a blob: worker
    "frame-src": ["https://verify.walletconnect.com", "https://verify.walletconnect.org"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
  const policy = Object.entries(directives).map(([name, values]) => `${name} ${[...new Set(values)].join(" ")}`);
  if (options.hsts) policy.push("upgrade-insecure-requests");
  return policy.join("; ");
}

/** The headers every page carries (Content-Security-Policy included). */
export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(options),
    ...staticSecurityHeaders({ hsts: options.hsts }),
  };
}

/** The headers that do not depend on the request: also sent on API and gateway answers. */
export function staticSecurityHeaders(options: { hsts?: boolean } = {}): Record<string, string> {
  return {
    "X-Content-Type-Options": "nosniff",
    // For browsers without CSP frame-ancestors.
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    // Nothing here needs a camera, a microphone or a location; fullscreen is the player's own.
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), fullscreen=(self)",
    "Cross-Origin-Opener-Policy": "same-origin-allow-popups",
    ...(options.hsts ? { "Strict-Transport-Security": `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains` } : {}),
  };
}

/** The origin of a URL, or nothing for a relative one ("/api/rpc") or garbage. */
function originOf(url: string | undefined): string[] {
  if (!url?.trim()) return [];
  try {
    const { protocol, origin } = new URL(url.trim());
    return protocol === "http:" || protocol === "https:" ? [origin] : [];
  } catch {
    return [];
  }
}

/**
 * The options from the environment: HSTS=1 (or true) when served over HTTPS; the public RPC's
 * and LIVEPEER_PLAYBACK_BASE's origins; NODE_ENV=development for Next's dev server.
 */
export function securityOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Omit<SecurityHeaderOptions, "nonce"> {
  return {
    dev: env.NODE_ENV === "development",
    hsts: env.HSTS === "1" || env.HSTS === "true",
    connectOrigins: originOf(env.PUBLIC_RPC_URL || env.NEXT_PUBLIC_RPC_URL),
    mediaOrigins: originOf(env.LIVEPEER_PLAYBACK_BASE),
  };
}
