/**
 * Resumable uploads (tus) for the creator studio: POST creates an upload, HEAD asks how much
 * arrived, PATCH sends the next bytes, DELETE abandons it. Signed-in creators only; the server
 * stamps the creator's address into the upload's metadata and only that address may touch it.
 * A declared size over MEDIA_MAX_UPLOAD_BYTES is refused with 413 before a byte is stored.
 */
import { formatBytes } from "@/lib/format";
import { guarded, jsonError, refuse } from "@/lib/server/http";
import { getServing, rateLimited } from "@/lib/server/services";
import { maxUploadBytes, uploadBytesInFlight, uploadOwner, uploadQuotaBytes, uploads } from "@/lib/server/studio";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const TUS_HEADERS = { "Tus-Resumable": "1.0.0" };

/** Upload-Metadata without any client-sent `owner`, plus the server's. */
function withOwner(header: string | null, owner: string): string {
  const pairs = (header ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p && p.split(" ")[0] !== "owner");
  pairs.push(`owner ${Buffer.from(owner.toLowerCase()).toString("base64")}`);
  return pairs.join(",");
}

async function handle(request: Request, params: Promise<{ id?: string[] }>): Promise<Response> {
  return guarded(async () => {
    const session = await (await getServing()).auth.readSession(request);
    if (!session) return refuse("no-session", "Sign in to upload films.");
    const limited = await rateLimited(request.method === "POST" ? "uploadCreate" : "uploadData", request, session.address);
    if (limited) return limited;
    const [id, ...rest] = (await params).id ?? [];
    if (rest.length > 0) return refuse("not-found", "No such upload.");

    if (request.method === "POST") {
      if (id !== undefined) return refuse("method-not-allowed", "Create uploads at /api/uploads.");
      const max = maxUploadBytes();
      const declared = Number(request.headers.get("upload-length"));
      if (Number.isFinite(declared) && declared > max) {
        return refuse("too-large", `The file is ${formatBytes(declared)}; the limit is ${formatBytes(max)}.`, { body: { maxBytes: max } });
      }
      // Disk in flight: a creator's unfinished uploads may not hold more than their quota.
      const quota = uploadQuotaBytes();
      const inFlight = await uploadBytesInFlight(session.address);
      const asking = Number.isFinite(declared) && declared > 0 ? declared : max; // a deferred length may grow to the limit
      if (inFlight + asking > quota) {
        return refuse(
          "upload-quota",
          `Your unfinished uploads hold ${formatBytes(inFlight)} of your ${formatBytes(quota)}: finish or abandon one first.`,
          { body: { inFlightBytes: inFlight, quotaBytes: quota } },
        );
      }
      const headers = new Headers(request.headers);
      headers.set("upload-metadata", withOwner(request.headers.get("upload-metadata"), session.address));
      const body = request.body;
      const forwarded = new Request(request.url, { method: "POST", headers, body, duplex: "half" } as RequestInit);
      return tidy(await uploads().handleWeb(forwarded));
    }

    if (id === undefined) return refuse("method-not-allowed", "Use POST to create an upload.");
    const owner = await uploadOwner(id);
    if (owner === null || owner !== session.address.toLowerCase()) {
      return refuse("not-found", "No such upload (it may have expired): start the upload again.");
    }
    return tidy(await uploads().handleWeb(request));
  });
}

/** tus answers errors in plain text; the studio reads JSON. */
async function tidy(response: Response): Promise<Response> {
  if (response.status < 400) return response;
  const text = (await response.text().catch(() => "")).trim();
  const reason = response.status === 413 ? "too-large" : response.status === 404 ? "not-found" : "upload-refused";
  const message =
    response.status === 413 ? `The file is larger than the limit of ${formatBytes(maxUploadBytes())}.` : text || "The upload was refused.";
  // tus decided the status (404, 409, 410, 413, 460…): relay it rather than look one up.
  return jsonError(response.status, reason, message, TUS_HEADERS);
}

type Ctx = { params: Promise<{ id?: string[] }> };
export const POST = (request: Request, { params }: Ctx) => handle(request, params);
export const PATCH = (request: Request, { params }: Ctx) => handle(request, params);
export const HEAD = (request: Request, { params }: Ctx) => handle(request, params);
export const DELETE = (request: Request, { params }: Ctx) => handle(request, params);
export const OPTIONS = (request: Request) => uploads().handleWeb(request);
