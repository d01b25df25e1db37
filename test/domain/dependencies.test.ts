// The domain module is imported by client components (web/components, "use client"), so it may
// import nothing but its own files: no npm package, no `node:` module.
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const DOMAIN = fileURLToPath(new URL("../../core/src/domain/", import.meta.url));

describe("domain: dependency-free", () => {
  const files = readdirSync(DOMAIN).filter((f) => f.endsWith(".ts"));

  it("has one file per concern and an index", () => {
    expect(files).to.include.members(["index.ts", "ids.ts", "addresses.ts", "periods.ts", "chainTime.ts", "payouts.ts", "jobStages.ts"]);
  });

  for (const file of files) {
    it(`${file} imports only sibling domain files`, () => {
      const source = readFileSync(DOMAIN + file, "utf8");
      // `from "x"`, a bare `import "x"` and a dynamic `import("x")`.
      const specifiers = [...source.matchAll(/\b(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]);
      for (const specifier of specifiers) expect(specifier, `${file} imports ${specifier}`).to.match(/^\.\/[A-Za-z]+\.ts$/);
      expect(source, `${file} reads a Node global`).not.to.match(/\b(process|Buffer|require)\b/);
    });
  }
});
