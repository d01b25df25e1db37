/** The signed-in wallet of the current request, for server components and route handlers. */
import "server-only";
import { cookies } from "next/headers";
import type { Session } from "@ai-films/core/serving";
import { getServing } from "./services";

/** The session behind this page request, or null (none, expired, signed out, chain down). */
export async function currentSession(): Promise<Session | null> {
  const jar = await cookies();
  const header = jar
    .getAll()
    .map((c) => `${c.name}=${c.value}`)
    .join("; ");
  if (!header) return null;
  try {
    const serving = await getServing();
    const session = await serving.auth.readSession(new Request("http://session.local/", { headers: { cookie: header } }));
    return session;
  } catch {
    return null;
  }
}
