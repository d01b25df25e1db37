// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title BlacklistToken
/// @notice TEST ONLY — never deploy outside a test. A six-decimal token that, like real stablecoins
/// (USDC, USDT), refuses every transfer to or from a blacklisted address, so tests can check that
/// one blocked payee blocks no one else's money.
contract BlacklistToken is ERC20 {
    /// @notice Whether transfers to and from `account` are refused.
    mapping(address account => bool) public isBlacklisted;

    /// @notice A transfer touched a blacklisted account.
    error BlacklistTokenBlocked(address account);

    constructor() ERC20("Blacklist Dollar", "bUSD") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints freely: test only.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Mints `amount` to the caller, like TestDollar's faucet: test only.
    function faucet(uint256 amount) external {
        _mint(msg.sender, amount);
    }

    /// @notice Blocks or unblocks `account`.
    function setBlacklisted(address account, bool blocked) external {
        isBlacklisted[account] = blocked;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (isBlacklisted[from]) revert BlacklistTokenBlocked(from);
        if (isBlacklisted[to]) revert BlacklistTokenBlocked(to);
        super._update(from, to, value);
    }
}
