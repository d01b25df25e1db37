import { expect } from "chai";
import { network } from "hardhat";
import { deployMarket, FILM_PRICE, USD } from "./fixture.ts";

const { networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;

describe("FilmListings", () => {
  it("mints a listing to its creator with URI, duration and price, and emits ListingMinted", async () => {
    const d = await loadFixture(deployMarket);
    await expect(d.listings.connect(d.creatorB).mint("ipfs://bafynew", 90, 5n * USD))
      .to.emit(d.listings, "ListingMinted").withArgs(4n, d.creatorB.address, "ipfs://bafynew", 90, 5n * USD);
    expect(await d.listings.ownerOf(4n)).to.equal(d.creatorB.address);
    expect(await d.listings.tokenURI(4n)).to.equal("ipfs://bafynew");
    expect(await d.listings.totalListings()).to.equal(4n);
    const listing = await d.listings.listingOf(4n);
    expect(listing.pricePerView).to.equal(5n * USD);
    expect(listing.durationSeconds).to.equal(90n);
    expect(listing.salesPaused).to.equal(false);
    expect(await d.listings.durationOf(4n)).to.equal(90n);
    expect(await d.listings.saleTerms(4n)).to.deep.equal([d.creatorB.address, 5n * USD, false]);
  });

  it("refuses a URI that is not ipfs://, a zero duration and a price beyond 88 bits", async () => {
    const d = await loadFixture(deployMarket);
    for (const uri of ["", "ipfs://", "https://example.com/x.json", "IPFS://bafy"]) {
      await expect(d.listings.mint(uri, 60, 0)).to.be.revertedWithCustomError(d.listings, "FilmListingsInvalidURI");
    }
    await expect(d.listings.mint("ipfs://bafy", 0, 0)).to.be.revertedWithCustomError(d.listings, "FilmListingsInvalidDuration");
    const tooHigh = 2n ** 88n;
    await expect(d.listings.mint("ipfs://bafy", 60, tooHigh))
      .to.be.revertedWithCustomError(d.listings, "FilmListingsPriceTooHigh").withArgs(tooHigh);
  });

  it("lets only the owner change the price, with an event, and refuses a no-op", async () => {
    const d = await loadFixture(deployMarket);
    await expect(d.listings.connect(d.creatorA).setPrice(1n, 3n * USD))
      .to.emit(d.listings, "PriceChanged").withArgs(1n, FILM_PRICE, 3n * USD);
    expect((await d.listings.listingOf(1n)).pricePerView).to.equal(3n * USD);
    await expect(d.listings.connect(d.creatorB).setPrice(1n, 1n))
      .to.be.revertedWithCustomError(d.listings, "FilmListingsNotOwner").withArgs(1n, d.creatorB.address);
    await expect(d.listings.connect(d.creatorA).setPrice(1n, 3n * USD))
      .to.be.revertedWithCustomError(d.listings, "FilmListingsUnchanged").withArgs(1n);
    await expect(d.listings.connect(d.creatorA).setPrice(99n, 1n))
      .to.be.revertedWithCustomError(d.listings, "ERC721NonexistentToken").withArgs(99n);
  });

  it("lets only the owner pause and resume sales, with events", async () => {
    const d = await loadFixture(deployMarket);
    await expect(d.listings.connect(d.creatorA).setSalesPaused(1n, true))
      .to.emit(d.listings, "SalesPausedChanged").withArgs(1n, true);
    expect((await d.listings.saleTerms(1n))[2]).to.equal(true);
    await expect(d.listings.connect(d.creatorA).setSalesPaused(1n, true))
      .to.be.revertedWithCustomError(d.listings, "FilmListingsUnchanged");
    await expect(d.listings.connect(d.viewer1).setSalesPaused(1n, false))
      .to.be.revertedWithCustomError(d.listings, "FilmListingsNotOwner");
    await expect(d.listings.connect(d.creatorA).setSalesPaused(1n, false))
      .to.emit(d.listings, "SalesPausedChanged").withArgs(1n, false);
  });

  it("moves control and payee with the token: the new owner sets the price and appears in saleTerms", async () => {
    const d = await loadFixture(deployMarket);
    await d.listings.connect(d.creatorA).transferFrom(d.creatorA.address, d.creatorB.address, 1n);
    expect((await d.listings.saleTerms(1n))[0]).to.equal(d.creatorB.address);
    await expect(d.listings.connect(d.creatorA).setPrice(1n, 1n)).to.be.revertedWithCustomError(d.listings, "FilmListingsNotOwner");
    await d.listings.connect(d.creatorB).setPrice(1n, 1n);
  });

  it("answers unknown films with clear errors", async () => {
    const d = await loadFixture(deployMarket);
    await expect(d.listings.saleTerms(42n)).to.be.revertedWithCustomError(d.listings, "FilmListingsUnknownFilm").withArgs(42n);
    await expect(d.listings.tokenURI(42n)).to.be.revertedWithCustomError(d.listings, "ERC721NonexistentToken");
    await expect(d.listings.listingOf(42n)).to.be.revertedWithCustomError(d.listings, "ERC721NonexistentToken");
    await expect(d.listings.durationOf(42n)).to.be.revertedWithCustomError(d.listings, "ERC721NonexistentToken");
  });
});

describe("TestDollar", () => {
  it("has 6 decimals and a bounded faucet on the local chain", async () => {
    const d = await loadFixture(deployMarket);
    expect(await d.token.decimals()).to.equal(6n);
    await expect(d.token.connect(d.creatorA).faucet(5n * USD)).to.changeTokenBalance(d.ethers, d.token, d.creatorA, 5n * USD);
    await expect(d.token.faucet(0)).to.be.revertedWithCustomError(d.token, "TestDollarFaucetAmount");
    const limit = await d.token.FAUCET_LIMIT();
    await expect(d.token.faucet(limit + 1n)).to.be.revertedWithCustomError(d.token, "TestDollarFaucetAmount").withArgs(limit + 1n, limit);
  });

  it("refuses the faucet on any other chain", async () => {
    const other = await network.create({ override: { chainId: 8453 } });
    const token = await other.ethers.deployContract("TestDollar");
    await expect(token.faucet(1n)).to.be.revertedWithCustomError(token, "TestDollarFaucetDisabled").withArgs(8453n);
  });
});
