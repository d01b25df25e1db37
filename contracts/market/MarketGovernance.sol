// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IFilmListings} from "../interfaces/IFilmListings.sol";
import {IFilmMarket} from "../interfaces/IFilmMarket.sol";

/// @title MarketGovernance
/// @notice The market's roles, governed parameters, pause switch and the balances it owes to
/// creators (pay-per-view revenue) and to the treasury (fees).
/// Parameters apply to payments made after the change: pools keep what was paid into them and a
/// posted tally keeps the view weight and challenge window it was posted with. Pausing stops new
/// purchases only; withdrawals, claims and settlement keep working so no one's money is trapped.
///
/// Who may change what: `DEFAULT_ADMIN_ROLE` (every parameter, roles, unpausing) and
/// `ORACLE_MANAGER_ROLE` (signers, threshold) go to `config.admin`, which a deployment makes an
/// OpenZeppelin `TimelockController`: every change is announced by its `CallScheduled` event and
/// waits out the timelock's delay. `GUARDIAN_ROLE` goes to `config.guardian`, with no delay: it can
/// pause purchases and dispute a tally, which stop money, never move it.
abstract contract MarketGovernance is IFilmMarket, AccessControl, ReentrancyGuardTransient {
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
    /// @notice Floor of the challenge window: time for the guardian's watcher (and a human paged by
    /// it) to compare a posted tally with its published data and dispute it, even if governance was
    /// captured. An hour covers a watcher's polling, an L2's confirmation delay and a page; longer
    /// floors only delay honest payouts, since the timelock already announces any signer change.
    uint32 public constant MIN_CHALLENGE_WINDOW = 1 hours;

    /// @notice Deployment settings of the market.
    struct MarketConfig {
        IERC20 paymentToken;
        IFilmListings listings;
        address admin;
        address guardian;
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

    /// @dev Everything a purchase or a tally reads or writes besides its own records, packed in one
    /// slot (including the pause flag and the fee counter), so each touches it once. `viewWeightBps`
    /// is the latest weight set, which applies from period `viewWeightFrom` on (earlier periods'
    /// weights are in Settlement's history).
    struct Params {
        uint16 feeBps;
        uint16 viewWeightBps;
        uint32 viewWeightFrom;
        uint32 passWindow;
        uint32 challengeWindow;
        bool paused;
        uint120 accruedFees;
    }

    /// @inheritdoc IFilmMarket
    IERC20 public immutable paymentToken;
    /// @inheritdoc IFilmMarket
    IFilmListings public immutable listings;

    Params internal _params;
    /// @inheritdoc IFilmMarket
    address public treasury;
    /// @inheritdoc IFilmMarket
    uint256 public monthlyPrice;
    /// @inheritdoc IFilmMarket
    mapping(address account => uint256) public earningsOf;

    constructor(MarketConfig memory config) {
        if (address(config.paymentToken) == address(0) || address(config.listings) == address(0)) {
            revert FilmMarketZeroAddress();
        }
        if (config.admin == address(0) || config.guardian == address(0)) revert FilmMarketZeroAddress();
        paymentToken = config.paymentToken;
        listings = config.listings;
        _grantRole(DEFAULT_ADMIN_ROLE, config.admin);
        _setTreasury(config.treasury);
        _setFee(config.feeBps);
        _setMonthlyPrice(config.monthlyPrice);
        _setPassWindow(config.passWindow);
        _setChallengeWindow(config.challengeWindow);
    }

    modifier whenNotPaused() {
        if (_params.paused) revert FilmMarketPurchasesPaused();
        _;
    }

    // ---------------------------------------------------------------- parameters

    /// @inheritdoc IFilmMarket
    function paused() external view returns (bool) {
        return _params.paused;
    }

    /// @inheritdoc IFilmMarket
    function accruedFees() external view returns (uint256) {
        return _params.accruedFees;
    }

    /// @inheritdoc IFilmMarket
    function feeBps() external view returns (uint16) {
        return _params.feeBps;
    }

    /// @inheritdoc IFilmMarket
    function passWindow() external view returns (uint32) {
        return _params.passWindow;
    }

    /// @inheritdoc IFilmMarket
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

    /// @notice Resumes purchases. Admin only (the timelock: resuming waits out its delay, pausing does not).
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!_params.paused) revert FilmMarketNotPaused();
        _params.paused = false;
        emit Unpaused(msg.sender);
    }

    // ---------------------------------------------------------------- withdrawals

    /// @inheritdoc IFilmMarket
    function withdrawEarnings(address to) external nonReentrant {
        if (to == address(0)) revert FilmMarketZeroAddress();
        uint256 amount = earningsOf[msg.sender];
        if (amount == 0) revert FilmMarketNothingToWithdraw();
        earningsOf[msg.sender] = 0;
        emit EarningsWithdrawn(msg.sender, to, amount);
        paymentToken.safeTransfer(to, amount);
    }

    /// @inheritdoc IFilmMarket
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
        _params.accruedFees += SafeCast.toUint120(feeAmount);
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
        if (newWindow < MIN_CHALLENGE_WINDOW) revert FilmMarketChallengeWindowTooShort(newWindow, MIN_CHALLENGE_WINDOW);
        if (newWindow > MAX_CHALLENGE_WINDOW) revert FilmMarketInvalidWindow(newWindow);
        emit ChallengeWindowChanged(_params.challengeWindow, newWindow);
        _params.challengeWindow = newWindow;
    }
}
