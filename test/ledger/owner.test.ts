// One owner per PGlite directory (issue 19): the owner's wire-protocol server keeps its clients'
// exchanges apart on the single PGlite session; other openers connect to it, or wait and are told
// who holds the directory; a second platform is refused; a stale ownership record is taken over.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { openDatabase } from "@ai-films/core/db";
import { LedgerOwnedError, ownerFile, readOwner } from "@ai-films/core/db/ownership";
import { serveOverSocket, type ServedDatabase } from "@ai-films/core/db/socketServer";
import { openPlatformLedger } from "@ai-films/core/platform/ledgerOwner";
import { startLedgerOwner } from "../helpers/ledger-owner.ts";

describe("Ledger ownership: one process opens a PGlite directory, the others connect", function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => (tmp = mkdtempSync(path.join(tmpdir(), "ledger-owner-"))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  describe("the owner's server", () => {
    let db: PGlite;
    let served: ServedDatabase;
    before(async () => {
      db = await PGlite.create("memory://");
      await db.exec("CREATE TABLE items (id serial PRIMARY KEY, client int NOT NULL, note text NOT NULL)");
      served = await serveOverSocket(db, { port: 4140 });
    });
    after(async () => {
      await served?.close();
      await db?.close();
    });

    it("keeps the exchanges and transactions of concurrent clients apart", async () => {
      // Three processes' worth of pools, each query parameterised (Parse/Bind/Execute/Sync), mixed
      // with transactions: interleaved on the one session, clients would get each other's results.
      const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: served.url, max: 4 }));
      const wrong: string[] = [];
      const work = async (pool: pg.Pool, client: number) => {
        for (let i = 0; i < 60; i++) {
          const echoed = await pool.query("SELECT $1::int + $2::int AS sum, $3::text AS note", [client, i, `c${client}`]);
          if (echoed.rows[0].sum !== client + i || echoed.rows[0].note !== `c${client}`) wrong.push(`${client}/${i}`);
          const tx = await pool.connect();
          try {
            await tx.query("BEGIN");
            await tx.query("INSERT INTO items (client, note) VALUES ($1, $2)", [client, `n${i}`]);
            const mine = await tx.query("SELECT count(*)::int AS n FROM items WHERE client = $1", [client]);
            if (mine.rows[0].n !== i + 1) wrong.push(`${client}/${i}: saw ${mine.rows[0].n} rows`);
            await tx.query("COMMIT");
          } finally {
            tx.release();
          }
        }
      };
      try {
        await Promise.all(pools.flatMap((pool, p) => [0, 1, 2].map((w) => work(pool, p * 10 + w))));
      } finally {
        await Promise.all(pools.map((pool) => pool.end()));
      }
      expect(wrong).to.deep.equal([]);
      expect((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM items")).rows[0].n).to.equal(9 * 60);
    });

    it("rolls back what a vanished client left open and lets the others in", async () => {
      const dying = new pg.Client(served.url);
      dying.on("error", () => undefined);
      await dying.connect();
      await dying.query("BEGIN");
      await dying.query("INSERT INTO items (client, note) VALUES (99, 'never committed')");
      // Even connecting needs the session (the startup exchange), so it queues behind the transaction.
      const waiting = new pg.Client(served.url);
      const answer = waiting.connect().then(() => waiting.query("SELECT count(*)::int AS n FROM items WHERE client = 99"));
      await new Promise((resolve) => setTimeout(resolve, 200));
      // pg's Client keeps its socket on an undeclared `connection`: cut it as a crash would.
      (dying as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      expect((await answer).rows[0].n).to.equal(0);
      await waiting.end();
    });
  });

  it("connects commands to a running owner, and opens the directory itself once the owner has stopped", async () => {
    const dataDir = path.join(tmp, "shared");
    const owner = await startLedgerOwner(dataDir, 4141);
    const record = readOwner(dataDir)!;
    expect(record).to.include({ pid: owner.pid, role: "the platform", shared: true, url: owner.url });
    const client = await openDatabase({ dataDir, embedded: { role: "the oracle" } });
    try {
      expect(client.kind).to.equal("postgres");
      await client.query("CREATE TABLE probe (n int)");
      await client.query("INSERT INTO probe VALUES ($1)", [7]);
    } finally {
      await client.close();
    }
    expect(await owner.stop()).to.equal(0);
    expect(existsSync(ownerFile(dataDir)), "a normal stop removes the record").to.equal(false);

    const alone = await openDatabase({ dataDir, embedded: { role: "the oracle" } });
    try {
      expect(alone.kind).to.equal("pglite");
      expect(readOwner(dataDir)).to.include({ pid: process.pid, role: "the oracle", shared: false });
      expect(await alone.query("SELECT n FROM probe")).to.deep.equal([{ n: 7 }]);
    } finally {
      await alone.close();
    }
    expect(readOwner(dataDir)).to.equal(null);
  });

  it("refuses a second platform on the same directory, naming the owner and what to do", async () => {
    const dataDir = path.join(tmp, "twice");
    const owner = await startLedgerOwner(dataDir, 4142);
    try {
      const error = await openPlatformLedger(dataDir, 4143).catch((e) => e);
      expect(error).to.be.instanceOf(LedgerOwnedError);
      expect(error.message).to.equal(
        `the platform (pid ${owner.pid}, \`node ${path.relative(process.cwd(), path.resolve("test/helpers/ledger-owner.ts"))} ${dataDir}\`) ` +
          `already owns ${dataDir} and serves it at ${owner.url}: stop it first (Ctrl-C in its terminal, or \`kill ${owner.pid}\`).`,
      );
    } finally {
      expect(await owner.stop()).to.equal(0);
    }
  });

  it("makes the next opener wait for a command that holds the directory, then says who holds it", async () => {
    const dataDir = path.join(tmp, "held");
    const holder = await openDatabase({ dataDir, embedded: { role: "the oracle" } });
    try {
      const started = Date.now();
      const error = await openDatabase({ dataDir, embedded: { role: "the indexer", waitMs: 600 } }).catch((e) => e);
      expect(Date.now() - started).to.be.at.least(600);
      expect(error).to.be.instanceOf(LedgerOwnedError);
      expect(error.message).to.match(
        new RegExp(
          `^the oracle \\(pid ${process.pid}, \`[^\`]+\`\\) has ${dataDir} open and does not share it: ` +
            `wait for it to finish, or stop it \\(\`kill ${process.pid}\`\\)\\.$`,
        ),
      );
      // Once the holder is done, the waiting opener gets in.
      const waiting = openDatabase({ dataDir, embedded: { role: "the indexer", waitMs: 30_000 } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await holder.close();
      await (await waiting).close();
    } finally {
      await holder.close();
    }
  });

  it("takes over the record of a process that is gone, or of a pid now running something else", async () => {
    const dataDir = path.join(tmp, "stale");
    const gone = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => gone.once("exit", resolve));
    const stale = (pid: number) =>
      JSON.stringify({
        pid,
        role: "the platform",
        command: "npm start",
        cmdline: "node\0scripts/start.ts\0",
        startedAt: "2026-01-01T00:00:00.000Z",
        shared: true,
        url: "postgres://postgres@127.0.0.1:4144/postgres",
      });
    for (const pid of [gone.pid!, 1 /* init: alive, but not the recorded command */]) {
      writeFileSync(ownerFile(dataDir), stale(pid));
      expect(readOwner(dataDir), `pid ${pid}`).to.equal(null);
      const db = await openDatabase({ dataDir, embedded: { role: "the oracle" } });
      try {
        expect(db.kind).to.equal("pglite");
        expect(JSON.parse(readFileSync(ownerFile(dataDir), "utf8")).pid).to.equal(process.pid);
      } finally {
        await db.close();
      }
      expect(existsSync(ownerFile(dataDir))).to.equal(false);
    }
  });
});
