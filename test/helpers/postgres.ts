/**
 * A throwaway PostgreSQL server for tests: started once per test run on a random loopback port in
 * a temp directory, stopped (and the directory removed) after the last test.
 *
 * PostgreSQL refuses to run as root, so under root the server runs as an unprivileged user
 * (`postgres`, or env LEDGER_PG_USER). Set LEDGER_SKIP_POSTGRES=1 to skip these tests instead.
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export function postgresSkipped(): boolean {
  return process.env.LEDGER_SKIP_POSTGRES === "1";
}

const MISSING_BINARIES = [
  "PostgreSQL server binaries (initdb, postgres) not found in PATH, /usr/local/bin or /usr/lib/postgresql/*/bin.",
  "Install them (Debian/Ubuntu: `apt-get install -y postgresql`), or set LEDGER_SKIP_POSTGRES=1 to skip the real-PostgreSQL ledger tests.",
].join("\n");

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** initdb and postgres from one directory, so their versions match. Newest packaged version wins. */
export function findPostgresBinaries(): PostgresBinaries | undefined {
  const versioned = existsSync("/usr/lib/postgresql")
    ? readdirSync("/usr/lib/postgresql")
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => `/usr/lib/postgresql/${v}/bin`)
    : [];
  const dirs = [...(process.env.PATH ?? "").split(":").filter(Boolean), "/usr/local/bin", ...versioned];
  for (const dir of dirs) {
    const initdb = join(dir, "initdb");
    const postgres = join(dir, "postgres");
    if (existsSync(initdb) && existsSync(postgres)) return { initdb, postgres };
  }
  return undefined;
}

/** Under root, the uid/gid to run the server as; otherwise undefined (run as ourselves). */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const name = process.env.LEDGER_PG_USER ?? "postgres";
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${name}:`));
  if (!line) {
    throw new Error(
      `Running as root, and PostgreSQL refuses root: no '${name}' user to run it as. ` +
        "Debian's `postgresql` package creates the `postgres` user; or set LEDGER_PG_USER to another unprivileged user.",
    );
  }
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/** A free loopback port; env LEDGER_PG_PORT pins it (when tests must stay inside a port range). */
function freePort(): Promise<number> {
  if (process.env.LEDGER_PG_PORT) return Promise.resolve(Number(process.env.LEDGER_PG_PORT));
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function run(command: string, args: string[], options: SpawnOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}:\n${output}`))));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface TestPostgres {
  port: number;
  /** Creates an empty database and returns its connection string. */
  createDatabase(): Promise<string>;
}

interface Running extends TestPostgres {
  stop(): Promise<void>;
}

const USER = "ledger_test";

async function start(): Promise<Running> {
  const binaries = findPostgresBinaries();
  if (!binaries) throw new Error(MISSING_BINARIES);
  const user = serverUser();
  // Under root, TMPDIR may point somewhere (like /root/tmp) the server user cannot enter.
  const dir = mkdtempSync(join(user ? "/tmp" : tmpdir(), "ledger-pg-"));
  if (user) chownSync(dir, user.uid, user.gid);
  const dataDir = join(dir, "data");
  // cwd inside the temp dir: the server user may not be allowed into ours. Locale C: a fresh CI
  // machine may have no other locale generated.
  const options: SpawnOptions = { cwd: dir, env: { PATH: process.env.PATH ?? "", LC_ALL: "C", LANG: "C" }, ...user };
  let child: ChildProcess | undefined;
  try {
    await run(binaries.initdb, ["-D", dataDir, "-U", USER, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"], options);
    const port = await freePort();
    // Durability settings off: the data is thrown away, and speed matters more here.
    child = spawn(
      binaries.postgres,
      [
        "-D",
        dataDir,
        "-p",
        String(port),
        "-k",
        dir,
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "fsync=off",
        "-c",
        "synchronous_commit=off",
        "-c",
        "full_page_writes=off",
        "-c",
        "max_connections=200",
      ],
      { ...options, stdio: ["ignore", "pipe", "pipe"] },
    );
    let log = "";
    const keep = (d: Buffer) => (log = (log + d.toString()).slice(-8000));
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    let exited = false;
    child.once("exit", () => (exited = true));
    const server = child;
    const killOnExit = () => server.kill("SIGQUIT"); // if the run ends without our after hook
    process.once("exit", killOnExit);

    const url = (database: string) => `postgres://${USER}@127.0.0.1:${port}/${database}`;
    for (let waited = 0; ; waited += 100) {
      if (exited) throw new Error(`postgres exited during startup:\n${log}`);
      const client = new pg.Client({ connectionString: url("postgres") });
      try {
        await client.connect();
        await client.end();
        break;
      } catch (error) {
        await client.end().catch(() => undefined);
        if (waited > 30_000) throw new Error(`postgres did not accept connections within 30 s:\n${log}`);
        await sleep(100);
      }
    }

    let databases = 0;
    return {
      port,
      async createDatabase() {
        const name = `ledger_${process.pid}_${++databases}`;
        const admin = new pg.Client({ connectionString: url("postgres") });
        await admin.connect();
        try {
          await admin.query(`CREATE DATABASE ${name}`);
        } finally {
          await admin.end();
        }
        return url(name);
      },
      async stop() {
        process.removeListener("exit", killOnExit);
        if (!exited) {
          const gone = new Promise((r) => server.once("exit", r));
          // Smart shutdown first: connections whose pools were just closed are still saying
          // goodbye, and cutting them off makes noisy errors. Then fast, then immediate, in
          // case a test leaked a connection.
          const escalate = [setTimeout(() => server.kill("SIGINT"), 3_000), setTimeout(() => server.kill("SIGQUIT"), 10_000)];
          server.kill("SIGTERM");
          await gone;
          escalate.forEach(clearTimeout);
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    child?.kill("SIGQUIT");
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

let running: Promise<Running> | undefined;

/** The shared server, started on first use. A failed start is reported to every caller. */
export function startPostgresOnce(): Promise<TestPostgres> {
  running ??= start();
  return running;
}

/** Stops the shared server if it was started; runs once after the whole test run. */
export async function stopPostgres(): Promise<void> {
  const server = running;
  running = undefined;
  if (!server) return;
  const started = await server.catch(() => undefined);
  await started?.stop();
}

// A root-level hook (this module is first imported while mocha loads test files): stop the server
// after the last test of the run, whichever file started it.
if (typeof after === "function") {
  after(async function () {
    this.timeout(30_000); // smart shutdown may wait a few seconds for connections to close
    await stopPostgres();
  });
}
