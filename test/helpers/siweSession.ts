/**
 * A SIWE session straight through the web app's API (nonce → EIP-4361 message → signature), for the
 * benchmarks: what the wallet button does, without a browser.
 */
import type { LocalAccount } from "viem";
import { createSiweMessage } from "viem/siwe";

/**
 * Signs `who` in at `baseUrl`; returns the session cookie as "name=value". `clientIp` is sent as
 * X-Forwarded-For, so a benchmark's many simulated visitors meet the per-IP rate limits as many
 * clients would, not as one.
 */
export async function sessionCookieFor(baseUrl: string, who: LocalAccount, clientIp?: string): Promise<string> {
  const base = new URL(baseUrl);
  const forwarded: Record<string, string> = clientIp ? { "X-Forwarded-For": clientIp } : {};
  const nonceRes = await fetch(new URL("/api/auth/nonce", base), { headers: forwarded });
  if (!nonceRes.ok) throw new Error(`GET /api/auth/nonce answered ${nonceRes.status}`);
  const { nonce } = (await nonceRes.json()) as { nonce: string };
  const now = new Date();
  const message = createSiweMessage({
    domain: base.host,
    address: who.address,
    statement: "Sign in to AI Films to watch the films you have access to.",
    uri: base.origin,
    version: "1",
    chainId: 31337,
    nonce,
    issuedAt: now,
    expirationTime: new Date(now.getTime() + 3_600_000),
  });
  const signature = await who.signMessage({ message });
  const res = await fetch(new URL("/api/auth/signin", base), {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: base.origin, ...forwarded },
    body: JSON.stringify({ message, signature }),
  });
  if (!res.ok) throw new Error(`POST /api/auth/signin answered ${res.status}: ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .find((c) => c.includes("=") && !c.endsWith("="));
  if (!cookie) throw new Error("the sign-in set no session cookie");
  return cookie;
}
