// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Fuzz tests of the market's arithmetic: the monthly split, how subscriptions fund the period
// pools, the pay-per-view split and the fee cap. Run with `npx hardhat test solidity`.
// No forge-std here: cheatcodes come from our own `Vm` interface (contracts/test/Vm.sol).

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {FilmListings} from "../../contracts/FilmListings.sol";
import {IFilmListings} from "../../contracts/interfaces/IFilmListings.sol";
import {IFilmMarket} from "../../contracts/interfaces/IFilmMarket.sol";
import {MarketGovernance} from "../../contracts/market/MarketGovernance.sol";
import {FilmMarketHarness} from "../../contracts/test/FilmMarketHarness.sol";
import {ReentrantToken} from "../../contracts/test/ReentrantToken.sol";
import {TestBase, Vm} from "../../contracts/test/Vm.sol";

/// @dev Deploys a market (the harness) with an unarmed, freely mintable token.
abstract contract MarketFuzzBase is TestBase {
    uint256 internal constant BPS = 10_000;
    uint256 internal constant MAX_FEE = 2_000;
    /// A fixed "now" far from zero, so genesis offsets and delays have room.
    uint256 internal constant T0 = 2_000_000_000;

    ReentrantToken internal token;
    FilmListings internal listings;
    FilmMarketHarness internal market;

    function _config(uint64 genesis, uint64 periodLength, uint16 feeBps)
        internal
        view
        returns (MarketGovernance.MarketConfig memory c)
    {
        address[] memory signers = new address[](1);
        signers[0] = address(0x0AC1E);
        c = MarketGovernance.MarketConfig({
            paymentToken: IERC20(address(token)),
            listings: IFilmListings(address(listings)),
            admin: address(this),
            guardian: address(0x6A4D),
            treasury: address(0x7EA5),
            feeBps: feeBps,
            viewWeightBps: 5_000,
            monthlyPrice: 10e6,
            passWindow: 2 days,
            challengeWindow: 3 days,
            genesis: genesis,
            periodLength: periodLength,
            oracleSigners: signers,
            oracleThreshold: 1
        });
    }

    function _deploy(uint64 genesis, uint64 periodLength, uint16 feeBps) internal {
        token = new ReentrantToken();
        listings = new FilmListings();
        market = new FilmMarketHarness(_config(genesis, periodLength, feeBps));
    }

    /// @dev A pseudo-random value of a random magnitude (0 … 2^maxBits − 1), so small and huge
    /// values both show up.
    function _scaled(uint256 seed, uint256 maxBits) internal pure returns (uint256) {
        uint256 bits = seed % (maxBits + 1);
        return bits == 0 ? 0 : (seed >> 8) % (uint256(1) << bits);
    }
}

/// Property 1: the split formula.
contract SplitFuzzTest is MarketFuzzBase {
    function setUp() public {
        vm.warp(T0);
        _deploy(0, 30 days, 1_000);
    }

    /// forge-config: default.fuzz.runs = 300
    function testFuzz_SharesSumToPoolLessUnderOneUnitPerFilm(uint96 pool, uint16 w, uint8 n, uint256 seed, bool noViews)
        public
        view
    {
        uint256 films = bound(n, 1, 24);
        uint256 weight = bound(w, 0, BPS);
        uint256[] memory views = new uint256[](films);
        uint256[] memory secs = new uint256[](films);
        uint256 totalViews;
        uint256 totalSeconds;
        // Leaves under 2^59 each: 24 of them stay within the tally's uint64 totals.
        for (uint256 i = 0; i < films; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            views[i] = noViews ? 0 : _scaled(r, 59);
            secs[i] = _scaled(uint256(keccak256(abi.encode(r))), 59);
            totalViews += views[i];
            totalSeconds += secs[i];
        }
        // A tally with films always has watch time (postTally refuses totalSeconds == 0).
        if (totalSeconds == 0) {
            secs[0] = 1;
            totalSeconds = 1;
        }

        uint256 sum = _sumShares(pool, views, secs, totalViews, totalSeconds, weight);
        assertLe(sum, pool, "sum of shares exceeds the pool");
        assertLt(pool - sum, films, "rounding left a unit or more per film");
    }

    /// forge-config: default.fuzz.runs = 300
    function testFuzz_ExtremeWeightsReduceToOneMeasure(
        uint96 pool,
        uint64 views,
        uint64 secs,
        uint64 otherViews,
        uint64 otherSeconds
    ) public view {
        uint256 tv = uint256(views) + otherViews;
        uint256 ts = uint256(secs) + otherSeconds;
        vm.assume(ts > 0);
        // w = 100 %: views only (or watch time only when the period had no views).
        uint256 viewsOnly = market.exposedShare(pool, views, secs, tv, ts, BPS);
        assertEq(viewsOnly, tv == 0 ? uint256(pool) * secs / ts : uint256(pool) * views / tv, "w = 10000");
        // w = 0: watch time only.
        uint256 secondsOnly = market.exposedShare(pool, views, secs, tv, ts, 0);
        assertEq(secondsOnly, uint256(pool) * secs / ts, "w = 0");
        // Any weight lies between the two single-measure shares (up to rounding).
        uint256 mid = market.exposedShare(pool, views, secs, tv, ts, 5_000);
        uint256 lo = viewsOnly < secondsOnly ? viewsOnly : secondsOnly;
        uint256 hi = viewsOnly < secondsOnly ? secondsOnly : viewsOnly;
        assertGe(mid + 1, lo, "mixed share below both measures");
        assertLe(mid, hi + 1, "mixed share above both measures");
    }

    function test_OneFilmWithEverythingTakesTheWholePool() public view {
        assertEq(market.exposedShare(1e18, 7, 9, 7, 9, 3_333), 1e18, "single film");
        assertEq(market.exposedShare(1e18, 0, 9, 0, 9, 10_000), 1e18, "no views at all");
    }

    /// @dev Every film's share from the harness, each checked against the reference, summed.
    function _sumShares(uint256 pool, uint256[] memory views, uint256[] memory secs, uint256 tv, uint256 ts, uint256 w)
        private
        view
        returns (uint256 sum)
    {
        for (uint256 i = 0; i < views.length; ++i) {
            uint256 share = market.exposedShare(pool, views[i], secs[i], tv, ts, w);
            assertEq(share, _reference(pool, views[i], secs[i], tv, ts, w), "share vs reference");
            sum += share;
        }
    }

    /// floor(pool · (w·v·ts + (B − w)·s·tv) / (B·tv·ts)) with the empty-measure rule, in plain
    /// checked arithmetic (inputs are small enough not to overflow).
    function _reference(uint256 pool, uint256 v, uint256 s, uint256 tv, uint256 ts, uint256 w)
        private
        pure
        returns (uint256)
    {
        if (ts == 0) return 0;
        if (tv == 0) (w, tv) = (0, 1);
        return pool * (w * v * ts + (BPS - w) * s * tv) / (BPS * tv * ts);
    }
}

/// Property 2: subscriptions and the period pools.
contract SubscriptionFuzzTest is MarketFuzzBase {
    bytes32 internal constant POOL_FUNDED = keccak256("PoolFunded(uint256,uint256)");
    address internal constant ALICE = address(0xA11CE);
    address internal constant BOB = address(0xB0B);

    uint256 internal _genesis;
    uint256 internal _len;

    function _setUpMarket(uint256 genesisOffset, uint256 periodLength, uint256 maxLength, uint256 feeBps, uint256 price)
        internal
    {
        vm.warp(T0);
        _genesis = T0 - bound(genesisOffset, 0, 5 * 365 days);
        _len = bound(periodLength, 1, maxLength);
        _deploy(uint64(_genesis), uint64(_len), uint16(bound(feeBps, 0, MAX_FEE)));
        market.setMonthlyPrice(uint128(bound(price, 1, 1e15)));
        for (uint256 i = 0; i < 2; ++i) {
            address who = i == 0 ? ALICE : BOB;
            token.mint(who, 1e30);
            vm.prank(who);
            token.approve(address(market), type(uint256).max);
        }
    }

    function _period(uint256 t) internal view returns (uint256) {
        return (t - _genesis) / _len;
    }

    function _poolAmount(uint256 p) internal view returns (uint256 amount) {
        (amount,,,) = market.poolOf(p);
    }

    function _subscribers(uint256 p) internal view returns (uint256 subscribers) {
        (,, subscribers,) = market.poolOf(p);
    }

    /// forge-config: default.fuzz.runs = 300
    function testFuzz_PaymentFundsCoveredPeriodsExactly(
        uint64 genesisOffset,
        uint64 periodLength,
        uint16 feeBps,
        uint96 price,
        uint64 delay,
        uint8 monthsSeed
    ) public {
        _setUpMarket(genesisOffset, periodLength, 366 days, feeBps, price);
        uint256 months = bound(monthsSeed, 1, 12);
        vm.warp(T0 + bound(delay, 0, 3 * 365 days));

        uint256 monthly = market.monthlyPrice();
        uint256 total = monthly * months;
        uint256 fee = total * market.feeBps() / BPS;
        uint256 start = block.timestamp;
        uint256 end = start + months * _len;

        vm.recordLogs();
        vm.prank(ALICE);
        market.subscribe(months, monthly);

        (uint256 first, uint256 last) = _checkPoolFundedEvents(start, end, total - fee);
        assertEq(market.accruedFees(), fee, "fee accrued");
        assertEq(token.balanceOf(address(market)), total, "market holds the payment");
        assertTrue(last - first == months || last - first == months - 1, "periods spanned");
        _checkProRata(start, end, total - fee);
        if (first > 0) assertEq(_subscribers(first - 1), 0, "period before untouched");
        assertEq(_subscribers(last + 1), 0, "period after untouched");
        assertEq(market.subscriptionEnd(ALICE), end, "subscription end");
    }

    /// @dev The pools of the covered periods (all empty before) sum to `net`, and nothing lands
    /// outside them. If the market emits `PoolFunded(period, amount)` events, there is one per
    /// covered period, in order, each equal to what its pool received.
    function _checkPoolFundedEvents(uint256 start, uint256 end, uint256 net)
        private
        returns (uint256 first, uint256 last)
    {
        first = _period(start);
        last = _period(end - 1);
        uint256 pooled;
        for (uint256 p = first; p <= last; ++p) {
            pooled += _poolAmount(p);
        }
        assertEq(pooled, net, "sum of pools != payment - fee");
        if (first > 0) assertEq(_poolAmount(first - 1), 0, "period before funded");
        assertEq(_poolAmount(last + 1), 0, "period after funded");

        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 funded;
        uint256 expectedPeriod = first;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter != address(market) || logs[i].topics[0] != POOL_FUNDED) continue;
            assertEq(uint256(logs[i].topics[1]), expectedPeriod++, "PoolFunded period order");
            uint256 amount = abi.decode(logs[i].data, (uint256));
            assertEq(amount, _poolAmount(uint256(logs[i].topics[1])), "event vs pool");
            funded += amount;
        }
        if (expectedPeriod != first) {
            assertEq(expectedPeriod, last + 1, "PoolFunded count");
            assertEq(funded, net, "sum of PoolFunded != payment - fee");
        }
    }

    /// @dev Pro rata by covered seconds: rounding follows the running total, so every period is
    /// within one unit of its exact share (floor or floor + 1). One subscriber in each.
    function _checkProRata(uint256 start, uint256 end, uint256 net) private view {
        uint256 first = _period(start);
        uint256 last = _period(end - 1);
        for (uint256 p = first; p <= last; ++p) {
            uint256 pStart = _genesis + p * _len;
            uint256 covered = _min(end, pStart + _len) - _max(start, pStart);
            uint256 exactFloor = net * covered / (end - start);
            uint256 part = _poolAmount(p);
            assertGe(part, exactFloor, "period below the floor of its share");
            assertLe(part, exactFloor + 1, "period over its share by more than one unit");
            assertEq(_subscribers(p), 1, "one subscriber per covered period");
        }
    }

    /// Several purchases by two subscribers at random times, including immediate renewals (gap
    /// 0) and renewals after expiry: each period counts each subscriber covering it once.
    /// forge-config: default.fuzz.runs = 200
    function testFuzz_SubscribersCountedOncePerCoveredPeriod(
        uint64 genesisOffset,
        uint64 periodLength,
        uint16 feeBps,
        uint96 price,
        uint256 seed
    ) public {
        // Periods of at most 60 days keep the number of periods to check small.
        _setUpMarket(genesisOffset, periodLength, 60 days, feeBps, price);
        _firstPeriod = _period(block.timestamp);
        for (uint256 k = 0; k < 5; ++k) {
            _purchase(uint256(keccak256(abi.encode(seed, k))));
        }

        uint256 lastPeriod = _period(_max(_ends[0], _ends[1]) - 1);
        uint256 funded;
        for (uint256 p = _firstPeriod; p <= lastPeriod + 1; ++p) {
            uint256 bit = uint256(1) << (p - _firstPeriod);
            uint256 expected = (_covered[0] & bit != 0 ? 1 : 0) + (_covered[1] & bit != 0 ? 1 : 0);
            assertEq(_subscribers(p), expected, "distinct subscribers of a period");
            funded += _poolAmount(p);
        }
        assertEq(funded, _expectedFunded, "pools hold every payment less its fee");
        assertEq(token.balanceOf(address(market)), funded + market.accruedFees(), "market balance");
    }

    // Model of the renewal test: subscription ends, covered periods (bit p - _firstPeriod) and
    // the net paid into pools.
    uint256 internal _firstPeriod;
    uint256[2] internal _ends;
    uint256[2] internal _covered;
    uint256 internal _expectedFunded;

    /// @dev One random purchase: who (Alice or Bob), how many months, after which gap (0 — the
    /// same block — a third of the time, else up to three periods).
    function _purchase(uint256 r) private {
        uint256 who = r & 1;
        uint256 months = bound(r >> 8, 1, 12);
        uint256 gap = (r >> 16) % 3 == 0 ? 0 : (r >> 32) % (3 * _len + 1);
        vm.warp(block.timestamp + gap);

        uint256 start = _max(_ends[who], block.timestamp);
        uint256 end = start + months * _len;
        for (uint256 p = _period(start); p <= _period(end - 1); ++p) {
            _covered[who] |= uint256(1) << (p - _firstPeriod);
        }
        _ends[who] = end;
        uint256 monthly = market.monthlyPrice();
        uint256 total = monthly * months;
        _expectedFunded += total - total * market.feeBps() / BPS;

        address subscriber = who == 0 ? ALICE : BOB;
        vm.prank(subscriber);
        market.subscribe(months, monthly);
        assertEq(market.subscriptionEnd(subscriber), end, "subscription end");
    }

    /// forge-config: default.fuzz.runs = 100
    function testFuzz_ImmediateRenewalNeverDoubleCounts(uint64 periodLength, uint8 m1, uint8 m2, uint64 delay) public {
        _setUpMarket(0, periodLength, 366 days, 1_000, 10e6);
        vm.warp(T0 + bound(delay, 0, 400 days));
        uint256 a = bound(m1, 1, 12);
        uint256 b = bound(m2, 1, 12);
        uint256 monthly = market.monthlyPrice();
        vm.startPrank(ALICE);
        market.subscribe(a, monthly);
        market.subscribe(b, monthly);
        vm.stopPrank();
        uint256 first = _period(block.timestamp);
        uint256 last = _period(market.subscriptionEnd(ALICE) - 1);
        for (uint256 p = first; p <= last; ++p) {
            assertEq(_subscribers(p), 1, "renewal counted twice");
        }
        assertEq(market.subscriptionEnd(ALICE), block.timestamp + (a + b) * _len, "renewal extends from the old end");
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }

    function _max(uint256 a, uint256 b) private pure returns (uint256) {
        return a > b ? a : b;
    }
}

/// Property 3: pay-per-view.
contract PayPerViewFuzzTest is MarketFuzzBase {
    address internal constant CREATOR = address(0xC0FFEE);
    address internal constant VIEWER = address(0xF1E3);

    /// forge-config: default.fuzz.runs = 200
    function testFuzz_EarningsPlusFeeEqualPriceAndPassOnlyGrows(uint16 feeBps, uint256 seed) public {
        vm.warp(T0);
        _deploy(0, 30 days, uint16(bound(feeBps, 0, MAX_FEE)));
        vm.prank(CREATOR);
        uint256 filmId = listings.mint("ipfs://bafyfuzz", 600, 1);
        token.mint(VIEWER, type(uint128).max);
        vm.prank(VIEWER);
        token.approve(address(market), type(uint256).max);

        uint256 expiry;
        uint256 now_ = T0;
        for (uint256 k = 0; k < 4; ++k) {
            uint256 r = uint256(keccak256(abi.encode(seed, k)));
            // A new price (any uint96 but zero), a new fee, a new pass window, some time passing.
            // Listings store prices in 88 bits.
            uint96 price = uint96(bound(_scaled(r, 88), 1, type(uint88).max));
            if (price != listings.listingOf(filmId).pricePerView) {
                vm.prank(CREATOR);
                listings.setPrice(filmId, price);
            }
            market.setFee(uint16(bound(r >> 100, 0, MAX_FEE)));
            market.setPassWindow(uint32(bound(r >> 120, 1 hours, 30 days)));
            now_ += (r >> 160) % (40 days);
            vm.warp(now_);

            uint256 earningsBefore = market.earningsOf(CREATOR);
            uint256 feesBefore = market.accruedFees();
            uint256 balanceBefore = token.balanceOf(address(market));
            uint256 quotedWindow = market.passWindow();
            vm.prank(VIEWER);
            market.buyView(filmId, price, quotedWindow);

            uint256 credited = market.earningsOf(CREATOR) - earningsBefore;
            uint256 fee = market.accruedFees() - feesBefore;
            assertEq(credited + fee, price, "earnings + fee != price");
            assertEq(fee, uint256(price) * market.feeBps() / BPS, "fee");
            assertEq(token.balanceOf(address(market)) - balanceBefore, price, "market received the price");

            uint256 newExpiry = market.passExpiry(filmId, VIEWER);
            assertGe(newExpiry, expiry, "pass expiry shrank");
            assertEq(newExpiry, (expiry > now_ ? expiry : now_) + market.passWindow(), "pass extends from its end");
            expiry = newExpiry;
        }
        assertEq(
            token.balanceOf(address(market)), market.earningsOf(CREATOR) + market.accruedFees(), "market balance"
        );
    }
}

/// Property 4: the fee cap.
contract FeeCapFuzzTest is MarketFuzzBase {
    function setUp() public {
        vm.warp(T0);
        _deploy(0, 30 days, 1_000);
    }

    /// forge-config: default.fuzz.runs = 200
    function testFuzz_SetFeeRevertsAboveCap(uint16 x, bool nearCap) public {
        // Half the runs land within ten of the cap, where an off-by-one would show.
        if (nearCap) x = uint16(bound(x, MAX_FEE - 10, MAX_FEE + 10));
        if (x > MAX_FEE) {
            vm.expectRevert(abi.encodeWithSelector(IFilmMarket.FilmMarketFeeTooHigh.selector, x, MAX_FEE));
            market.setFee(x);
            assertEq(market.feeBps(), 1_000, "fee unchanged");
        } else {
            market.setFee(x);
            assertEq(market.feeBps(), x, "fee set");
        }
    }

    function test_FeeCapBoundary() public {
        market.setFee(uint16(MAX_FEE));
        assertEq(market.feeBps(), MAX_FEE, "the cap itself is allowed");
        vm.expectRevert(abi.encodeWithSelector(IFilmMarket.FilmMarketFeeTooHigh.selector, MAX_FEE + 1, MAX_FEE));
        market.setFee(uint16(MAX_FEE + 1));
    }

    /// forge-config: default.fuzz.runs = 50
    function testFuzz_ConstructorRefusesFeeAboveCap(uint16 x) public {
        x = uint16(bound(x, MAX_FEE + 1, type(uint16).max));
        MarketGovernance.MarketConfig memory c = _config(0, 30 days, x);
        vm.expectRevert(abi.encodeWithSelector(IFilmMarket.FilmMarketFeeTooHigh.selector, x, MAX_FEE));
        new FilmMarketHarness(c);
    }
}
