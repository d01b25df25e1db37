// The child processes of the local platform (chain, builds, web server) must never outlive it:
// one group stops them all on any failure or signal, and pid files let the next start stop what
// an earlier run left behind when it was killed before it could (SIGKILL, a crash).
import { execFile, type ChildProcess } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { AiFilmsError } from "../errors.ts";

const execFileAsync = promisify(execFile);

/**
 * When a process started, as `ps` reports it (null when it is gone or `ps` is missing). With the
 * pid it tells the process a pid file names from a later one that reuses the number.
 */
async function startedAt(pid: number): Promise<string | null> {
  try {
    const { stdout } = await execFileAsync("ps", ["-o", "lstart=", "-p", String(pid)]);
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** SIGTERM, then SIGKILL once `timeoutMs` has passed; resolves when the process is gone. */
export async function terminate(target: ChildProcess | number, timeoutMs = 10_000): Promise<void> {
  const pid = typeof target === "number" ? target : target.pid;
  if (pid === undefined) return;
  const gone = typeof target === "number" ? () => !alive(pid) : () => target.exitCode !== null || target.signalCode !== null;
  const send = (signal: NodeJS.Signals) => {
    try {
      process.kill(pid, signal);
    } catch {
      // it has already exited: the loop below sees it gone
    }
  };
  if (gone()) return;
  send("SIGTERM");
  const killAt = Date.now() + timeoutMs;
  let killed = false;
  // After SIGKILL only the kernel can keep it (uninterruptible I/O): give up waiting after a while.
  while (!gone() && Date.now() < killAt + 5_000) {
    if (!killed && Date.now() > killAt) {
      send("SIGKILL");
      killed = true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface PidRecord {
  pid: number;
  startedAt: string | null;
  /** The process that started it: while that one lives, the child is in use, not left behind. */
  owner: { pid: number; startedAt: string | null };
}

/** Records `child` (and this process as its owner) in `file`, so that a later start can stop it if this run never does. */
export async function writePidFile(file: string, child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const record: PidRecord = {
    pid: child.pid,
    startedAt: await startedAt(child.pid),
    owner: { pid: process.pid, startedAt: await startedAt(process.pid) },
  };
  await writeFile(file, JSON.stringify(record) + "\n");
}

export async function removePidFile(file: string): Promise<void> {
  await rm(file, { force: true });
}

/** A process a pid file names whose owner is still running: another run uses the same data. */
export class ProcessInUseError extends AiFilmsError<"platform"> {
  override name = "ProcessInUseError";

  constructor(
    what: string,
    readonly pid: number,
    readonly ownerPid: number,
  ) {
    super(
      "platform",
      "PROCESS_IN_USE",
      `${what} (pid ${pid}) belongs to another run that is still going (pid ${ownerPid}) on the same data directory: stop that one first`,
    );
  }
}

const same = async (p: { pid?: unknown; startedAt?: string | null } | undefined): Promise<boolean> =>
  typeof p?.pid === "number" && Boolean(p.startedAt) && (await startedAt(p.pid)) === p.startedAt;

/**
 * Stops the process `file` names if it is still the one recorded there and the run that started
 * it is gone (killed before it could stop it), and removes the file. Returns the pid it stopped,
 * or null; throws ProcessInUseError while its owner still runs.
 */
export async function stopLeftover(file: string, what: string, timeoutMs = 10_000): Promise<number | null> {
  let recorded: Partial<PidRecord>;
  try {
    recorded = JSON.parse(await readFile(file, "utf8"));
  } catch {
    await removePidFile(file);
    return null;
  }
  if (!(await same(recorded))) {
    await removePidFile(file);
    return null;
  }
  const pid = recorded.pid!;
  if (recorded.owner?.pid !== process.pid && (await same(recorded.owner))) throw new ProcessInUseError(what, pid, recorded.owner!.pid);
  await terminate(pid, timeoutMs);
  await removePidFile(file);
  return pid;
}

/** The children one run started, stopped together (the last started first). */
export class ChildGroup {
  private readonly children: ChildProcess[] = [];

  add<T extends ChildProcess>(child: T): T {
    this.children.push(child);
    child.once("exit", () => this.children.splice(this.children.indexOf(child), 1));
    return child;
  }

  async stopAll(timeoutMs = 10_000): Promise<void> {
    for (const child of [...this.children].reverse()) await terminate(child, timeoutMs);
  }
}
