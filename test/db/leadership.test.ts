import { expect } from "chai";
import pg from "pg";
import { advisoryKey, holdLeadership, type Leadership } from "@ai-films/core/db";
import { postgresSkipped, startPostgresOnce } from "../helpers/postgres.ts";

const until = async (condition: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe("leadership over a PostgreSQL advisory lock (the web tier's background role)", function () {
  this.timeout(60_000);
  let databaseUrl: string;
  const held: Leadership[] = [];

  before(async function () {
    if (postgresSkipped()) this.skip();
    databaseUrl = await (await startPostgresOnce()).createDatabase();
  });
  afterEach(async () => Promise.all(held.splice(0).map((l) => l.release())));

  /** A contender that records when it leads and stops. */
  const contender = (name: string, log: string[], id: string) => {
    const leadership = holdLeadership(
      databaseUrl,
      name,
      async () => {
        log.push(`${id} leads`);
        return async () => void log.push(`${id} stops`);
      },
      { retryMs: 100 },
    );
    held.push(leadership);
    return leadership;
  };

  it("gives the role to exactly one of several contenders, and to another when the holder gives it up", async () => {
    const log: string[] = [];
    const a = contender("indexer-test", log, "a");
    const b = contender("indexer-test", log, "b");
    const c = contender("indexer-test", log, "c");
    await until(() => log.length >= 1);
    await new Promise((r) => setTimeout(r, 500)); // several retry rounds: nobody else may lead meanwhile
    expect(log).to.have.length(1);
    const first = log[0][0];
    await { a, b, c }[first as "a" | "b" | "c"].release();
    await until(() => log.length >= 3);
    expect(log[1]).to.equal(`${first} stops`);
    expect(log[2])
      .to.match(/^[abc] leads$/)
      .and.not.equal(`${first} leads`);
    await new Promise((r) => setTimeout(r, 500));
    expect(log).to.have.length(3);
  });

  it("hands the role over when the holder's connection dies (a crashed machine)", async () => {
    const log: string[] = [];
    contender("oracle-test", log, "a");
    await until(() => log.length === 1);
    contender("oracle-test", log, "b");
    // Kill the holder's lock connection from the server side, as a dead machine's would end.
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid::text::numeric * 4294967296 + objid::text::numeric = $1::numeric",
        [BigInt.asUintN(64, advisoryKey("oracle-test")).toString()],
      );
    } finally {
      await admin.end();
    }
    // Someone leads again, and the old holder stopped its work. The order of "a stops" and the next
    // "leads" is a race (the lock is free the moment the server drops the connection, before the
    // holder hears of it), and a live "a" may win the lock back as fairly as "b".
    await until(() => log.includes("a stops") && log.filter((l) => l.endsWith("leads")).length >= 2);
    expect(log[0]).to.equal("a leads");
    expect(log.slice(1).sort()).to.deep.equal(["a stops", log.find((l, i) => i > 0 && l.endsWith("leads"))].sort());
  });

  it("keeps roles of different names apart", async () => {
    const log: string[] = [];
    contender("role-one", log, "a");
    contender("role-two", log, "b");
    await until(() => log.length === 2);
    expect([...log].sort()).to.deep.equal(["a leads", "b leads"]);
  });
});
