// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title UsdcShapedToken
/// @notice TEST ONLY — never deploy outside a test or a local chain. A token with the outside shape of
/// Circle's USDC (FiatTokenV2_2) where our clients meet it: six decimals, EIP-2612 `permit` under the
/// domain version "2", `version()` and `DOMAIN_SEPARATOR()` — and no EIP-5267 `eip712Domain()`, so a
/// client has to build the permit domain itself. Written from OpenZeppelin parts, not from Circle's code.
/// @dev The domain separator is computed on every call from the current chain id, as USDC does, so a
/// fork of the chain signs for its own id.
contract UsdcShapedToken is ERC20, IERC20Permit, Nonces {
    bytes32 private constant _DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant _PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    /// @notice The most one faucet call hands out, like TestDollar's: 10,000 units of six decimals.
    uint256 public constant FAUCET_LIMIT = 10_000e6;

    /// @notice The permit's deadline has passed.
    error UsdcShapedTokenPermitExpired(uint256 deadline);
    /// @notice The permit was not signed by `owner` under this token's domain.
    error UsdcShapedTokenInvalidSignature(address owner);
    /// @notice The faucet was asked for zero or for more than `FAUCET_LIMIT`.
    error UsdcShapedTokenFaucetAmount(uint256 requested, uint256 limit);

    constructor() ERC20("USD Coin", "USDC") {}

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice The EIP-712 domain version, "2" as on USDC (TestDollar's, through OpenZeppelin, is "1").
    function version() public pure returns (string memory) {
        return "2";
    }

    /// @inheritdoc IERC20Permit
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() public view returns (bytes32) {
        return keccak256(abi.encode(_DOMAIN_TYPEHASH, keccak256(bytes(name())), keccak256(bytes(version())), block.chainid, address(this)));
    }

    /// @inheritdoc IERC20Permit
    function nonces(address owner) public view override(IERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    /// @inheritdoc IERC20Permit
    function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external {
        if (block.timestamp > deadline) revert UsdcShapedTokenPermitExpired(deadline);
        bytes32 structHash = keccak256(abi.encode(_PERMIT_TYPEHASH, owner, spender, value, _useNonce(owner), deadline));
        address signer = ECDSA.recover(MessageHashUtils.toTypedDataHash(DOMAIN_SEPARATOR(), structHash), v, r, s);
        if (signer != owner) revert UsdcShapedTokenInvalidSignature(owner);
        _approve(owner, spender, value);
    }

    /// @notice Mints `amount` to the caller, so tests and the local demo can fund wallets: test only.
    /// @param amount Smallest units (6 decimals), at most `FAUCET_LIMIT`.
    function faucet(uint256 amount) external {
        if (amount == 0 || amount > FAUCET_LIMIT) revert UsdcShapedTokenFaucetAmount(amount, FAUCET_LIMIT);
        _mint(msg.sender, amount);
    }
}
