/**
 * Who owns an embedded ledger directory. PGlite is a whole PostgreSQL inside one process, and it
 * takes no lock: two processes opening one directory each run a server over the same files, and
 * the directory is lost (a WASM abort on the next open, issue 19). So the process that opens a
 * directory first records itself in `<dir>.owner.json` beside it, and every later opener reads that
 * record instead: it connects to the owner's server, waits for the owner, or is told who it is.
 *
 * The record is created atomically (written in full to a temp file, then hard-linked to its name,
 * which fails if the name exists) and removed when the owner closes or exits normally. A record
 * whose process is gone, or whose pid now runs another command line, is stale and is taken over.
 */
import { linkSync, mkdirSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface OwnerRecord {
  pid: number;
  /** Who owns it, for people: "the platform", "the oracle". */
  role: string;
  /** The command as typed, e.g. "npm start" or "npm run oracle -- verify --period 0". */
  command: string;
  /** The process's exact command line (Linux), to tell a reused pid from the owner. */
  cmdline?: string;
  startedAt: string;
  /** Whether the owner serves the ledger to other processes (then `url` follows once it is ready). */
  shared: boolean;
  /** postgres://… on localhost, written once the owner accepts connections. */
  url?: string;
}

export class LedgerOwnedError extends Error {
  override readonly name = "LedgerOwnedError";
  constructor(
    message: string,
    readonly owner: OwnerRecord,
  ) {
    super(message);
  }
}

/** The record's path: beside the directory, so it is never part of the database files. */
export function ownerFile(dataDir: string): string {
  return `${path.resolve(dataDir)}.owner.json`;
}

/** The live owner of `dataDir`, or null when there is none (no record, or a stale one). */
export function readOwner(dataDir: string): OwnerRecord | null {
  const record = readRecord(ownerFile(dataDir));
  return record && isAlive(record) ? record : null;
}

/** "the platform (pid 1234, `npm start`)" */
export function describeOwner(owner: OwnerRecord): string {
  return `${owner.role} (pid ${owner.pid}, \`${owner.command}\`)`;
}

/** The directory as the user would type it: relative to the working directory when inside it. */
export function displayPath(dataDir: string): string {
  const relative = path.relative(process.cwd(), path.resolve(dataDir));
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : path.resolve(dataDir);
}

export interface OwnershipClaim {
  readonly record: OwnerRecord;
  /** Adds the connection string once the owner serves the ledger. */
  publish(url: string): void;
  /** Removes the record if it is still ours. */
  release(): void;
}

/**
 * Records this process as the owner of `dataDir`, taking over a stale record. Returns the claim,
 * or the live owner's record when another process (or this one) owns the directory.
 */
export async function claimOwnership(dataDir: string, details: { role: string; shared: boolean }): Promise<OwnershipClaim | OwnerRecord> {
  const file = ownerFile(dataDir);
  mkdirSync(path.dirname(file), { recursive: true });
  const record: OwnerRecord = {
    pid: process.pid,
    role: details.role,
    command: currentCommand(),
    cmdline: readCmdline(process.pid) ?? undefined,
    startedAt: new Date().toISOString(),
    shared: details.shared,
  };
  for (;;) {
    if (createExclusively(file, record)) return claimOf(file, record);
    const existing = readRecord(file);
    if (existing && isAlive(existing)) return existing;
    // Stale (or unreadable: a record is complete from the moment it exists, so it is garbage).
    // One process at a time clears it, so two newcomers cannot both take over.
    if (!withTakeoverGuard(file, () => removeIfUnchanged(file, existing))) await sleep(50);
  }
}

function claimOf(file: string, record: OwnerRecord): OwnershipClaim {
  let current = record;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off("exit", release);
    const now = readRecord(file);
    if (now?.pid === process.pid && now.startedAt === record.startedAt) unlinkSync(file);
  };
  // A normal exit that skips close() (process.exit in a signal handler) still frees the directory.
  process.on("exit", release);
  return {
    get record() {
      return current;
    },
    publish(url) {
      current = { ...current, url };
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(current, null, 2) + "\n");
      renameSync(temp, file);
    },
    release,
  };
}

function createExclusively(file: string, record: OwnerRecord): boolean {
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, JSON.stringify(record, null, 2) + "\n");
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}

/** Runs `fn` holding a short-lived directory lock beside the record; false if another process holds it. */
function withTakeoverGuard(file: string, fn: () => void): boolean {
  const guard = `${file}.takeover`;
  try {
    mkdirSync(guard);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    // A takeover takes milliseconds; a guard this old was left by a process that died in one.
    if (Date.now() - statSync(guard, { throwIfNoEntry: false })!.mtimeMs > 10_000) rmdirSync(guard);
    return false;
  }
  try {
    fn();
    return true;
  } finally {
    rmdirSync(guard);
  }
}

function removeIfUnchanged(file: string, seen: OwnerRecord | null): void {
  const now = readRecord(file);
  if (JSON.stringify(now) !== JSON.stringify(seen)) return; // someone else took it over meanwhile
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

function readRecord(file: string): OwnerRecord | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  try {
    const record = JSON.parse(text) as OwnerRecord;
    return Number.isInteger(record.pid) ? record : null;
  } catch {
    return null;
  }
}

function isAlive(record: OwnerRecord): boolean {
  try {
    process.kill(record.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false; // EPERM: alive, another user's
  }
  if (record.cmdline === undefined) return true;
  const cmdline = readCmdline(record.pid);
  return cmdline === null || cmdline === record.cmdline;
}

/** /proc/<pid>/cmdline on Linux; null where there is no /proc. */
function readCmdline(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return null;
  }
}

/** How the user started this process: `npm start`, `npm run oracle -- verify`, or the node command line. */
function currentCommand(): string {
  const args = process.argv.slice(2).join(" ");
  const entry = process.argv[1] ?? "";
  // npm's variables are inherited by every child, so they name this process only if its script runs this file.
  const script = process.env.npm_lifecycle_event;
  if (script && entry && process.env.npm_lifecycle_script?.includes(path.basename(entry))) {
    return `npm ${script === "start" ? "start" : `run ${script}`}${args ? ` -- ${args}` : ""}`;
  }
  return ["node", entry && path.relative(process.cwd(), entry), args].filter(Boolean).join(" ");
}
