// The relayer and the renewal keeper (core/src/relay) against the real contracts on Hardhat's
// chain and the ledger in PGlite: the relayer submits only signed purchases and pays their gas
// for a wallet with no ETH, refuses junk, replays, expired and foreign signatures before spending
// gas, and stops at the daily cap; the keeper renews ended subscriptions at the current price,
// records a renewal above the ceiling and gives up after its attempts.
import { expect } from "chai";
import { network } from "hardhat";
import { privateKeyToAccount, generatePrivateKey } from "viem/accounts";
import { connectProvider } from "@ai-films/core/chain";
import { openDatabase, type Database } from "@ai-films/core/db";
import { memoryRateLimitStore } from "@ai-films/core/serving";
import { createRelayer, createRenewalKeeper, latestRenewalFailure, typedDataOf, type SignedPurchaseRequest } from "@ai-films/core/relay";
import { isAiFilmsError } from "@ai-films/core/errors";
import { FILM_PRICE, govern, MONTHLY_PRICE, PASS_WINDOW, USD } from "../contracts/fixture.ts";
import { deployPeriphery, signPermit } from "../contracts/peripheryFixture.ts";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { Address } from "viem";

const connection = await network.create();
const { networkHelpers } = connection;

async function setup() {
  const d = await deployPeriphery(connection);
  const ctx = await connectProvider(connection.provider, { market: await d.market.getAddress() });
  const relayerKey = privateKeyToAccount(generatePrivateKey());
  const keeperKey = privateKeyToAccount(generatePrivateKey());
  for (const a of [relayerKey, keeperKey]) await d.admin.sendTransaction({ to: a.address, value: 10n ** 18n });
  const viewerWallet = d.ethers.Wallet.createRandom().connect(d.ethers.provider);
  await d.token.connect(d.viewer1).transfer(viewerWallet.address, 100n * USD);
  return { d, ctx, relayerKey, keeperKey, viewerWallet };
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isAiFilmsError(error) ? `${error.module}.${error.code}` : String(error);
  }
  return "resolved";
}

describe("Relay: gasless purchases and renewal keeper", function () {
  this.timeout(60_000);
  let db: Database;
  before(async () => {
    db = await openDatabase({ dataDir: "memory://" });
  });
  after(async () => db.close());

  it("relays a signed pass purchase for a zero-ETH wallet, and refuses junk, replay, expiry, wrong signer and the daily cap", async () => {
    const { d, ctx, relayerKey, viewerWallet } = await setup();
    const signedPurchases = (await d.purchases.getAddress()) as Address;
    const relayer = createRelayer({
      publicClient: ctx.publicClient,
      wallet: ctx.walletFor(relayerKey),
      chainId: ctx.chainId,
      signedPurchases,
      dailyCap: 2,
      capStore: memoryRateLimitStore(),
    });
    const now = BigInt(await networkHelpers.time.latest());
    const purchase = {
      viewer: viewerWallet.address as Address,
      recipient: viewerWallet.address as Address,
      filmId: 1n,
      price: FILM_PRICE,
      minPassWindow: BigInt(PASS_WINDOW),
      nonce: 0n,
      deadline: now + 600n,
    };
    const request: SignedPurchaseRequest = { kind: "view", purchase, signature: "0x" };
    const { domain, types, message } = typedDataOf(request, ctx.chainId, signedPurchases);
    const signature = (await viewerWallet.signTypedData(domain, types as never, message)) as `0x${string}`;
    const permit = await signPermit(d.token, viewerWallet as unknown as HardhatEthersSigner, signedPurchases, 10n * FILM_PRICE, now + 600n);
    const wire = (p: typeof purchase, sig: string, withPermit = true) => ({
      kind: "view",
      purchase: Object.fromEntries(Object.entries(p).map(([k, v]) => [k, String(v)])),
      signature: sig,
      ...(withPermit
        ? { permit: { value: String(permit.value), deadline: String(permit.deadline), v: permit.v, r: permit.r, s: permit.s } }
        : {}),
    });

    expect(await rejection(relayer.submit({ kind: "transfer", to: d.outsider.address }))).to.equal("relay.malformed");
    expect(
      await rejection(relayer.submit({ ...wire(purchase, signature), purchase: { ...wire(purchase, signature).purchase, price: "1" } })),
    ).to.equal("relay.bad-signature");
    const byOther = await d.viewer2.signTypedData(domain, types as never, message);
    expect(await rejection(relayer.submit(wire(purchase, byOther)))).to.equal("relay.bad-signature");

    const relayed = await relayer.submit(wire(purchase, signature));
    await ctx.publicClient.waitForTransactionReceipt({ hash: relayed.hash });
    expect(await d.market.passExpiry(1n, viewerWallet.address)).to.be.greaterThan(0n);
    expect(await d.ethers.provider.getBalance(viewerWallet.address)).to.equal(0n);
    expect(await rejection(relayer.submit(wire(purchase, signature)))).to.equal("relay.nonce-used");

    const expired = { ...purchase, nonce: 1n, deadline: now };
    const expiredSig = await viewerWallet.signTypedData(domain, types as never, expired);
    expect(await rejection(relayer.submit(wire(expired, expiredSig, false)))).to.equal("relay.expired");

    // A purchase the chain would refuse (film 3 at the wrong price) costs no gas and no cap.
    const wrongPrice = { ...purchase, nonce: 1n, filmId: 3n, price: 5n * USD };
    const wrongSig = await viewerWallet.signTypedData(domain, types as never, wrongPrice);
    expect(await rejection(relayer.submit(wire(wrongPrice, wrongSig, false)))).to.equal("relay.would-revert");

    const second = { ...purchase, nonce: 1n };
    await relayer.submit(wire(second, await viewerWallet.signTypedData(domain, types as never, second), false));
    const third = { ...purchase, nonce: 2n };
    expect(await rejection(relayer.submit(wire(third, await viewerWallet.signTypedData(domain, types as never, third), false)))).to.equal(
      "relay.daily-cap",
    );
  });

  it("the keeper renews ended subscriptions, records a price above the ceiling, and stops after its attempts", async () => {
    const { d, ctx, keeperKey } = await setup();
    const renewer = (await d.renewer.getAddress()) as Address;
    const keeper = createRenewalKeeper({
      publicClient: ctx.publicClient,
      wallet: ctx.walletFor(keeperKey),
      renewer,
      db,
      maxAttempts: 2,
      retryAfterSeconds: 0,
    });
    await d.token.connect(d.viewer2).approve(renewer, 100n * USD);
    await d.renewer.connect(d.viewer2).enable(MONTHLY_PRICE, 3);

    const first = await keeper.tick();
    expect(first.renewed).to.deep.equal([d.viewer2.address]);
    expect(await d.market.isSubscribed(d.viewer2.address)).to.equal(true);
    expect((await keeper.tick()).renewed).to.deep.equal([]); // not before the end

    await networkHelpers.time.increaseTo(await d.market.subscriptionEnd(d.viewer2.address));
    await govern(d, [["setMonthlyPrice", [MONTHLY_PRICE + 1n]]]);
    const balance = await d.token.balanceOf(d.viewer2.address);
    expect((await keeper.tick()).failed).to.deep.equal([d.viewer2.address]);
    expect((await keeper.tick()).failed).to.deep.equal([d.viewer2.address]);
    expect((await keeper.tick()).failed).to.deep.equal([]); // two attempts, then it gives up
    const failure = await latestRenewalFailure(db, d.viewer2.address as Address);
    expect(failure?.reason).to.equal("price-above-ceiling");
    expect(failure?.attempts).to.equal(2);
    expect(failure?.price).to.equal(MONTHLY_PRICE + 1n);
    expect(await d.token.balanceOf(d.viewer2.address)).to.equal(balance);
  });
});
