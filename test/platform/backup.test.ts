// `npm run backup` while the platform runs, and a restore into a fresh data directory: the ledger
// comes back row for row (catalogue, counters, tallies), the IPFS blocks, the sealed film keys and
// the chain's files with it; the media master key is never in the backup; a restore is refused
// while the platform owns the data, and sets aside (never deletes) what the directory held.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import { indexOnce } from "@ai-films/core/indexer";
import { listFilms } from "@ai-films/core/indexer";
import { openIpfs, type IpfsStore } from "@ai-films/core/ipfs";
import { aggregatePeriod } from "@ai-films/core/ledger/aggregate";
import { openDatabase, type Database } from "@ai-films/core/db";
import { KeyStore } from "@ai-films/core/media/keys";
import { restorePlatform } from "@ai-films/core/platform/backup";
import { startLedgerOwner, type LedgerOwnerProcess } from "../helpers/ledger-owner.ts";
import { deployWorld, dumpTables, USD, watch, type World } from "../indexer/helpers.ts";

const CLI = fileURLToPath(new URL("../../scripts/backup.ts", import.meta.url));
const MASTER_KEY = Buffer.alloc(32, 7);

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", CLI, ...args],
      { env: { ...process.env, DATABASE_URL: "", ...env }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe("Backup and restore of the platform's data", function () {
  this.timeout(300_000);
  let tmp: string;
  let dataDir: string;
  let owner: LedgerOwnerProcess | undefined;
  let db: Database | undefined;
  let store: IpfsStore | undefined;
  let world: World;

  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), "platform-backup-"));
    dataDir = path.join(tmp, "data");
    owner = await startLedgerOwner(path.join(dataDir, "ledger"), 4130);
    db = await openDatabase({ dataDir: path.join(dataDir, "ledger"), embedded: { role: "the web server" } });
    store = await openIpfs({ dataDir: path.join(dataDir, "ipfs") });
    world = await deployWorld(await network.create(), store);
    await world.mint(world.creatorA, { title: "Neon Tides", genre: "Sci-Fi", aiTools: ["Sora"], duration: 600, price: 2n * USD });
    await world.mint(world.creatorB, { title: "Glass Garden", genre: "Documentary", aiTools: ["Kling"], duration: 1_200, price: USD });
    await (await world.market.connect(world.v1).subscribe(1, 10n * USD)).wait();
    await indexOnce(world.ctx, db, { fromBlock: world.deployBlock, ipfs: store, log: () => undefined });
    await watch(db, world, world.v1.address, 1n, 400, world.clock.genesis + 1_000);
    await watch(db, world, world.v1.address, 2n, 700, world.clock.genesis + 2_000);
    await writeFile(path.join(dataDir, "media-master-key"), MASTER_KEY.toString("hex") + "\n");
    await writeFile(path.join(dataDir, "session-secret"), "s3cret\n");
  });

  after(async () => {
    await db?.close();
    await store?.close();
    await owner?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it("snapshots a running platform and restores it into a fresh data directory", async () => {
    const { keyId, key } = await new KeyStore({ dir: path.join(dataDir, "keys"), masterKey: MASTER_KEY }).create();
    const blob = await store!.addBytes(new TextEncoder().encode("a segment of a film"));
    // The chain journals each transaction as one line; a copy may catch it mid-append.
    await mkdir(path.join(dataDir, "chain"), { recursive: true });
    await writeFile(path.join(dataDir, "chain", "journal.jsonl"), '{"method":"a"}\n{"method":"b"}\n{"meth');
    const state = async (ledger: Database) => ({
      tables: await dumpTables(ledger, { withMetadataTimes: true }),
      catalogue: await listFilms(ledger, { sort: "new", nowSeconds: world.clock.genesis + 3_000 }),
      tally: await aggregatePeriod(ledger, 0),
    });
    const before = await state(db!);
    expect(before.catalogue.map((f) => f.title)).to.deep.equal(["Glass Garden", "Neon Tides"]);
    expect(before.tally).to.have.length(2);

    const backupDir = path.join(tmp, "backup");
    const backup = await runCli(["backup", backupDir], { AI_FILMS_DATA_DIR: dataDir });
    expect(backup.code, backup.stderr).to.equal(0);
    expect(backup.stdout).to.include(`written to ${backupDir}:`);
    expect(backup.stdout).to.match(/The media master key is not in it: keep .*media-master-key \(or MEDIA_MASTER_KEY\) somewhere else\./);
    expect(existsSync(path.join(backupDir, "data", "media-master-key")), "the master key stays out").to.equal(false);
    expect(await readdir(path.join(backupDir, "data"))).to.include.members(["chain", "ipfs", "keys", "session-secret"]);

    // Not over the running platform's data, and not from something that is not a backup.
    const refused = await runCli(["restore", backupDir], { AI_FILMS_DATA_DIR: dataDir });
    expect(refused.code).to.equal(1);
    expect(refused.stderr.trim()).to.equal(
      `restore: the platform (pid ${owner!.pid}, \`node ${path.relative(process.cwd(), path.resolve("test/helpers/ledger-owner.ts"))} ` +
        `${path.join(dataDir, "ledger")}\`) is using ${dataDir}: stop it before restoring.`,
    );
    const notBackup = await runCli(["restore", tmp], { AI_FILMS_DATA_DIR: path.join(tmp, "elsewhere") });
    expect(notBackup.stderr.trim()).to.equal(`restore: ${tmp} is not a backup made by \`npm run backup\` (no readable manifest.json).`);

    // A fresh directory that already holds something: it is set aside, not deleted.
    const fresh = path.join(tmp, "fresh");
    await mkdir(fresh);
    await writeFile(path.join(fresh, "left-over.txt"), "keep me");
    const deploymentsDir = path.join(tmp, "deployments");
    const saved = process.env.MEDIA_MASTER_KEY;
    delete process.env.MEDIA_MASTER_KEY;
    const report = await restorePlatform(backupDir, { dataDir: fresh, deploymentsDir }).finally(() => {
      if (saved !== undefined) process.env.MEDIA_MASTER_KEY = saved;
    });
    expect(report.masterKeyPresent, "the operator must bring the master key").to.equal(false);
    expect(await readFile(path.join(report.setAside!, "left-over.txt"), "utf8")).to.equal("keep me");

    const restored = await openDatabase({ dataDir: path.join(fresh, "ledger") });
    const restoredStore = await openIpfs({ dataDir: path.join(fresh, "ipfs") });
    try {
      expect(await state(restored)).to.deep.equal(before);
      for (const table of ["heartbeat_sessions", "view_counters", "viewer_days", "viewer_films"]) {
        const count = async (d: Database) => (await d.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
        expect(await count(restored), table)
          .to.equal(await count(db!))
          .and.to.be.greaterThan(0);
      }
      expect(new TextDecoder().decode(await restoredStore.catBytes(blob))).to.equal("a segment of a film");
      expect(await new KeyStore({ dir: path.join(fresh, "keys"), masterKey: MASTER_KEY }).get(keyId)).to.deep.equal(key);
      expect(await readFile(path.join(fresh, "chain", "journal.jsonl"), "utf8")).to.equal('{"method":"a"}\n{"method":"b"}\n');
      expect(await readFile(path.join(fresh, "session-secret"), "utf8")).to.equal("s3cret\n");
    } finally {
      await restored.close();
      await restoredStore.close();
    }
  });
});
