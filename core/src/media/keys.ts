/**
 * The film key store: one random AES-128 content key per film, kept on the server and never on
 * IPFS. Each key is sealed at rest with AES-256-GCM under a master key from the environment
 * (MEDIA_MASTER_KEY, 64 hex chars), so a copy of `.data/keys/` alone reveals nothing.
 *
 * One JSON file per key id, written to a temp file and renamed into place, so a reader (the key
 * server, another process) never sees half a record. The key id is bound into the GCM tag as
 * associated data: renaming or swapping record files makes them fail to open instead of serving
 * one film's key for another.
 *
 * The key id is random, not derived from the film: the key must exist before encryption, and the
 * CIDs only exist after it. After ingest the record also names the film's CIDs, so the key server
 * can go from `/api/keys/<keyId>` to the listing whose entitlement it must check.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { MediaError } from "./errors.ts";
import { dataPath } from "../paths.ts";

export const DEFAULT_KEYS_DIR = dataPath("keys");

/**
 * DEVELOPMENT ONLY. Used when MEDIA_MASTER_KEY is unset so a fresh clone works; anyone reading
 * this source can open keys sealed with it. Refused when NODE_ENV=production.
 */
export const DEV_MASTER_KEY_HEX = createHash("sha256").update("ai-films development master key (public, not secret)").digest("hex");

const KEY_ID = /^[0-9a-f]{32}$/;

export interface KeyRecord {
  version: 1;
  keyId: string;
  alg: "A256GCM";
  /** Base64 of the 12-byte GCM nonce, the sealed 16-byte key and the 16-byte tag. */
  nonce: string;
  sealed: string;
  tag: string;
  createdAt: string;
  /** Set once the film is ingested; the key server maps the key to its listing through these. */
  metadataCid?: string;
  hlsCid?: string;
}

export function isKeyId(value: string): boolean {
  return KEY_ID.test(value);
}

export function masterKeyFromEnv(env: NodeJS.ProcessEnv = process.env): Buffer {
  const hex = env.MEDIA_MASTER_KEY?.trim();
  if (!hex) {
    if (env.NODE_ENV === "production") {
      throw new MediaError("KEY_STORE", "MEDIA_MASTER_KEY must be set in production (32 bytes as 64 hex characters).");
    }
    return Buffer.from(DEV_MASTER_KEY_HEX, "hex");
  }
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new MediaError("KEY_STORE", "MEDIA_MASTER_KEY must be 32 bytes written as 64 hex characters.");
  }
  if (env.NODE_ENV === "production" && hex.toLowerCase() === DEV_MASTER_KEY_HEX) {
    throw new MediaError("KEY_STORE", "MEDIA_MASTER_KEY is the public development key; set a secret one in production.");
  }
  return Buffer.from(hex, "hex");
}

export interface KeyStoreOptions {
  dir?: string;
  masterKey?: Buffer;
}

export class KeyStore {
  readonly dir: string;
  private readonly masterKey: Buffer;

  constructor(options: KeyStoreOptions = {}) {
    this.dir = options.dir ?? process.env.MEDIA_KEYS_DIR ?? DEFAULT_KEYS_DIR;
    this.masterKey = options.masterKey ?? masterKeyFromEnv();
    if (this.masterKey.length !== 32) throw new MediaError("KEY_STORE", "The master key must be 32 bytes.");
  }

  /** A new random content key under a new random id. */
  async create(): Promise<{ keyId: string; key: Buffer }> {
    const keyId = randomBytes(16).toString("hex");
    const key = randomBytes(16);
    const nonce = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.masterKey, nonce);
    cipher.setAAD(Buffer.from(keyId, "utf8"));
    const sealed = Buffer.concat([cipher.update(key), cipher.final()]);
    const record: KeyRecord = {
      version: 1,
      keyId,
      alg: "A256GCM",
      nonce: nonce.toString("base64"),
      sealed: sealed.toString("base64"),
      tag: cipher.getAuthTag().toString("base64"),
      createdAt: new Date().toISOString(),
    };
    await this.write(record);
    return { keyId, key };
  }

  /** The content key for an id; NOT_FOUND-style KEY_STORE error when absent or tampered with. */
  async get(keyId: string): Promise<Buffer> {
    const record = await this.record(keyId);
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.masterKey, Buffer.from(record.nonce, "base64"));
      decipher.setAAD(Buffer.from(keyId, "utf8"));
      decipher.setAuthTag(Buffer.from(record.tag, "base64"));
      return Buffer.concat([decipher.update(Buffer.from(record.sealed, "base64")), decipher.final()]);
    } catch (error) {
      throw new MediaError("KEY_STORE", `Key ${keyId} cannot be opened: wrong master key or a tampered record.`, { cause: error });
    }
  }

  async record(keyId: string): Promise<KeyRecord> {
    const path = this.path(keyId);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      throw new MediaError("KEY_STORE", `No key with id ${keyId}.`, { cause: error });
    }
    const record = JSON.parse(text) as KeyRecord;
    if (record.keyId !== keyId) throw new MediaError("KEY_STORE", `Key record ${keyId} names another key id.`);
    return record;
  }

  async has(keyId: string): Promise<boolean> {
    return this.record(keyId).then(
      () => true,
      () => false,
    );
  }

  /** Records which film the key belongs to, once its CIDs are known. */
  async attach(keyId: string, cids: { metadataCid: string; hlsCid: string }): Promise<void> {
    const record = await this.record(keyId);
    await this.write({ ...record, ...cids });
  }

  async delete(keyId: string): Promise<void> {
    await rm(this.path(keyId), { force: true });
  }

  private path(keyId: string): string {
    // The id is used as a file name: only our own 32-hex ids, never a path from a request.
    if (!isKeyId(keyId)) throw new MediaError("KEY_STORE", `Malformed key id: ${JSON.stringify(keyId)}.`);
    return join(this.dir, `${keyId}.json`);
  }

  private async write(record: KeyRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const final = this.path(record.keyId);
    const temp = `${final}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(temp, JSON.stringify(record, null, 2) + "\n", { mode: 0o600 });
    await rename(temp, final);
  }
}
