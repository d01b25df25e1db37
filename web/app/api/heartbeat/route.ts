/**
 * POST /api/heartbeat { filmId, sessionId, positionSeconds } — the player, every 10 s while playing.
 *
 * The path of a view: player → this route → ledger (recordHeartbeat) → oracle tally. The viewer
 * is the SIWE session's wallet, never a field of the body; the entitlement is the chain's
 * `accessOf` (cached a few seconds); the time is the server's, aligned with the chain (see
 * chainTime.ts); the film's duration is the listing's, from the indexer.
 */
import { z } from "zod";
import { toFilmId } from "@ai-films/core/domain";
import { LedgerInputError, recordHeartbeat } from "@ai-films/core/ledger/ledger";
import type { Entitlement } from "@ai-films/core/ledger/rules";
import type { Access } from "@ai-films/core/serving";
import { cachedAccessOf } from "@/lib/server/access";
import { getFilm } from "@/lib/server/catalog";
import { chainNow, periodClock } from "@/lib/server/chainTime";
import { guarded, jsonError, readJson } from "@/lib/server/http";
import { getDb, getServing } from "@/lib/server/services";

export const dynamic = "force-dynamic";

const Body = z.object({
  filmId: z.string().transform((text) => toFilmId(text)).refine((id): id is bigint => id !== null, "filmId must be a positive integer"),
  sessionId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "sessionId must be 1–128 URL-safe characters"),
  positionSeconds: z.number().finite().min(0).max(7 * 24 * 3600).optional(),
});

const ENTITLEMENT: Record<Exclude<Access, "none">, Entitlement> = {
  owner: "owner",
  pass: "pass",
  subscription: "subscription",
  free: "free",
};

export const POST = (request: Request) =>
  guarded(async () => {
    const serving = await getServing();
    const session = await serving.auth.readSession(request);
    if (!session) return jsonError(401, "no-session", "Your session has expired: sign in again to keep watching.");

    const parsed = Body.safeParse(await readJson(request));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join(".");
      return jsonError(400, "malformed", `Send JSON { filmId, sessionId, positionSeconds }${field ? `: ${field} ${issue.message.toLowerCase()}` : ""}.`);
    }
    const filmId = parsed.data.filmId;
    const film = await getFilm(filmId);
    if (!film) return jsonError(404, "film-unknown", `There is no film #${filmId}.`);

    let access: Access;
    try {
      access = await cachedAccessOf(session.address, filmId);
    } catch {
      return jsonError(503, "chain-unavailable", "Could not check your access on the chain; try again shortly.");
    }
    if (access === "none") {
      return jsonError(403, "not-entitled", "This wallet may not watch this film now: buy a view or subscribe.");
    }

    const [clock, now] = await Promise.all([periodClock(), chainNow()]);
    try {
      const result = await recordHeartbeat(
        await getDb(),
        clock,
        {
          viewer: session.address,
          filmId,
          sessionId: parsed.data.sessionId,
          at: now,
          entitlement: ENTITLEMENT[access],
          filmDurationSeconds: Math.max(1, Math.round(film.durationSeconds)),
          positionSeconds: parsed.data.positionSeconds,
        },
        { now },
      );
      return Response.json({ ...result, access }, { headers: { "Cache-Control": "no-store" } });
    } catch (error) {
      if (error instanceof LedgerInputError) return jsonError(400, "malformed", error.message);
      throw error;
    }
  });
