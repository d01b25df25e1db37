/**
 * Profiles kept: the signed document goes to IPFS (content-addressed: anyone can fetch it and check
 * the signature), its fields and CID to the platform database (migration 015) for the pages. A
 * profile is taken only when its signature is the account's (EOA or smart wallet, through the
 * chain's verifyTypedData), its fields pass profileProblem, its avatar is an image in this
 * platform's store, and its signed time is newer than the stored one's.
 */
import type { Address, Hex, PublicClient } from "viem";
import type { Queryable } from "../db/index.ts";
import { normaliseAddress } from "../domain/addresses.ts";
import { AiFilmsError, type ModuleCode } from "../errors.ts";
import { isValidCid, type IpfsStore } from "../ipfs/index.ts";
import { imageTypeOf, profileProblem, profileTypedData, PROFILE_LIMITS, type SignedProfile } from "./profile.ts";

export class ProfileError extends AiFilmsError<"profiles"> {
  override readonly name = "ProfileError";
  constructor(code: ModuleCode<"profiles">, message: string) {
    super("profiles", code, message);
  }
}

/** A profile as the pages show it. */
export interface StoredProfile {
  address: string;
  name: string;
  bio: string;
  /** CID of the avatar image in this platform's store, or null. */
  avatarCid: string | null;
  links: string[];
  updatedAt: number;
  /** The signed document on IPFS: { profile, signature, chainId }. */
  documentCid: string;
}

export interface SaveProfileOptions {
  chainId: number;
  /** Verifies the signature (the chain's publicClient.verifyTypedData: EOAs and smart wallets). */
  publicClient: Pick<PublicClient, "verifyTypedData">;
  /** Unix seconds on the server's clock (the one the browser signed by). */
  nowSeconds: number;
}

/** Checks an avatar CID: in this store, a file, small enough, and an image by its first bytes. */
export async function checkAvatar(ipfs: IpfsStore, cid: string): Promise<void> {
  if (!isValidCid(cid)) throw new ProfileError("invalid-avatar", "The avatar is not an IPFS CID.");
  if (!(await ipfs.has(cid))) throw new ProfileError("invalid-avatar", "The avatar is not in this platform's IPFS store: upload it first.");
  const stat = await ipfs.stat(cid);
  if (stat.type !== "file") throw new ProfileError("invalid-avatar", "The avatar CID names a directory, not an image.");
  if (stat.size > PROFILE_LIMITS.avatarMaxBytes)
    throw new ProfileError("avatar-too-large", `The avatar is larger than ${PROFILE_LIMITS.avatarMaxBytes / 1024} KiB.`);
  if (imageTypeOf(await ipfs.catBytes(cid, undefined, { offset: 0, length: 16 })) === null)
    throw new ProfileError("invalid-avatar", "The avatar must be a PNG, JPEG, WebP or GIF image.");
}

/** Adds an avatar image (bytes already read and size-checked by the caller) to the store; returns its CID. */
export async function addAvatar(ipfs: IpfsStore, bytes: Uint8Array): Promise<string> {
  if (bytes.byteLength === 0) throw new ProfileError("invalid-avatar", "The avatar file is empty.");
  if (bytes.byteLength > PROFILE_LIMITS.avatarMaxBytes)
    throw new ProfileError("avatar-too-large", `The avatar is larger than ${PROFILE_LIMITS.avatarMaxBytes / 1024} KiB.`);
  if (imageTypeOf(bytes) === null) throw new ProfileError("invalid-avatar", "The avatar must be a PNG, JPEG, WebP or GIF image.");
  return ipfs.addBytes(bytes);
}

/**
 * Verifies and keeps a signed profile; returns what is stored. Sending the stored profile again
 * (same signature) is a no-op; any other profile not newer than the stored one is refused.
 */
export async function saveSignedProfile(
  db: Queryable,
  ipfs: IpfsStore,
  signed: SignedProfile,
  options: SaveProfileOptions,
): Promise<StoredProfile> {
  const { profile, signature } = signed;
  const account = normaliseAddress(profile.account);
  if (account === null) throw new ProfileError("invalid", "The account is not an address.");
  const problem = profileProblem(profile);
  if (problem) throw new ProfileError("invalid", problem);
  if (profile.updatedAt <= 0n || profile.updatedAt > BigInt(options.nowSeconds + PROFILE_LIMITS.futureSkewSeconds))
    throw new ProfileError("invalid", "The profile's signed time is in the future: check the computer's clock.");
  const valid = await options.publicClient
    .verifyTypedData({ address: profile.account, signature, ...profileTypedData(options.chainId, profile) } as unknown as Parameters<
      PublicClient["verifyTypedData"]
    >[0])
    .catch(() => false);
  if (!valid) throw new ProfileError("bad-signature", "The profile is not signed by the wallet it names.");

  const updatedAt = Number(profile.updatedAt);
  const [current] = await db.query<{ updated_at: string; signature: string }>(
    "SELECT updated_at::text AS updated_at, signature FROM creator_profiles WHERE address = $1",
    [account],
  );
  if (current && current.signature === signature.toLowerCase()) return (await getProfile(db, account))!;
  if (current && Number(current.updated_at) >= updatedAt)
    throw new ProfileError("outdated", "A newer profile of this wallet is already published: sign the profile again.");
  if (profile.avatar !== "") await checkAvatar(ipfs, profile.avatar);

  const document = {
    type: "ai-films/profile",
    version: 1,
    chainId: options.chainId,
    profile: { ...profile, account, updatedAt: updatedAt },
    signature,
  };
  const documentCid = await ipfs.addBytes(new TextEncoder().encode(JSON.stringify(document)));
  // Only a strictly newer profile replaces the stored one, in the statement itself: two racing
  // requests cannot put the older one last.
  const written = await db.query(
    `INSERT INTO creator_profiles (address, name, bio, avatar_cid, links, updated_at, signature, document_cid, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (address) DO UPDATE SET name = EXCLUDED.name, bio = EXCLUDED.bio, avatar_cid = EXCLUDED.avatar_cid,
       links = EXCLUDED.links, updated_at = EXCLUDED.updated_at, signature = EXCLUDED.signature,
       document_cid = EXCLUDED.document_cid, recorded_at = EXCLUDED.recorded_at
     WHERE creator_profiles.updated_at < EXCLUDED.updated_at
     RETURNING address`,
    [
      account,
      profile.name,
      profile.bio,
      profile.avatar || null,
      profile.links,
      updatedAt,
      signature.toLowerCase(),
      documentCid,
      options.nowSeconds,
    ],
  );
  if (written.length === 0)
    throw new ProfileError("outdated", "A newer profile of this wallet is already published: sign the profile again.");
  return (await getProfile(db, account))!;
}

interface ProfileRow {
  address: string;
  name: string;
  bio: string;
  avatar_cid: string | null;
  links: string[];
  updated_at: string;
  document_cid: string;
}

const toProfile = (row: ProfileRow): StoredProfile => ({
  address: row.address,
  name: row.name,
  bio: row.bio,
  avatarCid: row.avatar_cid,
  links: row.links ?? [],
  updatedAt: Number(row.updated_at),
  documentCid: row.document_cid,
});

const COLUMNS = "address, name, bio, avatar_cid, links, updated_at::text AS updated_at, document_cid";

export async function getProfile(db: Queryable, address: string): Promise<StoredProfile | null> {
  const who = normaliseAddress(address);
  if (who === null) return null;
  const rows = await db.query<ProfileRow>(`SELECT ${COLUMNS} FROM creator_profiles WHERE address = $1`, [who]);
  return rows[0] ? toProfile(rows[0]) : null;
}

/** Profiles of several addresses at once (a page's creators), by lowercase address. */
export async function profilesOf(db: Queryable, addresses: readonly string[]): Promise<Map<string, StoredProfile>> {
  const who = [...new Set(addresses.map(normaliseAddress).filter((a): a is NonNullable<typeof a> => a !== null))];
  if (who.length === 0) return new Map();
  const rows = await db.query<ProfileRow>(`SELECT ${COLUMNS} FROM creator_profiles WHERE address = ANY($1)`, [who]);
  return new Map(rows.map((r) => [r.address, toProfile(r)]));
}

export type { Address, Hex };
