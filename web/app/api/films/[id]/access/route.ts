/**
 * GET /api/films/<id>/access — what the signed-in wallet may do with this film right now, read
 * from the chain (not cached: the client asks after buying or subscribing).
 */
import { toFilmId } from "@ai-films/core/domain";
import { accessWithExpiries, forgetAccess } from "@/lib/server/access";
import { guarded, refuse } from "@/lib/server/http";
import { getServing } from "@/lib/server/services";

export const dynamic = "force-dynamic";

export const GET = (request: Request, { params }: { params: Promise<{ id: string }> }) =>
  guarded(async () => {
    const filmId = toFilmId((await params).id);
    if (filmId === null) return refuse("malformed", "The film id must be a positive integer.");
    const session = await (await getServing()).auth.readSession(request);
    if (!session) return refuse("no-session", "Sign in to see your access to this film.");
    forgetAccess(session.address); // the caller asks because it may have just changed
    const answer = await accessWithExpiries(session.address, filmId);
    return Response.json(answer, { headers: { "Cache-Control": "no-store" } });
  });
