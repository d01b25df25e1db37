// The gas-sponsoring relayer: it submits a viewer's signed purchase (SignedPurchases.sol) from
// the platform's account and pays the gas. It refuses anything but a well-formed purchase signed
// by the viewer it names, with the viewer's next nonce and a deadline not passed, that the chain
// would accept (simulated first, so a refused purchase costs no gas), and no more than the daily
// cap across all viewers. The per-wallet limit is the web edge's (RATE_LIMITS.relayPurchase).
import type { Address, Hash, PublicClient } from "viem";
import { signedPurchasesAbi } from "../chain/abis.ts";
import type { AccountWallet } from "../chain/context.ts";
import type { RateLimitStore } from "../serving/rateLimits.ts";
import { RelayError } from "./errors.ts";
import { NO_PERMIT, SignedPurchaseRequest, typedDataOf } from "./signedPurchase.ts";

const DAY = 86_400;

export interface RelayerOptions {
  publicClient: PublicClient;
  /** The account that pays the gas. */
  wallet: AccountWallet;
  chainId: number;
  signedPurchases: Address;
  /** Purchases relayed per UTC day across all viewers; 0 relays none. */
  dailyCap: number;
  /** Where the daily count is kept (the rate-limit table, shared by every web worker). */
  capStore: RateLimitStore;
  /** Milliseconds since the epoch. */
  now?: () => number;
}

export interface Relayed {
  hash: Hash;
  viewer: Address;
}

export interface Relayer {
  /**
   * Checks and submits one signed purchase; throws RelayError on refusal. `beforeSend` runs once
   * the viewer's signature has checked out (so a stranger cannot spend a viewer's per-wallet limit
   * with junk) and may throw to refuse.
   */
  submit(body: unknown, hooks?: { beforeSend?: (viewer: Address) => Promise<void> }): Promise<Relayed>;
}

export function createRelayer(options: RelayerOptions): Relayer {
  const now = options.now ?? Date.now;
  const { publicClient, wallet, signedPurchases } = options;
  const contract = { address: signedPurchases, abi: signedPurchasesAbi } as const;

  return {
    async submit(body, hooks = {}) {
      const parsed = SignedPurchaseRequest.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new RelayError("malformed", `Send a signed purchase: ${issue ? `${issue.path.join(".")} ${issue.message}` : "bad shape"}.`);
      }
      const request = parsed.data;
      const { viewer, nonce, deadline } = request.purchase;

      const block = await publicClient.getBlock();
      if (deadline <= block.timestamp) throw new RelayError("expired", "This purchase's signature has expired: sign it again.");

      const valid = await publicClient
        .verifyTypedData({ address: viewer, signature: request.signature, ...typedDataOf(request, options.chainId, signedPurchases) })
        .catch(() => false);
      if (!valid) throw new RelayError("bad-signature", "This purchase is not signed by the wallet it names.");

      const expected = await publicClient.readContract({ ...contract, functionName: "nonces", args: [viewer] });
      if (nonce !== expected)
        throw new RelayError("nonce-used", "This purchase was already submitted (or is out of order): sign it again.");

      const permit = request.permit ?? NO_PERMIT;
      const call =
        request.kind === "view"
          ? ({ ...contract, functionName: "buyView", args: [request.purchase, request.signature, permit] } as const)
          : ({ ...contract, functionName: "subscribe", args: [request.purchase, request.signature, permit] } as const);
      try {
        await publicClient.simulateContract({ ...call, account: wallet.account } as Parameters<PublicClient["simulateContract"]>[0]);
      } catch (error) {
        const reason = error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message) : String(error);
        throw new RelayError(
          "would-revert",
          "The chain would refuse this purchase (price changed, funds or allowance short, or sales paused).",
          reason,
        );
      }

      await hooks.beforeSend?.(viewer);
      const at = Math.floor(now() / 1000);
      const dayStart = at - (at % DAY);
      const today = await options.capStore.hit("relay:daily", dayStart, dayStart + DAY);
      if (today > options.dailyCap)
        throw new RelayError(
          "daily-cap",
          "The platform has paid for as many purchases as it will today: pay the gas yourself, or try tomorrow.",
        );

      const hash = await wallet.writeContract(call as Parameters<AccountWallet["writeContract"]>[0]);
      return { hash, viewer };
    },
  };
}
