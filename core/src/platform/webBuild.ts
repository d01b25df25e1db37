/**
 * When the web app's production build (`next build`) can be reused: it depends on the sources the
 * build reads (web/, core/src/, the lockfile) and the `NEXT_PUBLIC_*` variables Next inlines, and
 * on nothing else — the RPC URL, ports and contract addresses reach the app at run time. The build
 * directory keeps the fingerprint it was made from; `npm start` rebuilds only when it changed, so
 * a pulled change is never served from a stale build and the browser tests, the crash test and a
 * second platform share one build.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

const STAMP_FILE = "ai-films-build.json";
const SOURCE_EXTENSIONS = /\.(tsx?|mts|m?js|css|json|sql|svg|png|ico|woff2?)$/;
/** Generated or per-machine: never an input of the build. */
const SKIP_DIRS = new Set(["node_modules", "test-artifacts"]);

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (SKIP_DIRS.has(entry.name) || entry.name.startsWith(".next")) continue;
      out.push(...(await sourceFiles(path.join(dir, entry.name))));
    } else if (SOURCE_EXTENSIONS.test(entry.name) && entry.name !== "next-env.d.ts" && entry.name !== "tsconfig.json") {
      out.push(path.join(dir, entry.name));
    }
  }
  return out;
}

/** A hash of everything the build reads from disk and the environment. */
export async function webBuildFingerprint(root: string, env: NodeJS.ProcessEnv): Promise<string> {
  const hash = createHash("sha256");
  const files = [...(await sourceFiles(path.join(root, "web"))), ...(await sourceFiles(path.join(root, "core/src")))];
  const lockfile = path.join(root, "package-lock.json");
  if (existsSync(lockfile)) files.push(lockfile);
  for (const file of files.sort()) {
    hash.update(path.relative(root, file)).update("\0");
    hash.update(await readFile(file)).update("\0");
  }
  const inlined = Object.keys(env)
    .filter((k) => k.startsWith("NEXT_PUBLIC_") || k === "NODE_ENV")
    .sort();
  for (const key of inlined) hash.update(`${key}=${env[key] ?? ""}\0`);
  return hash.digest("hex");
}

/** True when distDir holds a finished build made from this fingerprint. */
export async function webBuildIsCurrent(distDir: string, fingerprint: string): Promise<boolean> {
  if (!existsSync(path.join(distDir, "BUILD_ID"))) return false;
  const stamp = await readFile(path.join(distDir, STAMP_FILE), "utf8").catch(() => "");
  try {
    return (JSON.parse(stamp) as { fingerprint?: string }).fingerprint === fingerprint;
  } catch {
    return false;
  }
}

/** Records that distDir's finished build was made from this fingerprint. */
export async function markWebBuild(distDir: string, fingerprint: string): Promise<void> {
  await writeFile(path.join(distDir, STAMP_FILE), JSON.stringify({ fingerprint, builtAt: new Date().toISOString() }) + "\n");
}
