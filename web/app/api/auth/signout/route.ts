import { guarded } from "@/lib/server/http";
import { getServing } from "@/lib/server/services";

export const dynamic = "force-dynamic";

export const POST = (request: Request) => guarded(async () => (await getServing()).auth.signOut(request));
