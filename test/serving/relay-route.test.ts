// POST /api/relay/purchase in-process on real services (Hardhat chain with the periphery, PGlite
// ledger): a wallet holding no ETH buys through the platform's relayer; the per-wallet limit
// (RATE_LIMITS.relayPurchase) stops the eleventh purchase in an hour with a JSON 429 while another
// wallet is still served, and junk naming a wallet (a bad signature) does not use up its limit.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { Wallet } from "ethers";
import { privateKeyToAccount, generatePrivateKey } from "viem/accounts";
import type { Address } from "viem";
import { RATE_LIMITS } from "@ai-films/core/serving";
import { FILM_PRICE, PASS_WINDOW, USD } from "../contracts/fixture.ts";
import { purchasesDomain, signPermit, VIEW_PURCHASE_TYPES, type PeripheryDeployment } from "../contracts/peripheryFixture.ts";
import { installWebServices, loadRoute, type RouteHandler, type WebServices } from "./webRoutes.ts";

describe("relay route", function () {
  this.timeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), "ai-films-relay-route-"));
  let services: WebServices;
  let d: PeripheryDeployment;
  let route: Record<string, RouteHandler>;
  const relayerKey = generatePrivateKey();
  const saved = process.env.RELAYER_PRIVATE_KEY;

  /** A wallet with 100 test dollars and no ETH. */
  async function stablecoinOnlyWallet(): Promise<Wallet> {
    const wallet = d.ethers.Wallet.createRandom().connect(d.ethers.provider) as unknown as Wallet;
    await d.token.connect(d.viewer1).transfer(wallet.address, 100n * USD);
    return wallet;
  }

  /** The viewer's signed pass purchase of film 1 with nonce `nonce`, as the purchase panel posts it. */
  async function signedView(viewer: Wallet, nonce: bigint, options: { permitFor?: bigint; signer?: Wallet } = {}) {
    const deadline = BigInt((await d.ethers.provider.getBlock("latest"))!.timestamp) + 600n;
    const purchase = {
      viewer: viewer.address,
      recipient: viewer.address,
      filmId: 1n,
      price: FILM_PRICE,
      minPassWindow: BigInt(PASS_WINDOW),
      nonce,
      deadline,
    };
    const signature = await (options.signer ?? viewer).signTypedData(await purchasesDomain(d.purchases), VIEW_PURCHASE_TYPES, purchase);
    const permit = options.permitFor
      ? await signPermit(d.token, viewer as unknown as HardhatEthersSigner, await d.purchases.getAddress(), options.permitFor, deadline)
      : null;
    return {
      kind: "view",
      purchase: Object.fromEntries(Object.entries(purchase).map(([k, v]) => [k, String(v)])),
      signature,
      ...(permit
        ? { permit: { value: String(permit.value), deadline: String(permit.deadline), v: permit.v, r: permit.r, s: permit.s } }
        : {}),
    };
  }

  const post = (body: unknown) =>
    route.POST(
      new Request("http://localhost/api/relay/purchase", {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.7" },
        body: JSON.stringify(body),
      }),
      { params: Promise.resolve({}) },
    );

  before(async () => {
    process.env.RELAYER_PRIVATE_KEY = relayerKey; // the platform's gas payer, funded below
    services = await installWebServices(dir, { periphery: true });
    d = services.periphery!;
    await d.admin.sendTransaction({ to: privateKeyToAccount(relayerKey).address, value: 10n ** 18n });
    route = await loadRoute("api/relay/purchase/route.ts");
  });

  after(async () => {
    if (saved === undefined) delete process.env.RELAYER_PRIVATE_KEY;
    else process.env.RELAYER_PRIVATE_KEY = saved;
    await services?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("buys for a zero-ETH wallet, then refuses its purchases past the per-wallet limit with a JSON 429", async () => {
    const limit = RATE_LIMITS.relayPurchase.wallet.max;
    const viewer = await stablecoinOnlyWallet();
    expect(await d.ethers.provider.getBalance(viewer.address)).to.equal(0n);

    // A stranger's junk naming the viewer (signed by someone else) is refused and costs the viewer nothing.
    const stranger = d.ethers.Wallet.createRandom() as unknown as Wallet;
    for (let i = 0; i < 3; i++) {
      const junk = await post(await signedView(viewer, 0n, { signer: stranger }));
      expect(junk.status).to.equal(400);
      expect(((await junk.json()) as { error: string }).error).to.equal("bad-signature");
    }

    for (let nonce = 0n; nonce < BigInt(limit); nonce++) {
      const res = await post(await signedView(viewer, nonce, nonce === 0n ? { permitFor: BigInt(limit + 1) * FILM_PRICE } : {}));
      expect(res.status, `purchase ${nonce}`).to.equal(200);
      const { hash } = (await res.json()) as { hash: Address };
      expect((await services.chain.publicClient.waitForTransactionReceipt({ hash })).status).to.equal("success");
    }
    expect(await d.purchases.nonces(viewer.address)).to.equal(BigInt(limit));
    expect(await d.market.passExpiry(1n, viewer.address)).to.be.greaterThan(0n);
    expect(await d.ethers.provider.getBalance(viewer.address)).to.equal(0n);

    const refused = await post(await signedView(viewer, BigInt(limit)));
    expect(refused.status).to.equal(429);
    expect(((await refused.json()) as { error: string }).error).to.equal("rate-limited");
    expect(await d.purchases.nonces(viewer.address), "the refused purchase was not sent").to.equal(BigInt(limit));

    // The limit is the wallet's, not the platform's: another wallet is served.
    const other = await stablecoinOnlyWallet();
    const served = await post(await signedView(other, 0n, { permitFor: FILM_PRICE }));
    expect(served.status).to.equal(200);
  });
});
