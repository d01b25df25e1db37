// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IFilmMarket} from "../interfaces/IFilmMarket.sol";

/// @title SignedPurchases
/// @notice Purchases without gas: a viewer who holds only the payment token signs a purchase
/// (EIP-712) and an EIP-2612 permit for this contract, and anyone (the platform's relayer) submits
/// them and pays the gas. The contract checks the viewer's signature over every term of the
/// purchase, a nonce and a deadline, so a submitter can only make a purchase the viewer signed,
/// once, before its deadline. It pulls exactly the price from the viewer and the market pulls it
/// from here in the same call: it never holds tokens between transactions, has no owner and no
/// parameters.
contract SignedPurchases is EIP712, Nonces, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice A view pass `viewer` pays for and `recipient` gets (the viewer, or a gift).
    struct ViewPurchase {
        address viewer;
        address recipient;
        uint256 filmId;
        uint256 price;
        uint256 minPassWindow;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice `months` of subscription `viewer` pays for at `monthlyPrice` and `recipient` gets.
    struct SubscriptionPurchase {
        address viewer;
        address recipient;
        uint256 months;
        uint256 monthlyPrice;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice The viewer's EIP-2612 permit for this contract. `deadline == 0` = none (the viewer approved already).
    struct Permit {
        uint256 value;
        uint256 deadline;
        uint8 v;
        bytes32 r;
        bytes32 s;
    }

    bytes32 public constant VIEW_PURCHASE_TYPEHASH = keccak256(
        "ViewPurchase(address viewer,address recipient,uint256 filmId,uint256 price,uint256 minPassWindow,uint256 nonce,uint256 deadline)"
    );
    bytes32 public constant SUBSCRIPTION_PURCHASE_TYPEHASH = keccak256(
        "SubscriptionPurchase(address viewer,address recipient,uint256 months,uint256 monthlyPrice,uint256 nonce,uint256 deadline)"
    );

    /// @notice The market purchases are made in.
    IFilmMarket public immutable market;
    /// @notice The market's payment token.
    IERC20 public immutable paymentToken;

    /// @notice `submitter` made `viewer`'s signed purchase number `nonce`.
    event SignedPurchase(address indexed viewer, uint256 nonce, address indexed submitter);

    /// @notice The purchase's deadline has passed.
    error SignedPurchaseExpired(uint256 deadline);
    /// @notice The signature is not `viewer`'s over this purchase.
    error SignedPurchaseInvalidSignature(address viewer);

    constructor(IFilmMarket market_) EIP712("AI Films Purchases", "1") {
        market = market_;
        paymentToken = market_.paymentToken();
    }

    /// @notice The EIP-712 digest the viewer signs for `purchase`.
    function viewPurchaseDigest(ViewPurchase calldata purchase) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(VIEW_PURCHASE_TYPEHASH, purchase)));
    }

    /// @notice The EIP-712 digest the viewer signs for `purchase`.
    function subscriptionPurchaseDigest(SubscriptionPurchase calldata purchase) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(SUBSCRIPTION_PURCHASE_TYPEHASH, purchase)));
    }

    /// @notice Buys the view pass `purchase.viewer` signed for, paid by them.
    function buyView(ViewPurchase calldata purchase, bytes calldata signature, Permit calldata permit) external nonReentrant {
        _authorise(purchase.viewer, purchase.nonce, purchase.deadline, viewPurchaseDigest(purchase), signature);
        _pull(purchase.viewer, purchase.price, permit);
        market.buyViewFor(purchase.recipient, purchase.filmId, purchase.price, purchase.minPassWindow);
    }

    /// @notice Buys the subscription `purchase.viewer` signed for, paid by them.
    function subscribe(SubscriptionPurchase calldata purchase, bytes calldata signature, Permit calldata permit)
        external
        nonReentrant
    {
        _authorise(purchase.viewer, purchase.nonce, purchase.deadline, subscriptionPurchaseDigest(purchase), signature);
        _pull(purchase.viewer, purchase.months * purchase.monthlyPrice, permit);
        market.subscribeFor(purchase.recipient, purchase.months, purchase.monthlyPrice);
    }

    /// @dev Deadline, then signature (EOA or ERC-1271 wallet), then the nonce is spent: a purchase runs once.
    function _authorise(address viewer, uint256 nonce, uint256 deadline, bytes32 digest, bytes calldata signature) private {
        if (block.timestamp > deadline) revert SignedPurchaseExpired(deadline);
        if (!SignatureChecker.isValidSignatureNow(viewer, digest, signature)) revert SignedPurchaseInvalidSignature(viewer);
        _useCheckedNonce(viewer, nonce);
        emit SignedPurchase(viewer, nonce, msg.sender);
    }

    /// @dev Takes `amount` from `viewer` and lets the market take it from here.
    function _pull(address viewer, uint256 amount, Permit calldata permit) private {
        if (permit.deadline != 0) {
            // A permit someone front-ran has already set the allowance: go on, and let the transfer decide.
            // solhint-disable-next-line no-empty-blocks
            try IERC20Permit(address(paymentToken)).permit(viewer, address(this), permit.value, permit.deadline, permit.v, permit.r, permit.s) {} catch {}
        }
        paymentToken.safeTransferFrom(viewer, address(this), amount);
        paymentToken.forceApprove(address(market), amount);
    }
}
