// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MerkleProofLib} from "solady/src/utils/MerkleProofLib.sol";
import {IFilmMarket} from "../interfaces/IFilmMarket.sol";
import {Subscriptions} from "./Subscriptions.sol";

/// @title Settlement
/// @notice Splits each ended period's pool among films from a tally the oracle signers attest.
/// A tally carries the Merkle root of one leaf `(filmId, views, seconds)` per film (OpenZeppelin
/// StandardMerkleTree encoding, types `uint256, uint64, uint64`), the totals and the view weight
/// of its period. A period's view weight is fixed before the period starts: a change applies from
/// the next period on, so nobody picks the weight after seeing a period's numbers, and signatures
/// collected for a period stay valid whatever governance does meanwhile.
/// Posting needs EIP-712 signatures of at least `oracleThreshold` distinct registered signers and
/// costs the same for any number of films. The tally can be disputed during its challenge window
/// (by a guardian or by `oracleThreshold` signers); a disputed tally pays nothing and can be
/// replaced by a tally of the next revision. The revision is part of what the signers sign and
/// only ever grows, so signatures over a disputed tally (or any other tally signed for its
/// revision) are dead: nobody can re-post them or front-run the replacement with them.
/// After the window, anyone can claim a film's share for the film's current owner:
///
///     share = pool × (w·views/totalViews + (1 − w)·seconds/totalSeconds), rounded down.
///
/// Rounding leaves at most one unit per film in the pool; once every film has claimed (or when the
/// tally has no films), `rollOver` moves what is left into the pool of the current period. Claims
/// close `CLAIM_WINDOW` after they open; from then on `rollOver` moves what is left whatever was
/// claimed, so a tally with a wrong leaf count or unclaimable leaves cannot lock a pool forever.
/// Nobody can block a claim: a batch skips what someone else already claimed, and a share whose
/// transfer fails (a payee the token refuses) is credited to the payee's `earningsOf` instead.
abstract contract Settlement is Subscriptions, EIP712 {
    using SafeERC20 for IERC20;

    bytes32 public constant TALLY_TYPEHASH = keccak256(
        "Tally(uint256 period,uint32 revision,bytes32 root,uint64 totalViews,uint64 totalSeconds,uint32 leafCount,uint16 viewWeightBps,string dataCid)"
    );
    /// @notice How long claims stay open after a tally becomes claimable; then the rest rolls over.
    uint256 public constant CLAIM_WINDOW = 180 days;

    bytes32 public constant DISPUTE_TYPEHASH = keccak256("Dispute(uint256 period,bytes32 tallyDigest)");

    /// @dev Two slots per period (`PostedTally` is packed); the `dataCid` lives in the `TallyPosted` event only.
    mapping(uint256 period => PostedTally) internal _tallies;
    mapping(uint256 period => mapping(uint256 word => uint256)) private _claimedBitmap;

    /// @inheritdoc IFilmMarket
    mapping(address account => bool) public isOracleSigner;
    /// @inheritdoc IFilmMarket
    uint256 public oracleSignerCount;
    /// @inheritdoc IFilmMarket
    uint256 public oracleThreshold;

    /// @dev A view weight and the first period it applies to.
    struct ViewWeightSpan {
        uint16 weightBps;
        uint32 fromPeriod;
    }

    /// @dev The weight history as a chain: for each period a weight started at, the weight before it.
    /// Tallies of periods the latest weight covers read it from `_params` (the slot they read anyway);
    /// older ones walk back one link per weight change since.
    mapping(uint256 fromPeriod => ViewWeightSpan) private _previousViewWeight;

    constructor(address[] memory signers, uint256 threshold, uint16 viewWeightBps_) EIP712("AI Films", "1") {
        for (uint256 i = 0; i < signers.length; ++i) {
            _addSigner(signers[i]);
        }
        _setThreshold(threshold);
        _setViewWeight(viewWeightBps_, 0);
    }

    // ---------------------------------------------------------------- view weight

    /// @notice Sets the view weight of the periods after the current one; the current period and
    /// every earlier one keep theirs.
    function setViewWeight(uint16 newViewWeightBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setViewWeight(newViewWeightBps, currentPeriod() + 1);
    }

    /// @inheritdoc IFilmMarket
    function viewWeightForPeriod(uint256 period) public view returns (uint16) {
        return _viewWeightOf(period, _params);
    }

    /// @inheritdoc IFilmMarket
    function viewWeightBps() external view returns (uint16) {
        return viewWeightForPeriod(currentPeriod());
    }

    // ---------------------------------------------------------------- oracle signers

    /// @notice Registers an oracle signer.
    function addOracleSigner(address signer) external onlyRole(ORACLE_MANAGER_ROLE) {
        _addSigner(signer);
    }

    /// @notice Removes an oracle signer; refused if fewer signers than the threshold would remain.
    function removeOracleSigner(address signer) external onlyRole(ORACLE_MANAGER_ROLE) {
        if (!isOracleSigner[signer]) revert FilmMarketSignerState(signer, false);
        if (oracleSignerCount - 1 < oracleThreshold) {
            revert FilmMarketInvalidThreshold(oracleThreshold, oracleSignerCount - 1);
        }
        isOracleSigner[signer] = false;
        --oracleSignerCount;
        emit OracleSignerRemoved(signer);
    }

    /// @notice Sets how many distinct signers must sign a tally or a dispute.
    function setOracleThreshold(uint256 threshold) external onlyRole(ORACLE_MANAGER_ROLE) {
        _setThreshold(threshold);
    }

    // ---------------------------------------------------------------- tallies

    /// @inheritdoc IFilmMarket
    function nextTallyRevision(uint256 period) public view returns (uint32) {
        PostedTally storage t = _tallies[period];
        return t.status == TallyStatus.None ? 0 : t.revision + 1;
    }

    /// @inheritdoc IFilmMarket
    function tallyDigest(Tally calldata tally) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    TALLY_TYPEHASH,
                    tally.period,
                    tally.revision,
                    tally.root,
                    tally.totalViews,
                    tally.totalSeconds,
                    tally.leafCount,
                    tally.viewWeightBps,
                    keccak256(bytes(tally.dataCid))
                )
            )
        );
    }

    /// @inheritdoc IFilmMarket
    function disputeDigest(Tally calldata tally) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(DISPUTE_TYPEHASH, tally.period, tallyDigest(tally))));
    }

    /// @inheritdoc IFilmMarket
    function postTally(Tally calldata tally, bytes[] calldata signatures) external {
        uint256 period = tally.period;
        uint256 nowPeriod = currentPeriod();
        if (period >= nowPeriod) revert FilmMarketPeriodNotEnded(period, nowPeriod);
        _requireNextRevision(period, tally.revision);
        Params memory params = _params;
        {
            uint16 weight = _viewWeightOf(period, params);
            if (tally.viewWeightBps != weight) revert FilmMarketViewWeightMismatch(weight, tally.viewWeightBps);
        }
        bool empty = tally.leafCount == 0;
        if (empty ? (tally.totalViews != 0 || tally.totalSeconds != 0) : tally.totalSeconds == 0) {
            revert FilmMarketInvalidTally(period);
        }
        address[] memory signers = _checkSignatures(tallyDigest(tally), signatures);

        uint40 claimableAt = uint40(block.timestamp + params.challengeWindow);
        _tallies[period] = PostedTally({
            root: tally.root,
            revision: tally.revision,
            totalViews: tally.totalViews,
            totalSeconds: tally.totalSeconds,
            leafCount: tally.leafCount,
            viewWeightBps: tally.viewWeightBps,
            claimableAt: claimableAt,
            status: TallyStatus.Posted
        });
        emit TallyPosted(
            period,
            tally.root,
            tally.totalViews,
            tally.totalSeconds,
            tally.leafCount,
            tally.viewWeightBps,
            tally.dataCid,
            signers,
            claimableAt
        );
    }

    /// @notice A guardian disputes the period's tally inside its challenge window.
    function dispute(uint256 period, string calldata reason) external {
        if (!hasRole(GUARDIAN_ROLE, msg.sender)) revert FilmMarketNotGuardian(msg.sender);
        _dispute(period, reason);
    }

    /// @inheritdoc IFilmMarket
    function disputeWithSignatures(Tally calldata tally, bytes[] calldata signatures, string calldata reason) external {
        _requirePosted(tally);
        _checkSignatures(disputeDigest(tally), signatures);
        _dispute(tally.period, reason);
    }

    /// @inheritdoc IFilmMarket
    function tallyOf(uint256 period) external view returns (PostedTally memory) {
        return _tallies[period];
    }

    // ---------------------------------------------------------------- claims

    /// @inheritdoc IFilmMarket
    function claim(ClaimRequest calldata request) external nonReentrant returns (uint256 amount) {
        PeriodClaims memory c = _openPeriod(request.period);
        address payee;
        (payee, amount) = _claim(c, request, false);
        _store(c);
        _pay(payee, amount);
    }

    /// @inheritdoc IFilmMarket
    function claimBatch(ClaimRequest[] calldata requests) external nonReentrant returns (uint256 total) {
        uint256 n = requests.length;
        if (n == 0) revert FilmMarketEmptyBatch();
        PeriodClaims memory c;
        bool open;
        address pendingPayee;
        uint256 pendingAmount;
        for (uint256 i = 0; i < n; ++i) {
            ClaimRequest calldata request = requests[i];
            if (!open || request.period != c.period) {
                if (open) _store(c);
                c = _openPeriod(request.period);
                open = true;
            }
            (address payee, uint256 amount) = _claim(c, request, true);
            if (payee == address(0)) continue; // already claimed (e.g. front-run): skipped
            total += amount;
            if (payee != pendingPayee) {
                if (pendingAmount != 0) {
                    // Settle the books before the transfer, and read them again after it: a
                    // re-entered `rollOver` may move what the period has left meanwhile.
                    _store(c);
                    open = false;
                    _pay(pendingPayee, pendingAmount);
                }
                (pendingPayee, pendingAmount) = (payee, 0);
            }
            pendingAmount += amount;
        }
        if (open) _store(c);
        _pay(pendingPayee, pendingAmount);
    }

    /// @inheritdoc IFilmMarket
    function claimDeadline(uint256 period) public view returns (uint256) {
        PostedTally storage t = _tallies[period];
        return t.status == TallyStatus.Posted ? t.claimableAt + CLAIM_WINDOW : 0;
    }

    /// @inheritdoc IFilmMarket
    function isClaimed(uint256 period, uint256 filmId) public view returns (bool) {
        return _claimedBitmap[period][filmId >> 8] & (1 << (filmId & 0xff)) != 0;
    }

    /// @inheritdoc IFilmMarket
    function shareOf(uint256 period, uint64 views, uint64 seconds_) external view returns (uint256) {
        PostedTally storage t = _tallies[period];
        if (t.status != TallyStatus.Posted) return 0;
        return _share(_pools[period].amount, views, seconds_, t.totalViews, t.totalSeconds, t.viewWeightBps);
    }

    /// @inheritdoc IFilmMarket
    function rollOver(uint256 period) external {
        PostedTally storage t = _requireClaimable(period);
        Pool storage pool = _pools[period];
        if (pool.claimedCount < t.leafCount && block.timestamp < t.claimableAt + CLAIM_WINDOW) {
            revert FilmMarketClaimsOutstanding(period, pool.claimedCount, t.leafCount);
        }
        uint96 remainder = pool.amount - pool.paid;
        if (remainder == 0) revert FilmMarketNothingToRollOver(period);
        pool.paid = pool.amount;
        uint256 into = currentPeriod();
        _pools[into].amount += remainder;
        emit RemainderRolledOver(period, into, remainder);
    }

    // ---------------------------------------------------------------- internals

    /// @dev The view weight of `period`: the latest one from `params` if it applies, else the first
    /// earlier one in the history that does (the first weight starts at period 0).
    function _viewWeightOf(uint256 period, Params memory params) private view returns (uint16 weight) {
        weight = params.viewWeightBps;
        uint256 from = params.viewWeightFrom;
        while (period < from) {
            ViewWeightSpan memory previous = _previousViewWeight[from];
            (weight, from) = (previous.weightBps, previous.fromPeriod);
        }
    }

    /// @dev Records `newViewWeightBps` as the weight of `fromPeriod` and every later period. Called
    /// with a period that has not started (or 0 at deployment), so no started period changes.
    function _setViewWeight(uint16 newViewWeightBps, uint256 fromPeriod) private {
        if (newViewWeightBps > BPS) revert FilmMarketInvalidViewWeight(newViewWeightBps);
        uint32 from = SafeCast.toUint32(fromPeriod);
        Params storage params = _params;
        (uint16 latest, uint32 latestFrom) = (params.viewWeightBps, params.viewWeightFrom);
        emit ViewWeightChanged(latest, newViewWeightBps, fromPeriod);
        // A second change before the same period replaces the first, which never applied.
        if (from != latestFrom) _previousViewWeight[from] = ViewWeightSpan(latest, latestFrom);
        (params.viewWeightBps, params.viewWeightFrom) = (newViewWeightBps, from);
    }

    /// @dev The split formula, in one place. With no views in the period the whole pool follows
    /// watch time, so the views' weight is never stranded. A posted tally with films always has
    /// watch time (`postTally` checks it), so no watch time means nothing to share.
    function _share(uint256 pool, uint256 views, uint256 seconds_, uint256 totalViews, uint256 totalSeconds, uint256 w)
        internal
        pure
        returns (uint256)
    {
        if (totalSeconds == 0) return 0;
        if (totalViews == 0) (w, totalViews) = (0, 1);
        // Callers pass a pool under 2^96 (`Pool.amount`), w ≤ BPS < 2^14 and counts under 2^65 (the
        // tally's uint64 fields; the fuzz tests go to 2^65): the numerator stays under 2^144,
        // pool × numerator under 2^240 and the denominator under 2^144, so nothing overflows.
        unchecked {
            uint256 numerator = w * views * totalSeconds + (BPS - w) * seconds_ * totalViews;
            return pool * numerator / (BPS * totalViews * totalSeconds);
        }
    }

    /// @dev Claims of one period book against this copy of its tally, pool and one claimed-bitmap
    /// word, read once (`_openPeriod`) and written back once (`_store`): a claim then costs one
    /// read and one write per slot, and a batch of one period's films pays for them once.
    struct PeriodClaims {
        uint256 period;
        bytes32 root;
        uint256 totalViews;
        uint256 totalSeconds;
        uint256 viewWeightBps;
        uint256 poolAmount;
        uint256 paid;
        uint256 claimedCount;
        uint256 word;
        uint256 bits;
    }

    /// @dev `PeriodClaims.word` while no bitmap word is in hand (film ids stop short of 2^256).
    uint256 private constant NO_WORD = type(uint256).max;

    /// @dev The period's tally must be claimable and its claims open.
    function _openPeriod(uint256 period) private view returns (PeriodClaims memory c) {
        PostedTally storage t = _tallies[period];
        (TallyStatus status, uint256 claimableAt) = (t.status, t.claimableAt);
        if (status != TallyStatus.Posted) revert FilmMarketNoTally(period);
        if (block.timestamp < claimableAt) revert FilmMarketNotClaimable(period, claimableAt);
        uint256 deadline = claimableAt + CLAIM_WINDOW;
        if (block.timestamp >= deadline) revert FilmMarketClaimsClosed(period, deadline);
        (c.period, c.root, c.totalViews, c.totalSeconds, c.viewWeightBps) =
            (period, t.root, t.totalViews, t.totalSeconds, t.viewWeightBps);
        Pool storage pool = _pools[period];
        (c.poolAmount, c.paid, c.claimedCount, c.word) = (pool.amount, pool.paid, pool.claimedCount, NO_WORD);
    }

    /// @dev Writes back what `_claim` booked in `c`: the pool's paid amount and claim count, and
    /// the claimed-bitmap word in hand.
    function _store(PeriodClaims memory c) private {
        Pool storage pool = _pools[c.period];
        (pool.paid, pool.claimedCount) = (uint96(c.paid), SafeCast.toUint32(c.claimedCount));
        if (c.word != NO_WORD) _claimedBitmap[c.period][c.word] = c.bits;
    }

    /// @dev Books one claim in `c` and returns whom to pay. An already-claimed film reverts, or with
    /// `skipClaimed` returns a zero payee and books nothing.
    function _claim(PeriodClaims memory c, ClaimRequest calldata request, bool skipClaimed)
        private
        returns (address payee, uint256 amount)
    {
        uint256 filmId = request.filmId;
        uint256 word = filmId >> 8;
        if (word != c.word) {
            if (c.word != NO_WORD) _claimedBitmap[c.period][c.word] = c.bits;
            (c.word, c.bits) = (word, _claimedBitmap[c.period][word]);
        }
        uint256 bit = 1 << (filmId & 0xff);
        if (c.bits & bit != 0) {
            if (skipClaimed) return (address(0), 0);
            revert FilmMarketAlreadyClaimed(c.period, filmId);
        }
        uint64 views = request.views;
        uint64 seconds_ = request.seconds_;
        if (!MerkleProofLib.verifyCalldata(request.proof, c.root, _leafHash(filmId, views, seconds_))) {
            revert FilmMarketInvalidProof(c.period, filmId);
        }
        c.bits |= bit;

        amount = _share(c.poolAmount, views, seconds_, c.totalViews, c.totalSeconds, c.viewWeightBps);
        uint256 available = c.poolAmount - c.paid;
        if (amount > available) revert FilmMarketPoolExceeded(c.period, amount, available);
        unchecked {
            c.paid += amount; // ≤ poolAmount < 2^96
        }
        ++c.claimedCount;
        payee = listings.ownerOf(filmId);
        emit Claimed(c.period, filmId, payee, amount);
    }

    /// @dev The StandardMerkleTree leaf of `(filmId, views, seconds)`: keccak256 of keccak256 of the
    /// ABI encoding, hashed in memory past the free memory pointer (nothing is allocated): 155 gas
    /// a claim below `keccak256(bytes.concat(keccak256(abi.encode(…))))`, by the gas benchmark.
    function _leafHash(uint256 filmId, uint256 views, uint256 seconds_) private pure returns (bytes32 leaf) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, filmId)
            mstore(add(m, 0x20), views)
            mstore(add(m, 0x40), seconds_)
            mstore(0x00, keccak256(m, 0x60))
            leaf := keccak256(0x00, 0x20)
        }
    }

    /// @dev Sends `amount` to `payee`; if the token refuses (e.g. a blacklisted payee), credits it
    /// to the payee's earnings instead, so one payee never blocks other claims or the roll-over.
    function _pay(address payee, uint256 amount) private {
        if (amount == 0) return;
        if (!paymentToken.trySafeTransfer(payee, amount)) {
            earningsOf[payee] += amount;
            emit ClaimCredited(payee, amount);
        }
    }

    function _requireClaimable(uint256 period) private view returns (PostedTally storage t) {
        t = _tallies[period];
        if (t.status != TallyStatus.Posted) revert FilmMarketNoTally(period);
        if (block.timestamp < t.claimableAt) revert FilmMarketNotClaimable(period, t.claimableAt);
    }

    /// @dev No tally stands for `period` and `revision` is the one it expects next (one storage read).
    function _requireNextRevision(uint256 period, uint32 revision) private view {
        PostedTally storage t = _tallies[period];
        TallyStatus status = t.status;
        if (status == TallyStatus.Posted) revert FilmMarketTallyExists(period);
        uint32 expected = status == TallyStatus.None ? 0 : t.revision + 1;
        if (revision != expected) revert FilmMarketTallyRevisionMismatch(period, expected, revision);
    }

    /// @dev `tally` is the one standing for its period: every stored field matches. The data CID is
    /// not stored (it lives in the `TallyPosted` event), so it is the one field a dispute's tally
    /// is not compared on; the revision still pins the dispute to the one tally of its revision.
    function _requirePosted(Tally calldata tally) private view {
        uint256 period = tally.period;
        PostedTally storage t = _tallies[period];
        if (t.status != TallyStatus.Posted) revert FilmMarketNoTally(period);
        if (
            t.revision != tally.revision || t.root != tally.root || t.totalViews != tally.totalViews
                || t.totalSeconds != tally.totalSeconds || t.leafCount != tally.leafCount
                || t.viewWeightBps != tally.viewWeightBps
        ) revert FilmMarketTallyMismatch(period);
    }

    function _dispute(uint256 period, string calldata reason) private {
        PostedTally storage t = _tallies[period];
        if (t.status != TallyStatus.Posted) revert FilmMarketNoTally(period);
        if (block.timestamp >= t.claimableAt) revert FilmMarketChallengeWindowClosed(period, t.claimableAt);
        t.status = TallyStatus.Disputed;
        emit TallyDisputed(period, t.root, msg.sender, reason);
    }

    /// @dev Recovers each signature's signer, requiring registered signers in strictly ascending
    /// order (which makes them distinct), and at least `oracleThreshold` of them.
    function _checkSignatures(bytes32 digest, bytes[] calldata signatures) private view returns (address[] memory) {
        uint256 n = signatures.length;
        uint256 threshold = oracleThreshold;
        if (n < threshold) revert FilmMarketThresholdNotMet(n, threshold);
        address[] memory signers = new address[](n);
        address previous;
        for (uint256 i = 0; i < n; ++i) {
            address signer = ECDSA.recover(digest, signatures[i]);
            if (signer <= previous) revert FilmMarketSignersNotAscending(previous, signer);
            if (!isOracleSigner[signer]) revert FilmMarketUnknownSigner(signer);
            signers[i] = signer;
            previous = signer;
        }
        return signers;
    }

    function _addSigner(address signer) private {
        if (signer == address(0)) revert FilmMarketZeroAddress();
        if (isOracleSigner[signer]) revert FilmMarketSignerState(signer, true);
        isOracleSigner[signer] = true;
        ++oracleSignerCount;
        emit OracleSignerAdded(signer);
    }

    function _setThreshold(uint256 threshold) private {
        if (threshold == 0 || threshold > oracleSignerCount) {
            revert FilmMarketInvalidThreshold(threshold, oracleSignerCount);
        }
        emit OracleThresholdChanged(oracleThreshold, threshold);
        oracleThreshold = threshold;
    }
}
