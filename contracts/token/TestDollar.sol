// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title TestDollar
/// @notice A six-decimal test dollar with EIP-2612 permit, standing in for USDC on local chains.
/// Its faucet works only on a local chain id, so a copy deployed anywhere else mints nothing.
contract TestDollar is ERC20, ERC20Permit {
    /// @notice The most one faucet call hands out: 10,000 test dollars.
    uint256 public constant FAUCET_LIMIT = 10_000e6;

    /// @notice The faucet was called on a chain that is not a local development chain.
    error TestDollarFaucetDisabled(uint256 chainId);
    /// @notice The faucet was asked for zero or for more than `FAUCET_LIMIT`.
    error TestDollarFaucetAmount(uint256 requested, uint256 limit);

    constructor() ERC20("Test Dollar", "tUSD") ERC20Permit("Test Dollar") {}

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints `amount` test dollars to the caller. Local chains only (31337, 1337).
    /// @param amount Smallest units (6 decimals), at most `FAUCET_LIMIT`.
    function faucet(uint256 amount) external {
        if (block.chainid != 31337 && block.chainid != 1337) revert TestDollarFaucetDisabled(block.chainid);
        if (amount == 0 || amount > FAUCET_LIMIT) revert TestDollarFaucetAmount(amount, FAUCET_LIMIT);
        _mint(msg.sender, amount);
    }
}
