import { guarded } from "@/lib/server/http";
import { getServing } from "@/lib/server/services";

export const dynamic = "force-dynamic";

/** The HLS content key, for a signed-in wallet the chain says may watch the film now. */
export const GET = (request: Request, { params }: { params: Promise<{ keyId: string }> }) =>
  guarded(async () => (await getServing()).keyServer.handle(request, (await params).keyId));
