// The EIP-712 purchases SignedPurchases.sol checks (contracts/periphery): what a viewer's wallet
// signs for a gasless purchase and what the relayer verifies. Shared by the browser and the server.
import type { Address } from "viem";

export const PURCHASES_DOMAIN_NAME = "AI Films Purchases";

export const VIEW_PURCHASE_TYPES = {
  ViewPurchase: [
    { name: "viewer", type: "address" },
    { name: "recipient", type: "address" },
    { name: "filmId", type: "uint256" },
    { name: "price", type: "uint256" },
    { name: "minPassWindow", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

export const SUBSCRIPTION_PURCHASE_TYPES = {
  SubscriptionPurchase: [
    { name: "viewer", type: "address" },
    { name: "recipient", type: "address" },
    { name: "months", type: "uint256" },
    { name: "monthlyPrice", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

export function purchasesDomain(chainId: number, verifyingContract: Address) {
  return { name: PURCHASES_DOMAIN_NAME, version: "1", chainId, verifyingContract } as const;
}
