/**
 * Next.js for the AI Films web app. The app imports the repository's own modules (scripts/**:
 * chain, ledger, IPFS, serving, indexer), so the tracing and Turbopack roots are the repository,
 * and a small loader adapts those Node-style ESM sources for Turbopack (build/ts-specifiers-loader.cjs).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const loader = fileURLToPath(new URL("./build/ts-specifiers-loader.cjs", import.meta.url));
// Turbopack caches loader output on disk; the loader's own hash in its options invalidates that
// cache whenever the loader changes.
const loaderVersion = createHash("sha256").update(readFileSync(loader)).digest("hex").slice(0, 16);

const nextConfig: NextConfig = {
  outputFileTracingRoot: repoRoot,
  turbopack: {
    root: repoRoot,
    rules: {
      "*.ts": {
        condition: { path: /^(?!.*node_modules)(?:.*[\\/])?(?:scripts|deployments)[\\/].*\.ts$/ },
        loaders: [{ loader, options: { version: loaderVersion } }],
        as: "*.ts",
      },
    },
  },
  // Native, WASM or filesystem-heavy server packages: loaded from node_modules at run time, not bundled.
  serverExternalPackages: [
    "@electric-sql/pglite", "pg", "helia", "@helia/unixfs", "blockstore-fs", "datastore-fs", "kubo-rpc-client",
    // One copy of the CID class for our code and Helia's: a bundled second copy fails its checks.
    "multiformats", "ipfs-unixfs-importer", "ipfs-unixfs-exporter", "ipfs-unixfs",
    "@ffmpeg-installer/ffmpeg", "@ffprobe-installer/ffprobe", "@tus/server", "@tus/file-store",
  ],
  // NEXT_DIST_DIR lets a second build (a test run) live beside the one `npm start` serves.
  distDir: process.env.NEXT_DIST_DIR?.trim() || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
