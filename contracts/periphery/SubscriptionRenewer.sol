// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IFilmMarket} from "../interfaces/IFilmMarket.sol";

/// @title SubscriptionRenewer
/// @notice Subscriptions that renew until cancelled. A viewer opts in with a monthly price ceiling
/// and a number of months, and approves (or permits) this contract to spend their payment token.
/// Once their subscription has ended, anyone (the platform's keeper, or any other account: keepers
/// get no special power) may renew it for one month at the market's current price, if that price
/// is within the ceiling. The viewer cancels in one transaction.
/// Each renewal pulls exactly the price from the viewer and the market pulls it from here in the
/// same call, so this contract never holds tokens between transactions. It has no owner and no
/// parameters: nothing here can be governed, paused or upgraded.
contract SubscriptionRenewer is ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Most months one plan may renew: ten years.
    uint256 public constant MAX_PLAN_MONTHS = 120;

    /// @notice A viewer's standing order (one slot). `monthsLeft == 0` = no plan.
    struct Plan {
        uint96 maxMonthlyPrice;
        uint32 monthsLeft;
    }

    /// @notice The market whose subscriptions are renewed.
    IFilmMarket public immutable market;
    /// @notice The market's payment token.
    IERC20 public immutable paymentToken;

    /// @notice Each viewer's plan.
    mapping(address viewer => Plan) public planOf;

    /// @notice `viewer` turned auto-renewal on (or changed their plan).
    event AutoRenewEnabled(address indexed viewer, uint256 maxMonthlyPrice, uint256 months);
    /// @notice `viewer` turned auto-renewal off.
    event AutoRenewCancelled(address indexed viewer);
    /// @notice `keeper` renewed `viewer`'s subscription for one month at `price`, until `end`.
    event Renewed(address indexed viewer, address indexed keeper, uint256 price, uint256 monthsLeft, uint64 end);

    /// @notice The plan asks for zero months or more than `MAX_PLAN_MONTHS`.
    error RenewerInvalidMonths(uint256 months);
    /// @notice `viewer` has no auto-renewal plan (never had one, cancelled it, or used it up).
    error RenewerNoPlan(address viewer);
    /// @notice `viewer`'s subscription runs until `end`: renewing now would charge before it ended.
    error RenewerNotEnded(address viewer, uint256 end);
    /// @notice The market's monthly price is above `viewer`'s ceiling.
    error RenewerAboveCeiling(address viewer, uint256 price, uint256 ceiling);

    constructor(IFilmMarket market_) {
        market = market_;
        paymentToken = market_.paymentToken();
    }

    /// @notice Turns auto-renewal on for the caller, replacing any plan they had. The caller must
    /// also let this contract spend `maxMonthlyPrice × months` of the payment token.
    /// @param maxMonthlyPrice The highest monthly price the caller agrees to pay.
    /// @param months How many monthly renewals the plan may make, 1…`MAX_PLAN_MONTHS`.
    function enable(uint256 maxMonthlyPrice, uint256 months) public {
        if (months == 0 || months > MAX_PLAN_MONTHS) revert RenewerInvalidMonths(months);
        planOf[msg.sender] = Plan(SafeCast.toUint96(maxMonthlyPrice), uint32(months));
        emit AutoRenewEnabled(msg.sender, maxMonthlyPrice, months);
    }

    /// @notice `enable` with an EIP-2612 permit for `maxMonthlyPrice × months`, so turning it on is
    /// one signature and one transaction. A permit already used (e.g. front-run) is tolerated.
    function enableWithPermit(uint256 maxMonthlyPrice, uint256 months, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
    {
        // solhint-disable-next-line no-empty-blocks
        try IERC20Permit(address(paymentToken)).permit(msg.sender, address(this), maxMonthlyPrice * months, deadline, v, r, s) {} catch {}
        enable(maxMonthlyPrice, months);
    }

    /// @notice Turns auto-renewal off for the caller: no renewal can charge them afterwards. The
    /// allowance they gave this contract stays theirs to revoke in the token.
    function cancel() external {
        delete planOf[msg.sender];
        emit AutoRenewCancelled(msg.sender);
    }

    /// @notice Whether `viewer` can be renewed now, at what price, and from when. A keeper reads it
    /// before sending a transaction that would revert.
    /// @return due True if a plan exists, the subscription has ended and the price is within the ceiling.
    /// @return price The market's monthly price now.
    /// @return dueAt When the subscription ends (or ended): the earliest a renewal may charge.
    function renewalDue(address viewer) external view returns (bool due, uint256 price, uint256 dueAt) {
        Plan memory plan = planOf[viewer];
        price = market.monthlyPrice();
        dueAt = market.subscriptionEnd(viewer);
        due = plan.monthsLeft > 0 && dueAt <= block.timestamp && price <= plan.maxMonthlyPrice;
    }

    /// @notice Renews `viewer`'s ended subscription for one month at the current monthly price,
    /// paid by `viewer` under their plan. Callable by anyone.
    function renew(address viewer) external nonReentrant {
        Plan memory plan = planOf[viewer];
        if (plan.monthsLeft == 0) revert RenewerNoPlan(viewer);
        uint256 end = market.subscriptionEnd(viewer);
        // One renewal per ended subscription: the month it buys runs from now, so the next call reverts here.
        if (end > block.timestamp) revert RenewerNotEnded(viewer, end);
        uint256 price = market.monthlyPrice();
        if (price > plan.maxMonthlyPrice) revert RenewerAboveCeiling(viewer, price, plan.maxMonthlyPrice);

        uint32 monthsLeft = plan.monthsLeft - 1;
        planOf[viewer].monthsLeft = monthsLeft;

        paymentToken.safeTransferFrom(viewer, address(this), price);
        paymentToken.forceApprove(address(market), price);
        market.subscribeFor(viewer, 1, price);
        emit Renewed(viewer, msg.sender, price, monthsLeft, market.subscriptionEnd(viewer));
    }
}
