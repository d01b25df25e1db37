/**
 * The signed-in viewer's watchlist. GET → `{ films: [filmId…] }` (listed films, newest first);
 * POST `{ filmId, on }` (nothing else) puts the film on the list or takes it off, idempotently →
 * `{ filmId, onWatchlist }`. 404 film-unknown for a film the index does not know, 409
 * watchlist-full past MAX_WATCHLIST. The viewer is the session's wallet, never a field.
 */
import { z } from "zod";
import { toFilmId } from "@ai-films/core/domain";
import { guarded, readJson, refuse } from "@/lib/server/http";
import { getServing, rateLimited } from "@/lib/server/services";
import { MAX_WATCHLIST, setOnWatchlist, watchlistIds } from "@/lib/server/viewerRows";

export const dynamic = "force-dynamic";

const Body = z.strictObject({
  filmId: z
    .string()
    .max(80)
    .transform((text) => toFilmId(text))
    .refine((id): id is bigint => id !== null, "filmId must be a positive integer"),
  on: z.boolean(),
});

export const GET = (request: Request) =>
  guarded(async () => {
    const session = await (await getServing()).auth.readSession(request);
    if (!session) return refuse("no-session", "Sign in to see your watchlist.");
    const limited = await rateLimited("watchlist", request, session.address);
    if (limited) return limited;
    return Response.json({ films: await watchlistIds(session.address) }, { headers: { "Cache-Control": "no-store" } });
  });

export const POST = (request: Request) =>
  guarded(async () => {
    const session = await (await getServing()).auth.readSession(request);
    if (!session) return refuse("no-session", "Sign in to keep a watchlist.");
    const limited = await rateLimited("watchlist", request, session.address);
    if (limited) return limited;
    const parsed = Body.safeParse(await readJson(request, 1024));
    if (!parsed.success) return refuse("malformed", "Send JSON { filmId, on } and nothing else.");
    const { filmId, on } = parsed.data;
    const change = await setOnWatchlist(session.address, filmId, on);
    if (change === "unknown-film") return refuse("film-unknown", `There is no film #${filmId}.`);
    if (change === "full") return refuse("watchlist-full", `Your watchlist holds ${MAX_WATCHLIST} films: remove one first.`);
    return Response.json({ filmId: filmId.toString(), onWatchlist: on }, { headers: { "Cache-Control": "no-store" } });
  });
