// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IFilmListings
/// @notice What the market (and any client) needs from the film listings: who is paid, at what
/// price, whether sales are open.
interface IFilmListings {
    /// @notice Emitted when a creator mints a listing for a film.
    event ListingMinted(
        uint256 indexed filmId, address indexed creator, string metadataURI, uint32 durationSeconds, uint96 pricePerView
    );
    /// @notice Emitted when a listing's price per view changes.
    event PriceChanged(uint256 indexed filmId, uint96 oldPrice, uint96 newPrice);
    /// @notice Emitted when a listing's sales are paused (`paused = true`) or resumed.
    event SalesPausedChanged(uint256 indexed filmId, bool paused);

    /// @notice The listing does not exist.
    error FilmListingsUnknownFilm(uint256 filmId);
    /// @notice Only the listing's owner may do this.
    error FilmListingsNotOwner(uint256 filmId, address caller);
    /// @notice The metadata URI must be a non-empty `ipfs://` URI.
    error FilmListingsInvalidURI();
    /// @notice A film must last at least one second.
    error FilmListingsInvalidDuration();
    /// @notice The price does not fit the listing's 88-bit price field.
    error FilmListingsPriceTooHigh(uint256 price);
    /// @notice The requested state is already the current one (nothing would change).
    error FilmListingsUnchanged(uint256 filmId);

    /// @notice Terms of sale of a listing, read in one call by the market.
    /// @return owner The listing's owner, payee of everything it earns.
    /// @return pricePerView Price of one view pass, in payment-token units (0 = free).
    /// @return salesPaused Whether the owner has paused sales.
    function saleTerms(uint256 filmId) external view returns (address owner, uint96 pricePerView, bool salesPaused);

    /// @notice Owner of a listing (reverts for unknown films), as in ERC-721.
    function ownerOf(uint256 filmId) external view returns (address);
}
