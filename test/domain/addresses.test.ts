import { expect } from "chai";
import { isAddressFormat, normaliseAddress } from "@ai-films/core/domain";

describe("domain: the address format", () => {
  const lower = `0x${"ab".repeat(20)}`;
  const mixed = "0xAbCdEf0123456789aBcDeF0123456789ABCDEF01";

  it("accepts 0x and 40 hex digits in any case, without checking an EIP-55 checksum", () => {
    expect(isAddressFormat(lower)).to.equal(true);
    expect(isAddressFormat(mixed)).to.equal(true);
    expect(isAddressFormat(lower.toUpperCase().replace("0X", "0x"))).to.equal(true);
  });

  it("refuses anything else", () => {
    for (const bad of [
      `0x${"a".repeat(39)}`,
      `0x${"a".repeat(41)}`,
      `0X${"a".repeat(40)}`,
      "a".repeat(42),
      `0x${"g".repeat(40)}`,
      ` ${lower}`,
      42,
      null,
    ]) {
      expect(isAddressFormat(bad), String(bad)).to.equal(false);
      expect(normaliseAddress(bad)).to.equal(null);
    }
  });

  it("normalises to lowercase, the one spelling the ledger and the indexer store", () => {
    expect(normaliseAddress(mixed)).to.equal(mixed.toLowerCase());
    expect(normaliseAddress(lower)).to.equal(lower);
  });
});
