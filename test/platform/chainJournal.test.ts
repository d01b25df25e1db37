import { expect } from "chai";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createPublicClient, createWalletClient, http, parseEther } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { startLocalChain } from "@ai-films/core/platform";
import { testDollarAbi } from "@ai-films/core/chain";

const MNEMONIC = "test test test test test test test test test test test junk";

describe("Local chain journal", function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => { dir = await mkdtemp(path.join(tmpdir(), "chain-")); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it("replays the journal into a fresh node: same contracts, balances, transaction hashes and block times", async () => {
    const port = 18_545 + Math.floor(Math.random() * 1_000);
    const chain = await startLocalChain({ dataDir: dir, port, internalPort: port + 1 });
    const transport = http(chain.url);
    const pub = createPublicClient({ chain: hardhat, transport });
    const viewer = mnemonicToAccount(MNEMONIC, { addressIndex: 5 });
    const wallet = createWalletClient({ chain: hardhat, transport, account: viewer });
    const artifact = JSON.parse(await readFile("artifacts/contracts/token/TestDollar.sol/TestDollar.json", "utf8"));
    // A raw, locally signed deployment and call (as the app's dev wallet sends them) ...
    const deployHash = await wallet.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode });
    const { contractAddress } = await pub.waitForTransactionReceipt({ hash: deployHash });
    const faucetHash = await wallet.writeContract({ address: contractAddress!, abi: testDollarAbi, functionName: "faucet", args: [123n] });
    await pub.waitForTransactionReceipt({ hash: faucetHash });
    // ... a node-signed transfer (eth_sendTransaction) and a jump in time.
    const [node0] = await pub.request({ method: "eth_accounts" } as any) as string[];
    await pub.request({ method: "eth_sendTransaction", params: [{ from: node0, to: viewer.address, value: `0x${parseEther("1").toString(16)}` }] } as any);
    await pub.request({ method: "evm_increaseTime", params: [40 * 86_400] } as any);
    await pub.request({ method: "evm_mine", params: [] } as any);
    const before = await pub.getBlock();
    const balance = await pub.getBalance({ address: viewer.address });
    await chain.stop();

    const again = await startLocalChain({ dataDir: dir, port, internalPort: port + 1 });
    try {
      expect(again.replayed).to.equal(4);
      const pub2 = createPublicClient({ chain: hardhat, transport: http(again.url) });
      expect(await pub2.readContract({ address: contractAddress!, abi: testDollarAbi, functionName: "balanceOf", args: [viewer.address] })).to.equal(123n);
      expect((await pub2.getTransactionReceipt({ hash: faucetHash })).status).to.equal("success");
      const after = await pub2.getBlock();
      expect(after.number).to.equal(before.number);
      expect(after.timestamp).to.equal(before.timestamp);
      // Block hashes differ (a fresh node has a new genesis block); numbers, times and tx hashes do not.
      expect(await pub2.getBalance({ address: viewer.address })).to.equal(balance);
    } finally {
      await again.stop();
    }
  });
});
