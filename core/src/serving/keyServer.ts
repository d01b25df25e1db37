/**
 * The HLS key server: `GET /api/keys/<keyId>` answers a film's AES-128 content key (16 raw bytes,
 * what an EXT-X-KEY URI must return) only to a signed-in wallet that may watch that film now,
 * read from the chain on every request. The player fetches it from our own origin, so the
 * SameSite=Lax session cookie goes along with no CORS involved.
 *
 *   401 no session · 400 malformed key id · 404 unknown key · 403 not entitled · 200 the key
 *
 * The order matters: without a session nothing is revealed, not even whether a key id exists.
 * Nothing is recorded: watching is counted by heartbeats, not by key fetches (players refetch
 * keys, and a fetch is not a view).
 */
import { authorizeFilm, type EntitlementChain } from "./entitlement.ts";
import { methodNotAllowed, refuse } from "./errors.ts";
import type { Session } from "./sessions.ts";

/**
 * What the key server needs from the media pipeline's key store (implemented there, injected
 * here): the key itself, decrypted from rest, and which film it unlocks.
 */
export interface ContentKeyStore {
  getKey(keyId: string): Promise<Uint8Array | null>;
  filmOfKey(keyId: string): Promise<bigint | null>;
}

export interface KeyServerDeps {
  readSession(request: Request): Promise<Session | null>;
  chain: EntitlementChain;
  keys: ContentKeyStore;
}

/**
 * Key ids name files on the key store's disk (`.data/keys/<keyId>.json`), so only a safe
 * alphabet gets through: no dots, no slashes, nothing to traverse with.
 */
const KEY_ID = /^[A-Za-z0-9_-]{1,128}$/;
const AES_128_KEY_BYTES = 16;

export function createKeyServer(deps: KeyServerDeps) {
  return {
    /**
     * `keyId` from the route's params when the framework has parsed them; otherwise taken from
     * the last segment of the request path.
     */
    async handle(request: Request, keyId?: string): Promise<Response> {
      if (request.method !== "GET") return methodNotAllowed(["GET"]);
      const session = await deps.readSession(request);
      if (!session) return refuse("no-session", "Sign in with your wallet to play this film.");

      const id = keyId ?? lastSegment(request);
      if (id === undefined || !KEY_ID.test(id)) return refuse("malformed", "Not a key id.");
      const filmId = await deps.keys.filmOfKey(id);
      if (filmId === null) return refuse("key-unknown", "No such key.");

      const gate = await authorizeFilm(request, { readSession: async () => session, chain: deps.chain }, filmId);
      if (!gate.ok) return gate.response;

      const key = await deps.keys.getKey(id);
      if (key === null) return refuse("key-unknown", "No such key.");
      if (key.byteLength !== AES_128_KEY_BYTES) {
        // A corrupt store must not hand the player garbage it would fail on obscurely.
        return refuse("key-damaged", "The content key is damaged on the server.");
      }
      return new Response(new Uint8Array(key), {
        status: 200,
        headers: {
          "Content-Type": "application/octet-stream",
          "Content-Length": String(AES_128_KEY_BYTES),
          // Per viewer and per moment (a pass expires): no shared cache, no browser cache.
          "Cache-Control": "private, no-store",
          Vary: "Cookie",
          "X-Content-Type-Options": "nosniff",
        },
      });
    },
  };
}

function lastSegment(request: Request): string | undefined {
  const segments = new URL(request.url).pathname.split("/").filter(Boolean);
  const last = segments.at(-1);
  if (last === undefined) return undefined;
  try {
    return decodeURIComponent(last);
  } catch {
    return undefined;
  }
}
