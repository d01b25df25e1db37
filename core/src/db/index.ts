/**
 * The database every module shares (view ledger, sign-in nonces, chain index): PGlite on disk
 * by default, PostgreSQL with a URL; opening it applies the numbered migrations in migrations/.
 *
 *   const db = await openDatabase();                          // .data/ledger, or DATABASE_URL
 *   const db = await openDatabase({ dataDir: "memory://" });  // throwaway, for tests
 *   await db.transaction(async (tx) => tx.query("…", [a, b]));
 *
 * Modules take a `Queryable` (a database or a transaction) when they only run statements, and a
 * `Database` when they open transactions themselves.
 */
export { openDatabase, DEFAULT_DATABASE_DIR, type Database, type DatabaseOptions, type Queryable } from "./database.ts";
export { loadMigrations, DEFAULT_MIGRATIONS_DIR, type Migration } from "./migrate.ts";
export { advisoryKey, holdLeadership, type Leadership, type LeadershipOptions } from "./leadership.ts";
