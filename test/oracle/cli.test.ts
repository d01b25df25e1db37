// The oracle CLI as an operator runs it: a real JSON-RPC server (Hardhat's), a PGlite ledger on
// disk, the embedded IPFS node on disk, keys from the environment — and the exit codes and
// one-line errors for what goes wrong.
import { expect } from "chai";
import path from "node:path";
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { FilmMarket } from "../../types/ethers-contracts/index.ts";
import { runOracleCli } from "../helpers/oracle-cli.ts";
import { ORACLE_PERIOD as PERIOD, startOracleChain, type OracleChain } from "../helpers/oracle-chain.ts";
import { beatTimes, signedPlayer } from "../helpers/signed-beats.ts";

const USD = 1_000_000n;

/** Opening PGlite (the ledger, or recompute's scratch database) takes a while on a busy machine. */
const runCli = (args: string[], env: Record<string, string>) => runOracleCli(args, env, 300_000);

describe("Oracle CLI", function () {
  this.timeout(900_000);
  let tmp: string;
  let chain: OracleChain | undefined;
  let env: Record<string, string>;
  const keys = [generatePrivateKey(), generatePrivateKey(), generatePrivateKey()];
  let ethers: HardhatEthers;
  let market: FilmMarket;

  before(async () => {
    const operators = keys.map((k) => privateKeyToAccount(k));
    chain = await startOracleChain({ tmpPrefix: "oracle-cli-", oracleSigners: operators.map((o) => o.address) });
    const { db, url, ledgerDir, chainId, token, listings } = chain;
    ({ tmp, ethers, market } = chain);
    const [admin, , creator, viewer] = await ethers.getSigners();
    for (const o of operators) await (await admin.sendTransaction({ to: o.address, value: ethers.parseEther("1") })).wait();
    await (await listings.connect(creator).mint("ipfs://bafyfilm1", 600, 2n * USD)).wait();
    await (await token.connect(viewer).faucet(100n * USD)).wait();
    await (await token.connect(viewer).approve(await market.getAddress(), ethers.MaxUint256)).wait();
    await (await market.connect(viewer).subscribe(1, 10n * USD)).wait();

    const genesis = Number(await market.genesis());
    const player = await signedPlayer(db, chainId, { genesis, periodLength: PERIOD }, viewer, genesis + 10);
    await player.watch(1n, "cli", beatTimes(genesis + 100, genesis + 400), "subscription", 600);
    await db.close();
    env = {
      RPC_URL: url,
      MARKET_ADDRESS: await market.getAddress(),
      LEDGER_DIR: ledgerDir,
      IPFS_DATA_DIR: path.join(tmp, "ipfs"),
      ORACLE_DIR: path.join(tmp, "oracle"),
      ORACLE_OPERATOR_KEYS: operators.map((o) => o.publicKey).join(","),
      IPFS_API_URL: "",
      DATABASE_URL: "",
    };
  });

  after(async () => {
    await chain?.stop();
  });

  it("explains what is wrong in one line: no RPC, wrong chain, missing option, period not ended", async () => {
    const noRpc = await runCli(["status"], { ...env, RPC_URL: "http://127.0.0.1:9" });
    expect(noRpc.code).to.equal(1);
    expect(noRpc.stderr.trim()).to.equal("oracle: No RPC answering at http://127.0.0.1:9: start a node (`npm run node`) or set RPC_URL.");
    const wrongChain = await runCli(["status"], { ...env, CHAIN_ID: "8453" });
    expect(wrongChain.stderr).to.match(/Wrong chain: .* is chain 31337, expected 8453/);
    const missing = await runCli(["tally"], env);
    expect(missing.stderr.trim()).to.equal("oracle: --period is required.");
    // Chain 31337, but this market's signers are not the local platform's accounts #7–#9: no default to seal to.
    const noOperators = await runCli(["tally", "--period", "0"], { ...env, ORACLE_OPERATOR_KEYS: "" });
    expect(noOperators.code).to.equal(1);
    expect(noOperators.stderr).to.match(/Set ORACLE_OPERATOR_KEYS to the registered operators' public keys/);
    const early = await runCli(["tally", "--period", "0"], env);
    expect(early.code).to.equal(1);
    expect(early.stderr).to.match(/Period 0 has not ended/);
    const unknown = await runCli(["tallyy"], env);
    expect(unknown.stderr).to.match(/Unknown command "tallyy"/);
  });

  it("tallies, publishes, signs with two operators, posts once, verifies and gives a claim proof", async () => {
    await ethers.provider.send("evm_increaseTime", [PERIOD + 120]);
    await ethers.provider.send("evm_mine", []);

    const global = await runCli(["tally", "--period", "0", "--method", "1", "--json"], env);
    expect(global.code, global.stderr).to.equal(0);
    expect(JSON.parse(global.stdout).totals).to.deep.equal({ views: "1", seconds: "300", leafCount: 1 });
    const badMethod = await runCli(["tally", "--period", "0", "--method", "3"], env);
    expect(badMethod.stderr.trim()).to.equal("oracle: --method must be 1 (global proportional) or 2 (ScaledUserProp), got 3.");
    // The default, method 2: one subscriber, so its whole (capped) influence is the whole pool, in weighted units.
    const tally = await runCli(["tally", "--period", "0", "--json"], env);
    expect(tally.code, tally.stderr).to.equal(0);
    expect(JSON.parse(tally.stdout).totals).to.deep.equal({
      views: "1000000000000",
      seconds: "300000000000000",
      leafCount: 1,
      reserve: { views: "0", seconds: "0" },
    });
    const published = await runCli(["publish", "--period", "0", "--json"], env);
    expect(published.code, published.stderr).to.equal(0);
    expect(JSON.parse(published.stdout).cid).to.match(/^bafk/);

    // Each operator signs only what its own recomputation (receipts archive + chain, no ledger) reproduced.
    const notRecomputed = await runCli(["sign", "--period", "0"], { ...env, ORACLE_PRIVATE_KEY: keys[0] });
    expect(notRecomputed.stderr.trim()).to.equal("oracle: You have not recomputed period 0: run `oracle recompute --period 0` first.");
    for (const key of keys.slice(0, 2)) {
      const recomputed = await runCli(["recompute", "--period", "0"], {
        ...env,
        ORACLE_PRIVATE_KEY: key,
        LEDGER_DIR: path.join(tmp, "none"),
      });
      expect(recomputed.code, recomputed.stderr).to.equal(0);
      expect(recomputed.stdout).to.match(/31 of 31 receipts verified and replayed; .*\nreproduced: /);
    }
    expect((await runCli(["sign", "--period", "0"], { ...env, ORACLE_PRIVATE_KEY: keys[0] })).code).to.equal(0);
    const short = await runCli(["post", "--period", "0"], { ...env, ORACLE_PRIVATE_KEY: keys[0] });
    expect(short.code).to.equal(1);
    expect(short.stderr).to.match(/Threshold not met for period 0: 1 valid signature/);
    const signed = await runCli(["sign", "--period", "0"], { ...env, ORACLE_PRIVATE_KEY: keys[1] });
    expect(signed.stdout).to.match(/2 signature\(s\) collected/);
    expect(signed.stdout + signed.stderr).not.to.include(keys[1].slice(2)); // the key is never printed

    const posted = await runCli(["post", "--period", "0"], { ...env, ORACLE_PRIVATE_KEY: keys[2] });
    expect(posted.code, posted.stderr).to.equal(0);
    expect(posted.stdout).to.match(/posted period 0's tally in 0x[0-9a-f]{64}/);
    const again = await runCli(["post", "--period", "0"], { ...env, ORACLE_PRIVATE_KEY: keys[2] });
    expect(again.code).to.equal(0);
    expect(again.stdout).to.match(/already on-chain/);

    const verified = await runCli(["verify", "--period", "0"], env);
    expect(verified.code, verified.stdout + verified.stderr).to.equal(0);
    expect(verified.stdout).to.match(/verified: everything matches/);

    const status = JSON.parse((await runCli(["status", "--json"], env)).stdout);
    expect(status.periods[0].phase).to.equal("posted");
    const proof = JSON.parse((await runCli(["proof", "--period", "0", "--film", "1"], env)).stdout);
    expect(proof.views).to.equal("1000000000000");
    expect(proof.seconds).to.equal("300000000000000");
    expect(BigInt(proof.amount)).to.equal(await market.shareOf(0, 1_000_000_000_000n, 300_000_000_000_000n));
    expect(BigInt(proof.amount)).to.equal((await market.poolOf(0))[0]); // the only film takes the whole pool
  });
});
