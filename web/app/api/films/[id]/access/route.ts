/**
 * GET /api/films/<id>/access — what the signed-in wallet may do with this film right now, read
 * from the chain (not cached: the client asks after buying or subscribing).
 */
import { filmMarketAbi } from "@ai-films/core/chain/context";
import { toFilmId } from "@ai-films/core/domain";
import { accessOf } from "@ai-films/core/serving";
import { forgetAccess } from "@/lib/server/access";
import { guarded, jsonError } from "@/lib/server/http";
import { getChain, getServing } from "@/lib/server/services";

export const dynamic = "force-dynamic";

export const GET = (request: Request, { params }: { params: Promise<{ id: string }> }) =>
  guarded(async () => {
    const filmId = toFilmId((await params).id);
    if (filmId === null) return jsonError(400, "malformed", "The film id must be a positive integer.");
    const session = await (await getServing()).auth.readSession(request);
    if (!session) return jsonError(401, "no-session", "Sign in to see your access to this film.");
    const chain = await getChain();
    forgetAccess(session.address); // the caller asks because it may have just changed
    const [access, passExpiresAt, subscriptionEndsAt] = await Promise.all([
      accessOf(chain, session.address, filmId),
      chain.publicClient.readContract({ address: chain.market, abi: filmMarketAbi, functionName: "passExpiry", args: [filmId, session.address] }),
      chain.publicClient.readContract({ address: chain.market, abi: filmMarketAbi, functionName: "subscriptionEnd", args: [session.address] }),
    ]);
    return Response.json(
      { access, passExpiresAt: Number(passExpiresAt), subscriptionEndsAt: Number(subscriptionEndsAt) },
      { headers: { "Cache-Control": "no-store" } },
    );
  });
