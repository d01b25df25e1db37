// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {FilmMarket} from "../FilmMarket.sol";

/// @title FilmMarketHarness
/// @notice TEST ONLY. FilmMarket with its internal split formula exposed, for fuzz tests.
contract FilmMarketHarness is FilmMarket {
    constructor(MarketConfig memory config) FilmMarket(config) {}

    /// @notice `_share` as is.
    function exposedShare(
        uint256 pool,
        uint256 views,
        uint256 seconds_,
        uint256 totalViews,
        uint256 totalSeconds,
        uint256 w
    ) external pure returns (uint256) {
        return _share(pool, views, seconds_, totalViews, totalSeconds, w);
    }
}
