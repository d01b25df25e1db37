/**
 * POST /api/relay/purchase { kind: "view" | "subscription", purchase, signature, permit? } — a
 * purchase the viewer signed in their wallet (EIP-712, SignedPurchases.sol), submitted by the
 * platform's relayer, which pays the gas. Anything else is refused before any gas is spent
 * (core/src/relay/relayer.ts). Limited per IP, per wallet (the purchase's viewer, once its signature checks out)
 * (RATE_LIMITS.relayPurchase) and per day in all (RELAY_DAILY_CAP); 404 when sponsorship is off.
 * No session needed: the signature is the authority, and a wallet with no ETH may not have one.
 */
import { guarded, readJson } from "@/lib/server/http";
import { getRelayer, relayDisabled } from "@/lib/server/relay";
import { getRateLimiter, rateLimited } from "@/lib/server/services";

export const dynamic = "force-dynamic";

export const POST = (request: Request) =>
  guarded(async () => {
    const relayer = await getRelayer();
    if (!relayer) return relayDisabled();
    const limited = await rateLimited("relayPurchase", request);
    if (limited) return limited;
    const body = await readJson(request, 8192);
    // The wallet's limit counts only purchases it signed: junk naming a wallet cannot use it up.
    const limiter = await getRateLimiter();
    const relayed = await relayer.submit(body, { beforeSend: (viewer) => limiter.hit("relayPurchase", { wallet: viewer }) });
    return Response.json(relayed, { headers: { "Cache-Control": "no-store" } });
  });
