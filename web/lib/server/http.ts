/**
 * Small helpers every route handler uses. Errors answer in the serving modules' shape
 * `{ error, message }`, with the status the serving layer's one table gives their code:
 * `refuse(code, message)` for a handler's own refusal, `errorResponse(error)` for a thrown one.
 */
import "server-only";
import { isAiFilmsError } from "@ai-films/core/errors";
import { errorResponse, jsonError, refuse } from "@ai-films/core/serving";

export { errorResponse, isAiFilmsError, jsonError, refuse };

/**
 * Runs a handler; whatever it throws answers by its code (chain down: 503 chain-unavailable), and
 * anything without one is a logged 500 that gives nothing away.
 */
export async function guarded(handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (error) {
    return errorResponse(error);
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
