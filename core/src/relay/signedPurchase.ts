// The signed purchases the relayer accepts, exactly as SignedPurchases.sol hashes them (EIP-712):
// their JSON shape (decimal strings for numbers), the typed data a wallet signs, and the
// contract call. Nothing else can be relayed.
import { z } from "zod";
import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";
import { purchasesDomain, SUBSCRIPTION_PURCHASE_TYPES, VIEW_PURCHASE_TYPES } from "../chain/purchaseTypes.ts";

export { purchasesDomain, SUBSCRIPTION_PURCHASE_TYPES, VIEW_PURCHASE_TYPES };

const MAX_UINT256 = (1n << 256n) - 1n;
const uint = z
  .string()
  .regex(/^\d{1,78}$/, "must be a decimal integer")
  .transform((s) => BigInt(s))
  .refine((n) => n <= MAX_UINT256, "is out of range");
const address = z
  .string()
  .refine((s) => isAddress(s, { strict: false }), "must be an address")
  .transform((s) => getAddress(s));
const bytes32 = z.string().refine((s) => isHex(s) && s.length === 66, "must be 32 bytes of hex") as unknown as z.ZodType<Hex>;

const Permit = z.object({
  value: uint,
  deadline: uint,
  v: z.number().int().min(0).max(255),
  r: bytes32,
  s: bytes32,
});

const Signature = z
  .string()
  .refine((s) => isHex(s) && s.length >= 132 && s.length <= 2 + 2 * 1024, "must be a hex signature") as unknown as z.ZodType<Hex>;

export const SignedPurchaseRequest = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("view"),
    purchase: z.object({
      viewer: address,
      recipient: address,
      filmId: uint,
      price: uint,
      minPassWindow: uint,
      nonce: uint,
      deadline: uint,
    }),
    signature: Signature,
    permit: Permit.optional(),
  }),
  z.object({
    kind: z.literal("subscription"),
    purchase: z.object({
      viewer: address,
      recipient: address,
      months: uint,
      monthlyPrice: uint,
      nonce: uint,
      deadline: uint,
    }),
    signature: Signature,
    permit: Permit.optional(),
  }),
]);

export type SignedPurchaseRequest = z.infer<typeof SignedPurchaseRequest>;

export const NO_PERMIT = { value: 0n, deadline: 0n, v: 0, r: `0x${"00".repeat(32)}` as Hex, s: `0x${"00".repeat(32)}` as Hex };

/** The amount the purchase takes from the viewer. */
export function purchaseTotal(request: SignedPurchaseRequest): bigint {
  return request.kind === "view" ? request.purchase.price : request.purchase.months * request.purchase.monthlyPrice;
}

/** The typed data the viewer signed, for verification (and for the browser to sign). */
export function typedDataOf(request: SignedPurchaseRequest, chainId: number, signedPurchases: Address) {
  const domain = purchasesDomain(chainId, signedPurchases);
  return request.kind === "view"
    ? ({ domain, types: VIEW_PURCHASE_TYPES, primaryType: "ViewPurchase", message: request.purchase } as const)
    : ({ domain, types: SUBSCRIPTION_PURCHASE_TYPES, primaryType: "SubscriptionPurchase", message: request.purchase } as const);
}
