/**
 * The viewer's age limit. POST `{ maxAgeRating }` (one of AGE_RATINGS, nothing else) → 200
 * `{ maxAgeRating }` with a cookie that keeps it in this browser; for a signed-in viewer it is
 * also stored for the wallet, so it follows them to other browsers. Signed-out viewers may set it
 * too (the cookie alone). Films rated above the limit leave the catalogue, search and rows.
 */
import { z } from "zod";
import { AGE_RATINGS } from "@ai-films/core/domain";
import { guarded, readJson, refuse } from "@/lib/server/http";
import { ageLimitCookie, setAgeLimit } from "@/lib/server/moderation";
import { getServing, rateLimited } from "@/lib/server/services";

export const dynamic = "force-dynamic";

const Body = z.strictObject({ maxAgeRating: z.enum(AGE_RATINGS) });

export const POST = (request: Request) =>
  guarded(async () => {
    const session = await (await getServing()).auth.readSession(request);
    const limited = await rateLimited("viewerSettings", request, session?.address);
    if (limited) return limited;
    const parsed = Body.safeParse(await readJson(request, 1024));
    if (!parsed.success) return refuse("malformed", `Send JSON { maxAgeRating } with one of ${AGE_RATINGS.join(", ")}.`);
    const { maxAgeRating } = parsed.data;
    if (session) await setAgeLimit(session.address, maxAgeRating);
    const headers = new Headers({ "Cache-Control": "no-store" });
    headers.append("Set-Cookie", ageLimitCookie(request, maxAgeRating));
    return Response.json({ maxAgeRating, stored: session !== null }, { headers });
  });
