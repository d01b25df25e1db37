// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IFilmListings} from "../interfaces/IFilmListings.sol";

/// @title MarketGovernance
/// @notice The market's roles, governed parameters, pause switch and the balances it owes to
/// creators (pay-per-view revenue) and to the treasury (fees).
/// Parameters apply to payments made after the change: pools keep what was paid into them and a
/// posted tally keeps the view weight and challenge window it was posted with. Pausing stops new
/// purchases only; withdrawals, claims and settlement keep working so no one's money is trapped.
abstract contract MarketGovernance is AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice May pause purchases and dispute a tally inside its challenge window.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    /// @notice May add and remove oracle signers and set the signature threshold.
    bytes32 public constant ORACLE_MANAGER_ROLE = keccak256("ORACLE_MANAGER_ROLE");

    /// @notice Hard cap on the platform fee: 20 %.
    uint16 public constant MAX_FEE_BPS = 2_000;
    uint16 internal constant BPS = 10_000;
    /// @notice Bounds of the view-pass window.
    uint32 public constant MIN_PASS_WINDOW = 1 hours;
    uint32 public constant MAX_PASS_WINDOW = 30 days;
    /// @notice Upper bound of the challenge window, so a tally always becomes claimable.
    uint32 public constant MAX_CHALLENGE_WINDOW = 30 days;

    /// @notice Deployment settings of the market.
    struct MarketConfig {
        IERC20 paymentToken;
        IFilmListings listings;
        address admin;
        address treasury;
        uint16 feeBps;
        uint16 viewWeightBps;
        uint256 monthlyPrice;
        uint32 passWindow;
        uint32 challengeWindow;
        uint64 genesis;
        uint64 periodLength;
        address[] oracleSigners;
        uint256 oracleThreshold;
    }

    /// @dev Everything a purchase reads or writes besides its own records, packed in one slot
    /// (including the pause flag and the fee counter), so a purchase touches it once.
    struct Params {
        uint16 feeBps;
        uint16 viewWeightBps;
        uint32 passWindow;
        uint32 challengeWindow;
        bool paused;
        uint128 accruedFees;
    }

    /// @notice The payment token, fixed at deployment.
    IERC20 public immutable paymentToken;
    /// @notice The film listings whose owners are paid.
    IFilmListings public immutable listings;

    Params internal _params;
    /// @notice Treasury receiving platform fees.
    address public treasury;
    /// @notice Price of one month (one period) of subscription, in payment-token units.
    uint256 public monthlyPrice;
    /// @notice Pay-per-view revenue owed to each account, withdrawable at any time.
    mapping(address account => uint256) public earningsOf;

    /// @notice Emitted when purchases are paused.
    event Paused(address account);
    /// @notice Emitted when purchases resume.
    event Unpaused(address account);
    /// @notice Emitted when the treasury address changes.
    event TreasuryChanged(address oldTreasury, address newTreasury);
    /// @notice Emitted when the platform fee changes.
    event FeeChanged(uint16 oldFeeBps, uint16 newFeeBps);
    /// @notice Emitted when the view weight of future tallies changes.
    event ViewWeightChanged(uint16 oldViewWeightBps, uint16 newViewWeightBps);
    /// @notice Emitted when the monthly subscription price changes.
    event MonthlyPriceChanged(uint256 oldPrice, uint256 newPrice);
    /// @notice Emitted when the validity of new view passes changes.
    event PassWindowChanged(uint32 oldWindow, uint32 newWindow);
    /// @notice Emitted when the challenge window of future tallies changes.
    event ChallengeWindowChanged(uint32 oldWindow, uint32 newWindow);
    /// @notice Emitted when an account withdraws its pay-per-view earnings.
    event EarningsWithdrawn(address indexed account, address indexed to, uint256 amount);
    /// @notice Emitted when accrued fees are sent to the treasury.
    event FeesWithdrawn(address indexed treasury, uint256 amount);

    /// @notice A fee above `MAX_FEE_BPS`.
    error FilmMarketFeeTooHigh(uint256 feeBps, uint256 maxFeeBps);
    /// @notice A view weight above 10,000 bps.
    error FilmMarketInvalidViewWeight(uint256 viewWeightBps);
    /// @notice A pass or challenge window outside its bounds.
    error FilmMarketInvalidWindow(uint256 window);
    /// @notice A period length of zero or a genesis in the future.
    error FilmMarketInvalidPeriods(uint64 genesis, uint64 periodLength);
    /// @notice The zero address where an account is required.
    error FilmMarketZeroAddress();
    /// @notice A zero monthly price (subscriptions would fund nothing).
    error FilmMarketInvalidPrice();
    /// @notice Purchases are paused.
    error FilmMarketPurchasesPaused();
    /// @notice Purchases are not paused.
    error FilmMarketNotPaused();
    /// @notice There is nothing to withdraw.
    error FilmMarketNothingToWithdraw();

    constructor(MarketConfig memory config) {
        if (address(config.paymentToken) == address(0) || address(config.listings) == address(0)) {
            revert FilmMarketZeroAddress();
        }
        if (config.admin == address(0)) revert FilmMarketZeroAddress();
        paymentToken = config.paymentToken;
        listings = config.listings;
        _grantRole(DEFAULT_ADMIN_ROLE, config.admin);
        _setTreasury(config.treasury);
        _setFee(config.feeBps);
        _setViewWeight(config.viewWeightBps);
        _setMonthlyPrice(config.monthlyPrice);
        _setPassWindow(config.passWindow);
        _setChallengeWindow(config.challengeWindow);
    }

    modifier whenNotPaused() {
        if (_params.paused) revert FilmMarketPurchasesPaused();
        _;
    }

    // ---------------------------------------------------------------- parameters

    /// @notice Whether purchases are paused.
    function paused() external view returns (bool) {
        return _params.paused;
    }

    /// @notice Fees collected and not yet sent to the treasury.
    function accruedFees() external view returns (uint256) {
        return _params.accruedFees;
    }

    /// @notice Platform fee in basis points, taken from every payment.
    function feeBps() external view returns (uint16) {
        return _params.feeBps;
    }

    /// @notice Weight of unique views in the monthly split, in basis points (the rest is watch time).
    function viewWeightBps() external view returns (uint16) {
        return _params.viewWeightBps;
    }

    /// @notice How long a newly bought view pass lasts, in seconds.
    function passWindow() external view returns (uint32) {
        return _params.passWindow;
    }

    /// @notice How long a posted tally can be disputed before claims open, in seconds.
    function challengeWindow() external view returns (uint32) {
        return _params.challengeWindow;
    }

    /// @notice Sets the treasury. Fees accrued and not yet withdrawn go to the new treasury.
    function setTreasury(address newTreasury) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setTreasury(newTreasury);
    }

    /// @notice Sets the platform fee for future payments; capped at `MAX_FEE_BPS`.
    function setFee(uint16 newFeeBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setFee(newFeeBps);
    }

    /// @notice Sets the view weight that tallies posted from now on must carry.
    function setViewWeight(uint16 newViewWeightBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setViewWeight(newViewWeightBps);
    }

    /// @notice Sets the monthly subscription price for future subscriptions.
    function setMonthlyPrice(uint256 newPrice) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMonthlyPrice(newPrice);
    }

    /// @notice Sets the validity of view passes bought from now on.
    function setPassWindow(uint32 newWindow) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setPassWindow(newWindow);
    }

    /// @notice Sets the challenge window of tallies posted from now on.
    function setChallengeWindow(uint32 newWindow) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setChallengeWindow(newWindow);
    }

    /// @notice Stops new purchases (view passes and subscriptions). Guardian or admin.
    function pause() external {
        if (!hasRole(GUARDIAN_ROLE, msg.sender)) _checkRole(DEFAULT_ADMIN_ROLE);
        if (_params.paused) revert FilmMarketPurchasesPaused();
        _params.paused = true;
        emit Paused(msg.sender);
    }

    /// @notice Resumes purchases. Admin only.
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!_params.paused) revert FilmMarketNotPaused();
        _params.paused = false;
        emit Unpaused(msg.sender);
    }

    // ---------------------------------------------------------------- withdrawals

    /// @notice Sends the caller's pay-per-view earnings to `to`. Works while paused.
    function withdrawEarnings(address to) external nonReentrant {
        if (to == address(0)) revert FilmMarketZeroAddress();
        uint256 amount = earningsOf[msg.sender];
        if (amount == 0) revert FilmMarketNothingToWithdraw();
        earningsOf[msg.sender] = 0;
        emit EarningsWithdrawn(msg.sender, to, amount);
        paymentToken.safeTransfer(to, amount);
    }

    /// @notice Sends all accrued fees to the treasury. Anyone may call it; works while paused.
    function withdrawFees() external nonReentrant {
        uint256 amount = _params.accruedFees;
        if (amount == 0) revert FilmMarketNothingToWithdraw();
        _params.accruedFees = 0;
        address to = treasury;
        emit FeesWithdrawn(to, amount);
        paymentToken.safeTransfer(to, amount);
    }

    // ---------------------------------------------------------------- internals

    /// @dev Splits a payment into the fee and what is left for its payee or pool.
    function _takeFee(uint256 amount) internal returns (uint256 net) {
        uint256 feeAmount = amount * _params.feeBps / BPS;
        _params.accruedFees += SafeCast.toUint128(feeAmount);
        return amount - feeAmount;
    }

    function _setTreasury(address newTreasury) private {
        if (newTreasury == address(0)) revert FilmMarketZeroAddress();
        emit TreasuryChanged(treasury, newTreasury);
        treasury = newTreasury;
    }

    function _setFee(uint16 newFeeBps) private {
        if (newFeeBps > MAX_FEE_BPS) revert FilmMarketFeeTooHigh(newFeeBps, MAX_FEE_BPS);
        emit FeeChanged(_params.feeBps, newFeeBps);
        _params.feeBps = newFeeBps;
    }

    function _setViewWeight(uint16 newViewWeightBps) private {
        if (newViewWeightBps > BPS) revert FilmMarketInvalidViewWeight(newViewWeightBps);
        emit ViewWeightChanged(_params.viewWeightBps, newViewWeightBps);
        _params.viewWeightBps = newViewWeightBps;
    }

    function _setMonthlyPrice(uint256 newPrice) private {
        if (newPrice == 0) revert FilmMarketInvalidPrice();
        emit MonthlyPriceChanged(monthlyPrice, newPrice);
        monthlyPrice = newPrice;
    }

    function _setPassWindow(uint32 newWindow) private {
        if (newWindow < MIN_PASS_WINDOW || newWindow > MAX_PASS_WINDOW) revert FilmMarketInvalidWindow(newWindow);
        emit PassWindowChanged(_params.passWindow, newWindow);
        _params.passWindow = newWindow;
    }

    function _setChallengeWindow(uint32 newWindow) private {
        if (newWindow > MAX_CHALLENGE_WINDOW) revert FilmMarketInvalidWindow(newWindow);
        emit ChallengeWindowChanged(_params.challengeWindow, newWindow);
        _params.challengeWindow = newWindow;
    }
}
