/** Creators' profiles and viewers' follows for pages and routes (core/src/profiles, indexer follows). */
import "server-only";
import * as indexer from "@ai-films/core/indexer";
import { ProfileError, addAvatar, getProfile, saveSignedProfile, type SignedProfile, type StoredProfile } from "@ai-films/core/profiles";
import { chainNow } from "./chainTime";
import { indexCaughtUp } from "./catalog";
import { errorResponse } from "./http";
import { getChain, getDb, getIpfs } from "./services";

export type { StoredProfile };
export type { FollowedCreator } from "@ai-films/core/indexer";

async function now(): Promise<number | undefined> {
  return chainNow().catch(() => undefined);
}

/** Verifies and keeps a signed profile. Signed times are on the server's wall clock, the one the browser signs by. */
export async function publishProfile(signed: SignedProfile): Promise<StoredProfile> {
  const [db, ipfs, chain] = await Promise.all([getDb(), getIpfs(), getChain()]);
  return saveSignedProfile(db, ipfs, signed, {
    chainId: chain.chainId,
    publicClient: chain.publicClient,
    nowSeconds: Math.floor(Date.now() / 1000),
  });
}

/** The 400 invalid-avatar answer. */
export function avatarRefused(message: string): Response {
  return errorResponse(new ProfileError("invalid-avatar", message));
}

export async function uploadAvatar(bytes: Uint8Array): Promise<string> {
  return addAvatar(await getIpfs(), bytes);
}

export async function profileOf(address: string): Promise<StoredProfile | null> {
  return getProfile(await getDb(), address);
}

export async function setFollowing(viewer: string, creator: string, on: boolean): Promise<indexer.FollowChange> {
  const db = await getDb();
  if (!on) return indexer.unfollow(db, viewer, creator);
  await indexCaughtUp(); // a creator who minted a moment ago is known
  return indexer.follow(db, viewer, creator, (await now()) ?? Math.floor(Date.now() / 1000));
}

export async function followedCreators(viewer: string): Promise<indexer.FollowedCreator[]> {
  return indexer.followedCreators(await getDb(), viewer);
}

export async function followedFilms(viewer: string): Promise<indexer.FilmSummary[]> {
  await indexCaughtUp();
  return indexer.followedFilms(await getDb(), viewer, { nowSeconds: await now() });
}

export async function creatorFollowers(creator: string, viewer: string | null): Promise<{ count: number; following: boolean }> {
  const db = await getDb();
  const [count, following] = await Promise.all([
    indexer.followerCount(db, creator),
    viewer && viewer.toLowerCase() !== creator.toLowerCase() ? indexer.isFollowing(db, viewer, creator) : Promise.resolve(false),
  ]);
  return { count, following };
}

export const MAX_FOLLOWS = indexer.MAX_FOLLOWS;
