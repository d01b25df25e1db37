import { guarded } from "@/lib/server/http";
import { getServing } from "@/lib/server/services";

export const dynamic = "force-dynamic";

/** A single-use sign-in nonce; rate-limited per IP, and the stored nonces are capped (serving/rateLimits.ts). */
export const GET = (request: Request) => guarded(async () => (await getServing()).auth.nonceResponse(request));
