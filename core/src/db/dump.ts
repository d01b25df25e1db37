/**
 * A logical copy of the ledger for backups: every table of the public schema as JSON lines, all
 * read in one REPEATABLE READ transaction so the tables agree with each other, and loaded back into
 * a fresh ledger migrated to the dump's schema version (later migrations then run as on any
 * upgrade). Logical rather than a copy of PGlite's files, so it is taken through the owner while
 * the platform runs, works the same against PostgreSQL, and loads into a newer PGlite.
 *
 * Values travel as PostgreSQL's own JSON (row_to_json / json_populate_recordset): numerics,
 * timestamps and jsonb come back exactly, without passing through JavaScript numbers.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase, type Database, type Queryable } from "./database.ts";
import { DEFAULT_MIGRATIONS_DIR, loadMigrations } from "./migrate.ts";

export interface LedgerDumpManifest {
  format: 1;
  /** The migrations the dumped database had applied: the schema its rows fit. */
  migrations: { version: number; name: string; checksum: string }[];
  /** Rows per table. */
  tables: Record<string, number>;
  /** Sequence positions, for tables that number their rows. */
  sequences: Record<string, string | null>;
}

const MANIFEST = "manifest.json";
/** Recreated by the migrations themselves, so never loaded from a dump. */
const MIGRATIONS_TABLE = "schema_migrations";
const ROWS_PER_INSERT = 500;

/** Writes `<table>.jsonl` files and manifest.json into `dir`. */
export async function dumpLedger(db: Database, dir: string): Promise<LedgerDumpManifest> {
  await mkdir(dir, { recursive: true });
  return db.transaction(async (tx) => {
    await tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    const manifest: LedgerDumpManifest = { format: 1, migrations: [], tables: {}, sequences: {} };
    for (const table of await publicTables(tx)) {
      const rows = await tx.query<{ line: string }>(`SELECT row_to_json(t)::text AS line FROM ${quoteIdent(table)} AS t`);
      await writeFile(path.join(dir, `${table}.jsonl`), rows.map((r) => r.line + "\n").join(""));
      manifest.tables[table] = rows.length;
    }
    manifest.migrations = await tx.query(`SELECT version, name, checksum FROM ${MIGRATIONS_TABLE} ORDER BY version`);
    for (const s of await tx.query<{ name: string; value: string | null }>(
      "SELECT sequencename AS name, last_value::text AS value FROM pg_sequences WHERE schemaname = 'public'",
    )) {
      manifest.sequences[s.name] = s.value;
    }
    await writeFile(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
    return manifest;
  });
}

export async function readLedgerDumpManifest(dir: string): Promise<LedgerDumpManifest> {
  const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST), "utf8")) as LedgerDumpManifest;
  if (manifest.format !== 1) throw new Error(`${dir} is not a ledger dump this version can read (format ${manifest.format})`);
  return manifest;
}

/**
 * Loads a dump into the new PGlite directory `dataDir` (which must not hold a ledger yet) and
 * brings it up to this version's schema. Refuses a dump whose migrations this version does not
 * have, or has in another form: its rows may not fit.
 */
export async function loadLedgerDump(dumpDir: string, dataDir: string): Promise<Record<string, number>> {
  const manifest = await readLedgerDumpManifest(dumpDir);
  const known = new Map(loadMigrations().map((m) => [m.version, m]));
  for (const m of manifest.migrations) {
    if (known.get(m.version)?.checksum !== m.checksum) {
      throw new Error(
        `the ledger dump was made with migration ${m.name}, which this version does not have (or has changed): restore it with the version that made it`,
      );
    }
  }
  const schemaAtDump = await mkdtemp(path.join(tmpdir(), "ledger-schema-"));
  try {
    for (const m of manifest.migrations)
      await copyFile(path.join(DEFAULT_MIGRATIONS_DIR, known.get(m.version)!.name), path.join(schemaAtDump, m.name));
    const db = await openDatabase({ dataDir, migrationsDir: schemaAtDump, embedded: { role: "the restore" } });
    try {
      await db.transaction(async (tx) => {
        for (const [table, count] of Object.entries(manifest.tables)) {
          if (table === MIGRATIONS_TABLE || count === 0) continue;
          await loadTable(tx, table, await readFile(path.join(dumpDir, `${table}.jsonl`), "utf8"));
        }
        for (const [name, value] of Object.entries(manifest.sequences)) {
          if (value !== null) await tx.query("SELECT setval($1, $2::bigint, true)", [quoteIdent(name), value]);
        }
      });
      const loaded: Record<string, number> = {};
      for (const table of Object.keys(manifest.tables)) {
        if (table === MIGRATIONS_TABLE) continue;
        const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${quoteIdent(table)}`);
        if (n !== manifest.tables[table]) throw new Error(`restoring ${table}: ${n} rows loaded, the dump has ${manifest.tables[table]}`);
        loaded[table] = n;
      }
      await db.close();
      // The migrations this version adds after the dump's, as on any upgrade.
      await (await openDatabase({ dataDir, embedded: { role: "the restore" } })).close();
      return loaded;
    } finally {
      await db.close();
    }
  } finally {
    await rm(schemaAtDump, { recursive: true, force: true });
  }
}

async function loadTable(tx: Queryable, table: string, jsonLines: string): Promise<void> {
  const lines = jsonLines.split("\n").filter(Boolean);
  for (let i = 0; i < lines.length; i += ROWS_PER_INSERT) {
    const batch = `[${lines.slice(i, i + ROWS_PER_INSERT).join(",")}]`;
    await tx.query(`INSERT INTO ${quoteIdent(table)} SELECT * FROM json_populate_recordset(NULL::${quoteIdent(table)}, $1::json)`, [batch]);
  }
}

async function publicTables(tx: Queryable): Promise<string[]> {
  const rows = await tx.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
  return rows.map((r) => r.name);
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
