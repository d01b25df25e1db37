// The demo catalogue `npm start` seeds (core/src/platform/demo.ts), on Hardhat's in-process chain
// with the local deployment's oracle signers (#7–#9, threshold 2) and no oracle setup at all: its
// period-0 watch history is signed like the player's, the tally seals the receipts archive to the
// local operators, the recomputation from that archive and the chain alone reproduces the tally
// (viewer root included) and only then is it signed and posted. A second run, as after a restart,
// records nothing and posts nothing again.
import { expect } from "chai";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { connectProvider } from "@ai-films/core/chain";
import { openDatabase } from "@ai-films/core/db";
import { openIpfs } from "@ai-films/core/ipfs";
import { parseTallyFile, readTally, tallyPostings } from "@ai-films/core/oracle";
import { privateKeyToAccount } from "viem/accounts";
import { account, DEMO_ACCOUNTS, localOperators, seedDemo } from "@ai-films/core/platform";
import { deployOracleMarket } from "../helpers/oracle-chain.ts";

const { ethers, provider } = await network.create();

describe("Demo seeding (npm start's first run)", function () {
  this.timeout(600_000);

  it("posts period 0 only after recomputing it from the sealed receipts archive; a second run adds nothing", async () => {
    const tmp = await mkdtemp(path.join(tmpdir(), "demo-seed-"));
    // As ignition/parameters/local.json.
    const { market } = await deployOracleMarket(ethers, { oracleSigners: DEMO_ACCOUNTS.oracles.map((i) => account(i).address) });
    const ctx = await connectProvider(provider, { market: await market.getAddress() });
    const db = await openDatabase({ dataDir: "memory://" });
    const ipfs = await openIpfs({ dataDir: path.join(tmp, "ipfs") });
    const workDir = path.join(tmp, "work");
    const log: string[] = [];
    const receipts = async () => Number((await db.query<{ n: string }>("SELECT count(*)::text AS n FROM heartbeat_receipts"))[0].n);
    try {
      // The local operators (also the oracle CLI's default on chain 31337): the registered accounts, with their own keys.
      const operators = await localOperators(ctx);
      expect(operators.map((o) => o.account.address)).to.deep.equal(DEMO_ACCOUNTS.oracles.map((i) => account(i).address));
      for (const o of operators) expect(privateKeyToAccount(o.key).publicKey).to.equal(o.account.publicKey);
      await seedDemo({ ctx, db, ipfs, workDir, log: (line) => log.push(line) });
      expect((await readTally(ctx, 0)).status).to.equal("posted");
      const [posting] = await tallyPostings(ctx, 0);
      const published = parseTallyFile(new TextDecoder().decode(await ipfs.catBytes(posting.dataCid)));
      expect(published.receiptsCid).to.be.a("string");
      const recomputation = JSON.parse(
        await readFile(path.join(workDir, "oracle", `chain-${ctx.chainId}`, "period-0", "recomputation.json"), "utf8"),
      );
      expect(recomputation).to.include({ matches: true, root: published.root, receiptsCid: published.receiptsCid });
      expect(recomputation.viewerRoot).to.equal(published.viewers?.root);
      expect(published.totals.leafCount).to.be.greaterThan(0);
      // Every period-0 beat of the history has its receipt, and every one verified and replayed.
      const periodZero = Number(
        (await db.query<{ n: string }>("SELECT count(*)::text AS n FROM heartbeat_receipts WHERE period = 0"))[0].n,
      );
      expect(periodZero).to.be.greaterThan(0);
      expect(recomputation.receipts).to.deep.equal({ total: periodZero, verified: periodZero, rejected: {} });

      const before = await receipts();
      await seedDemo({ ctx, db, ipfs, workDir, log: (line) => log.push(line) });
      expect(await receipts()).to.equal(before);
      expect(await tallyPostings(ctx, 0)).to.have.length(1);
    } catch (error) {
      console.log(log.join("\n"));
      throw error;
    } finally {
      await db.close();
      await ipfs.close();
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
