import { expect } from "chai";
import { CID } from "multiformats/cid";
import { normalisePath } from "@ai-films/core/ipfs/cid";
import { IpfsError, isValidCid, parseCid } from "@ai-films/core/ipfs";

describe("ipfs: CID and path validation", () => {
  it("accepts CIDv0 and CIDv1 in the usual bases", () => {
    const v0 = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn";
    const v1 = CID.parse(v0).toV1();
    expect(isValidCid(v0)).to.equal(true);
    expect(isValidCid(v1.toString())).to.equal(true); // base32 "bafy…"
    expect(isValidCid("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")).to.equal(true);
    expect(parseCid(v1.toString()).equals(v1)).to.equal(true);
  });

  it("refuses garbage, so the gateway can answer 400", () => {
    const bad: unknown[] = [
      "",
      " ",
      "hello",
      "bafy",
      "Qm",
      "/ipfs/bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
      " bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
      "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyk", // truncated
      "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku/file",
      "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3N0", // "0" is not base58
      "b" + "a".repeat(1_000),
      null,
      undefined,
      42,
      {},
    ];
    for (const value of bad) {
      expect(isValidCid(value), JSON.stringify(value)).to.equal(false);
    }
    expect(() => parseCid("not-a-cid"))
      .to.throw(IpfsError, /Not a valid CID/)
      .with.property("code", "INVALID_INPUT");
  });

  it("normalises paths inside a DAG and refuses . and ..", () => {
    expect(normalisePath(undefined)).to.equal(undefined);
    expect(normalisePath("")).to.equal(undefined);
    expect(normalisePath("/")).to.equal(undefined);
    expect(normalisePath("/a//b c/ü.ts/")).to.equal("a/b c/ü.ts");
    for (const bad of ["..", "a/../b", "./a", "a/.", "a\0b"]) {
      expect(() => normalisePath(bad), bad)
        .to.throw(IpfsError)
        .with.property("code", "INVALID_INPUT");
    }
  });
});
