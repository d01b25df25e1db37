/**
 * The signed-in viewer's follows. GET → `{ creators: [{ address, name, avatarCid, followedAt }] }`
 * (most recently followed first); POST `{ creator, on }` (nothing else) follows or unfollows,
 * idempotently → `{ creator, following }`. 404 creator-unknown for an address that minted no film
 * and published no profile, 400 follow-self, 409 follows-full past MAX_FOLLOWS. The viewer is the
 * session's wallet, never a field.
 */
import { z } from "zod";
import { isAddressFormat } from "@ai-films/core/domain";
import { guarded, readJson, refuse } from "@/lib/server/http";
import { followedCreators, MAX_FOLLOWS, setFollowing } from "@/lib/server/community";
import { getServing, rateLimited } from "@/lib/server/services";

export const dynamic = "force-dynamic";

const Body = z.strictObject({
  creator: z
    .string()
    .refine(isAddressFormat, "creator must be a 0x address")
    .transform((a) => a.toLowerCase()),
  on: z.boolean(),
});

export const GET = (request: Request) =>
  guarded(async () => {
    const session = await (await getServing()).auth.readSession(request);
    if (!session) return refuse("no-session", "Sign in to see whom you follow.");
    const limited = await rateLimited("follows", request, session.address);
    if (limited) return limited;
    return Response.json({ creators: await followedCreators(session.address) }, { headers: { "Cache-Control": "no-store" } });
  });

export const POST = (request: Request) =>
  guarded(async () => {
    const session = await (await getServing()).auth.readSession(request);
    if (!session) return refuse("no-session", "Sign in to follow creators.");
    const limited = await rateLimited("follows", request, session.address);
    if (limited) return limited;
    const parsed = Body.safeParse(await readJson(request, 1024));
    if (!parsed.success) return refuse("malformed", 'Send JSON { creator: "0x…", on: true|false } and nothing else.');
    const { creator, on } = parsed.data;
    const change = await setFollowing(session.address, creator, on);
    if (change === "self") return refuse("follow-self", "You cannot follow yourself.");
    if (change === "unknown-creator") return refuse("creator-unknown", `${creator} has minted no film and published no profile.`);
    if (change === "full") return refuse("follows-full", `You follow ${MAX_FOLLOWS} creators: unfollow one first.`);
    return Response.json({ creator, following: on }, { headers: { "Cache-Control": "no-store" } });
  });
