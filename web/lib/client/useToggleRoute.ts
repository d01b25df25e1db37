/**
 * An on/off toggle kept on the server (follow a creator, keep a film on the watchlist): the
 * button's state, a busy flag while the request runs, and the error to show in the viewer's
 * language. The route takes a POST whose body says the wanted state; the state flips only once the
 * server agreed. A 401 becomes the component's sign-in hint, an API reason its sentence from the
 * "errors" catalogue, anything else the component's "failed" message.
 */
import { useRouter } from "next/navigation";
import { useState } from "react";
import { reasonOf, useApiErrors } from "@/i18n/apiErrors";

export interface ToggleRouteOptions {
  /** The API route, e.g. "/api/follows". */
  route: string;
  /** The request's JSON body asking for the state `on`. */
  body: (on: boolean) => Record<string, unknown>;
  initiallyOn: boolean;
  /** The component's own sentences: when signed out, and when the failure has no API reason. */
  messages: { signIn: string; failed: string };
  /** Names the toggle in the console's warning about a refusal. */
  what: string;
  /** Re-render the server components after a change (for counts and lists the page shows). */
  refresh?: boolean;
}

export function useToggleRoute({ route, body, initiallyOn, messages, what, refresh = false }: ToggleRouteOptions) {
  const router = useRouter();
  const apiError = useApiErrors();
  const [on, setOn] = useState(initiallyOn);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function toggle() {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(route, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify(body(!on)),
      });
      if (res.ok) {
        setOn(!on);
        if (refresh) router.refresh();
      } else {
        const reply: unknown = await res.json().catch(() => null);
        if (reply) console.warn(`${what} refused:`, reply); // the server's English message, for whoever debugs
        setError(res.status === 401 ? messages.signIn : reasonOf(reply) ? apiError(reply) : messages.failed);
      }
    } catch {
      setError(messages.failed);
    } finally {
      setBusy(false);
    }
  }

  return { on, busy, error, toggle };
}
