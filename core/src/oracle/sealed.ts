// Sealing the receipts archive to the oracle operators, so it can sit on public IPFS while only
// they can read who watched what. A fresh random content key per archive encrypts the body
// (AES-256-GCM); the content key is wrapped for each operator with ECIES over secp256k1 (ECDH with a
// fresh ephemeral key, HKDF-SHA256, AES-256-GCM), to the operator's signing key: the key the chain
// already registers, so the recipients are checkable against the chain. All primitives are
// node:crypto's (OpenSSL); nothing here is hand-made cryptography.
//
// Layout (all integers big-endian):
//   "AIFSEAL1" | u16 n | n × (recipient address 20 | ephemeral public key 33 | iv 12 | wrapped key 32 + tag 16)
//   | iv 12 | body ciphertext | tag 16
// The body's additional authenticated data is everything before its iv, so the recipient list
// cannot be altered without the body failing to open.
import { createCipheriv, createDecipheriv, createECDH, hkdfSync, randomBytes } from "node:crypto";
import { publicKeyToAddress } from "viem/accounts";
import { bytesToHex, hexToBytes, type Address, type Hex } from "viem";
import { OracleError } from "./errors.ts";

const MAGIC = new TextEncoder().encode("AIFSEAL1");
const WRAP_INFO = "ai-films receipts archive key wrap v1";
const ENTRY_BYTES = 20 + 33 + 12 + 48;

function gcmSeal(key: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): { iv: Buffer; sealed: Buffer } {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  if (aad) cipher.setAAD(aad);
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { iv, sealed };
}

function gcmOpen(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
}

function wrapKey(shared: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array): Buffer {
  return Buffer.from(hkdfSync("sha256", shared, Buffer.concat([ephemeral, recipient]), WRAP_INFO, 32));
}

/** The recipient's address, from its uncompressed secp256k1 public key (0x04 ‖ x ‖ y). */
export function operatorAddress(publicKey: Hex): Address {
  if (!/^0x04[0-9a-fA-F]{128}$/.test(publicKey))
    throw new OracleError(`${publicKey.slice(0, 20)}… is not an uncompressed secp256k1 public key (0x04…).`);
  return publicKeyToAddress(publicKey);
}

/** Encrypts `plaintext` so that each of `recipients` (uncompressed secp256k1 public keys) can open it. */
export function seal(plaintext: Uint8Array, recipients: readonly Hex[]): Uint8Array {
  if (recipients.length === 0 || recipients.length > 0xffff) throw new OracleError("An archive needs at least one operator to seal it to.");
  const contentKey = randomBytes(32);
  const entries: Buffer[] = [];
  for (const recipient of recipients) {
    const recipientKey = hexToBytes(recipient);
    const address = hexToBytes(operatorAddress(recipient));
    const ecdh = createECDH("secp256k1");
    ecdh.generateKeys();
    const ephemeral = ecdh.getPublicKey(null, "compressed");
    const kek = wrapKey(ecdh.computeSecret(recipientKey), ephemeral, recipientKey);
    const { iv, sealed } = gcmSeal(kek, contentKey);
    entries.push(Buffer.concat([address, ephemeral, iv, sealed]));
  }
  const count = Buffer.alloc(2);
  count.writeUInt16BE(recipients.length);
  const header = Buffer.concat([MAGIC, count, ...entries]);
  const { iv, sealed } = gcmSeal(contentKey, plaintext, header);
  return new Uint8Array(Buffer.concat([header, iv, sealed]));
}

/** The addresses an archive is sealed to, in order. */
export function sealedRecipients(bytes: Uint8Array): Address[] {
  return parse(bytes).entries.map((e) => bytesToHex(e.subarray(0, 20)) as Address);
}

function parse(bytes: Uint8Array) {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < MAGIC.length + 2 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new OracleError("This is not a sealed receipts archive (wrong magic bytes).");
  }
  const n = buf.readUInt16BE(MAGIC.length);
  const headerEnd = MAGIC.length + 2 + n * ENTRY_BYTES;
  if (buf.length < headerEnd + 12 + 16) throw new OracleError("The sealed receipts archive is truncated.");
  const entries = Array.from({ length: n }, (_, i) =>
    buf.subarray(MAGIC.length + 2 + i * ENTRY_BYTES, MAGIC.length + 2 + (i + 1) * ENTRY_BYTES),
  );
  return { header: buf.subarray(0, headerEnd), entries, iv: buf.subarray(headerEnd, headerEnd + 12), body: buf.subarray(headerEnd + 12) };
}

/** Opens a sealed archive with an operator's private key; a clear error if it was not sealed to that key. */
export function unseal(bytes: Uint8Array, privateKey: Hex): Uint8Array {
  const { header, entries, iv, body } = parse(bytes);
  const ecdh = createECDH("secp256k1");
  ecdh.setPrivateKey(hexToBytes(privateKey));
  const own = ecdh.getPublicKey();
  const address = hexToBytes(publicKeyToAddress(bytesToHex(own)));
  const entry = entries.find((e) => Buffer.from(address).equals(e.subarray(0, 20)));
  if (!entry) {
    throw new OracleError(
      `The receipts archive is not sealed to ${publicKeyToAddress(bytesToHex(own))}: ask the platform to add your public key to ORACLE_OPERATOR_KEYS and tally again.`,
    );
  }
  const ephemeral = entry.subarray(20, 53);
  try {
    const kek = wrapKey(ecdh.computeSecret(ephemeral), ephemeral, own);
    const contentKey = gcmOpen(kek, entry.subarray(53, 65), entry.subarray(65));
    return new Uint8Array(gcmOpen(contentKey, iv, body, header));
  } catch {
    throw new OracleError("The receipts archive does not open with your key: it was altered or sealed wrongly.");
  }
}
