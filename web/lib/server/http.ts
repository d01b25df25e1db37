/** Small helpers every route handler uses: JSON errors in the serving modules' shape `{ error, message }`. */
import "server-only";
import { jsonError } from "@ai-films/core/serving";

export { jsonError };

/** Runs a handler; an unexpected failure (chain down, database closed) becomes a clean 503 JSON. */
export async function guarded(handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (error) {
    console.error("route failed:", error);
    return jsonError(503, "internal", "The server could not answer just now; try again shortly.");
  }
}

/** Reads a JSON body of at most `maxBytes`; null if it is not JSON or too large. */
export async function readJson(request: Request, maxBytes = 4096): Promise<unknown | null> {
  try {
    const text = await request.text();
    if (text.length > maxBytes) return null;
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A JSON error like jsonError's, for the studio's own reasons (too-large, not-media, invalid-metadata…). */
export function problem(status: number, error: string, message: string, extra: Record<string, unknown> = {}): Response {
  return new Response(JSON.stringify({ error, message, ...extra }), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" },
  });
}
