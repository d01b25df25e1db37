/**
 * GET /api/account/counts[?period=N] → `{ viewer, periods: [{ period, root, dataCid, claimableAt,
 * lines: [{ viewer, filmId, title, seconds, views, salt, proof, viewerRoot }] }] }`: what the
 * settled periods (latest posted tally not disputed) counted for the signed-in wallet, per film,
 * with each line's secret salt and its proof in the tally's viewer tree, so the account page can
 * check the line against the root in the published tally file. Only the session's own wallet: the
 * viewer is never a parameter. No query but `period` (a non-negative integer), 400 otherwise.
 */
import { z } from "zod";
import { guarded, refuse } from "@/lib/server/http";
import { accountCounts } from "@/lib/server/accountCounts";
import { getServing, rateLimited } from "@/lib/server/services";

export const dynamic = "force-dynamic";

const Query = z.strictObject({
  period: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,9})$/, "period must be a non-negative integer")
    .transform(Number)
    .optional(),
});

export const GET = (request: Request) =>
  guarded(async () => {
    const session = await (await getServing()).auth.readSession(request);
    if (!session) return refuse("no-session", "Sign in to see what was counted for your wallet.");
    const limited = await rateLimited("accountCounts", request, session.address);
    if (limited) return limited;
    const search = new URL(request.url).searchParams;
    const keys = [...search.keys()];
    const parsed = Query.safeParse(Object.fromEntries(search));
    if (!parsed.success || new Set(keys).size !== keys.length)
      return refuse("malformed", "The only query is period=N (a non-negative integer), at most once.");
    const periods = await accountCounts(session.address, parsed.data.period);
    return Response.json({ viewer: session.address.toLowerCase(), periods }, { headers: { "Cache-Control": "private, no-store" } });
  });
