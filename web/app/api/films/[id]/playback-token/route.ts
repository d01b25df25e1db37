/**
 * POST /api/films/<id>/playback-token — a Livepeer playback JWT for the playback id the film's
 * metadata names, only for a signed-in wallet the chain says may watch the film now (the AES key
 * server's check): 200 `{ token, playbackId, filmId, expiresAt }`, 401 no session, 403 not
 * entitled, 404 when the film does not play from Livepeer or Livepeer playback is not configured.
 * The logic is core/src/serving/livepeerPlayback.ts (filmToken).
 */
import { guarded, refuse } from "@/lib/server/http";
import { getPlaybackTokens } from "@/lib/server/services";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = (request: Request, { params }: { params: Promise<{ id: string }> }) =>
  guarded(async () => {
    const tokens = await getPlaybackTokens();
    if (!tokens) return refuse("playback-unknown", "Livepeer playback is not configured on this server.");
    return tokens.filmToken(request, (await params).id);
  });
