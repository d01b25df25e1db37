// The receipts archive is readable only by the operators it is sealed to (issue 13, point 4): each
// opens it with its own signing key; anyone else, and any altered byte, gets a refusal.
import { expect } from "chai";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import {
  OracleError,
  decodeArchive,
  encodeArchive,
  RECEIPTS_ARCHIVE_FORMAT,
  seal,
  sealedRecipients,
  unseal,
  type ReceiptsArchive,
} from "@ai-films/core/oracle";

const VIEWER = "0x00000000000000000000000000000000000a11ce";

const archive: ReceiptsArchive = {
  format: RECEIPTS_ARCHIVE_FORMAT,
  chainId: 31337,
  market: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  throughPeriod: 0,
  keys: [
    {
      publicKey: `0x04${"11".repeat(64)}`,
      viewer: VIEWER,
      chainId: 31337,
      expiresAt: 2000,
      authorizedAt: 1000,
      walletSignature: `0x${"22".repeat(65)}`,
    },
  ],
  beats: [
    {
      viewer: VIEWER,
      filmId: "7",
      sessionId: "s",
      seq: 0,
      positionSeconds: null,
      key: 0,
      signature: `0x${"33".repeat(64)}`,
      at: 1100,
      entitlement: "subscription",
    },
  ],
};

describe("Sealed receipts archive", () => {
  const keys = [generatePrivateKey(), generatePrivateKey(), generatePrivateKey()];
  const operators = keys.map((k) => privateKeyToAccount(k));
  const plain = encodeArchive(archive);
  const sealed = seal(
    plain,
    operators.map((o) => o.publicKey),
  );

  it("opens for every operator it is sealed to, and names them", () => {
    for (const key of keys) expect(decodeArchive(unseal(sealed, key))).to.deep.equal(archive);
    expect(sealedRecipients(sealed)).to.deep.equal(operators.map((o) => o.address.toLowerCase()));
  });

  it("shows no wallet and no film in the public bytes", () => {
    const text = Buffer.from(sealed).toString("latin1").toLowerCase();
    expect(text).not.to.include(VIEWER.slice(2));
    expect(Buffer.from(sealed).includes(Buffer.from(plain.subarray(0, 16)))).to.equal(false);
    expect(seal(plain, [operators[0].publicKey])).not.to.deep.equal(seal(plain, [operators[0].publicKey])); // fresh keys every time
  });

  it("refuses anyone else's key, with what to do", () => {
    expect(() => unseal(sealed, generatePrivateKey())).to.throw(
      OracleError,
      /is not sealed to 0x[0-9a-fA-F]{40}: ask the platform to add your public key/,
    );
  });

  it("refuses an altered body or recipient list (authenticated encryption)", () => {
    const body = new Uint8Array(sealed);
    body[body.length - 20] ^= 1;
    expect(() => unseal(body, keys[0])).to.throw(OracleError, /does not open with your key/);
    // Swap the last two recipient entries: each entry still opens its content key, but the body's
    // associated data (the whole header) no longer matches.
    const swapped = new Uint8Array(sealed);
    const entry = 20 + 33 + 12 + 48;
    const first = 8 + 2 + entry;
    swapped.set(sealed.subarray(first + entry, first + 2 * entry), first);
    swapped.set(sealed.subarray(first, first + entry), first + entry);
    expect(() => unseal(swapped, keys[1])).to.throw(OracleError, /does not open with your key/);
    expect(() => unseal(new TextEncoder().encode("not an archive"), keys[0])).to.throw(OracleError, /not a sealed receipts archive/);
  });
});
