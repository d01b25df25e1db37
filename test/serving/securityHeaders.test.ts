// The security headers every page carries (core serving/securityHeaders.ts), through the web app's
// proxy (web/proxy.ts) as Next runs it: a CSP with a fresh nonce, also handed to Next on the
// request so its scripts carry it; no 'unsafe-inline' scripts; framing refused; HSTS only when set.
import { expect } from "chai";
import { pathToFileURL } from "node:url";
import {
  contentSecurityPolicy,
  securityHeaders,
  securityOptionsFromEnv,
  staticSecurityHeaders,
} from "@ai-films/core/serving/securityHeaders";

// Loaded by URL, so the root type check does not pull the web app (and Next's global types) in.
const web = (file: string) => import(pathToFileURL(new URL(`../../web/${file}`, import.meta.url).pathname).href);
const { config, proxy } = (await web("proxy.ts")) as {
  proxy(request: Request): Response;
  config: { matcher: { source: string }[] };
};
const nextConfig = (await web("next.config.ts")).default as {
  headers(): Promise<{ source: string; headers: { key: string; value: string }[] }[]>;
};

const directives = (csp: string) => new Map(csp.split(/;\s*/).map((d) => [d.split(" ")[0], d.split(" ").slice(1)] as const));

describe("serving: security headers", () => {
  it("gives every page a CSP with a fresh nonce, on the response and on the request Next renders", () => {
    const first = proxy(new Request("http://localhost:3000/films/1"));
    const second = proxy(new Request("http://localhost:3000/films/1"));
    const csp = first.headers.get("content-security-policy")!;
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce).to.be.a("string").with.length.greaterThan(20);
    expect(second.headers.get("content-security-policy")).not.to.include(nonce);
    // NextResponse.next({ request: { headers } }) hands Next the request headers it renders with.
    expect(first.headers.get("x-middleware-request-content-security-policy")).to.equal(csp);
    expect(first.headers.get("x-middleware-request-x-nonce")).to.equal(nonce);

    const d = directives(csp);
    expect(d.get("script-src")).to.include(`'nonce-${nonce}'`).and.include("'strict-dynamic'").and.not.include("'unsafe-inline'");
    expect(d.get("script-src")).not.to.include("'unsafe-eval'"); // only Next's dev server needs eval
    expect(d.get("frame-ancestors")).to.deep.equal(["'none'"]);
    expect(d.get("object-src")).to.deep.equal(["'none'"]);
    expect(d.get("media-src")).to.include("'self'").and.include("blob:").and.include("https://livepeercdn.studio");
    expect(d.get("connect-src")).to.include("'self'").and.include("https://livepeercdn.studio");
    expect(d.get("worker-src")).to.include("blob:");

    expect(first.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(first.headers.get("x-frame-options")).to.equal("DENY");
    expect(first.headers.get("referrer-policy")).to.equal("strict-origin-when-cross-origin");
    expect(first.headers.get("permissions-policy")).to.include("camera=()").and.include("microphone=()");
    expect(first.headers.get("strict-transport-security")).to.equal(null); // plain http by default
  });

  it("sends HSTS and upgrades insecure requests only when the site is served over HTTPS (HSTS=1)", () => {
    const https = securityHeaders({ nonce: "abc", ...securityOptionsFromEnv({ HSTS: "1" }) });
    expect(https["Strict-Transport-Security"]).to.match(/^max-age=\d{8}; includeSubDomains$/);
    expect(https["Content-Security-Policy"]).to.include("upgrade-insecure-requests");
    const http = securityHeaders({ nonce: "abc", ...securityOptionsFromEnv({}) });
    expect(http).not.to.have.property("Strict-Transport-Security");
    expect(http["Content-Security-Policy"]).not.to.include("upgrade-insecure-requests");
  });

  it("allows the public RPC's and the Livepeer playback base's origins, and eval only in development", () => {
    const options = securityOptionsFromEnv({
      NEXT_PUBLIC_RPC_URL: "https://rpc.example/v1/key",
      LIVEPEER_PLAYBACK_BASE: "https://cdn.example/hls",
      NODE_ENV: "development",
    });
    const d = directives(contentSecurityPolicy({ nonce: "n", ...options }));
    expect(d.get("connect-src")).to.include("https://rpc.example").and.include("https://cdn.example");
    expect(d.get("media-src")).to.include("https://cdn.example");
    expect(d.get("script-src")).to.include("'unsafe-eval'");
    // A relative RPC (our /api/rpc) adds nothing, and garbage is ignored rather than breaking the policy.
    expect(securityOptionsFromEnv({ NEXT_PUBLIC_RPC_URL: "/api/rpc" }).connectOrigins).to.deep.equal([]);
    expect(securityOptionsFromEnv({ NEXT_PUBLIC_RPC_URL: "javascript:alert(1)" }).connectOrigins).to.deep.equal([]);
    // The run-time setting (one build, any local chain port) wins over the build's.
    expect(
      securityOptionsFromEnv({ PUBLIC_RPC_URL: "http://127.0.0.1:8746", NEXT_PUBLIC_RPC_URL: "https://rpc.example/v1/key" }).connectOrigins,
    ).to.deep.equal(["http://127.0.0.1:8746"]);
  });

  it("runs the proxy on every page and nowhere else; next.config gives the rest the static headers", async () => {
    const source = new RegExp(`^${config.matcher[0].source}$`);
    for (const page of ["/", "/films/12", "/creators/0xabc", "/account", "/studio", "/payouts", "/no-such-page"]) {
      expect(source.test(page), page).to.equal(true);
    }
    for (const other of ["/api/heartbeat", "/ipfs/bafy/index.m3u8", "/_next/static/chunks/a.js", "/favicon.ico"]) {
      expect(source.test(other), other).to.equal(false);
    }
    const rules = await nextConfig.headers();
    expect(rules.map((r) => r.source)).to.deep.equal(["/api/:path*", "/ipfs/:path*", "/_next/:path*"]);
    for (const rule of rules) expect(Object.fromEntries(rule.headers.map((h) => [h.key, h.value]))).to.deep.equal(staticSecurityHeaders());
  });
});
