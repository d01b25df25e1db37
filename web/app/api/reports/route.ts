/**
 * A signed-in viewer reports a film. POST `{ filmId, reason, details? }` (nothing else): reason one
 * of REPORT_REASONS, details at most MAX_REPORT_TEXT characters with no control characters but
 * newlines → 201 `{ filmId, reported: true }`. One open report per wallet and film: a second
 * answers 409 already-reported until a guardian has decided on the film. 404 film-unknown for a
 * film the index does not know. The reporter is the session's wallet, never a field.
 */
import { z } from "zod";
import { MAX_REPORT_TEXT, REPORT_REASONS, hasControlCharacters, toFilmId } from "@ai-films/core/domain";
import { guarded, readJson, refuse } from "@/lib/server/http";
import { fileReport } from "@/lib/server/moderation";
import { getServing, rateLimited } from "@/lib/server/services";

export const dynamic = "force-dynamic";

const Body = z.strictObject({
  filmId: z
    .string()
    .max(80)
    .transform((text) => toFilmId(text))
    .refine((id): id is bigint => id !== null, "filmId must be a positive integer"),
  reason: z.enum(REPORT_REASONS),
  details: z
    .string()
    .max(MAX_REPORT_TEXT * 2)
    .transform((text) => text.normalize("NFC").trim())
    .refine((text) => text.length <= MAX_REPORT_TEXT && !hasControlCharacters(text))
    .default(""),
});

export const POST = (request: Request) =>
  guarded(async () => {
    const session = await (await getServing()).auth.readSession(request);
    if (!session) return refuse("no-session", "Sign in to report a film.");
    const limited = await rateLimited("report", request, session.address);
    if (limited) return limited;
    const parsed = Body.safeParse(await readJson(request, 8 * 1024));
    if (!parsed.success) {
      return refuse(
        "malformed",
        `Send JSON { filmId, reason, details } and nothing else: reason one of ${REPORT_REASONS.join(", ")}; details at most ${MAX_REPORT_TEXT} characters, no control characters.`,
      );
    }
    const { filmId, reason, details } = parsed.data;
    const outcome = await fileReport(session.address, filmId, reason, details);
    if (outcome === "unknown-film") return refuse("film-unknown", `There is no film #${filmId}.`);
    if (outcome === "already-open") {
      return refuse("already-reported", "You have already reported this film; a guardian will look at it.");
    }
    return Response.json({ filmId: filmId.toString(), reported: true }, { status: 201, headers: { "Cache-Control": "no-store" } });
  });
