// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IFilmMarket} from "./interfaces/IFilmMarket.sol";
import {MarketGovernance} from "./market/MarketGovernance.sol";
import {Subscriptions} from "./market/Subscriptions.sol";
import {PayPerView} from "./market/PayPerView.sol";
import {Settlement} from "./market/Settlement.sol";

/// @title FilmMarket
/// @notice The money of AI Films in one contract: view passes, subscriptions and their pools,
/// oracle-settled monthly payouts, and the access rule the key server and the web app ask.
/// Every payment is held here until it is withdrawn or claimed, so the token balance of this
/// contract always covers pay-per-view earnings + accrued fees + every pool's unpaid part.
/// What clients call, and every event and custom error, is declared in `IFilmMarket`.
contract FilmMarket is PayPerView, Settlement {
    constructor(MarketConfig memory config)
        MarketGovernance(config)
        Subscriptions(config.genesis, config.periodLength)
        Settlement(config.oracleSigners, config.oracleThreshold, config.viewWeightBps)
    {
        _grantRole(GUARDIAN_ROLE, config.guardian);
        _grantRole(ORACLE_MANAGER_ROLE, config.admin);
    }

    /// @inheritdoc IFilmMarket
    function accessOf(address viewer, uint256 filmId) public view returns (Access) {
        address owner;
        uint96 price;
        bool salesPaused;
        try listings.saleTerms(filmId) returns (address o, uint96 p, bool paused) {
            (owner, price, salesPaused) = (o, p, paused);
        } catch {
            return Access.None;
        }
        if (viewer == owner) return Access.Owner;
        if (passExpiry[filmId][viewer] > block.timestamp) return Access.Pass;
        if (salesPaused) return Access.None;
        if (isSubscribed(viewer)) return Access.Subscription;
        if (price == 0) return Access.Free;
        return Access.None;
    }

    /// @inheritdoc IFilmMarket
    function canWatch(address viewer, uint256 filmId) external view returns (bool) {
        return accessOf(viewer, filmId) != Access.None;
    }
}
