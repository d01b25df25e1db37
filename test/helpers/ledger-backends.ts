/**
 * Runs one ledger suite against each backend: PGlite (embedded) and a real PostgreSQL server.
 * Behaviour must be identical; concurrency in particular only shows its teeth on real PostgreSQL,
 * where transactions run on separate connections at the same time.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Database } from "@ai-films/core/db";
import { postgresSkipped, startPostgresOnce } from "./postgres.ts";

export interface Backend {
  name: "pglite" | "postgres";
  /** An empty, migrated ledger. Closed automatically after each test. */
  open(options?: { poolSize?: number }): Promise<Database>;
  /**
   * A brand-new, empty database (PGlite: a temp directory on disk). Returns a function that opens
   * (and migrates) that same database, each call a new connection/instance, for migration tests.
   * Slow on PGlite (seconds per open), so use sparingly.
   */
  fresh(): Promise<(options?: { migrationsDir?: string; poolSize?: number }) => Promise<Database>>;
}

const opened: Database[] = [];
function track(db: Database): Database {
  opened.push(db);
  return db;
}
async function closeAll(): Promise<void> {
  await Promise.all(opened.splice(0).map((db) => db.close()));
}

/**
 * PGlite takes seconds to initialise, so one in-memory instance is shared and emptied between
 * tests; the handle given to a test does not close it.
 */
let sharedPglite: Promise<Database> | undefined;
async function emptyPglite(): Promise<Database> {
  sharedPglite ??= openDatabase({ dataDir: "memory://" });
  const db = await sharedPglite;
  const tables = await db.query<{ tablename: string }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'",
  );
  await db.query(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(", ")}`);
  return { ...db, close: async () => undefined };
}
if (typeof after === "function") {
  after(async () => {
    const db = await sharedPglite?.catch(() => undefined);
    sharedPglite = undefined;
    await db?.close();
  });
}

const tempDirs: string[] = [];
if (typeof after === "function") after(() => tempDirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const pgliteBackend: Backend = {
  name: "pglite",
  open: () => emptyPglite(),
  async fresh() {
    // On disk, so it can be closed and opened again like a real deployment's ledger.
    const dataDir = mkdtempSync(join(tmpdir(), "ledger-pglite-"));
    tempDirs.push(dataDir);
    return async (options) => track(await openDatabase({ dataDir, ...options }));
  },
};

const postgresBackend: Backend = {
  name: "postgres",
  async open(options = {}) {
    const server = await startPostgresOnce();
    return track(await openDatabase({ databaseUrl: await server.createDatabase(), poolSize: options.poolSize }));
  },
  async fresh() {
    const server = await startPostgresOnce();
    const databaseUrl = await server.createDatabase();
    return async (options) => track(await openDatabase({ databaseUrl, ...options }));
  },
};

let skipNoticePrinted = false;

export function describeEachBackend(title: string, body: (backend: Backend) => void): void {
  describe(`${title} [pglite]`, function () {
    this.timeout(30_000);
    before(async function () {
      this.timeout(60_000); // first PGlite start
      await emptyPglite();
    });
    afterEach(closeAll);
    body(pgliteBackend);
  });

  if (postgresSkipped()) {
    if (!skipNoticePrinted) {
      skipNoticePrinted = true;
      console.log("NOTICE: LEDGER_SKIP_POSTGRES=1 — ledger tests against real PostgreSQL are not run.");
    }
    return; // an explicit opt-out, announced above; CI never sets it
  }
  describe(`${title} [postgres]`, function () {
    this.timeout(30_000);
    before(async function () {
      this.timeout(120_000);
      await startPostgresOnce(); // fails the suite with install instructions if PostgreSQL is missing
    });
    afterEach(closeAll);
    body(postgresBackend);
  });
}
