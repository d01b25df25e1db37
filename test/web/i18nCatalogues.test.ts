/**
 * The message catalogues (web/messages/<locale>/<namespace>.json): every language has every key
 * English has and no other, every message is valid ICU with the same placeholders as English,
 * every error reason the API can send has a sentence, and the pages hold no English of their own.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { ERROR_REASONS } from "@ai-films/core/serving";
import { LOCALES, DEFAULT_LOCALE } from "../../web/i18n/locales.ts";
import { NAMESPACES } from "../../web/i18n/messages.ts";
import { hardcodedTextIn, hardcodedTextInWeb } from "../helpers/i18nText.ts";

const webDir = fileURLToPath(new URL("../../web/", import.meta.url));

function catalogue(locale: string, ns: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${webDir}messages/${locale}/${ns}.json`, "utf8"));
}

/** "a.b.c" → message, for every leaf. */
function flatten(tree: Record<string, unknown>, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else if (value && typeof value === "object") for (const [k, v] of flatten(value as Record<string, unknown>, path)) out.set(k, v);
    else throw new Error(`${path} is neither a message nor a group`);
  }
  return out;
}

/** The argument names a message uses (plural, select and tags included). */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (el.type === TYPE.literal || el.type === TYPE.pound) continue;
    into.add(el.value);
    if (el.type === TYPE.plural || el.type === TYPE.select) for (const option of Object.values(el.options)) argumentsOf(option.value, into);
    if (el.type === TYPE.tag) argumentsOf(el.children, into);
  }
  return into;
}

describe("message catalogues", () => {
  const others = LOCALES.filter((l) => l !== DEFAULT_LOCALE);

  for (const ns of NAMESPACES) {
    const reference = flatten(catalogue(DEFAULT_LOCALE, ns));

    it(`${ns}: every language has exactly English's keys`, () => {
      for (const locale of others) {
        const keys = [...flatten(catalogue(locale, ns)).keys()];
        const missing = [...reference.keys()].filter((k) => !keys.includes(k));
        const extra = keys.filter((k) => !reference.has(k));
        expect(missing, `${locale}/${ns}.json misses`).to.deep.equal([]);
        expect(extra, `${locale}/${ns}.json has keys English lacks`).to.deep.equal([]);
      }
    });

    it(`${ns}: every message is valid ICU with English's placeholders`, () => {
      for (const locale of LOCALES) {
        for (const [key, message] of flatten(catalogue(locale, ns))) {
          let args: Set<string>;
          try {
            args = argumentsOf(parse(message));
          } catch (error) {
            throw new Error(`${locale}/${ns}.json ${key}: not ICU (${(error as Error).message}): ${message}`);
          }
          const expected = argumentsOf(parse(reference.get(key) ?? ""));
          expect([...args].sort(), `${locale}/${ns}.json ${key}`).to.deep.equal([...expected].sort());
        }
      }
    });

    it(`${ns}: German and Spanish are translations, not English copies`, () => {
      for (const locale of others) {
        const copies = [...flatten(catalogue(locale, ns))].filter(
          ([key, message]) => message === reference.get(key) && message.trim().split(/\s+/).length > 2,
        );
        expect(
          copies.map(([k]) => k),
          `${locale}/${ns}.json repeats English`,
        ).to.deep.equal([]);
      }
    });
  }

  it("every reason the API can answer has a sentence (and one for an unknown reason)", () => {
    const errors = flatten(catalogue(DEFAULT_LOCALE, "errors"));
    expect(ERROR_REASONS.filter((reason) => !errors.has(reason))).to.deep.equal([]);
    expect(errors.has("unknown")).to.equal(true);
    expect([...errors.keys()].filter((k) => k !== "unknown" && !(ERROR_REASONS as readonly string[]).includes(k))).to.deep.equal([]);
  });

  it("the finder of hard-coded text sees JSX text and spoken attributes, not code", () => {
    const hits = hardcodedTextIn(
      "x.tsx",
      `export const A = () => <p title="Hello there" data-testid="not-read" className="big">Buy a view {n} <b>·</b> {t("k")}</p>;`,
    );
    expect(hits.map((h) => h.text)).to.deep.equal(["Hello there", "Buy a view"]);
  });

  it("the pages hold no English of their own: all their text comes from the catalogues", () => {
    const hits = hardcodedTextInWeb(webDir);
    expect(hits.map((h) => `${h.file}:${h.line} ${h.text}`)).to.deep.equal([]);
  });
});
