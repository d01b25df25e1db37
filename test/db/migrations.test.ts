import { expect } from "chai";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { aggregatePeriod } from "@ai-films/core/ledger";
import { DEFAULT_MIGRATIONS_DIR, loadMigrations, type Database } from "@ai-films/core/db";
import { describeEachBackend } from "../helpers/ledger-backends.ts";
import { every, recordSeries } from "../helpers/ledger-fixtures.ts";

async function appliedMigrations(db: Database) {
  return db.query<{ version: number; name: string; applied_at: Date }>(
    "SELECT version, name, applied_at FROM schema_migrations ORDER BY version",
  );
}

/** A migrations folder holding the real first migration plus the given extra files. */
function migrationsDir(extra: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "ledger-migrations-"));
  const [first] = loadMigrations();
  copyFileSync(join(DEFAULT_MIGRATIONS_DIR, first.name), join(dir, first.name));
  for (const [name, sql] of Object.entries(extra)) writeFileSync(join(dir, name), sql);
  return dir;
}

describeEachBackend("database migrations", (backend) => {
  const dirs: string[] = [];
  after(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const tempMigrations = (extra: Record<string, string>) => {
    const dir = migrationsDir(extra);
    dirs.push(dir);
    return dir;
  };

  it("applies each migration once; reopening applies nothing and keeps the data", async () => {
    const open = await backend.fresh();
    const first = await open();
    const applied = await appliedMigrations(first);
    expect(applied.map((m) => m.name)).to.deep.equal(loadMigrations().map((m) => m.name));
    await recordSeries(first, every(10, 5), { filmId: 42n });
    const leaves = await aggregatePeriod(first, 0);
    expect(leaves).to.have.length(1);
    await first.close();

    const second = await open();
    expect(await appliedMigrations(second)).to.deep.equal(applied);
    expect(await aggregatePeriod(second, 0)).to.deep.equal(leaves);
  });

  it("refuses to run when an applied migration file was edited", async () => {
    const dir = tempMigrations({ "002_extra.sql": "CREATE TABLE extra (x int);" });
    const open = await backend.fresh();
    await (await open({ migrationsDir: dir })).close();
    writeFileSync(join(dir, "002_extra.sql"), "CREATE TABLE extra (x bigint);");
    let error: unknown;
    await open({ migrationsDir: dir }).catch((e) => (error = e));
    expect(String(error)).to.match(/002_extra\.sql was changed after it was applied/);
  });

  it("rolls back a failing migration completely, so a fixed one can run", async () => {
    const dir = tempMigrations({ "002_partial.sql": "CREATE TABLE partial (x int);\nSELEC oops;" });
    const open = await backend.fresh();
    let error: unknown;
    await open({ migrationsDir: dir }).catch((e) => (error = e));
    expect(String(error)).to.match(/migration 002_partial\.sql failed/);
    // Had the first statement survived, this would fail with "relation already exists".
    writeFileSync(join(dir, "002_partial.sql"), "CREATE TABLE partial (x int);");
    const db = await open({ migrationsDir: dir });
    expect((await appliedMigrations(db)).map((m) => m.name)).to.deep.equal(["001_view_ledger.sql", "002_partial.sql"]);
  });

  it("applies migrations in numeric order and rejects badly named files", async () => {
    const dir = tempMigrations({
      "010_second.sql": "ALTER TABLE first_table ADD COLUMN y int;",
      "002_first.sql": "CREATE TABLE first_table (x int);",
    });
    expect(loadMigrations(dir).map((m) => m.version)).to.deep.equal([1, 2, 10]);
    writeFileSync(join(dir, "3-bad name.sql"), "SELECT 1;");
    expect(() => loadMigrations(dir)).to.throw(/must look like 001_name\.sql/);
  });

  // PostgreSQL only: a PGlite directory belongs to one process, so there is nothing to race.
  if (backend.name === "postgres")
    it("lets several processes open one new database at once", async function () {
      const open = await backend.fresh();
      const dbs = await Promise.all(Array.from({ length: 6 }, () => open({ poolSize: 2 })));
      for (const db of dbs) {
        expect((await appliedMigrations(db)).map((m) => m.name)).to.deep.equal(loadMigrations().map((m) => m.name));
      }
    });
});
