// `npm run backup` and `npm run restore`: a snapshot of the local platform's state, and bringing a
// stopped platform back to one. A backup is a directory:
//
//   manifest.json   what is in it, and when it was taken
//   ledger/         the ledger as a logical dump (ledger/dump.ts), taken through the platform's
//                   ledger server while it runs
//   data/           every other file of the data directory: the chain's files (whatever the local
//                   chain keeps in data/chain), the IPFS blocks, the sealed film keys, oracle
//                   files, the session secret
//   deployments/    the local chain's contract addresses (deployments/31337.json), which only
//                   mean something together with that chain
//
// Consistency without stopping anything: the ledger is read first, in one transaction. What it
// refers to (chain history, IPFS blocks, film keys, oracle files) is only ever added to, so copies
// taken after it hold at least everything it names.
//
// The media master key is never copied: the film keys in the backup are sealed with it, and a
// backup that carried both would hand out every film. Keep it apart (README, "Backups").
import { copyFile, mkdir, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { openDatabase } from "../db/index.ts";
import { dumpLedger, loadLedgerDump } from "../db/dump.ts";
import { describeOwner, displayPath, ownerFile, readOwner } from "../db/ownership.ts";
import { dataRoot, DEPLOYMENTS_DIR } from "../paths.ts";

/** Local chains, whose deployment exports are not committed (see .gitignore) and die with the chain. */
const LOCAL_CHAIN_IDS = [31337, 1337];
const MASTER_KEY_FILE = "media-master-key";
/** Relative paths under the data directory that are not state: scratch space and the ledger's files. */
const NOT_COPIED = ["ledger", path.basename(ownerFile("ledger")), MASTER_KEY_FILE, "demo-work", path.join("media", "work")];

export interface BackupOptions {
  /** The platform's data directory; default AI_FILMS_DATA_DIR or .data. */
  dataDir?: string;
  /** Where deployments/<chainId>.json live; default the project's deployments/. */
  deploymentsDir?: string;
}

export interface BackupManifest {
  format: 1;
  createdAt: string;
  /** Rows per ledger table. */
  ledger: Record<string, number>;
  files: number;
  bytes: number;
  deployments: string[];
}

export class BackupError extends Error {
  override readonly name = "BackupError";
}

export async function backupPlatform(target: string, options: BackupOptions = {}): Promise<BackupManifest> {
  const dataDir = options.dataDir ?? dataRoot();
  if ((await readdir(target).catch(() => [])).length > 0)
    throw new BackupError(`${displayPath(target)} is not empty: choose a new directory for the backup.`);
  await mkdir(target, { recursive: true });

  // DATABASE_URL: the ledger lives in PostgreSQL, and is dumped from there the same way.
  const ledgerOptions = process.env.DATABASE_URL ? {} : { dataDir: path.join(dataDir, "ledger") };
  const db = await openDatabase({ ...ledgerOptions, embedded: { role: "the backup" } });
  let ledger;
  try {
    ledger = await dumpLedger(db, path.join(target, "ledger"));
  } finally {
    await db.close();
  }

  const copied = { files: 0, bytes: 0 };
  const chain = await copyTree(path.join(dataDir, "chain"), path.join(target, "data", "chain"));
  const deployments = await copyDeployments(options.deploymentsDir ?? DEPLOYMENTS_DIR, path.join(target, "deployments"));
  const rest = await copyTree(dataDir, path.join(target, "data"), [...NOT_COPIED, "chain"]);
  copied.files = chain.files + rest.files;
  copied.bytes = chain.bytes + rest.bytes;

  const manifest: BackupManifest = { format: 1, createdAt: new Date().toISOString(), ledger: ledger.tables, ...copied, deployments };
  await writeFile(path.join(target, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}

export interface RestoreReport {
  manifest: BackupManifest;
  /** Where the data directory's previous contents went, if it had any. */
  setAside: string | null;
  /** Whether a media master key is at hand (MEDIA_MASTER_KEY, or the key file kept in the data directory). */
  masterKeyPresent: boolean;
}

/**
 * Brings the data directory back to the backup in `source`. Refuses while anything owns the
 * ledger (the platform, a web server, a command); deletes nothing: what the directory held moves to
 * `<dataDir>.before-restore-<time>`, except the master key, which stays where it is.
 */
export async function restorePlatform(source: string, options: BackupOptions = {}): Promise<RestoreReport> {
  const dataDir = options.dataDir ?? dataRoot();
  const manifest = await readManifest(source);
  if (!path.relative(path.resolve(dataDir), path.resolve(source)).startsWith("..")) {
    throw new BackupError(`${displayPath(source)} is inside the data directory it would replace: move it elsewhere first.`);
  }
  if (process.env.DATABASE_URL) {
    throw new BackupError(
      "DATABASE_URL is set: restore rebuilds the embedded ledger in the data directory; unset it to restore the local platform.",
    );
  }
  const owner = readOwner(path.join(dataDir, "ledger"));
  if (owner) throw new BackupError(`${describeOwner(owner)} is using ${displayPath(dataDir)}: stop it before restoring.`);

  await mkdir(dataDir, { recursive: true });
  const present = (await readdir(dataDir)).filter((name) => name !== MASTER_KEY_FILE);
  let setAside: string | null = null;
  if (present.length > 0) {
    setAside = `${path.resolve(dataDir)}.before-restore-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    await mkdir(setAside);
    for (const name of present) await rename(path.join(dataDir, name), path.join(setAside, name));
  }
  await copyTree(path.join(source, "data"), dataDir);
  await loadLedgerDump(path.join(source, "ledger"), path.join(dataDir, "ledger"));
  await copyDeployments(path.join(source, "deployments"), options.deploymentsDir ?? DEPLOYMENTS_DIR);
  const masterKeyPresent = Boolean(process.env.MEDIA_MASTER_KEY?.trim()) || (await exists(path.join(dataDir, MASTER_KEY_FILE)));
  return { manifest, setAside, masterKeyPresent };
}

async function readManifest(source: string): Promise<BackupManifest> {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(await readFile(path.join(source, "manifest.json"), "utf8"));
  } catch {
    throw new BackupError(`${displayPath(source)} is not a backup made by \`npm run backup\` (no readable manifest.json).`);
  }
  if (manifest.format !== 1)
    throw new BackupError(`${displayPath(source)} is a backup in format ${manifest.format}, which this version cannot restore.`);
  return manifest;
}

/**
 * Copies the files under `from` to `to`, skipping `skip` (paths relative to `from`) and temp
 * files of writes in progress. An append-only journal (.jsonl) caught mid-append is cut back to its
 * last whole line. Files that vanish while being copied were temporary: skipped.
 */
async function copyTree(from: string, to: string, skip: string[] = []): Promise<{ files: number; bytes: number }> {
  const entries = await readdir(from, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const copied = { files: 0, bytes: 0 };
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const relative = path.relative(from, path.join(entry.parentPath, entry.name));
    if (skip.some((s) => relative === s || relative.startsWith(s + path.sep))) continue;
    if (entry.name.endsWith(".tmp")) continue;
    const destination = path.join(to, relative);
    await mkdir(path.dirname(destination), { recursive: true });
    try {
      if (entry.name.endsWith(".jsonl")) {
        const text = await readFile(path.join(from, relative), "utf8");
        await writeFile(destination, text.slice(0, text.lastIndexOf("\n") + 1));
      } else {
        await copyFile(path.join(from, relative), destination);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    copied.files++;
    copied.bytes += (await stat(destination)).size;
  }
  return copied;
}

async function copyDeployments(from: string, to: string): Promise<string[]> {
  const names = LOCAL_CHAIN_IDS.map((id) => `${id}.json`);
  const copied: string[] = [];
  for (const name of names) {
    if (!(await exists(path.join(from, name)))) continue;
    await mkdir(to, { recursive: true });
    await copyFile(path.join(from, name), path.join(to, name));
    copied.push(name);
  }
  return copied;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
