import { guarded } from "@/lib/server/http";
import { getGateway } from "@/lib/server/services";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ cid: string; path?: string[] }> };

/** Read-only gateway for our own IPFS content (playlists, segments, posters, metadata). */
export const GET = (request: Request, { params }: Context) => guarded(async () => (await getGateway()).handle(request, await params));

export const HEAD = GET;
