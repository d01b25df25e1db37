// Operators recompute independently (issue 13, point 3), tried as an attacker would. The platform
// records real signed heartbeats; its tally writes a receipts archive encrypted to the operators.
// Three operators, each on its own data directories (oracle files and IPFS repository, never the
// platform's ledger), recompute the period from the archive and the chain and all reproduce the
// root, the viewer root of the lines included (with the viewer-salt key they share with the
// platform; without it an operator cannot recompute). Then the platform inserts watching straight into its ledger (SQL, no receipt): the tally
// changes, every recomputation differs, and every operator's `sign` refuses.
import { expect } from "chai";
import { cp, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { openDatabase } from "@ai-films/core/db";
import { openIpfs } from "@ai-films/core/ipfs";
import { runOracleCli } from "../helpers/oracle-cli.ts";
import { ORACLE_PERIOD as PERIOD, startOracleChain, type OracleChain } from "../helpers/oracle-chain.ts";

/** Opening PGlite (the platform's ledger, or the replay's scratch database) takes a while on a busy machine. */
const cli = (args: string[], env: Record<string, string>) => runOracleCli(args, env, 300_000);
import { beatTimes, signedPlayer } from "../helpers/signed-beats.ts";

const USD = 1_000_000n;

describe("Oracle recompute: operators reproduce the tally from the receipts archive and the chain", function () {
  this.timeout(1_200_000);
  let tmp: string;
  let chain: OracleChain | undefined;
  let platformEnv: Record<string, string>;
  let chainId: number;
  const keys = [generatePrivateKey(), generatePrivateKey(), generatePrivateKey()];
  const operatorDirs = (i: number) => ({
    ORACLE_DIR: path.join(tmp, `operator-${i}`, "oracle"),
    IPFS_DATA_DIR: path.join(tmp, `operator-${i}`, "ipfs"),
  });
  let ledgerDir: string;
  let viewerAddress: string;

  before(async () => {
    chain = await startOracleChain({
      tmpPrefix: "oracle-recompute-",
      ledgerDirName: "platform-ledger",
      oracleSigners: keys.map((k) => privateKeyToAccount(k).address),
    });
    const { db, url, ethers, token, listings, market } = chain;
    ({ tmp, ledgerDir, chainId } = chain);
    const [, , creator, viewer, passHolder] = await ethers.getSigners();
    viewerAddress = viewer.address;
    await (await listings.connect(creator).mint("ipfs://bafyfilm1", 600, 2n * USD)).wait();
    await (await listings.connect(creator).mint("ipfs://bafyfilm2", 900, 2n * USD)).wait();
    for (const who of [viewer, passHolder]) {
      await (await token.connect(who).faucet(100n * USD)).wait();
      await (await token.connect(who).approve(await market.getAddress(), ethers.MaxUint256)).wait();
    }
    await (await market.connect(viewer).subscribe(1, 10n * USD)).wait();
    await (await market.connect(passHolder).buyView(2, 2n * USD, 0)).wait();

    // The platform's ledger: real signed beats, as the heartbeat route records them.
    const genesis = Number(await market.genesis());
    const clock = { genesis, periodLength: PERIOD };
    const viewerPlayer = await signedPlayer(db, chainId, clock, viewer, genesis + 10);
    // Film 1 for 300 s, then film 2 in a second tab overlapping it (one clock: the overlap counts once),
    // and a pass holder on film 2 (stats only, but the same clock rules).
    await viewerPlayer.watch(1n, "tab-1", beatTimes(genesis + 100, genesis + 400), "subscription", 600);
    await viewerPlayer.watch(2n, "tab-2", beatTimes(genesis + 305, genesis + 605), "subscription", 900);
    const passPlayer = await signedPlayer(db, chainId, clock, passHolder, genesis + 10);
    await passPlayer.watch(2n, "p", beatTimes(genesis + 100, genesis + 200), "pass", 900);
    await db.close();

    const operatorKeys = keys.map((k) => privateKeyToAccount(k).publicKey).join(",");
    platformEnv = {
      RPC_URL: url,
      MARKET_ADDRESS: await market.getAddress(),
      LEDGER_DIR: ledgerDir,
      IPFS_DATA_DIR: path.join(tmp, "platform-ipfs"),
      ORACLE_DIR: path.join(tmp, "platform-oracle"),
      ORACLE_OPERATOR_KEYS: operatorKeys,
      // The viewer-salt key the platform and the operators share (README: the operator's walk-through).
      ORACLE_VIEWER_SALT_KEY: randomBytes(32).toString("hex"),
      IPFS_API_URL: "",
      DATABASE_URL: "",
    };
    await ethers.provider.send("evm_increaseTime", [PERIOD + 120]);
    await ethers.provider.send("evm_mine", []);
  });

  after(async () => {
    await chain?.stop();
  });

  /**
   * What reaches operator `i`: the period's tally folder (shared or copied, as the README says) and
   * the published blocks (IPFS would carry them; here they are copied between the two repositories).
   * The operator's environment names no ledger: LEDGER_DIR points at a directory that does not exist.
   */
  async function handOver(i: number): Promise<Record<string, string>> {
    const dirs = operatorDirs(i);
    const periodDir = path.join("chain-" + chainId, "period-0");
    await rm(dirs.ORACLE_DIR, { recursive: true, force: true });
    await cp(path.join(platformEnv.ORACLE_DIR, periodDir, "tally.json"), path.join(dirs.ORACLE_DIR, periodDir, "tally.json"));
    await cp(path.join(platformEnv.ORACLE_DIR, periodDir, "publication.json"), path.join(dirs.ORACLE_DIR, periodDir, "publication.json"));
    const tally = JSON.parse(await readFile(path.join(dirs.ORACLE_DIR, periodDir, "tally.json"), "utf8"));
    const publication = JSON.parse(await readFile(path.join(dirs.ORACLE_DIR, periodDir, "publication.json"), "utf8"));
    const from = await openIpfs({ dataDir: platformEnv.IPFS_DATA_DIR });
    const to = await openIpfs({ dataDir: dirs.IPFS_DATA_DIR });
    try {
      for (const cid of [tally.receiptsCid, publication.cid]) expect(await to.addBytes(await from.catBytes(cid))).to.equal(cid);
    } finally {
      await from.close();
      await to.close();
    }
    return {
      ...platformEnv,
      ...dirs,
      LEDGER_DIR: path.join(tmp, `operator-${i}`, "no-ledger-here"),
      DATABASE_URL: "postgres://127.0.0.1:9/none",
    };
  }

  it("three operators on their own data directories reproduce the root and sign", async () => {
    const tally = await cli(["tally", "--period", "0", "--json"], platformEnv);
    expect(tally.code, tally.stderr).to.equal(0);
    const { root, viewerRoot } = JSON.parse(tally.stdout);
    expect(viewerRoot).to.match(/^0x[0-9a-f]{64}$/);
    expect(viewerRoot).not.to.equal(`0x${"00".repeat(32)}`);
    const published = await cli(["publish", "--period", "0"], platformEnv);
    expect(published.code, published.stderr).to.equal(0);
    // The public tally file holds per-film aggregates and an encrypted archive's CID: no wallet.
    const text = await readFile(path.join(platformEnv.ORACLE_DIR, `chain-${chainId}`, "period-0", "tally.json"), "utf8");
    expect(text.toLowerCase()).not.to.include(viewerAddress.slice(2).toLowerCase());

    for (let i = 0; i < 3; i++) {
      const env = { ...(await handOver(i)), ORACLE_PRIVATE_KEY: keys[i] };
      const unsigned = await cli(["sign", "--period", "0"], env);
      expect(unsigned.code).to.equal(1);
      expect(unsigned.stderr).to.match(/run `oracle recompute --period 0` first/);
      if (i === 0) {
        // Without the shared viewer-salt key the viewer root cannot be rebuilt: refused, nothing recorded.
        const keyless = await cli(["recompute", "--period", "0"], { ...env, ORACLE_VIEWER_SALT_KEY: "" });
        expect(keyless.code).to.equal(1);
        expect(keyless.stderr).to.match(/No viewer-salt key: set ORACLE_VIEWER_SALT_KEY/);
        expect((await cli(["sign", "--period", "0"], env)).stderr).to.match(/run `oracle recompute --period 0` first/);
      }
      const recomputed = await cli(["recompute", "--period", "0", "--json"], env);
      expect(recomputed.code, recomputed.stderr + recomputed.stdout).to.equal(0);
      const report = JSON.parse(recomputed.stdout);
      expect(report.root).to.equal(root);
      expect(report.viewerRoot).to.equal(viewerRoot);
      expect(report.tallyViewerRoot).to.equal(viewerRoot);
      expect(report.matches).to.equal(true);
      expect(report.receipts.verified).to.equal(report.receipts.total);
      const signed = await cli(["sign", "--period", "0"], env);
      expect(signed.code, signed.stderr).to.equal(0);
    }
  });

  it("a beat inserted into the ledger without a receipt: every recomputation differs and every operator refuses to sign", async () => {
    const db = await openDatabase({ dataDir: ledgerDir });
    await db.query(
      `INSERT INTO view_counters (period, viewer, film_id, seconds, seconds_subscription, view_counted, view_entitlement, last_entitlement, updated_at)
       VALUES (0, $1, 2, 1800, 1800, true, 'subscription', 'subscription', 1)
       ON CONFLICT (period, viewer, film_id) DO UPDATE SET seconds = view_counters.seconds + 1800,
         seconds_subscription = view_counters.seconds_subscription + 1800`,
      [viewerAddress.toLowerCase()],
    );
    await db.close();
    const tally = await cli(["tally", "--period", "0", "--force", "--json"], platformEnv);
    expect(tally.code, tally.stderr).to.equal(0);
    const { root: tampered, viewerRoot: tamperedViewers } = JSON.parse(tally.stdout);
    expect((await cli(["publish", "--period", "0"], platformEnv)).code).to.equal(0);

    for (let i = 0; i < 3; i++) {
      const env = { ...(await handOver(i)), ORACLE_PRIVATE_KEY: keys[i] };
      const recomputed = await cli(["recompute", "--period", "0", "--json"], env);
      expect(recomputed.code).to.equal(1);
      const report = JSON.parse(recomputed.stdout);
      expect(report.matches).to.equal(false);
      expect(report.root).not.to.equal(tampered);
      expect(report.viewerRoot).not.to.equal(tamperedViewers);
      const refused = await cli(["sign", "--period", "0"], env);
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.match(/does not reproduce this tally.*refusing to sign/);
    }
  });
});
