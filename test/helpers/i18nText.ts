/**
 * Finds English left in the web app's markup: JSX text with letters, and string literals given to
 * the attributes people read or hear (aria-label, title, placeholder, alt, label). Everything a
 * viewer sees should come from the message catalogues (web/messages), so a hit is a string to move.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

const SPOKEN_ATTRIBUTES = new Set(["aria-label", "aria-description", "aria-valuetext", "title", "placeholder", "alt", "label"]);

export interface HardcodedText {
  file: string;
  line: number;
  text: string;
}

/** Text that is only punctuation, symbols or a brand/format token does not need translating. */
function isWords(text: string): boolean {
  return /\p{L}{2,}/u.test(text);
}

export function hardcodedTextIn(file: string, source: string, allowed: ReadonlySet<string> = new Set()): HardcodedText[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const hits: HardcodedText[] = [];
  const add = (node: ts.Node, text: string) => {
    const trimmed = text.replace(/\s+/g, " ").trim();
    if (!isWords(trimmed) || allowed.has(trimmed)) return;
    hits.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: trimmed });
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node)) add(node, node.text);
    if (ts.isJsxAttribute(node) && SPOKEN_ATTRIBUTES.has(node.name.getText()) && node.initializer) {
      const init = node.initializer;
      if (ts.isStringLiteral(init)) add(init, init.text);
      if (
        ts.isJsxExpression(init) &&
        init.expression &&
        (ts.isStringLiteral(init.expression) || ts.isNoSubstitutionTemplateLiteral(init.expression))
      ) {
        add(init, init.expression.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return hits;
}

function tsxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" || entry.name.startsWith(".") ? [] : tsxFiles(path);
    return entry.name.endsWith(".tsx") ? [path] : [];
  });
}

/** Every hit under web/app and web/components. */
export function hardcodedTextInWeb(webDir: string, allowed: ReadonlySet<string> = new Set()): HardcodedText[] {
  return ["app", "components"].flatMap((sub) =>
    tsxFiles(join(webDir, sub)).flatMap((file) => hardcodedTextIn(relative(webDir, file), readFileSync(file, "utf8"), allowed)),
  );
}
