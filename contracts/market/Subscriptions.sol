// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IFilmMarket} from "../interfaces/IFilmMarket.sol";
import {MarketGovernance} from "./MarketGovernance.sol";

/// @title Subscriptions
/// @notice Monthly subscriptions and the per-period pools they fund.
/// Periods are fixed-length epochs from `genesis`; one subscribed month lasts one period. A
/// payment, less the fee, is spread over the periods it covers in proportion to the seconds it
/// covers in each, so a month bought mid-period pays into both periods it spans. Rounding follows
/// the running total, so no unit of a payment is left out of the pools.
abstract contract Subscriptions is MarketGovernance {
    using SafeERC20 for IERC20;

    /// @notice Most months one call can buy.
    uint256 public constant MAX_MONTHS = 12;
    /// @notice Longest allowed period, so subscription ends always fit their 64-bit field.
    uint64 public constant MAX_PERIOD_LENGTH = 366 days;

    /// @dev One slot per period. `paid` counts what left the pool: claims and the rolled-over remainder.
    struct Pool {
        uint96 amount;
        uint96 paid;
        uint32 subscribers;
        uint32 claimedCount;
    }

    /// @inheritdoc IFilmMarket
    uint64 public immutable genesis;
    /// @inheritdoc IFilmMarket
    uint64 public immutable periodLength;

    mapping(uint256 period => Pool) internal _pools;
    /// @inheritdoc IFilmMarket
    mapping(address account => uint64) public subscriptionEnd;

    constructor(uint64 genesis_, uint64 periodLength_) {
        if (genesis_ == 0) genesis_ = uint64(block.timestamp);
        if (periodLength_ == 0 || periodLength_ > MAX_PERIOD_LENGTH || genesis_ > block.timestamp) revert FilmMarketInvalidPeriods(genesis_, periodLength_);
        genesis = genesis_;
        periodLength = periodLength_;
    }

    /// @inheritdoc IFilmMarket
    function subscribe(uint256 months, uint256 expectedMonthlyPrice) external nonReentrant whenNotPaused {
        _subscribe(msg.sender, months, expectedMonthlyPrice);
    }

    /// @inheritdoc IFilmMarket
    function subscribeFor(address recipient, uint256 months, uint256 expectedMonthlyPrice)
        external
        nonReentrant
        whenNotPaused
    {
        if (recipient == address(0)) revert FilmMarketZeroAddress();
        _subscribe(recipient, months, expectedMonthlyPrice);
    }

    /// @inheritdoc IFilmMarket
    function subscribeWithPermit(
        uint256 months,
        uint256 expectedMonthlyPrice,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant whenNotPaused {
        // A permit someone front-ran has already set the allowance: go on, and let the transfer decide.
        // solhint-disable no-empty-blocks
        try IERC20Permit(address(paymentToken)).permit(
            msg.sender, address(this), months * expectedMonthlyPrice, deadline, v, r, s
        ) {} catch {}
        // solhint-enable no-empty-blocks
        _subscribe(msg.sender, months, expectedMonthlyPrice);
    }

    /// @inheritdoc IFilmMarket
    function periodAt(uint256 timestamp) public view returns (uint256) {
        return (timestamp - genesis) / periodLength;
    }

    /// @inheritdoc IFilmMarket
    function currentPeriod() public view returns (uint256) {
        return periodAt(block.timestamp);
    }

    /// @inheritdoc IFilmMarket
    function periodBounds(uint256 period) public view returns (uint256 start, uint256 end) {
        start = genesis + period * periodLength;
        end = start + periodLength;
    }

    /// @inheritdoc IFilmMarket
    function poolOf(uint256 period)
        external
        view
        returns (uint256 amount, uint256 paid, uint256 subscribers, uint256 claimedCount)
    {
        Pool memory pool = _pools[period];
        return (pool.amount, pool.paid, pool.subscribers, pool.claimedCount);
    }

    /// @inheritdoc IFilmMarket
    function isSubscribed(address account) public view returns (bool) {
        return subscriptionEnd[account] > block.timestamp;
    }

    /// @dev The caller pays, `subscriber` gets the months.
    function _subscribe(address subscriber, uint256 months, uint256 expectedMonthlyPrice) private {
        if (months == 0 || months > MAX_MONTHS) revert FilmMarketInvalidMonths(months);
        uint256 price = monthlyPrice;
        if (price != expectedMonthlyPrice) revert FilmMarketPriceChanged(expectedMonthlyPrice, price);

        uint256 total = price * months;
        uint256 net = _takeFee(total);

        uint64 oldEnd = subscriptionEnd[subscriber];
        uint256 start = oldEnd > block.timestamp ? oldEnd : block.timestamp;
        uint256 end = start + months * periodLength;
        subscriptionEnd[subscriber] = uint64(end);
        emit Subscribed(subscriber, months, total, net, uint64(start), uint64(end));

        _fundPools(net, start, end, oldEnd);
        paymentToken.safeTransferFrom(msg.sender, address(this), total);
    }

    /// @dev Spreads `net` over the periods of [start, end) pro rata by seconds. Each period gets
    /// the difference of the rounded-down running totals, so every period is within one unit of
    /// its exact share and the parts add up to `net` exactly. A subscriber is counted once per
    /// period: the first period is skipped if the previous subscription (ending at `oldEnd` ≤
    /// `start`) already reached into it.
    function _fundPools(uint256 net, uint256 start, uint256 end, uint256 oldEnd) private {
        uint256 span = end - start;
        uint256 period = periodAt(start);
        (uint256 periodStart,) = periodBounds(period);
        bool countFirst = oldEnd <= periodStart;
        uint256 funded;
        for (uint256 cursor = periodStart; cursor < end; ++period) {
            cursor += periodLength;
            uint256 covered = (cursor < end ? cursor : end) - start;
            uint256 fundedSoFar = net * covered / span;
            Pool storage pool = _pools[period];
            pool.amount += SafeCast.toUint96(fundedSoFar - funded);
            funded = fundedSoFar;
            if (countFirst) ++pool.subscribers;
            countFirst = true;
        }
    }
}
