/**
 * POST /api/heartbeat { filmId, sessionId, positionSeconds, seq, publicKey, signature } — the
 * player, every 10 s while playing. Each beat is signed by the player's session key (authorized by
 * the wallet at sign-in, POST /api/heartbeat/key); a refused receipt answers 4xx receipt-* and adds
 * nothing.
 *
 * The path of a view: player → this route → ledger (recordHeartbeat) → oracle tally. The viewer
 * is the SIWE session's wallet, never a field of the body; the entitlement is the chain's
 * `accessOf` (cached a few seconds); the time is the server's, aligned with the chain (see
 * chainTime.ts); the film's duration is the listing's, from the indexer (its length only, not the film page's sums).
 */
import { z } from "zod";
import { toFilmId } from "@ai-films/core/domain";
import { cachedAccessOf, type Access } from "@/lib/server/access";
import { filmDurationSeconds } from "@/lib/server/catalog";
import { recordViewerBeat } from "@/lib/server/heartbeat";
import { guarded, readJson, refuse } from "@/lib/server/http";
import { getServing, rateLimited } from "@/lib/server/services";

export const dynamic = "force-dynamic";

const Body = z
  .object({
    filmId: z
      .string()
      .transform((text) => toFilmId(text))
      .refine((id): id is bigint => id !== null, "filmId must be a positive integer"),
    sessionId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "sessionId must be 1–128 URL-safe characters"),
    positionSeconds: z
      .number()
      .finite()
      .min(0)
      .max(7 * 24 * 3600)
      .optional(),
    seq: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
    publicKey: z.string().regex(/^0x04[0-9a-fA-F]{128}$/, "publicKey must be an uncompressed P-256 key (0x04…)"),
    signature: z.string().regex(/^0x[0-9a-fA-F]{128}$/, "signature must be 64 bytes of hex"),
  })
  .strict();

export const POST = (request: Request) =>
  guarded(async () => {
    const serving = await getServing();
    const session = await serving.auth.readSession(request);
    if (!session) return refuse("no-session", "Your session has expired: sign in again to keep watching.");
    const limited = await rateLimited("heartbeat", request, session.address);
    if (limited) return limited;

    const parsed = Body.safeParse(await readJson(request));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join(".");
      return refuse(
        "malformed",
        `Send JSON { filmId, sessionId, positionSeconds, seq, publicKey, signature }${field ? `: ${field} ${issue.message.toLowerCase()}` : ""}.`,
      );
    }
    const filmId = parsed.data.filmId;
    const duration = await filmDurationSeconds(filmId);
    if (duration === null) return refuse("film-unknown", `There is no film #${filmId}.`);

    let access: Access;
    try {
      access = await cachedAccessOf(session.address, filmId);
    } catch {
      return refuse("chain-unavailable", "Could not check your access on the chain; try again shortly.");
    }
    if (access === "none") {
      return refuse("not-entitled", "This wallet may not watch this film now: buy a view or subscribe.");
    }

    // The ledger's own checks throw ledger.INVALID_INPUT: guarded answers it 400 malformed.
    const result = await recordViewerBeat({
      viewer: session.address,
      filmId,
      sessionId: parsed.data.sessionId,
      positionSeconds: parsed.data.positionSeconds,
      access,
      filmDurationSeconds: Math.max(1, Math.round(duration)),
      seq: parsed.data.seq,
      publicKey: parsed.data.publicKey,
      signature: parsed.data.signature,
    });
    return Response.json({ ...result, access }, { headers: { "Cache-Control": "no-store" } });
  });
