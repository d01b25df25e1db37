// The local chain of `npm start` across restarts: what was written while the wall clock was
// earlier (time moved on the chain, a period settled against the market's deployment time) must
// come back as it was, and the chain must carry on from there without its clock going backwards.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  createPublicClient,
  createWalletClient,
  http,
  parseEther,
  type Abi,
  type Address,
  type Hex,
  type LocalAccount,
  type PublicClient,
} from "viem";
import { hardhat } from "viem/chains";
import { filmMarketAbi, testDollarAbi } from "@ai-films/core/chain/abis";
import { account, DEMO_ACCOUNTS } from "@ai-films/core/platform/accounts";
import { LOCAL_CHAIN_ACCOUNTS, startLocalChain, type LocalChain } from "@ai-films/core/platform/localChain";
import { stopLeftover } from "@ai-films/core/platform/processes";

const PERIOD = 86_400;
/** How far past the period's end the test moves the chain: the demo uses 120 s, a test cannot wait that long. */
const MARGIN = 2;

async function artifact(name: string): Promise<{ abi: Abi; bytecode: Hex }> {
  const file = path.join("artifacts/contracts", name.includes("/") ? name : `${name}.sol/${name}.json`);
  return JSON.parse(await readFile(file, "utf8"));
}

function clients(chain: LocalChain) {
  const transport = http(chain.url);
  const pub = createPublicClient({ chain: hardhat, transport }) as PublicClient;
  const wallet = (who: LocalAccount) => createWalletClient({ chain: hardhat, transport, account: who });
  const rpc = (method: string, params: unknown[] = []) => pub.request({ method, params } as never) as Promise<unknown>;
  return { pub, wallet, rpc };
}

describe("Local chain across restarts", function () {
  this.timeout(180_000);
  let dir: string;
  let chain: LocalChain | undefined;
  const port = 4240 + Math.floor(Math.random() * 25) * 2;
  const admin = account(DEMO_ACCOUNTS.admin);
  const viewer = account(DEMO_ACCOUNTS.viewers[0]);
  const oracles = DEMO_ACCOUNTS.oracles.map(account);

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "local-chain-"));
  });
  afterEach(async () => {
    await chain?.stop();
    chain = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  /** Token, listings and a market whose periods start at its deployment block, as `npm start` deploys them. */
  async function deployMarket(c: ReturnType<typeof clients>) {
    const send = async (hash: Hex) => (await c.pub.waitForTransactionReceipt({ hash })).contractAddress!;
    const deployer = c.wallet(admin);
    const token = await artifact("token/TestDollar.sol/TestDollar.json");
    const listings = await artifact("FilmListings");
    const market = await artifact("FilmMarket");
    const paymentToken = await send(await deployer.deployContract(token));
    const listingsAddress = await send(await deployer.deployContract(listings));
    const marketAddress = await send(
      await deployer.deployContract({
        ...market,
        args: [
          {
            paymentToken,
            listings: listingsAddress,
            admin: admin.address,
            guardian: account(DEMO_ACCOUNTS.guardian).address,
            treasury: account(DEMO_ACCOUNTS.treasury).address,
            feeBps: 1_000,
            viewWeightBps: 5_000,
            monthlyPrice: 5_000_000n,
            passWindow: 3_600,
            challengeWindow: 3_600,
            genesis: 0n,
            periodLength: BigInt(PERIOD),
            oracleSigners: oracles.map((o) => o.address),
            oracleThreshold: 2n,
          },
        ],
      }),
    );
    return { paymentToken, market: marketAddress as Address };
  }

  /** The empty tally of `period`, signed by two local oracle keys in ascending address order and posted. */
  async function postEmptyTally(c: ReturnType<typeof clients>, market: Address, period: bigint) {
    const viewWeightBps = await c.pub.readContract({ address: market, abi: filmMarketAbi, functionName: "viewWeightBps" });
    const tally = {
      period,
      revision: 0,
      root: `0x${"00".repeat(32)}` as Hex,
      totalViews: 0n,
      totalSeconds: 0n,
      leafCount: 0,
      viewWeightBps,
      dataCid: "",
    };
    const digest = await c.pub.readContract({ address: market, abi: filmMarketAbi, functionName: "tallyDigest", args: [tally] });
    const signers = oracles.slice(0, 2).sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
    const signatures = await Promise.all(signers.map((s) => s.sign({ hash: digest })));
    const hash = await c
      .wallet(admin)
      .writeContract({ address: market, abi: filmMarketAbi, functionName: "postTally", args: [tally, signatures] });
    return c.pub.waitForTransactionReceipt({ hash });
  }

  it("keeps what was written while the wall clock was earlier, and its clock never goes back", async () => {
    chain = await startLocalChain({ dataDir: dir, port });
    let c = clients(chain);
    const { paymentToken, market } = await deployMarket(c);
    const [, end] = await c.pub.readContract({ address: market, abi: filmMarketAbi, functionName: "periodBounds", args: [0n] });
    // A viewer subscribes in period 0 ...
    const me = c.wallet(viewer);
    await c.pub.waitForTransactionReceipt({
      hash: await me.writeContract({ address: paymentToken, abi: testDollarAbi, functionName: "faucet", args: [100_000_000n] }),
    });
    await c.pub.waitForTransactionReceipt({
      hash: await me.writeContract({ address: paymentToken, abi: testDollarAbi, functionName: "approve", args: [market, 5_000_000n] }),
    });
    await c.pub.waitForTransactionReceipt({
      hash: await me.writeContract({ address: market, abi: filmMarketAbi, functionName: "subscribe", args: [1n, 5_000_000n] }),
    });
    // ... the chain's clock is moved just past the period's end (as the demo does) and it is settled ...
    await c.rpc("evm_setNextBlockTimestamp", [Number(end) + MARGIN]);
    await c.rpc("evm_mine");
    const posted = await postEmptyTally(c, market, 0n);
    expect(posted.status).to.equal("success");
    // ... then the clock jumps far ahead (the challenge window, and more).
    await c.rpc("evm_increaseTime", [40 * 86_400]);
    await c.rpc("evm_mine");
    const head = await c.pub.getBlock();
    const first = await c.pub.getBlock({ blockNumber: 1n });
    const balance = await c.pub.readContract({
      address: paymentToken,
      abi: testDollarAbi,
      functionName: "balanceOf",
      args: [viewer.address],
    });
    await chain.stop();
    chain = undefined;

    // The wall clock moves on past the margin before the platform starts again.
    await sleep((MARGIN + 2) * 1_000);
    chain = await startLocalChain({ dataDir: dir, port });
    c = clients(chain);
    const again = await c.pub.getBlock();
    expect(again.number).to.equal(head.number);
    expect(again.timestamp).to.equal(head.timestamp);
    expect(again.hash, "the same blocks, so the indexer sees the same chain").to.equal(head.hash);
    expect((await c.pub.getBlock({ blockNumber: 1n })).timestamp).to.equal(first.timestamp);
    expect(
      await c.pub.readContract({ address: paymentToken, abi: testDollarAbi, functionName: "balanceOf", args: [viewer.address] }),
    ).to.equal(balance);
    const [, , subscribers] = await c.pub.readContract({ address: market, abi: filmMarketAbi, functionName: "poolOf", args: [0n] });
    expect(subscribers).to.equal(1n);
    const tally = await c.pub.readContract({ address: market, abi: filmMarketAbi, functionName: "tallyOf", args: [0n] });
    expect(tally.status, "period 0's tally is still posted").to.equal(1);
    expect(await c.pub.getTransactionReceipt({ hash: posted.transactionHash })).to.include({ status: "success" });
    const logs = await c.pub.getLogs({ address: market, fromBlock: 0n });
    expect(logs.map((l) => l.transactionHash)).to.include(posted.transactionHash);

    // The chain carries on from its own clock, not from the wall clock it was stopped at.
    await c.pub.waitForTransactionReceipt({
      hash: await c.wallet(viewer).writeContract({ address: paymentToken, abi: testDollarAbi, functionName: "faucet", args: [1n] }),
    });
    const next = await c.pub.getBlock();
    expect(next.number).to.equal(head.number + 1n);
    expect(next.timestamp > head.timestamp, `block ${next.number} at ${next.timestamp} follows ${head.timestamp}`).to.equal(true);
    expect(await c.pub.readContract({ address: market, abi: filmMarketAbi, functionName: "currentPeriod" })).to.be.greaterThanOrEqual(41n);
  });
  it("keeps transactions signed by the node's own accounts and locally signed ones, on the Hardhat accounts", async () => {
    chain = await startLocalChain({ dataDir: dir, port });
    let c = clients(chain);
    expect(await c.pub.getChainId()).to.equal(31337);
    const nodeAccounts = (await c.rpc("eth_accounts")) as string[];
    expect(nodeAccounts, "the node holds every funded dev account").to.have.length(LOCAL_CHAIN_ACCOUNTS);
    expect(nodeAccounts[DEMO_ACCOUNTS.viewers[2]].toLowerCase()).to.equal(account(DEMO_ACCOUNTS.viewers[2]).address.toLowerCase());
    // A node-signed transfer (eth_sendTransaction, as Ignition deploys) ...
    const transfer = (await c.rpc("eth_sendTransaction", [
      { from: nodeAccounts[0], to: viewer.address, value: `0x${parseEther("1").toString(16)}` },
    ])) as Hex;
    await c.pub.waitForTransactionReceipt({ hash: transfer });
    const balance = await c.pub.getBalance({ address: viewer.address });
    await chain.stop();

    chain = await startLocalChain({ dataDir: dir, port });
    c = clients(chain);
    expect(chain.restored).to.equal(true);
    expect((await c.pub.getTransactionReceipt({ hash: transfer })).status).to.equal("success");
    expect(await c.pub.getBalance({ address: viewer.address })).to.equal(balance);
    // ... and a locally signed one after the restart: the nonce carries on.
    const hash = await c.wallet(viewer).sendTransaction({ to: admin.address, value: 1n });
    expect((await c.pub.waitForTransactionReceipt({ hash })).status).to.equal("success");
  });

  it("loses at most about a second when the chain is killed", async () => {
    chain = await startLocalChain({ dataDir: dir, port });
    let c = clients(chain);
    const hash = await c.wallet(viewer).sendTransaction({ to: admin.address, value: 1n });
    await c.pub.waitForTransactionReceipt({ hash });
    await sleep(2_500); // the state is written every second
    process.kill(chain.pid, "SIGKILL");
    await chain.exited;

    chain = await startLocalChain({ dataDir: dir, port });
    c = clients(chain);
    expect((await c.pub.getTransactionReceipt({ hash })).status).to.equal("success");
  });

  it("refuses a chain another run still uses, and takes over one whose starter was killed", async () => {
    // Another process starts the chain on the same data directory ...
    const starter = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        `
      import { startLocalChain } from "@ai-films/core/platform/localChain";
      await startLocalChain({ dataDir: ${JSON.stringify(dir)}, port: ${port} });
      console.log("ready");
      setInterval(() => {}, 1_000);
    `,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve, reject) => {
      starter.stdout!.on("data", (d) => String(d).includes("ready") && resolve());
      starter.once("exit", (code) => reject(new Error(`the starter exited (${code})`)));
    });
    try {
      const busy = await startLocalChain({ dataDir: dir, port: port + 1 }).then(
        () => null,
        (error: Error) => error,
      );
      expect(busy?.message).to.match(/belongs to another run that is still going/);
      const c = clients({ url: `http://127.0.0.1:${port}` } as LocalChain);
      const hash = await c.wallet(viewer).sendTransaction({ to: admin.address, value: 1n });
      await c.pub.waitForTransactionReceipt({ hash });
      // ... and is killed without stopping it: the next start stops the anvil it left running (which
      // writes its state as it goes, the last transaction included) and serves the same chain.
      starter.kill("SIGKILL");
      await new Promise((r) => starter.once("exit", r));
      chain = await startLocalChain({ dataDir: dir, port });
      expect((await clients(chain).pub.getTransactionReceipt({ hash })).status).to.equal("success");
    } finally {
      if (starter.exitCode === null && starter.signalCode === null) {
        starter.kill("SIGKILL");
        await new Promise((r) => starter.once("exit", r));
      }
      await stopLeftover(path.join(dir, "anvil.pid"), "the test's chain"); // if the test failed before taking it over
    }
  });

  it("starts from the last complete copy when a kill cut the state file short", async () => {
    chain = await startLocalChain({ dataDir: dir, port });
    let c = clients(chain);
    const hash = await c.wallet(viewer).sendTransaction({ to: admin.address, value: 1n });
    await c.pub.waitForTransactionReceipt({ hash });
    await chain.stop();
    await truncate(path.join(dir, "state.json"), 100);

    const lines: string[] = [];
    chain = await startLocalChain({ dataDir: dir, port, log: (line) => lines.push(line) });
    c = clients(chain);
    expect(lines.join("\n")).to.match(/cut short/);
    expect((await c.pub.getTransactionReceipt({ hash })).status).to.equal("success");
  });
});
