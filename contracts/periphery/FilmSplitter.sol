// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {FilmListings} from "../FilmListings.sol";
import {IFilmMarket} from "../interfaces/IFilmMarket.sol";

/// @title FilmSplitter
/// @notice Owns one film's listing on behalf of its collaborators and divides everything the film
/// earns among them by fixed shares. One minimal clone (EIP-1167) per film, made by
/// `SplitterFactory`; the payees and shares are set once at initialisation and can never change.
/// Money comes in two ways, both to this contract as the listing's owner: pool claims (anyone can
/// claim a film's share; the market pays the owner) and pay-per-view earnings (credited to the
/// owner inside the market, collected here by any release or by `collect`).
/// Pull payments: each payee (or anyone on their behalf) releases what is due to them; a payee the
/// token refuses (blacklisted) blocks only themselves and may release to another address.
/// Rounding: a payee's due is floor(received × shares / totalShares) − released, so the sum of
/// dues never exceeds what was received; the remainder (< number of payees units) stays here and
/// becomes due as more arrives. Nothing is created or lost.
/// The creator who split the film stays its controller: they may change its price and pause
/// sales (forwarded to the listings), but cannot move the listing or the money.
contract FilmSplitter is Initializable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Most payees one split may have.
    uint256 public constant MAX_PAYEES = 100;

    /// @notice The market that pays this film.
    IFilmMarket public market;
    /// @notice The market's payment token, the only token divided here.
    IERC20 public paymentToken;
    /// @notice The listings contract holding the film's token.
    FilmListings public listings;
    /// @notice The film whose listing this contract owns.
    uint256 public filmId;
    /// @notice The creator who split the film: may set its price and pause its sales.
    address public controller;
    /// @notice Sum of all shares.
    uint256 public totalShares;
    /// @notice Sum of everything released to payees so far.
    uint256 public totalReleased;
    /// @notice Each payee's share (0 for anyone else).
    mapping(address payee => uint256) public sharesOf;
    /// @notice What each payee has been paid so far.
    mapping(address payee => uint256) public releasedOf;
    address[] private _payees;

    /// @notice The split was set: `payees[i]` holds `shares[i]` of `totalShares_`.
    event SplitInitialized(
        uint256 indexed filmId, address indexed controller, address[] payees, uint256[] shares, uint256 totalShares_
    );
    /// @notice `amount` of `payee`'s due was paid to `to`.
    event PaymentReleased(address indexed payee, address indexed to, uint256 amount);
    /// @notice The film's pay-per-view earnings held by the market were collected here.
    event EarningsCollected(uint256 amount);

    /// @notice A split needs at least one payee and at most `MAX_PAYEES`.
    error SplitterInvalidPayeeCount(uint256 count);
    /// @notice `payees` and `shares` differ in length.
    error SplitterLengthMismatch(uint256 payees, uint256 shares);
    /// @notice A payee may not be the zero address.
    error SplitterZeroAddress();
    /// @notice Every payee needs a share above zero.
    error SplitterZeroShares(address payee);
    /// @notice The same payee appears twice.
    error SplitterDuplicatePayee(address payee);
    /// @notice `account` is not a payee of this split.
    error SplitterNotPayee(address account);
    /// @notice Nothing is due to `payee` right now.
    error SplitterNothingDue(address payee);
    /// @notice Only the controller may do this.
    error SplitterNotController(address caller);

    /// @dev The implementation itself can never be initialised: only its clones are.
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets the split, once. A second call reverts (`InvalidInitialization`), and nothing
    /// else can change the payees or shares afterwards.
    function initialize(
        IFilmMarket market_,
        uint256 filmId_,
        address controller_,
        address[] calldata payees_,
        uint256[] calldata shares_
    ) external initializer {
        uint256 count = payees_.length;
        if (count == 0 || count > MAX_PAYEES) revert SplitterInvalidPayeeCount(count);
        if (count != shares_.length) revert SplitterLengthMismatch(count, shares_.length);
        market = market_;
        paymentToken = market_.paymentToken();
        listings = FilmListings(address(market_.listings()));
        filmId = filmId_;
        controller = controller_;
        uint256 total;
        for (uint256 i; i < count; ++i) {
            address payee = payees_[i];
            uint256 share = shares_[i];
            if (payee == address(0)) revert SplitterZeroAddress();
            if (share == 0) revert SplitterZeroShares(payee);
            if (sharesOf[payee] != 0) revert SplitterDuplicatePayee(payee);
            sharesOf[payee] = share;
            _payees.push(payee);
            total += share;
        }
        totalShares = total;
        emit SplitInitialized(filmId_, controller_, payees_, shares_, total);
    }

    // ---------------------------------------------------------------- reading

    /// @notice The payees, in the order they were set.
    function payees() external view returns (address[] memory) {
        return _payees;
    }

    /// @notice Everything this split has received: held here, already released, and the
    /// pay-per-view earnings the market still holds for it.
    function totalReceived() public view returns (uint256) {
        return paymentToken.balanceOf(address(this)) + totalReleased + market.earningsOf(address(this));
    }

    /// @notice What `payee` can release now (0 for a non-payee).
    function releasable(address payee) public view returns (uint256) {
        return _due(payee, totalReceived());
    }

    // ---------------------------------------------------------------- paying out

    /// @notice Pays `payee` everything due to them. Anyone may call it; the money goes only to the payee.
    function release(address payee) external nonReentrant returns (uint256) {
        return _release(payee, payee);
    }

    /// @notice Pays the caller's due to `to` (e.g. when the token refuses the payee's own address).
    function releaseTo(address to) external nonReentrant returns (uint256) {
        if (to == address(0)) revert SplitterZeroAddress();
        return _release(msg.sender, to);
    }

    /// @notice Moves the film's pay-per-view earnings from the market to here (also done by every release).
    function collect() external nonReentrant returns (uint256) {
        return _collect();
    }

    // ---------------------------------------------------------------- the controller's listing controls

    /// @notice Changes the film's price per view (the controller only).
    function setPrice(uint96 newPrice) external {
        _onlyController();
        listings.setPrice(filmId, newPrice);
    }

    /// @notice Pauses or resumes the film's pass sales (the controller only).
    function setSalesPaused(bool paused) external {
        _onlyController();
        listings.setSalesPaused(filmId, paused);
    }

    // ---------------------------------------------------------------- internals

    /// @dev Books the payment before making it (checks, effects, interactions).
    function _release(address payee, address to) private returns (uint256 amount) {
        if (sharesOf[payee] == 0) revert SplitterNotPayee(payee);
        _collect();
        amount = _due(payee, paymentToken.balanceOf(address(this)) + totalReleased);
        if (amount == 0) revert SplitterNothingDue(payee);
        releasedOf[payee] += amount;
        totalReleased += amount;
        emit PaymentReleased(payee, to, amount);
        paymentToken.safeTransfer(to, amount);
    }

    function _collect() private returns (uint256 amount) {
        amount = market.earningsOf(address(this));
        if (amount == 0) return 0;
        emit EarningsCollected(amount);
        market.withdrawEarnings(address(this));
    }

    /// @dev Rounded down, so the dues of all payees together never exceed `received`.
    function _due(address payee, uint256 received) private view returns (uint256) {
        uint256 share = sharesOf[payee];
        if (share == 0) return 0;
        return (received * share) / totalShares - releasedOf[payee];
    }

    function _onlyController() private view {
        if (msg.sender != controller) revert SplitterNotController(msg.sender);
    }
}
