import { expect } from "chai";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { markWebBuild, webBuildFingerprint, webBuildIsCurrent } from "@ai-films/core/platform";

describe("platform: when the web build can be reused", () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "ai-films-webbuild-"));
    await mkdir(path.join(root, "web/app"), { recursive: true });
    await mkdir(path.join(root, "core/src/domain"), { recursive: true });
    await writeFile(path.join(root, "web/app/page.tsx"), "export default function Page() { return null; }\n");
    await writeFile(path.join(root, "core/src/domain/ids.ts"), "export const x = 1;\n");
    await writeFile(path.join(root, "package-lock.json"), "{}\n");
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("changes with any source the build reads, the lockfile, and the inlined NEXT_PUBLIC_ variables", async () => {
    const base = await webBuildFingerprint(root, { NODE_ENV: "production" });
    expect(await webBuildFingerprint(root, { NODE_ENV: "production" })).to.equal(base);

    await writeFile(path.join(root, "core/src/domain/ids.ts"), "export const x = 2;\n");
    const afterCore = await webBuildFingerprint(root, { NODE_ENV: "production" });
    expect(afterCore).to.not.equal(base);

    await writeFile(path.join(root, "web/app/new.css"), "body{}\n");
    const afterWeb = await webBuildFingerprint(root, { NODE_ENV: "production" });
    expect(afterWeb).to.not.equal(afterCore);

    await writeFile(path.join(root, "package-lock.json"), '{"v":2}\n');
    const afterLock = await webBuildFingerprint(root, { NODE_ENV: "production" });
    expect(afterLock).to.not.equal(afterWeb);

    expect(await webBuildFingerprint(root, { NODE_ENV: "production", NEXT_PUBLIC_CHAIN_ID: "8453" })).to.not.equal(afterLock);
  });

  it("does not change with what reaches the app at run time, nor with earlier builds and dependencies", async () => {
    const base = await webBuildFingerprint(root, { NODE_ENV: "production", PUBLIC_RPC_URL: "http://127.0.0.1:8545", PORT: "3000" });
    await mkdir(path.join(root, "web/.next-test/server"), { recursive: true });
    await writeFile(path.join(root, "web/.next-test/server/page.js"), "built\n");
    await mkdir(path.join(root, "web/node_modules/x"), { recursive: true });
    await writeFile(path.join(root, "web/node_modules/x/index.js"), "dep\n");
    await writeFile(path.join(root, "web/next-env.d.ts"), "/// <reference types='next' />\n");
    expect(await webBuildFingerprint(root, { NODE_ENV: "production", PUBLIC_RPC_URL: "http://127.0.0.1:9545", PORT: "3210" })).to.equal(
      base,
    );
  });

  it("takes a build as current only once it finished with the same fingerprint", async () => {
    const dist = path.join(root, "web/.next-test");
    const fingerprint = await webBuildFingerprint(root, {});
    expect(await webBuildIsCurrent(dist, fingerprint)).to.equal(false);
    await mkdir(dist, { recursive: true });
    await markWebBuild(dist, fingerprint);
    expect(await webBuildIsCurrent(dist, fingerprint), "no BUILD_ID: a build killed halfway").to.equal(false);
    await writeFile(path.join(dist, "BUILD_ID"), "abc");
    expect(await webBuildIsCurrent(dist, fingerprint)).to.equal(true);
    expect(await webBuildIsCurrent(dist, "0".repeat(64))).to.equal(false);
    await writeFile(path.join(dist, "ai-films-build.json"), "not json");
    expect(await webBuildIsCurrent(dist, fingerprint)).to.equal(false);
  });
});
