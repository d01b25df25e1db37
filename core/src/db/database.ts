/**
 * The one database every module keeps its tables in (the view ledger, sign-in nonces, the chain
 * index): embedded PGlite on disk by default, a real PostgreSQL server when a URL is given. Both
 * speak the same SQL, so each module has one code path and tests run on both.
 * A PGlite directory has one owner process; everyone else reaches it through the owner's
 * PostgreSQL wire protocol server (embedded.ts).
 */
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { openEmbedded, type EmbeddedOptions } from "./embedded.ts";
import { runMigrations, type Session } from "./migrate.ts";
import { dataPath } from "../paths.ts";

/** What a transaction body gets: queries bound to the transaction's connection. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface Database extends Queryable {
  readonly kind: "pglite" | "postgres";
  /**
   * Runs `fn` in one transaction (READ COMMITTED), committing if it resolves and rolling back if
   * it throws. Inside `fn` use only `tx`: on PGlite a call on the db itself waits for the
   * transaction to end, so it would never run.
   */
  transaction<R>(fn: (tx: Queryable) => Promise<R>): Promise<R>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PGlite data directory; "memory://" for a throwaway in-memory database. */
  dataDir?: string;
  /** PostgreSQL connection string; defaults to env DATABASE_URL when no dataDir is given. */
  databaseUrl?: string;
  /** Connections in the PostgreSQL pool. */
  poolSize?: number;
  /** Where the numbered .sql migrations live (tests point this elsewhere). */
  migrationsDir?: string;
  /** For a PGlite directory: who is opening it, and whether to share it when this process owns it. */
  embedded?: EmbeddedOptions;
}

/** PGlite's directory by default; still named "ledger" (LEDGER_DIR), so existing data keeps its place. */
export const DEFAULT_DATABASE_DIR = dataPath("ledger");

/** A driver hands out one connection at a time for a unit of work; the database builds on that. */
interface Driver {
  readonly kind: Database["kind"];
  withSession<R>(fn: (session: Session) => Promise<R>): Promise<R>;
  close(): Promise<void>;
}

/**
 * Opens the database and brings its schema up to date. A databaseUrl wins over the default PGlite
 * directory; an explicit dataDir wins over env DATABASE_URL.
 */
export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  const url = options.databaseUrl ?? (options.dataDir === undefined ? process.env.DATABASE_URL : undefined);
  const poolSize = options.poolSize ?? 10;
  const migrate = async (driver: Driver) => {
    await driver.withSession((session) => runMigrations(session, options.migrationsDir));
  };
  if (!url) {
    const openers = { direct: openPglite, connect: (ownerUrl: string) => openPostgres(ownerUrl, poolSize), prepare: migrate };
    return databaseOn(await openEmbedded(options.dataDir ?? DEFAULT_DATABASE_DIR, options.embedded ?? {}, openers));
  }
  const driver = openPostgres(url, poolSize);
  try {
    await migrate(driver);
  } catch (error) {
    await driver.close();
    throw error;
  }
  return databaseOn(driver);
}

function databaseOn(driver: Driver): Database {
  let closed = false;
  return {
    kind: driver.kind,
    query: (sql, params) => driver.withSession((s) => s.query(sql, params)),
    transaction: (fn) =>
      driver.withSession(async (session) => {
        await session.query("BEGIN");
        let result;
        try {
          result = await fn({ query: (sql, params) => session.query(sql, params) });
        } catch (error) {
          // A failed ROLLBACK must not hide the error that caused it.
          await session.query("ROLLBACK").catch(() => undefined);
          throw error;
        }
        await session.query("COMMIT");
        return result;
      }),
    close: async () => {
      if (closed) return;
      closed = true;
      await driver.close();
    },
  };
}

/**
 * PGlite is one backend connection shared by every caller. Its own locking already serialises
 * calls, but transaction() issues BEGIN/COMMIT itself, so it holds its own lock for each whole unit
 * of work: concurrent transactions queue instead of interleaving statements on one connection.
 */
async function openPglite(dataDir: string): Promise<Driver> {
  if (!dataDir.includes("://")) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  let tail: Promise<unknown> = Promise.resolve();
  const session: Session = {
    query: async <T>(sql: string, params: readonly unknown[] = []) => (await db.query<T>(sql, params as unknown[])).rows,
    exec: async (sql: string) => {
      await db.exec(sql);
    },
  };
  return {
    kind: "pglite",
    withSession<R>(fn: (s: Session) => Promise<R>): Promise<R> {
      const run = tail.then(() => fn(session));
      tail = run.catch(() => undefined); // the next unit runs whether this one failed or not
      return run;
    },
    close: async () => {
      await tail;
      await db.close();
    },
  };
}

function openPostgres(connectionString: string, max: number): Driver {
  const pool = new pg.Pool({ connectionString, max });
  // An idle client losing its server (restart, network) emits here; unhandled, it kills Node.
  pool.on("error", (error) => console.warn(`database: idle PostgreSQL connection failed: ${error.message}`));
  return {
    kind: "postgres",
    async withSession<R>(fn: (s: Session) => Promise<R>): Promise<R> {
      const client = await pool.connect();
      let broken = false;
      try {
        return await fn({
          query: async <T>(sql: string, params: readonly unknown[] = []) => (await client.query(sql, params as unknown[])).rows as T[],
          exec: async (sql: string) => {
            await client.query(sql); // no parameters: simple protocol, several statements allowed
          },
        });
      } catch (error) {
        // Never hand the pool a connection stuck inside a transaction: roll back (a no-op
        // warning if none is open), and if even that fails, drop the connection.
        await client.query("ROLLBACK").catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
