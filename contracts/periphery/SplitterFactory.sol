// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {FilmListings} from "../FilmListings.sol";
import {IFilmMarket} from "../interfaces/IFilmMarket.sol";
import {FilmSplitter} from "./FilmSplitter.sol";

/// @title SplitterFactory
/// @notice Splits a film's earnings among its collaborators. The creator mints the listing as
/// usual (so the listing still names them as its creator), then sends it here with
/// `safeTransferFrom(creator, factory, filmId, abi.encode(payees, shares))`. In that same
/// transaction the factory makes the film's `FilmSplitter` (a minimal clone at an address fixed by
/// the film id), sets its split, and moves the listing into it: from then on the market pays the
/// splitter, and nothing can move the listing out or change the split.
/// The factory holds nothing between transactions and has no owner.
contract SplitterFactory is IERC721Receiver {
    /// @notice The market whose films are split.
    IFilmMarket public immutable market;
    /// @notice The market's listings.
    FilmListings public immutable listings;
    /// @notice The `FilmSplitter` every clone delegates to.
    address public immutable implementation;

    /// @notice The splitter of each split film (zero for films not split).
    mapping(uint256 filmId => address) public splitterOf;

    /// @notice Film `filmId` is now owned and paid out by `splitter`, on `controller`'s terms.
    event SplitterCreated(
        uint256 indexed filmId, address indexed splitter, address indexed controller, address[] payees, uint256[] shares
    );

    /// @notice Only listing tokens of the market's listings can be split.
    error SplitterFactoryNotListings(address caller);
    /// @notice The transfer carried no split (`abi.encode(address[] payees, uint256[] shares)`).
    error SplitterFactoryNoSplit();

    constructor(IFilmMarket market_) {
        market = market_;
        listings = FilmListings(address(market_.listings()));
        implementation = address(new FilmSplitter());
    }

    /// @notice Where film `filmId`'s splitter is (or will be).
    function predictSplitter(uint256 filmId) external view returns (address) {
        return Clones.predictDeterministicAddress(implementation, bytes32(filmId));
    }

    /// @notice Receives a listing with its split and hands it to the film's new splitter. The
    /// previous owner (`from`) becomes the splitter's controller.
    function onERC721Received(address, address from, uint256 filmId, bytes calldata data) external returns (bytes4) {
        if (msg.sender != address(listings)) revert SplitterFactoryNotListings(msg.sender);
        if (data.length == 0) revert SplitterFactoryNoSplit();
        (address[] memory payees, uint256[] memory shares) = abi.decode(data, (address[], uint256[]));
        // A second split of the same film cannot happen: its splitter never lets the listing go, and
        // the clone address is taken (cloneDeterministic would revert).
        address splitter = Clones.cloneDeterministic(implementation, bytes32(filmId));
        splitterOf[filmId] = splitter;
        FilmSplitter(splitter).initialize(market, filmId, from, payees, shares);
        emit SplitterCreated(filmId, splitter, from, payees, shares);
        listings.transferFrom(address(this), splitter, filmId);
        return IERC721Receiver.onERC721Received.selector;
    }
}
