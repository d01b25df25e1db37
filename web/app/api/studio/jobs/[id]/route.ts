/**
 * GET /api/studio/jobs/<id> — the ingest job's status for its creator: state, stage, percent per
 * stage, the error (code and one sentence) or the result the mint needs (metadata URI, duration).
 * Jobs are kept in the database: after a restart a job reads as resumed (running again) or failed
 * with code INTERRUPTED, never as unknown.
 */
import { guarded, refuse } from "@/lib/server/http";
import { getServing, rateLimited } from "@/lib/server/services";
import { INPUT_ERROR_CODES, jobFor } from "@/lib/server/studio";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = (request: Request, { params }: { params: Promise<{ id: string }> }) =>
  guarded(async () => {
    const session = await (await getServing()).auth.readSession(request);
    if (!session) return refuse("no-session", "Sign in to follow your uploads.");
    const limited = await rateLimited("studioJobStatus", request, session.address);
    if (limited) return limited;
    const id = (await params).id;
    const found = /^[0-9a-f]{32}$/.test(id) ? await jobFor(session.address, id) : null;
    if (!found) return refuse("not-found", "No such job.");
    const { status, job } = found;
    const result = status.result as { metadataUri?: string; durationSeconds?: number; metadataCid?: string; hlsCid?: string } | undefined;
    return Response.json(
      {
        id: status.id,
        state: status.state,
        stage: status.stage,
        percent: status.percent,
        detail: status.detail,
        stages: status.stages,
        error: status.error ? { ...status.error, retryable: !INPUT_ERROR_CODES.has(status.error.code) } : undefined,
        uploadId: job.uploadId,
        price: job.price,
        title: job.title,
        result: result
          ? {
              metadataUri: result.metadataUri,
              metadataCid: result.metadataCid,
              hlsCid: result.hlsCid,
              durationSeconds: result.durationSeconds,
            }
          : undefined,
      },
      { headers: { "Cache-Control": "no-store" } },
    );
  });
