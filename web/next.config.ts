/**
 * Next.js for the AI Films web app. The server side imports the platform's libraries by name
 * (`@ai-films/core/*`, the workspace package in core/), written in TypeScript: Next transpiles
 * that package like the app's own code. core/ lives beside web/, so the tracing and Turbopack
 * roots are the repository.
 */
import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";
import { staticSecurityHeaders } from "@ai-films/core/serving/securityHeaders";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

const nextConfig: NextConfig = {
  outputFileTracingRoot: repoRoot,
  turbopack: {
    root: repoRoot,
    // next-intl finds its per-request configuration (language, catalogues) through this alias. Its
    // plugin would set it too, but with a path it checks from the working directory (the repository
    // root for `next build web`) while Turbopack resolves it from the app's directory.
    resolveAlias: { "next-intl/config": "./i18n/request.ts" },
  },
  transpilePackages: ["@ai-films/core"],
  // Native, WASM or filesystem-heavy server packages: loaded from node_modules at run time, not bundled.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pg",
    "helia",
    "@helia/unixfs",
    "blockstore-fs",
    "datastore-fs",
    "kubo-rpc-client",
    // One copy of the CID class for our code and Helia's: a bundled second copy fails its checks.
    "multiformats",
    "ipfs-unixfs-importer",
    "ipfs-unixfs-exporter",
    "ipfs-unixfs",
    "@ffmpeg-installer/ffmpeg",
    "@ffprobe-installer/ffprobe",
    "@tus/server",
    "@tus/file-store",
  ],
  // NEXT_DIST_DIR lets a second build (a test run) live beside the one `npm start` serves.
  distDir: process.env.NEXT_DIST_DIR?.trim() || ".next",
  poweredByHeader: false,
  // Posters: resized and re-encoded (AVIF, WebP) by Next's image pipeline from our own gateway's
  // content-addressed paths only — a CID's bytes never change, so the renditions can be cached for a year.
  images: {
    localPatterns: [{ pathname: "/ipfs/**", search: "" }],
    formats: ["image/avif", "image/webp"],
    deviceSizes: [384, 640, 828, 1080, 1920],
    imageSizes: [160, 240, 320],
    minimumCacheTTL: 31_536_000,
  },
  // forbidden() from next/navigation: /moderation answers a real 403 (app/forbidden.tsx) to wallets without the guardian role.
  experimental: { authInterrupts: true },
  // Pages get theirs (with the CSP nonce) from proxy.ts; the API, the gateway and Next's files get the static ones here.
  async headers() {
    const headers = Object.entries(staticSecurityHeaders({ hsts: process.env.HSTS === "1" || process.env.HSTS === "true" })).map(
      ([key, value]) => ({ key, value }),
    );
    return ["/api/:path*", "/ipfs/:path*", "/_next/:path*"].map((source) => ({ source, headers }));
  },

  reactStrictMode: true,
};

export default nextConfig;
