// ESLint for the whole tree (flat config): typescript-eslint everywhere, Next's and React's rules
// (hooks included) for web/, import cycles refused everywhere, and the layering rule that keeps
// pages and components away from the libraries' internals. Formatting is Prettier's job
// (eslint-config-prettier turns off the rules that would fight it).
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import prettier from "eslint-config-prettier/flat";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import { importX } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

const scopeTo = (dir, configs) =>
  configs.map((config) => ({ ...config, files: config.files?.map((f) => `${dir}/${f}`) ?? [`${dir}/**/*.{ts,tsx,js,mjs}`] }));

export default defineConfig([
  globalIgnores([
    "**/node_modules/**",
    "artifacts/**",
    "cache/**",
    "coverage/**",
    "types/**",
    "test-artifacts/**",
    "ignition/deployments/**",
    "deployments/**",
    "web/.next*/**",
    "web/next-env.d.ts",
    ".data/**",
    // Generated from the compiled contracts (npm run abis).
    "core/src/chain/abis.ts",
  ]),
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: "readonly", process: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  // web/: Next's rules (React, hooks, Core Web Vitals) and its TypeScript flavour.
  ...scopeTo("web", nextVitals),
  ...scopeTo("web", nextTs),
  { files: ["web/**"], settings: { next: { rootDir: "web/" } } },
  // No import cycles anywhere.
  {
    files: ["**/*.{ts,tsx}"],
    plugins: { "import-x": importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      "import-x/resolver-next": [
        createTypeScriptImportResolver({ project: ["tsconfig.json", "web/tsconfig.json"], noWarnOnMultipleProjects: true }),
      ],
    },
    rules: { "import-x/no-cycle": ["error", { ignoreExternal: true }] },
  },
  // Pages, route handlers and components reach the libraries through web/lib/server; client code
  // may use only the dependency-free domain module, the generated ABIs and the permit domain
  // resolution (viem alone, browser-safe).
  {
    files: ["web/app/**", "web/components/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex:
                "^@ai-films/core(?!/domain$|/chain/abis$|/chain/permitDomain$|/chain/purchaseTypes$|/oracle/viewerProof$|/profiles/profile$)",
              message:
                "Go through web/lib/server (pages, routes) or @ai-films/core/domain, @ai-films/core/chain/abis, @ai-films/core/chain/permitDomain, @ai-films/core/chain/purchaseTypes, @ai-films/core/oracle/viewerProof and @ai-films/core/profiles/profile (client code).",
            },
          ],
        },
      ],
    },
  },
  prettier,
]);
