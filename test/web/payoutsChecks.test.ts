/**
 * The payouts page says each of `oracle verify`'s checks in the reader's language by looking its
 * English name up (web/app/payouts/verifyChecks.ts). A check the verifier gains or renames would
 * silently show in English: this reads the verifier's source for every check name and fails if
 * one has no key, or a key has no message.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { CHECK_KEY, checkKey } from "../../web/app/payouts/verifyChecks.ts";

const verifySource = readFileSync(fileURLToPath(new URL("../../core/src/oracle/verify.ts", import.meta.url)), "utf8");
const catalogue = JSON.parse(readFileSync(fileURLToPath(new URL("../../web/messages/en/payouts.json", import.meta.url)), "utf8"));

/** Every `check("name", …)` call's name, wherever the call breaks its lines. */
function checkNames(source: string): string[] {
  return [...new Set([...source.matchAll(/\bcheck\(\s*"([^"]+)"/g)].map((m) => m[1]))];
}

const message = (key: string) =>
  key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], catalogue);

describe("payouts page: oracle verify's check names", () => {
  it("finds the verifier's checks in its source (the reader works)", () => {
    const names = checkNames(verifySource);
    expect(names).to.include.members(["tally status", "root", "signers registered now"]);
    expect(names.length).to.be.greaterThan(10);
  });

  it("has a catalogue key for every check the verifier makes", () => {
    expect(checkNames(verifySource).filter((name) => checkKey(name) === null)).to.deep.equal([]);
  });

  it("every key has an English message", () => {
    expect(Object.values(CHECK_KEY).filter((key) => typeof message(key) !== "string")).to.deep.equal([]);
  });

  it("an unknown name, or one of Object's own, has no key (the page shows the name as is)", () => {
    expect(checkKey("a check added tomorrow")).to.equal(null);
    expect(checkKey("constructor")).to.equal(null);
    expect(checkKey("toString")).to.equal(null);
  });
});
