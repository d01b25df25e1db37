/**
 * Schema migrations: numbered .sql files applied in order, each in its own transaction, each
 * recorded once in schema_migrations with a checksum so an edited, already-applied file is caught.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** One connection, exclusively ours for the duration of a unit of work. */
export interface Session {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters. */
  exec(sql: string): Promise<void>;
}

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL("./migrations/", String(import.meta.url)));

/** Arbitrary constant naming the schema migrations among advisory locks (kept from when they were the ledger's). */
const MIGRATION_LOCK_KEY = "7310413925501203";

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** Reads `NNN_name.sql` files, ordered by number; anything else in the folder is an error. */
export function loadMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith(".sql"))
    .map((file) => {
      const match = /^(\d+)_[a-z0-9_]+\.sql$/.exec(file);
      if (!match) throw new Error(`migration file name must look like 001_name.sql: ${file}`);
      const sql = readFileSync(join(dir, file), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      return { version: Number(match[1]), name: file, sql, checksum };
    })
    .sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i].version === migrations[i - 1].version) {
      throw new Error(`two migrations share number ${migrations[i].version}`);
    }
  }
  return migrations;
}

/**
 * Applies the missing migrations. A session-level advisory lock makes concurrent openers (two
 * processes starting against one database) take turns: the second finds everything applied.
 */
export async function runMigrations(session: Session, dir?: string): Promise<string[]> {
  const migrations = loadMigrations(dir);
  await session.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
  try {
    await session.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await session.query<{ version: number; name: string; checksum: string }>(
      "SELECT version, name, checksum FROM schema_migrations",
    );
    const applied = new Map(rows.map((row) => [row.version, row]));
    const newlyApplied: string[] = [];
    for (const migration of migrations) {
      const done = applied.get(migration.version);
      if (done) {
        if (done.checksum !== migration.checksum) {
          throw new Error(`migration ${migration.name} was changed after it was applied; add a new migration instead`);
        }
        continue;
      }
      await session.query("BEGIN");
      try {
        await session.exec(migration.sql);
        await session.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", [
          migration.version,
          migration.name,
          migration.checksum,
        ]);
        await session.query("COMMIT");
      } catch (error) {
        await session.query("ROLLBACK").catch(() => undefined);
        throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      newlyApplied.push(migration.name);
    }
    return newlyApplied;
  } finally {
    await session.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
  }
}
