// Gasless purchases (contracts/periphery/SignedPurchases.sol), attacker first: the submitter (the
// platform's relayer, or anyone) can make only a purchase the viewer signed, with every term as
// signed, once (nonce), before its deadline; a signature by anyone else buys nothing.
import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { FILM_PRICE, MONTHLY_PRICE, PASS_WINDOW, PERIOD, USD } from "./fixture.ts";
import {
  deployPeriphery, NO_PERMIT, now, owedAndHeld, purchasesDomain, signPermit, SUBSCRIPTION_PURCHASE_TYPES,
  VIEW_PURCHASE_TYPES,
} from "./peripheryFixture.ts";

const { networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;

/** A viewer with the stablecoin and not one wei of ETH. */
async function withGaslessViewer(connection: Parameters<typeof deployPeriphery>[0]) {
  const d = await deployPeriphery(connection);
  const wallet = d.ethers.Wallet.createRandom().connect(d.ethers.provider);
  await d.token.connect(d.viewer1).transfer(wallet.address, 100n * USD);
  const relayer = d.outsider;
  return { ...d, wallet, relayer };
}
type D = Awaited<ReturnType<typeof withGaslessViewer>>;

async function viewPurchase(d: D, overrides: Partial<Record<string, unknown>> = {}) {
  return {
    viewer: d.wallet.address, recipient: d.wallet.address, filmId: 1n, price: FILM_PRICE, minPassWindow: BigInt(PASS_WINDOW),
    nonce: await d.purchases.nonces(d.wallet.address), deadline: (await now(d)) + 600n, ...overrides,
  };
}

async function signView(d: D, purchase: Awaited<ReturnType<typeof viewPurchase>>, signer: { signTypedData: HardhatEthersSigner["signTypedData"] } = d.wallet) {
  return signer.signTypedData(await purchasesDomain(d.purchases), VIEW_PURCHASE_TYPES, purchase);
}

async function permitFor(d: D, value: bigint) {
  return signPermit(d.token, d.wallet as unknown as HardhatEthersSigner, await d.purchases.getAddress(), value, (await now(d)) + 600n);
}

describe("SignedPurchases", () => {
  it("a relayer submits a signed pass purchase with its permit for a wallet holding no ETH", async () => {
    const d = await loadFixture(withGaslessViewer);
    expect(await d.ethers.provider.getBalance(d.wallet.address)).to.equal(0n);
    const purchase = await viewPurchase(d);
    const tx = d.purchases.connect(d.relayer).buyView(purchase, await signView(d, purchase), await permitFor(d, FILM_PRICE));
    await expect(tx).to.emit(d.purchases, "SignedPurchase").withArgs(d.wallet.address, 0n, d.relayer.address);
    await expect(tx).to.changeTokenBalances(d.ethers, d.token, [d.wallet, d.relayer, d.market], [-FILM_PRICE, 0n, FILM_PRICE]);
    expect(await d.market.passExpiry(1n, d.wallet.address)).to.be.greaterThan(0n);
    expect(await d.purchases.nonces(d.wallet.address)).to.equal(1n);
    const { purchasesHeld } = await owedAndHeld(d, [], 0n);
    expect(purchasesHeld).to.equal(0n);
  });

  it("a signed subscription, given to another wallet (a gasless gift)", async () => {
    const d = await loadFixture(withGaslessViewer);
    const purchase = {
      viewer: d.wallet.address, recipient: d.viewer3.address, months: 2n, monthlyPrice: MONTHLY_PRICE,
      nonce: 0n, deadline: (await now(d)) + 600n,
    };
    const signature = await d.wallet.signTypedData(await purchasesDomain(d.purchases), SUBSCRIPTION_PURCHASE_TYPES, purchase);
    await d.purchases.connect(d.relayer).subscribe(purchase, signature, await permitFor(d, 2n * MONTHLY_PRICE));
    expect(await d.market.subscriptionEnd(d.viewer3.address)).to.equal((await now(d)) + 2n * BigInt(PERIOD));
    expect(await d.market.isSubscribed(d.wallet.address)).to.equal(false);
    expect(await d.token.balanceOf(d.wallet.address)).to.equal(100n * USD - 2n * MONTHLY_PRICE);
  });

  it("replay: the same signed purchase runs once", async () => {
    const d = await loadFixture(withGaslessViewer);
    const purchase = await viewPurchase(d);
    const signature = await signView(d, purchase);
    await d.purchases.connect(d.relayer).buyView(purchase, signature, await permitFor(d, 10n * FILM_PRICE));
    await expect(d.purchases.connect(d.relayer).buyView(purchase, signature, NO_PERMIT))
      .to.be.revertedWithCustomError(d.purchases, "InvalidAccountNonce").withArgs(d.wallet.address, 1n);
    expect(await d.token.balanceOf(d.wallet.address)).to.equal(100n * USD - FILM_PRICE);
  });

  it("expiry: a purchase after its deadline is refused", async () => {
    const d = await loadFixture(withGaslessViewer);
    const purchase = await viewPurchase(d, { deadline: await now(d) });
    await expect(d.purchases.connect(d.relayer).buyView(purchase, await signView(d, purchase), await permitFor(d, FILM_PRICE)))
      .to.be.revertedWithCustomError(d.purchases, "SignedPurchaseExpired");
  });

  it("wrong signer: a purchase for the viewer signed by someone else (the relayer included) buys nothing", async () => {
    const d = await loadFixture(withGaslessViewer);
    const purchase = await viewPurchase(d);
    await d.purchases.connect(d.relayer).buyView(purchase, await signView(d, purchase), await permitFor(d, 10n * FILM_PRICE));
    const next = await viewPurchase(d);
    for (const signer of [d.relayer, d.viewer2]) {
      await expect(d.purchases.connect(d.relayer).buyView(next, await signView(d, next, signer), NO_PERMIT))
        .to.be.revertedWithCustomError(d.purchases, "SignedPurchaseInvalidSignature").withArgs(d.wallet.address);
    }
  });

  it("the relayer cannot change any signed term (recipient, film, price, window, viewer) nor spend a leftover allowance", async () => {
    const d = await loadFixture(withGaslessViewer);
    const purchase = await viewPurchase(d);
    const signature = await signView(d, purchase);
    // The viewer's permit leaves an allowance larger than the price: only signed purchases may use it.
    await d.purchases.connect(d.relayer).buyView(purchase, signature, await permitFor(d, 10n * FILM_PRICE));
    const next = await viewPurchase(d);
    const nextSig = await signView(d, next);
    const tampered = [
      { recipient: d.relayer.address }, { filmId: 3n, price: 1n * USD }, { price: FILM_PRICE + 1n },
      { minPassWindow: 0n }, { deadline: next.deadline + 1n }, { viewer: d.viewer2.address },
    ];
    for (const change of tampered) {
      await expect(d.purchases.connect(d.relayer).buyView({ ...next, ...change }, nextSig, NO_PERMIT))
        .to.be.revertedWithCustomError(d.purchases, "SignedPurchaseInvalidSignature");
    }
    // A signature for a pass is not one for a subscription.
    const asSubscription = { viewer: next.viewer, recipient: next.recipient, months: 1n, monthlyPrice: MONTHLY_PRICE, nonce: next.nonce, deadline: next.deadline };
    await expect(d.purchases.connect(d.relayer).subscribe(asSubscription, nextSig, NO_PERMIT))
      .to.be.revertedWithCustomError(d.purchases, "SignedPurchaseInvalidSignature");
    expect(await d.token.balanceOf(d.wallet.address)).to.equal(100n * USD - FILM_PRICE);
    // The untampered purchase still goes through.
    await d.purchases.connect(d.relayer).buyView(next, nextSig, NO_PERMIT);
  });

  it("a signature for another deployment (other contract address) is refused", async () => {
    const d = await loadFixture(withGaslessViewer);
    const other = await d.ethers.deployContract("SignedPurchases", [await d.market.getAddress()]);
    const purchase = await viewPurchase(d);
    const domain = { ...(await purchasesDomain(d.purchases)), verifyingContract: await other.getAddress() };
    const signature = await d.wallet.signTypedData(domain, VIEW_PURCHASE_TYPES, purchase);
    await expect(d.purchases.connect(d.relayer).buyView(purchase, signature, await permitFor(d, FILM_PRICE)))
      .to.be.revertedWithCustomError(d.purchases, "SignedPurchaseInvalidSignature");
  });

  it("a price change after signing makes the purchase revert (the viewer pays only the signed price)", async () => {
    const d = await loadFixture(withGaslessViewer);
    const purchase = await viewPurchase(d);
    const signature = await signView(d, purchase);
    await d.listings.connect(d.creatorA).setPrice(1n, FILM_PRICE + 1n);
    await expect(d.purchases.connect(d.relayer).buyView(purchase, signature, await permitFor(d, FILM_PRICE)))
      .to.be.revertedWithCustomError(d.market, "FilmMarketViewPriceChanged");
    expect(await d.purchases.nonces(d.wallet.address)).to.equal(0n);
  });

  it("viewPurchaseDigest matches the wallet's EIP-712 hash", async () => {
    const d = await loadFixture(withGaslessViewer);
    const purchase = await viewPurchase(d);
    expect(await d.purchases.viewPurchaseDigest(purchase))
      .to.equal(d.ethers.TypedDataEncoder.hash(await purchasesDomain(d.purchases), VIEW_PURCHASE_TYPES, purchase));
  });
});
