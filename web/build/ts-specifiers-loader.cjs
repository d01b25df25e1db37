// Turbopack loader for the repository's own TypeScript modules outside web/ (scripts/**).
// Those modules are written for Node's ESM resolution: they import "./x.js" and the file on disk
// is x.ts. Webpack maps that with resolve.extensionAlias; Turbopack has no equivalent yet
// (vercel/next.js#82945), so this rewrites a relative ".js" specifier to ".ts" when, and only
// when, the .ts file exists beside the importer. Nothing else in the source changes.
const { existsSync } = require("node:fs");
const { dirname, resolve } = require("node:path");

const RELATIVE_JS = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"'\n]+?)\.js\2/g;

// `new URL("../../.data/x", import.meta.url)` names a directory at run time; Turbopack would
// take it for an asset to bundle and hand back its own URL object. Hiding the pattern keeps it a
// plain run-time URL computation.
const URL_FROM_META = /new URL\(([^()]+?),\s*import\.meta\.url\s*\)/g;

module.exports = function tsSpecifiers(source) {
  const dir = dirname(this.resourcePath);
  return source
    .replace(RELATIVE_JS, (match, lead, quote, stem) =>
      existsSync(resolve(dir, `${stem}.ts`)) ? `${lead}${quote}${stem}.ts${quote}` : match,
    )
    .replace(URL_FROM_META, (_match, target) => `new URL(${target}, String(import.meta.url))`);
};
