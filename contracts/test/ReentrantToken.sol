// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title ReentrantToken
/// @notice TEST ONLY — never deploy outside a test. A hostile ERC-20 (with EIP-2612 permit) whose
/// `transfer`, `transferFrom` and `permit` can be armed to call back into a target (the market)
/// with preset calldata, before or after the balances move. The outcome of every callback is
/// recorded (success flag and return/revert data) instead of bubbled up, so a test can check
/// that the callback was refused (e.g. `ReentrancyGuardReentrantCall()`) and that the outer call
/// still took effect exactly once. Unarmed, it is a plain mintable six-decimal token.
/// The token can also act as an account of its own through `execute` (own a film, hold
/// earnings, subscribe…), so a re-entered call would pay it if the guard let it through.
contract ReentrantToken is ERC20, ERC20Permit {
    /// @notice Hook points: bit flags of `hookMask`.
    uint8 public constant ON_TRANSFER = 1;
    uint8 public constant ON_TRANSFER_FROM = 2;
    uint8 public constant ON_PERMIT = 4;

    /// @notice Where the callback goes and what it sends.
    address public callbackTarget;
    bytes public callbackData;
    /// @notice Which hook points fire (OR of the ON_* flags); 0 = disarmed.
    uint8 public hookMask;
    /// @notice Fire before (true) or after (false) the balances move / the allowance is set.
    bool public hookBefore;
    /// @notice How many more callbacks may fire (each firing decrements it).
    uint256 public shotsLeft;

    /// @notice Number of callbacks made, and of those that reverted.
    uint256 public attempts;
    uint256 public failures;
    /// @notice Outcome of the most recent callback.
    bool public lastSuccess;
    bytes public lastReturnData;
    /// @notice Revert data of every callback made (empty entries for successful ones).
    bytes[] internal _results;

    /// @notice Transfers to this account return false (after any callback), moving nothing: a
    /// token refusing a payee, as a blacklisting stablecoin does.
    address public refusedPayee;

    bool private _inHook;

    constructor() ERC20("Reentrant Dollar", "rUSD") ERC20Permit("Reentrant Dollar") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints freely: test only.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms the token: at each hook point in `mask`, call `target_` with `data`, at most `shots` times.
    function arm(address target_, bytes calldata data, uint8 mask, bool before, uint256 shots) external {
        callbackTarget = target_;
        callbackData = data;
        hookMask = mask;
        hookBefore = before;
        shotsLeft = shots;
    }

    /// @notice Makes transfers to `payee` fail (returning false); the zero address refuses no one.
    function refuse(address payee) external {
        refusedPayee = payee;
    }

    /// @notice Disarms the token and keeps the record.
    function disarm() external {
        hookMask = 0;
        shotsLeft = 0;
    }

    /// @notice Clears the record of past callbacks.
    function resetRecord() external {
        attempts = 0;
        failures = 0;
        lastSuccess = false;
        delete lastReturnData;
        delete _results;
    }

    /// @notice Return/revert data of callback `i`.
    function resultAt(uint256 i) external view returns (bytes memory) {
        return _results[i];
    }

    /// @notice Makes the token itself call `to` with `data` (so it can act as a creator, subscriber, …).
    /// A revert is bubbled up as is.
    function execute(address to, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory ret) = to.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        return ret;
    }

    // ---------------------------------------------------------------- hooked entry points

    function transfer(address to, uint256 value) public override returns (bool) {
        if (hookBefore) _maybeReenter(ON_TRANSFER);
        bool ok = to != address(0) && to == refusedPayee ? false : super.transfer(to, value);
        if (!hookBefore) _maybeReenter(ON_TRANSFER);
        return ok;
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (hookBefore) _maybeReenter(ON_TRANSFER_FROM);
        bool ok = super.transferFrom(from, to, value);
        if (!hookBefore) _maybeReenter(ON_TRANSFER_FROM);
        return ok;
    }

    function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        public
        override
    {
        if (hookBefore) _maybeReenter(ON_PERMIT);
        super.permit(owner, spender, value, deadline, v, r, s);
        if (!hookBefore) _maybeReenter(ON_PERMIT);
    }

    function _maybeReenter(uint8 point) private {
        if (hookMask & point == 0 || shotsLeft == 0 || _inHook) return;
        --shotsLeft;
        _inHook = true;
        (bool ok, bytes memory ret) = callbackTarget.call(callbackData);
        _inHook = false;
        ++attempts;
        if (!ok) ++failures;
        lastSuccess = ok;
        lastReturnData = ret;
        _results.push(ok ? bytes("") : ret);
    }
}
