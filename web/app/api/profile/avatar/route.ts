/**
 * POST an avatar image (the raw bytes, Content-Type image/png, image/jpeg, image/webp or image/gif;
 * the bytes themselves are checked) into this platform's IPFS store → `{ cid }`, for a profile to
 * name. A signed-in wallet only (it costs storage). 413 too-large past the profile limit, 400
 * invalid-avatar for anything that is not such an image.
 */
import { PROFILE_LIMITS } from "@ai-films/core/profiles/profile";
import { guarded, refuse } from "@/lib/server/http";
import { avatarRefused, uploadAvatar } from "@/lib/server/community";
import { getServing, rateLimited } from "@/lib/server/services";

export const dynamic = "force-dynamic";

const TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"];

async function readBytes(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > maxBytes) return null;
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

export const POST = (request: Request) =>
  guarded(async () => {
    const session = await (await getServing()).auth.readSession(request);
    if (!session) return refuse("no-session", "Sign in to upload an avatar.");
    const limited = await rateLimited("avatarUpload", request, session.address);
    if (limited) return limited;
    const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
    if (!TYPES.includes(type)) return avatarRefused("Send the image itself as image/png, image/jpeg, image/webp or image/gif.");
    const bytes = await readBytes(request, PROFILE_LIMITS.avatarMaxBytes);
    if (bytes === null) return refuse("too-large", `The avatar is larger than ${PROFILE_LIMITS.avatarMaxBytes / 1024} KiB.`);
    return Response.json({ cid: await uploadAvatar(bytes) }, { headers: { "Cache-Control": "no-store" } });
  });
