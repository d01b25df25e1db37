// Issue 19's reproduction: `npm run oracle -- verify` run while viewers watch destroyed the PGlite
// ledger, because the oracle opened the directory the platform had open. Here the platform's
// ledger owner runs in its own process, a web-server-like client records heartbeats through it as
// fast as it can, `oracle verify` and `oracle status` run meanwhile as separate processes, and then
// the owner crashes and starts again, and stops normally and starts again: every accepted beat is
// in the ledger, the counters hold exactly what the beats credited, and the tallies are the ones
// from before.
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { connectRpc } from "@ai-films/core/chain/context";
import { openIpfs, type IpfsStore } from "@ai-films/core/ipfs";
import { aggregatePeriod } from "@ai-films/core/ledger/aggregate";
import { openDatabase, type Database } from "@ai-films/core/db";
import { recordHeartbeat, type HeartbeatResult } from "@ai-films/core/ledger/ledger";
import { periodClock } from "@ai-films/core/oracle/chainReads";
import { createLocalOracle } from "@ai-films/core/platform/localOracle";
import { startLedgerOwner, type LedgerOwnerProcess } from "../helpers/ledger-owner.ts";
import { beatTimes, signedPlayer } from "../helpers/signed-beats.ts";
import { runOracleCli } from "../helpers/oracle-cli.ts";
import { deployOracleMarket, ORACLE_PERIOD as PERIOD } from "../helpers/oracle-chain.ts";

const USD = 1_000_000n;
const RPC_PORT = 4120;
const LEDGER_PORT = 4121;

const runOracle = (args: string[], env: Record<string, string>) => runOracleCli(args, env, 120_000);

describe("oracle verify while viewers watch (issue 19)", function () {
  this.timeout(600_000);
  let tmp: string;
  let ledgerDir: string;
  let chainServer: Awaited<ReturnType<typeof network.createServer>>;
  let owner: LedgerOwnerProcess | undefined;
  let web: Database | undefined;
  let ipfs: IpfsStore | undefined;
  let env: Record<string, string>;

  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), "oracle-while-watching-"));
    ledgerDir = path.join(tmp, "ledger");
    chainServer = await network.createServer("default", "127.0.0.1", RPC_PORT);
    const { port } = await chainServer.listen();
    const rpcUrl = `http://127.0.0.1:${port}`;
    env = {
      RPC_URL: rpcUrl,
      LEDGER_DIR: ledgerDir,
      IPFS_DATA_DIR: path.join(tmp, "ipfs"),
      ORACLE_DIR: path.join(tmp, "oracle"),
      IPFS_API_URL: "",
      DATABASE_URL: "",
    };
  });

  after(async () => {
    await web?.close();
    await ipfs?.close();
    await owner?.stop();
    await chainServer?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it("keeps every accepted beat and the tallies across oracle runs, a crash and a restart", async () => {
    const { ethers } = await network.create({ network: "localhost", override: { url: env.RPC_URL } });
    const provider = ethers.provider;
    const [admin, , creator, ...viewers] = (await ethers.getSigners()).slice(0, 7);
    const keys = [generatePrivateKey(), generatePrivateKey()];
    const operators = keys.map((k) => privateKeyToAccount(k));
    const { token, listings, market } = await deployOracleMarket(ethers, {
      oracleSigners: operators.map((o) => o.address),
      passWindow: 86_400,
    });
    for (const o of operators) await (await admin.sendTransaction({ to: o.address, value: ethers.parseEther("1") })).wait();
    for (const uri of ["ipfs://bafyfilm1", "ipfs://bafyfilm2"]) await (await listings.connect(creator).mint(uri, 3_600, 2n * USD)).wait();
    for (const viewer of viewers) {
      await (await token.connect(viewer).faucet(100n * USD)).wait();
      await (await token.connect(viewer).approve(await market.getAddress(), ethers.MaxUint256)).wait();
      await (await market.connect(viewer).subscribe(2, 10n * USD)).wait();
    }
    env.MARKET_ADDRESS = await market.getAddress();
    const ctx = await connectRpc({ rpcUrl: env.RPC_URL, market: env.MARKET_ADDRESS });
    const clock = await periodClock(ctx);

    // The platform owns the ledger; the web server is one of its clients.
    owner = await startLedgerOwner(ledgerDir, LEDGER_PORT);
    web = await openDatabase({ dataDir: ledgerDir, embedded: { role: "the web server" } });
    expect(web.kind, "the web server reaches the ledger through the owner").to.equal("postgres");
    ipfs = await openIpfs({ dataDir: env.IPFS_DATA_DIR });

    const accepted: HeartbeatResult[] = [];
    const beat = async (viewer: string, filmId: number, session: string, at: number) => {
      const result = await recordHeartbeat(
        web!,
        clock,
        { viewer, filmId, sessionId: session, at, entitlement: "subscription", filmDurationSeconds: 3_600 },
        { now: at },
      );
      if (result.ignored === null) accepted.push(result);
    };

    // Period 0: some watching, signed as the heartbeat route takes it (the local oracle recomputes
    // the tally from the receipts before it signs), then the period ends and the local oracle settles it.
    const start0 = clock.genesis + 1_000;
    const signedPlayers = await Promise.all(viewers.map((v) => signedPlayer(web!, ctx.chainId, clock, v, start0)));
    const periodZero = await Promise.all(
      signedPlayers.map((p, n) => p.watch(BigInt(1 + (n % 2)), `p0-${n}`, beatTimes(start0, start0 + 400), "subscription", 3_600)),
    );
    for (const result of periodZero.flat()) if (result.ignored === null) accepted.push(result);
    expect(accepted).to.have.length(41 * viewers.length);
    await provider.send("evm_increaseTime", [PERIOD + 600]);
    await provider.send("evm_mine", []);
    const settled = await createLocalOracle({
      ctx,
      ledger: web,
      store: ipfs,
      keys,
      filesRoot: env.ORACLE_DIR,
    }).settleEnded();
    expect(settled).to.deep.equal([{ period: 0, status: "posted", leaves: 2, signers: 2 }]);

    // Period 1: viewers keep watching (four players, 5 s beats, back to back) while the oracle runs.
    const start1 = Number((await provider.getBlock("latest"))!.timestamp);
    let watching = true;
    const players = viewers.map(async (v, n) => {
      for (let i = 0; watching; i++) await beat(v.address, 1 + (n % 2), `p1-${n}`, start1 + 5 * i);
    });
    const beatsBefore = accepted.length;
    const [verify, status, verifyAgain] = await Promise.all([
      runOracle(["verify", "--period", "0"], env),
      runOracle(["status", "--json"], env),
      new Promise((resolve) => setTimeout(resolve, 1_500)).then(() => runOracle(["verify", "--period", "0"], env)),
    ]);
    watching = false;
    await Promise.all(players);
    for (const run of [verify, verifyAgain]) {
      expect(run.code, run.stdout + run.stderr).to.equal(0);
      expect(run.stdout).to.match(/verified: everything matches/);
    }
    expect(status.code, status.stderr).to.equal(0);
    expect(JSON.parse(status.stdout).periods[0].phase).to.equal("posted");
    expect(accepted.length - beatsBefore, "beats accepted while the oracle ran").to.be.greaterThan(40);

    const credited = accepted.reduce((sum, r) => sum + r.addedSeconds, 0);
    const snapshot = async (db: Database) => ({
      beats: Number((await db.query<{ n: string }>("SELECT coalesce(sum(beats), 0)::text AS n FROM heartbeat_sessions"))[0].n),
      seconds: Number((await db.query<{ n: string }>("SELECT coalesce(sum(seconds), 0)::text AS n FROM view_counters"))[0].n),
      tally0: await aggregatePeriod(db, 0),
      tally1: await aggregatePeriod(db, 1),
    });
    const before = await snapshot(web);
    expect(before.beats, "every accepted beat is in the ledger").to.equal(accepted.length);
    expect(before.seconds, "the counters hold what the beats credited").to.equal(credited);
    expect(before.tally1).to.have.length(2);

    // A crash (the owner killed outright) and a start, then a normal stop and a start. PGlite
    // recovers from a crash like PostgreSQL, unless a second opener wrote to the same files: then
    // the next open aborts, as in issue 19 (whose web server, the owner then, stopped uncleanly).
    for (const signal of ["SIGKILL", "SIGTERM"] as const) {
      await web.close();
      web = undefined;
      expect(await owner.stop(signal)).to.equal(signal === "SIGTERM" ? 0 : null);
      owner = await startLedgerOwner(ledgerDir, LEDGER_PORT);
      web = await openDatabase({ dataDir: ledgerDir, embedded: { role: "the web server" } });
      expect(await snapshot(web), `after ${signal}`).to.deep.equal(before);
    }
  });
});
