// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IFilmListings} from "./IFilmListings.sol";

/// @title IFilmMarket
/// @notice The market as its clients see it: a viewer's purchases and access, a creator's earnings
/// and claims, the oracle's tallies, and every event and custom error the market emits, so any log
/// or revert of `FilmMarket` decodes from this interface alone. Administration (roles, parameter
/// setters, pausing, the signer set, a guardian's dispute) is left to the implementation.
interface IFilmMarket {
    // ---------------------------------------------------------------- types

    /// @notice Why a wallet may watch a film, best reason first. Only `Subscription` watching
    /// counts toward the monthly pool.
    enum Access {
        None,
        Owner,
        Pass,
        Subscription,
        Free
    }

    /// @notice A period's tally, as signed by the oracle operators. `revision` counts the disputed
    /// tallies of the period before this one, so signatures over a disputed tally never count again.
    // Field order is the EIP-712 type the operators sign, not a storage layout: packing does not apply.
    // solhint-disable-next-line gas-struct-packing
    struct Tally {
        uint256 period;
        uint32 revision;
        bytes32 root;
        uint64 totalViews;
        uint64 totalSeconds;
        uint32 leafCount;
        uint16 viewWeightBps;
        string dataCid;
    }

    /// @notice Where a period's tally stands: never posted, posted (claimable after its window), disputed.
    enum TallyStatus {
        None,
        Posted,
        Disputed
    }

    /// @notice A tally as stored (two slots). Its `dataCid` lives in the `TallyPosted` event only.
    struct PostedTally {
        bytes32 root;
        uint32 revision;
        uint64 totalViews;
        uint64 totalSeconds;
        uint32 leafCount;
        uint16 viewWeightBps;
        uint40 claimableAt;
        TallyStatus status;
    }

    /// @notice One film's claim for one period.
    struct ClaimRequest {
        uint256 period;
        uint256 filmId;
        uint64 views;
        uint64 seconds_;
        bytes32[] proof;
    }

    // ---------------------------------------------------------------- events

    /// @notice Emitted when purchases are paused.
    event Paused(address account);
    /// @notice Emitted when purchases resume.
    event Unpaused(address account);
    /// @notice Emitted when the treasury address changes.
    event TreasuryChanged(address oldTreasury, address newTreasury);
    /// @notice Emitted when the platform fee changes.
    event FeeChanged(uint16 oldFeeBps, uint16 newFeeBps);
    /// @notice Emitted when the view weight changes for `fromPeriod` and the periods after it (a
    /// period that has not started yet: the weight of a started period never changes).
    event ViewWeightChanged(uint16 oldViewWeightBps, uint16 newViewWeightBps, uint256 fromPeriod);
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

    /// @notice Emitted when `viewer` buys a view pass for `filmId`.
    event ViewPurchased(
        uint256 indexed filmId, address indexed viewer, address indexed payee, uint256 price, uint256 fee, uint64 expiresAt
    );

    /// @notice Emitted when `subscriber` pays `paid` for `months`, extending the subscription over
    /// [`start`, `end`). `pooled` (paid less the fee) is spread over the periods of that interval
    /// pro rata by seconds, the last period taking the remainder.
    event Subscribed(address indexed subscriber, uint256 months, uint256 paid, uint256 pooled, uint64 start, uint64 end);

    /// @notice Emitted when an oracle signer is registered.
    event OracleSignerAdded(address indexed signer);
    /// @notice Emitted when an oracle signer is removed.
    event OracleSignerRemoved(address indexed signer);
    /// @notice Emitted when the signature threshold changes.
    event OracleThresholdChanged(uint256 oldThreshold, uint256 newThreshold);
    /// @notice Emitted when a tally is accepted; claims open at `claimableAt`.
    event TallyPosted(
        uint256 indexed period,
        bytes32 root,
        uint64 totalViews,
        uint64 totalSeconds,
        uint32 leafCount,
        uint16 viewWeightBps,
        string dataCid,
        address[] signers,
        uint40 claimableAt
    );
    /// @notice Emitted when a posted tally is disputed.
    event TallyDisputed(uint256 indexed period, bytes32 root, address indexed disputer, string reason);
    /// @notice Emitted when a film's share of a period is paid to its owner.
    event Claimed(uint256 indexed period, uint256 indexed filmId, address indexed payee, uint256 amount);
    /// @notice Emitted when a claim's transfer to `payee` fails (e.g. the token blacklists it): the
    /// amount is credited to `earningsOf(payee)` instead, to be withdrawn to another address.
    event ClaimCredited(address indexed payee, uint256 amount);
    /// @notice Emitted when a settled period's remainder moves into a later period's pool.
    event RemainderRolledOver(uint256 indexed period, uint256 indexed intoPeriod, uint256 amount);

    // ---------------------------------------------------------------- errors

    /// @notice A fee above `MAX_FEE_BPS`.
    error FilmMarketFeeTooHigh(uint256 feeBps, uint256 maxFeeBps);
    /// @notice A view weight above 10,000 bps.
    error FilmMarketInvalidViewWeight(uint256 viewWeightBps);
    /// @notice A pass or challenge window outside its bounds.
    error FilmMarketInvalidWindow(uint256 window);
    /// @notice A challenge window under `MIN_CHALLENGE_WINDOW`: the guardian must have time to dispute.
    error FilmMarketChallengeWindowTooShort(uint256 window, uint256 minWindow);
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

    /// @notice The film's sales are paused by its owner.
    error FilmMarketSalesPaused(uint256 filmId);
    /// @notice The film is free: there is nothing to buy.
    error FilmMarketFreeFilm(uint256 filmId);
    /// @notice The film's price is not the one the buyer agreed to.
    error FilmMarketViewPriceChanged(uint256 filmId, uint256 expected, uint256 actual);
    /// @notice The pass window is shorter than the buyer agreed to.
    error FilmMarketPassWindowShortened(uint256 minPassWindow, uint256 passWindow);

    /// @notice `months` is outside 1…`MAX_MONTHS`.
    error FilmMarketInvalidMonths(uint256 months);
    /// @notice The monthly price is not the one the subscriber agreed to.
    error FilmMarketPriceChanged(uint256 expected, uint256 actual);

    /// @notice The period has not ended yet.
    error FilmMarketPeriodNotEnded(uint256 period, uint256 currentPeriod);
    /// @notice A tally for the period is posted and not disputed.
    error FilmMarketTallyExists(uint256 period);
    /// @notice The tally's revision is not the one the period expects next (`nextTallyRevision`):
    /// it was signed for a disputed tally's revision, or for one not reached yet.
    error FilmMarketTallyRevisionMismatch(uint256 period, uint256 expected, uint256 actual);
    /// @notice The tally a dispute names is not the one posted for the period.
    error FilmMarketTallyMismatch(uint256 period);
    /// @notice The tally's totals and leaf count are inconsistent.
    error FilmMarketInvalidTally(uint256 period);
    /// @notice The tally's view weight is not its period's (`viewWeightForPeriod`).
    error FilmMarketViewWeightMismatch(uint256 expected, uint256 actual);
    /// @notice Fewer valid signatures than the threshold.
    error FilmMarketThresholdNotMet(uint256 signatures, uint256 threshold);
    /// @notice A signature recovers to an address that is not a registered signer.
    error FilmMarketUnknownSigner(address signer);
    /// @notice Signatures must come from distinct signers, in ascending order of address.
    error FilmMarketSignersNotAscending(address previous, address signer);
    /// @notice No tally is posted (or it was disputed) for the period.
    error FilmMarketNoTally(uint256 period);
    /// @notice The challenge window of the period's tally has closed.
    error FilmMarketChallengeWindowClosed(uint256 period, uint256 claimableAt);
    /// @notice Claims for the period open at `claimableAt`.
    error FilmMarketNotClaimable(uint256 period, uint256 claimableAt);
    /// @notice The leaf is not in the period's tally.
    error FilmMarketInvalidProof(uint256 period, uint256 filmId);
    /// @notice The film's share of the period was already claimed.
    error FilmMarketAlreadyClaimed(uint256 period, uint256 filmId);
    /// @notice Paying the claim would take more than the pool holds (an inconsistent tally).
    error FilmMarketPoolExceeded(uint256 period, uint256 requested, uint256 available);
    /// @notice Claims of the period closed at `deadline`; what is left rolls over.
    error FilmMarketClaimsClosed(uint256 period, uint256 deadline);
    /// @notice Some films of the period have not claimed yet (and its claim deadline has not passed).
    error FilmMarketClaimsOutstanding(uint256 period, uint256 claimed, uint256 leafCount);
    /// @notice Nothing is left in the period's pool.
    error FilmMarketNothingToRollOver(uint256 period);
    /// @notice The caller may not dispute.
    error FilmMarketNotGuardian(address caller);
    /// @notice The threshold must be between 1 and the number of signers.
    error FilmMarketInvalidThreshold(uint256 threshold, uint256 signerCount);
    /// @notice The account is already a signer (adding) or is not one (removing).
    error FilmMarketSignerState(address signer, bool isSigner);
    /// @notice An empty claim batch.
    error FilmMarketEmptyBatch();

    // ---------------------------------------------------------------- access

    /// @notice Why `viewer` may watch `filmId` now, or `None`. Unknown films give `None`.
    /// While the owner has paused sales, only the owner and holders of a valid pass may watch.
    function accessOf(address viewer, uint256 filmId) external view returns (Access);

    /// @notice May `viewer` watch `filmId` now? Owner, valid pass, active subscription or free film.
    function canWatch(address viewer, uint256 filmId) external view returns (bool);

    /// @notice Until when `viewer` holds a pass for `filmId` (unix seconds).
    function passExpiry(uint256 filmId, address viewer) external view returns (uint64);

    /// @notice When `account`'s subscription ends (unix seconds; in the past = not subscribed).
    function subscriptionEnd(address account) external view returns (uint64);

    /// @notice Whether `account` holds an active subscription now.
    function isSubscribed(address account) external view returns (bool);

    // ---------------------------------------------------------------- purchases

    /// @notice Buys a view pass for `filmId` at `expectedPrice`; buying again extends the pass
    /// from its current end.
    /// @param filmId The listing to watch.
    /// @param expectedPrice The price the viewer agreed to; reverts if the listing's price differs.
    /// @param minPassWindow The shortest pass the viewer accepts, in seconds (the `passWindow()` they
    /// were quoted); reverts if the window was shortened below it before the purchase landed.
    function buyView(uint256 filmId, uint256 expectedPrice, uint256 minPassWindow) external;

    /// @notice `buyView` paid by the caller for `recipient`, who gets the pass (a gift, or a purchase a
    /// periphery contract makes on a viewer's behalf). `ViewPurchased.viewer` is the recipient.
    function buyViewFor(address recipient, uint256 filmId, uint256 expectedPrice, uint256 minPassWindow) external;

    /// @notice `buyView` with an EIP-2612 permit for `expectedPrice`, so no prior approval is
    /// needed. A permit already used (e.g. front-run) is tolerated if the allowance suffices.
    function buyViewWithPermit(
        uint256 filmId,
        uint256 expectedPrice,
        uint256 minPassWindow,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice Pays for `months` of subscription at the current monthly price and extends the
    /// caller's subscription (from its current end if still active, else from now).
    /// @param months 1…12.
    /// @param expectedMonthlyPrice The monthly price the subscriber agreed to; reverts if it changed.
    function subscribe(uint256 months, uint256 expectedMonthlyPrice) external;

    /// @notice `subscribe` paid by the caller for `recipient`, whose subscription is extended (a gift,
    /// or a renewal or signed purchase a periphery contract makes). `Subscribed.subscriber` is the recipient.
    function subscribeFor(address recipient, uint256 months, uint256 expectedMonthlyPrice) external;

    /// @notice `subscribe` with an EIP-2612 permit for `months × monthlyPrice`, so no prior approval
    /// is needed. A permit already used (e.g. front-run) is tolerated if the allowance suffices.
    function subscribeWithPermit(
        uint256 months,
        uint256 expectedMonthlyPrice,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    // ---------------------------------------------------------------- terms

    /// @notice The payment token, fixed at deployment.
    function paymentToken() external view returns (IERC20);

    /// @notice The film listings whose owners are paid.
    function listings() external view returns (IFilmListings);

    /// @notice Treasury receiving platform fees.
    function treasury() external view returns (address);

    /// @notice Price of one month (one period) of subscription, in payment-token units.
    function monthlyPrice() external view returns (uint256);

    /// @notice How long a newly bought view pass lasts, in seconds.
    function passWindow() external view returns (uint32);

    /// @notice Platform fee in basis points, taken from every payment.
    function feeBps() external view returns (uint16);

    /// @notice Weight of unique views in the current period's split, in basis points (the rest is
    /// watch time): `viewWeightForPeriod(currentPeriod())`.
    function viewWeightBps() external view returns (uint16);

    /// @notice Weight of unique views in `period`'s split, in basis points. Fixed before the period
    /// starts (a change applies from the next period on); the weight its tally must carry.
    function viewWeightForPeriod(uint256 period) external view returns (uint16);

    /// @notice How long a posted tally can be disputed before claims open, in seconds.
    function challengeWindow() external view returns (uint32);

    /// @notice Whether purchases are paused.
    function paused() external view returns (bool);

    /// @notice Fees collected and not yet sent to the treasury.
    function accruedFees() external view returns (uint256);

    // ---------------------------------------------------------------- periods and pools

    /// @notice Start of period 0 (unix seconds).
    function genesis() external view returns (uint64);

    /// @notice Length of one period in seconds.
    function periodLength() external view returns (uint64);

    /// @notice The period containing `timestamp` (which must not precede `genesis`).
    function periodAt(uint256 timestamp) external view returns (uint256);

    /// @notice The period now.
    function currentPeriod() external view returns (uint256);

    /// @notice Start (inclusive) and end (exclusive) of `period`, unix seconds.
    function periodBounds(uint256 period) external view returns (uint256 start, uint256 end);

    /// @notice A period's pool: funded amount, amount paid out or rolled over, distinct
    /// subscribers, and number of films that claimed.
    function poolOf(uint256 period)
        external
        view
        returns (uint256 amount, uint256 paid, uint256 subscribers, uint256 claimedCount);

    // ---------------------------------------------------------------- earnings

    /// @notice Pay-per-view revenue, and claimed shares whose transfer failed, owed to `account`;
    /// withdrawable at any time.
    function earningsOf(address account) external view returns (uint256);

    /// @notice Sends the caller's pay-per-view earnings to `to`. Works while paused.
    function withdrawEarnings(address to) external;

    /// @notice Sends all accrued fees to the treasury. Anyone may call it; works while paused.
    function withdrawFees() external;

    // ---------------------------------------------------------------- tallies and claims

    /// @notice Whether `account` is a registered oracle signer.
    function isOracleSigner(address account) external view returns (bool);

    /// @notice Number of registered oracle signers.
    function oracleSignerCount() external view returns (uint256);

    /// @notice Distinct signer signatures needed to post or dispute a tally.
    function oracleThreshold() external view returns (uint256);

    /// @notice The revision the next tally of `period` must carry: 0 before any tally, the disputed
    /// tally's revision + 1 after a dispute (and the posted one's + 1 while a tally stands).
    function nextTallyRevision(uint256 period) external view returns (uint32);

    /// @notice The EIP-712 digest the oracle signers sign for `tally`.
    function tallyDigest(Tally calldata tally) external view returns (bytes32);

    /// @notice The EIP-712 digest signers sign to dispute exactly `tally`: it binds the tally's
    /// whole digest (`tallyDigest(tally)`, revision included), so a dispute of one tally can never be
    /// replayed against another tally of the period, even one with the same root.
    function disputeDigest(Tally calldata tally) external view returns (bytes32);

    /// @notice Posts the tally of an ended period, signed by at least `oracleThreshold` distinct
    /// registered signers (signatures ordered by ascending signer address). Anyone may submit it.
    /// @param tally The attested counts; `viewWeightBps` must equal `viewWeightForPeriod(period)` and
    /// `revision` must equal `nextTallyRevision(period)`, so a disputed tally can never be re-posted.
    /// @param signatures 65-byte ECDSA signatures over `tallyDigest(tally)`.
    function postTally(Tally calldata tally, bytes[] calldata signatures) external;

    /// @notice `oracleThreshold` signers dispute the period's posted tally (signatures over
    /// `disputeDigest(tally)`, ascending signer order). Anyone may submit it.
    /// @param tally The tally standing for its period; reverts if any stored field differs.
    function disputeWithSignatures(Tally calldata tally, bytes[] calldata signatures, string calldata reason) external;

    /// @notice The stored tally of `period` (status None when nothing was posted).
    function tallyOf(uint256 period) external view returns (PostedTally memory);

    /// @notice Pays one film's share of a settled period to the film's current owner. Anyone may call,
    /// until `claimDeadline(period)`. If the token refuses the transfer, the share is credited to the
    /// owner's `earningsOf` instead (`ClaimCredited`).
    /// @return amount The share paid or credited.
    function claim(ClaimRequest calldata request) external returns (uint256 amount);

    /// @notice Claims many (period, film) shares at once. Consecutive claims paying the same owner
    /// are paid in one transfer, so order a batch by owner. A share someone already claimed is
    /// skipped (no event), so a front-run claim cannot revert the batch; any other refusal reverts it.
    /// @return total The sum paid or credited by this call.
    function claimBatch(ClaimRequest[] calldata requests) external returns (uint256 total);

    /// @notice When claims of `period` close (unix seconds): `CLAIM_WINDOW` after its tally became
    /// claimable; 0 while no undisputed tally is posted. From then on `rollOver` moves what is left.
    function claimDeadline(uint256 period) external view returns (uint256);

    /// @notice Whether the film's share of the period has been claimed.
    function isClaimed(uint256 period, uint256 filmId) external view returns (bool);

    /// @notice The share a leaf `(views, seconds)` earns from the period's pool under its posted
    /// tally; 0 while no undisputed tally is posted.
    function shareOf(uint256 period, uint64 views, uint64 seconds_) external view returns (uint256);

    /// @notice After every film of a settled period claimed (or for a tally with no films), or once
    /// its claim deadline has passed, moves what is left of its pool (rounding dust, unclaimed
    /// shares, or all of it) into the current period's pool.
    function rollOver(uint256 period) external;
}
