// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IFilmListings} from "./interfaces/IFilmListings.sol";

/// @title FilmListings
/// @notice One ERC-721 token per film. Anyone can mint a listing for their film with its IPFS
/// metadata URI, its duration and a price per view. The token's current owner controls the
/// price and sales and is the payee of everything the film earns, so selling the token sells
/// the film's future income.
contract FilmListings is ERC721, IFilmListings {
    /// @dev The terms of sale in one slot, with a copy of the token's owner kept in step by
    /// `_update`, so the market reads everything a purchase needs with one storage load.
    struct SaleTerms {
        address owner;
        uint88 pricePerView;
        bool salesPaused;
    }

    /// @notice A listing as clients read it.
    struct Listing {
        uint96 pricePerView;
        uint32 durationSeconds;
        bool salesPaused;
    }

    mapping(uint256 filmId => SaleTerms) private _terms;
    mapping(uint256 filmId => uint32) private _durations;
    mapping(uint256 filmId => string) private _metadataURIs;

    /// @notice Number of listings minted so far; film ids run from 1 to `totalListings`.
    uint256 public totalListings;

    constructor() ERC721("AI Films Listing", "FILM") {}

    modifier onlyListingOwner(uint256 filmId) {
        if (_requireOwned(filmId) != msg.sender) revert FilmListingsNotOwner(filmId, msg.sender);
        _;
    }

    /// @notice Mints a listing for a film, owned by the caller.
    /// @param metadataURI `ipfs://` URI of the ERC-721 metadata JSON.
    /// @param durationSeconds The film's length in seconds (> 0).
    /// @param pricePerView Price of one view pass in payment-token units; 0 makes the film free.
    /// @return filmId The new listing's id.
    function mint(string calldata metadataURI, uint32 durationSeconds, uint96 pricePerView)
        external
        returns (uint256 filmId)
    {
        if (!_isIpfsURI(metadataURI)) revert FilmListingsInvalidURI();
        if (durationSeconds == 0) revert FilmListingsInvalidDuration();
        filmId = ++totalListings;
        _terms[filmId].pricePerView = _toPrice(pricePerView);
        _durations[filmId] = durationSeconds;
        _metadataURIs[filmId] = metadataURI;
        emit ListingMinted(filmId, msg.sender, metadataURI, durationSeconds, pricePerView);
        _mint(msg.sender, filmId);
    }

    /// @notice Changes the price per view. Buyers state the price they agreed to, so a change
    /// never charges a buyer more than they expected.
    function setPrice(uint256 filmId, uint96 newPrice) external onlyListingOwner(filmId) {
        uint96 oldPrice = _terms[filmId].pricePerView;
        if (oldPrice == newPrice) revert FilmListingsUnchanged(filmId);
        _terms[filmId].pricePerView = _toPrice(newPrice);
        emit PriceChanged(filmId, oldPrice, newPrice);
    }

    /// @notice Pauses (`true`) or resumes (`false`) sales of view passes. Passes already sold stay valid.
    function setSalesPaused(uint256 filmId, bool paused) external onlyListingOwner(filmId) {
        if (_terms[filmId].salesPaused == paused) revert FilmListingsUnchanged(filmId);
        _terms[filmId].salesPaused = paused;
        emit SalesPausedChanged(filmId, paused);
    }

    /// @inheritdoc IFilmListings
    function saleTerms(uint256 filmId) external view returns (address owner, uint96 pricePerView, bool salesPaused) {
        SaleTerms memory terms = _terms[filmId];
        if (terms.owner == address(0)) revert FilmListingsUnknownFilm(filmId);
        return (terms.owner, terms.pricePerView, terms.salesPaused);
    }

    /// @notice The listing's price, duration and sales state.
    function listingOf(uint256 filmId) external view returns (Listing memory) {
        _requireOwned(filmId);
        SaleTerms memory terms = _terms[filmId];
        return Listing({
            pricePerView: terms.pricePerView, durationSeconds: _durations[filmId], salesPaused: terms.salesPaused
        });
    }

    /// @notice The film's duration in seconds.
    function durationOf(uint256 filmId) external view returns (uint32) {
        _requireOwned(filmId);
        return _durations[filmId];
    }

    /// @notice The metadata URI the listing was minted with (`ipfs://…`).
    function tokenURI(uint256 filmId) public view override returns (string memory) {
        _requireOwned(filmId);
        return _metadataURIs[filmId];
    }

    /// @inheritdoc ERC721
    function ownerOf(uint256 filmId) public view override(ERC721, IFilmListings) returns (address) {
        return super.ownerOf(filmId);
    }

    /// @dev Keeps the owner copy in `_terms` in step with ERC-721 ownership on every mint and transfer.
    function _update(address to, uint256 filmId, address auth) internal override returns (address from) {
        from = super._update(to, filmId, auth);
        _terms[filmId].owner = to;
    }

    /// @dev Prices are stored in 88 bits (3 × 10^26 units) to share the slot with the owner.
    function _toPrice(uint96 price) private pure returns (uint88) {
        if (price > type(uint88).max) revert FilmListingsPriceTooHigh(price);
        return uint88(price);
    }

    function _isIpfsURI(string calldata uri) private pure returns (bool) {
        bytes calldata b = bytes(uri);
        return b.length > 7 && bytes7(b[:7]) == bytes7("ipfs://");
    }
}
