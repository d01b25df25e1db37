/**
 * Next's proxy (the file convention that replaced middleware.ts in Next 16): runs before every
 * page and gives it its security headers (core serving/securityHeaders.ts). The Content-Security-
 * Policy carries a fresh nonce; set on the REQUEST as well, it is how Next finds the nonce to put
 * on its own scripts while rendering (which is why every page renders dynamically: the root
 * layout says so). API routes, the IPFS gateway and static files get the static headers from
 * next.config.ts instead: they are not HTML, and uploads stream through untouched.
 */
import { NextResponse, type NextRequest } from "next/server";
import { securityHeaders, securityOptionsFromEnv } from "@ai-films/core/serving/securityHeaders";

const options = securityOptionsFromEnv();

export function proxy(request: NextRequest): NextResponse {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const headers = securityHeaders({ nonce, ...options });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"]);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: [
    {
      // Pages only: not the API, the gateway, Next's static files and images, nor link prefetches
      // (a prefetched page is rendered again, with its own nonce, when it is shown).
      source: "/((?!api/|ipfs/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
