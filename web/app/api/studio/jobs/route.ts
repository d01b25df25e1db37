/**
 * POST /api/studio/jobs — start the media pipeline on a finished upload for the signed-in creator:
 * `{ uploadId, title, description?, genre?, aiTools?, ageRating?, price, captions?, audio? }` (price in token
 * units, a decimal string; captions and audio: `[{ uploadId, language, label? }]`, files uploaded
 * like the film). 202 `{ jobId }`; 400 with `{ error, message }` for bad text or a bad track
 * (code INVALID_CAPTIONS / INVALID_AUDIO_TRACK), 404 for an unknown upload, 409 for an unfinished one.
 */
import { z } from "zod";
import { AGE_RATINGS } from "@ai-films/core/domain";
import { errorResponse, guarded, isAiFilmsError, readJson, refuse } from "@/lib/server/http";
import { getServing, rateLimited } from "@/lib/server/services";
import { startJob } from "@/lib/server/studio";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const Track = z.strictObject({
  uploadId: z.string().regex(/^[0-9a-f]{32}$/),
  language: z.string().max(40),
  label: z.string().max(200).optional(),
});

const Body = z.object({
  uploadId: z.string().regex(/^[0-9a-f]{32}$/),
  title: z.string().max(1000),
  description: z.string().max(20_000).default(""),
  genre: z.string().max(1000).default(""),
  aiTools: z.array(z.string().max(1000)).max(50).default([]),
  ageRating: z.enum(AGE_RATINGS).optional(),
  price: z.string().regex(/^[0-9]{1,27}$/),
  captions: z.array(Track).max(16).default([]),
  audio: z.array(Track).max(8).default([]),
});

export const POST = (request: Request) =>
  guarded(async () => {
    const session = await (await getServing()).auth.readSession(request);
    if (!session) return refuse("no-session", "Sign in to publish films.");
    const limited = await rateLimited("studioJob", request, session.address);
    if (limited) return limited;
    const parsed = Body.safeParse(await readJson(request, 64_000));
    if (!parsed.success) return refuse("malformed", "Send the upload id, the listing's text and a price.");
    const { uploadId, price, captions, audio, ...text } = parsed.data;
    if (BigInt(price) >= 2n ** 88n) return refuse("malformed", "That price is too high.");
    try {
      const jobId = await startJob(session.address, { uploadId, price: BigInt(price), ...text, tracks: { captions, audio } });
      return Response.json({ jobId }, { status: 202, headers: { "Cache-Control": "no-store" } });
    } catch (error) {
      // The studio reads the media code (TRUNCATED, INVALID_METADATA…) to offer the right retry.
      return errorResponse(error, isAiFilmsError(error, "media") ? { body: { code: error.code } } : {});
    }
  });
