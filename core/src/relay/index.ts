/**
 * Viewers' money without gas and without asking twice: the relayer that submits signed purchases
 * (contracts/periphery/SignedPurchases.sol) and pays their gas, the keeper that renews
 * subscriptions (contracts/periphery/SubscriptionRenewer.sol), and their configuration.
 */
export { DEFAULT_RELAY_DAILY_CAP, resolvePeriphery, sponsorshipConfig, type PeripheryAddresses, type SponsorshipConfig } from "./config.ts";
export { RelayError } from "./errors.ts";
export { createRenewalKeeper, latestRenewalFailure, type KeeperTick, type RenewalFailure, type RenewalKeeper } from "./keeper.ts";
export { createRelayer, type Relayed, type Relayer, type RelayerOptions } from "./relayer.ts";
export {
  NO_PERMIT,
  purchasesDomain,
  purchaseTotal,
  SignedPurchaseRequest,
  SUBSCRIPTION_PURCHASE_TYPES,
  typedDataOf,
  VIEW_PURCHASE_TYPES,
} from "./signedPurchase.ts";
