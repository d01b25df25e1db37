/** Small helpers every route handler uses: JSON errors in the serving modules' shape `{ error, message }`. */
import "server-only";
import { jsonError } from "../../../scripts/serving/index";

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
