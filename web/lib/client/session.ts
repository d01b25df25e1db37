/**
 * The SIWE session as the browser sees it: a tiny store (no wallet code) shared by the header,
 * the player and the purchase panel. The cookie itself is httpOnly; this only mirrors
 * GET /api/auth/session and is refreshed after sign-in, sign-out and any 401. Why a session ended
 * is kept as a code the header says in the page's language ("wallet.session.<reason>").
 */

import { useSyncExternalStore } from "react";

/** Why the browser has no session, when it is worth saying: the server did not answer, or the session expired. */
export type SignedOutReason = "unreachable" | "expired";

export type SessionState =
  | { status: "loading" }
  | { status: "signed-out"; reason?: SignedOutReason }
  | { status: "signed-in"; address: string; chainId: number; expiresAt: number };

let state: SessionState = { status: "loading" };
const listeners = new Set<() => void>();
let inflight: Promise<SessionState> | null = null;

function set(next: SessionState) {
  state = next;
  for (const l of listeners) l();
}

export function refreshSession(): Promise<SessionState> {
  inflight ??= (async () => {
    try {
      const res = await fetch("/api/auth/session", { cache: "no-store", credentials: "same-origin" });
      if (res.ok) {
        const body = (await res.json()) as { address: string; chainId: number; expiresAt: number };
        set({ status: "signed-in", ...body });
      } else {
        // Drain the refusal's body: an unread body keeps the request open in the browser (and the
        // page never reaches network idle).
        await res.text().catch(() => undefined);
        set({ status: "signed-out" });
      }
    } catch {
      set({ status: "signed-out", reason: "unreachable" });
    } finally {
      inflight = null;
    }
    return state;
  })();
  return inflight;
}

/** Something answered 401: the session is gone (expired or signed out elsewhere). */
export function sessionExpired(): void {
  if (state.status === "signed-in") set({ status: "signed-out", reason: "expired" });
}

export function setSignedIn(session: { address: string; chainId: number; expiresAt: number }): void {
  set({ status: "signed-in", ...session });
}

export async function signOut(): Promise<void> {
  await fetch("/api/auth/signout", { method: "POST", credentials: "same-origin" }).catch(() => undefined);
  set({ status: "signed-out" });
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (state.status === "loading" && !inflight) void refreshSession();
  return () => listeners.delete(listener);
}

const serverSnapshot: SessionState = { status: "loading" };

export function useSession(): SessionState {
  return useSyncExternalStore(
    subscribe,
    () => state,
    () => serverSnapshot,
  );
}
