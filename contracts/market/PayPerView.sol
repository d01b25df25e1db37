// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IFilmMarket} from "../interfaces/IFilmMarket.sol";
import {MarketGovernance} from "./MarketGovernance.sol";

/// @title PayPerView
/// @notice View passes: a viewer pays a film's price and may watch it for `passWindow` seconds.
/// The listing's owner at purchase time is credited the price less the fee (withdrawn with
/// `withdrawEarnings`), the fee accrues to the treasury. Buying again extends a pass from its
/// current end, so a second purchase never shortens the first.
abstract contract PayPerView is MarketGovernance {
    using SafeERC20 for IERC20;

    /// @inheritdoc IFilmMarket
    mapping(uint256 filmId => mapping(address viewer => uint64)) public passExpiry;

    /// @inheritdoc IFilmMarket
    function buyView(uint256 filmId, uint256 expectedPrice, uint256 minPassWindow) external nonReentrant {
        _buyView(msg.sender, filmId, expectedPrice, minPassWindow);
    }

    /// @inheritdoc IFilmMarket
    function buyViewFor(address recipient, uint256 filmId, uint256 expectedPrice, uint256 minPassWindow)
        external
        nonReentrant
    {
        if (recipient == address(0)) revert FilmMarketZeroAddress();
        _buyView(recipient, filmId, expectedPrice, minPassWindow);
    }

    /// @inheritdoc IFilmMarket
    function buyViewWithPermit(
        uint256 filmId,
        uint256 expectedPrice,
        uint256 minPassWindow,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant {
        // A permit someone front-ran has already set the allowance: go on, and let the transfer decide.
        // solhint-disable-next-line no-empty-blocks
        try IERC20Permit(address(paymentToken)).permit(msg.sender, address(this), expectedPrice, deadline, v, r, s) {} catch {}
        _buyView(msg.sender, filmId, expectedPrice, minPassWindow);
    }

    /// @dev The caller pays, `viewer` gets the pass. Reads the parameter slot once (pause flag, fee, pass window and the fee counter share it).
    function _buyView(address viewer, uint256 filmId, uint256 expectedPrice, uint256 minPassWindow) private {
        Params memory params = _params;
        if (params.paused) revert FilmMarketPurchasesPaused();
        if (params.passWindow < minPassWindow) revert FilmMarketPassWindowShortened(minPassWindow, params.passWindow);
        (address payee, uint96 price, bool salesPaused) = listings.saleTerms(filmId);
        if (salesPaused) revert FilmMarketSalesPaused(filmId);
        if (price == 0) revert FilmMarketFreeFilm(filmId);
        if (price != expectedPrice) revert FilmMarketViewPriceChanged(filmId, expectedPrice, price);

        uint256 fee;
        // price < 2^96 and feeBps ≤ MAX_FEE_BPS: the product cannot overflow and fee ≤ price.
        unchecked {
            fee = uint256(price) * params.feeBps / BPS;
        }
        // fee < 2^96 fits uint120; the checked sum reverts rather than wrap.
        _params.accruedFees = params.accruedFees + uint120(fee);
        earningsOf[payee] += price - fee;

        uint64 current = passExpiry[filmId][viewer];
        uint64 from = current > block.timestamp ? current : uint64(block.timestamp);
        uint64 expiresAt = from + params.passWindow;
        passExpiry[filmId][viewer] = expiresAt;

        emit ViewPurchased(filmId, viewer, payee, price, fee, expiresAt);
        paymentToken.safeTransferFrom(msg.sender, address(this), price);
    }
}
