/**
 * A guardian's decision on a film. POST `{ filmId, action, reason }` (nothing else): action "hide"
 * (leave the film out of this platform's catalogue, search, rows and creator pages; its page then
 * shows the public reason), "unhide", or "dismiss" (close its reports, keep it listed); reason
 * 1–MAX_MODERATION_REASON characters on one line, shown publicly. Only a session of a wallet
 * holding the market's GUARDIAN_ROLE may decide (403 not-guardian otherwise); every decision is
 * logged with the guardian and the time. → 200 `{ decision, closedReports }`. 404 film-unknown,
 * 409 not-hidden (unhiding a listed film).
 *
 * GET → `{ decisions }`: the public log, the latest 100 decisions (no session needed).
 */
import { z } from "zod";
import { MAX_MODERATION_REASON, hasControlCharacters, toFilmId } from "@ai-films/core/domain";
import { guarded, readJson, refuse } from "@/lib/server/http";
import { isGuardian, moderate, publicModerationLog } from "@/lib/server/moderation";
import { getServing, rateLimited } from "@/lib/server/services";

export const dynamic = "force-dynamic";

const Body = z.strictObject({
  filmId: z
    .string()
    .max(80)
    .transform((text) => toFilmId(text))
    .refine((id): id is bigint => id !== null, "filmId must be a positive integer"),
  action: z.enum(["hide", "unhide", "dismiss"]),
  reason: z
    .string()
    .max(MAX_MODERATION_REASON * 2)
    .transform((text) => text.normalize("NFC").trim())
    .refine((text) => text.length >= 1 && text.length <= MAX_MODERATION_REASON && !hasControlCharacters(text, { multiline: false })),
});

export const GET = (request: Request) =>
  guarded(async () => {
    const limited = await rateLimited("moderationLog", request);
    if (limited) return limited;
    return Response.json({ decisions: await publicModerationLog() }, { headers: { "Cache-Control": "no-store" } });
  });

export const POST = (request: Request) =>
  guarded(async () => {
    const session = await (await getServing()).auth.readSession(request);
    if (!session) return refuse("no-session", "Sign in with a guardian wallet to moderate.");
    const limited = await rateLimited("moderation", request, session.address);
    if (limited) return limited;
    if (!(await isGuardian(session.address))) {
      return refuse("not-guardian", "Only wallets with the market's guardian role can moderate films.");
    }
    const parsed = Body.safeParse(await readJson(request, 4 * 1024));
    if (!parsed.success) {
      return refuse(
        "malformed",
        `Send JSON { filmId, action, reason } and nothing else: action hide, unhide or dismiss; a public reason of 1–${MAX_MODERATION_REASON} characters on one line.`,
      );
    }
    const { filmId, action, reason } = parsed.data;
    const outcome = await moderate(session.address, filmId, action, reason);
    if (outcome === "unknown-film") return refuse("film-unknown", `There is no film #${filmId}.`);
    if (outcome === "not-hidden") return refuse("not-hidden", `Film #${filmId} is not hidden.`);
    return Response.json(outcome, { headers: { "Cache-Control": "no-store" } });
  });
