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
 *
 * Each key (and each Livepeer playback id, which has no key here) is bound to the wallet that
 * ingested the film: the key server and the playback-token route honour only a listing that wallet
 * minted, so a copied or front-running mint of the same metadata unlocks nothing.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { MediaError } from "./errors.ts";
import { dataPath } from "../paths.ts";

export const DEFAULT_KEYS_DIR = dataPath("keys");

/**
 * DEVELOPMENT ONLY. Used when MEDIA_MASTER_KEY is unset so a fresh clone works; anyone reading
 * this source can open keys sealed with it. Refused when NODE_ENV=production.
 */
export const DEV_MASTER_KEY_HEX = createHash("sha256").update("ai-films development master key (public, not secret)").digest("hex");

const KEY_ID = /^[0-9a-f]{32}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
/** Livepeer playback ids: Studio's alphabet, used as a file name. */
const PLAYBACK_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** The wallet an ingest is bound to, lowercase; a clear error for anything that is not an address. */
export function ingesterAddress(value: string): string {
  if (!ADDRESS.test(value))
    throw new MediaError("INVALID_METADATA", `Not a wallet address: ${JSON.stringify(value)} (0x and 40 hex characters).`);
  return value.toLowerCase();
}

export interface KeyRecord {
  version: 1;
  keyId: string;
  alg: "A256GCM";
  /** Base64 of the 12-byte GCM nonce, the sealed 16-byte key and the 16-byte tag. */
  nonce: string;
  sealed: string;
  tag: string;
  createdAt: string;
  /** The wallet that ingested the film (lowercase): only its listing unlocks the key. Absent on keys made before binding. */
  ingester?: string;
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

  /** A new random content key under a new random id, bound to the wallet ingesting the film. */
  async create(options: { ingester?: string } = {}): Promise<{ keyId: string; key: Buffer }> {
    const ingester = options.ingester === undefined ? undefined : ingesterAddress(options.ingester);
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
      ...(ingester ? { ingester } : {}),
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

  /** The wallet a key is bound to, or null (no such key, or a key made before binding). */
  async ingesterOf(keyId: string): Promise<string | null> {
    if (!isKeyId(keyId)) return null;
    return this.record(keyId).then(
      (r) => r.ingester ?? null,
      () => null,
    );
  }

  /** The wallet a listing's media (its key id, else its playback id) is bound to, or null. */
  async mediaIngester(media: { keyId: string | null; livepeerPlaybackId: string | null }): Promise<string | null> {
    const byKey = media.keyId === null ? null : await this.ingesterOf(media.keyId);
    if (byKey !== null) return byKey;
    return media.livepeerPlaybackId === null ? null : this.playbackIngester(media.livepeerPlaybackId);
  }

  /** Binds a Livepeer playback id to the wallet that ingested its film (write once, like a key). */
  async bindPlayback(playbackId: string, ingester: string): Promise<void> {
    const record = { playbackId, ingester: ingesterAddress(ingester), createdAt: new Date().toISOString() };
    await this.writeFile(this.playbackPath(playbackId), record);
  }

  /** The wallet a playback id is bound to, or null. */
  async playbackIngester(playbackId: string): Promise<string | null> {
    if (!PLAYBACK_ID.test(playbackId)) return null;
    try {
      const record = JSON.parse(await readFile(this.playbackPath(playbackId), "utf8")) as { playbackId?: string; ingester?: string };
      return record.playbackId === playbackId && typeof record.ingester === "string" ? record.ingester : null;
    } catch {
      return null;
    }
  }

  async unbindPlayback(playbackId: string): Promise<void> {
    await rm(this.playbackPath(playbackId), { force: true });
  }

  private playbackPath(playbackId: string): string {
    if (!PLAYBACK_ID.test(playbackId)) throw new MediaError("KEY_STORE", `Malformed playback id: ${JSON.stringify(playbackId)}.`);
    return join(this.dir, "playback", `${playbackId}.json`);
  }

  private path(keyId: string): string {
    // The id is used as a file name: only our own 32-hex ids, never a path from a request.
    if (!isKeyId(keyId)) throw new MediaError("KEY_STORE", `Malformed key id: ${JSON.stringify(keyId)}.`);
    return join(this.dir, `${keyId}.json`);
  }

  private write(record: KeyRecord): Promise<void> {
    return this.writeFile(this.path(record.keyId), record);
  }

  private async writeFile(final: string, record: object): Promise<void> {
    await mkdir(dirname(final), { recursive: true, mode: 0o700 });
    const temp = `${final}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(temp, JSON.stringify(record, null, 2) + "\n", { mode: 0o600 });
    await rename(temp, final);
  }
}
