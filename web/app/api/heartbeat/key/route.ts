/**
 * POST /api/heartbeat/key { publicKey, expiresAt, signature } — at sign-in, the browser's player
 * session key (WebCrypto P-256, non-extractable) with the wallet's EIP-712 authorization of it
 * (`HeartbeatKey`, receipts/keyAuthorization.ts). The key then signs every heartbeat until it
 * expires (at most a day). The wallet is the SIWE session's, never a field of the body.
 */
import { z } from "zod";
import { authorizeViewerKey } from "@/lib/server/heartbeat";
import { guarded, readJson, refuse } from "@/lib/server/http";
import { getServing, rateLimited } from "@/lib/server/services";

export const dynamic = "force-dynamic";

const Body = z
  .object({
    publicKey: z.string().regex(/^0x04[0-9a-fA-F]{128}$/, "publicKey must be an uncompressed P-256 key (0x04…)"),
    expiresAt: z
      .number()
      .int()
      .min(0)
      .max(2 ** 40),
    signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "signature must be a 65-byte wallet signature"),
  })
  .strict();

export const POST = (request: Request) =>
  guarded(async () => {
    const serving = await getServing();
    const session = await serving.auth.readSession(request);
    if (!session) return refuse("no-session", "Sign in before authorizing a player key.");
    const limited = await rateLimited("heartbeatKey", request, session.address);
    if (limited) return limited;

    const parsed = Body.safeParse(await readJson(request));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join(".");
      return refuse(
        "malformed",
        `Send JSON { publicKey, expiresAt, signature }${field ? `: ${field} ${issue.message.toLowerCase()}` : ""}.`,
      );
    }
    // A refused authorization throws receipts.*: guarded answers its 4xx.
    const key = await authorizeViewerKey(session.address, parsed.data);
    return Response.json(key, { headers: { "Cache-Control": "no-store" } });
  });
