import { guarded } from "@/lib/server/http";
import { getServing } from "@/lib/server/services";

export const dynamic = "force-dynamic";

export const GET = () => guarded(async () => (await getServing()).auth.nonceResponse());
