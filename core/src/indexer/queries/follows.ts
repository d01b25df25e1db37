/**
 * Follows (table follows, migration 015): a signed-in viewer follows creators — the wallets that
 * minted films — and gets a "From creators you follow" catalogue row; a creator's page counts its
 * followers. Like the watchlist, the row shows only films the catalogue shows (metadata read,
 * sales on, not a copy), with this period's audience figures.
 */
import type { Queryable } from "../../db/index.ts";
import { toSummary, type FilmSummary } from "./catalogue.ts";
import {
  CATALOGUE_VISIBLE,
  FILM_COLUMNS,
  QueryInputError,
  address,
  audienceByFilm,
  currentPeriod,
  nonNegativeInt,
  type FilmRow,
} from "./shared.ts";

/** Past this many creators, following asks the viewer to unfollow one first. */
export const MAX_FOLLOWS = 1_000;

export type FollowChange = "followed" | "already" | "unfollowed" | "absent" | "unknown-creator" | "self" | "full";

export interface FollowedCreator {
  address: string;
  /** The profile's name, else the metadata name of their latest film, else null. */
  name: string | null;
  avatarCid: string | null;
  followedAt: number;
}

/** Follows a creator (idempotent): one that has minted a film or published a profile. */
export async function follow(db: Queryable, viewer: string, creator: string, nowSeconds: number): Promise<FollowChange> {
  const who = address(viewer, "viewer");
  const whom = address(creator, "creator");
  if (!Number.isSafeInteger(nowSeconds)) throw new QueryInputError("nowSeconds must be integer unix seconds");
  if (who === whom) return "self";
  const [row] = await db.query<{ known: boolean; present: boolean; count: string }>(
    `SELECT (EXISTS (SELECT 1 FROM films WHERE creator = $2) OR EXISTS (SELECT 1 FROM creator_profiles WHERE address = $2)) AS known,
            EXISTS (SELECT 1 FROM follows WHERE viewer = $1 AND creator = $2) AS present,
            (SELECT count(*) FROM follows WHERE viewer = $1)::text AS count`,
    [who, whom],
  );
  if (row.present) return "already";
  if (!row.known) return "unknown-creator";
  if (Number(row.count) >= MAX_FOLLOWS) return "full";
  const inserted = await db.query(
    "INSERT INTO follows (viewer, creator, followed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING creator",
    [who, whom, nowSeconds],
  );
  return inserted.length > 0 ? "followed" : "already";
}

export async function unfollow(db: Queryable, viewer: string, creator: string): Promise<FollowChange> {
  const removed = await db.query("DELETE FROM follows WHERE viewer = $1 AND creator = $2 RETURNING creator", [
    address(viewer, "viewer"),
    address(creator, "creator"),
  ]);
  return removed.length > 0 ? "unfollowed" : "absent";
}

export async function isFollowing(db: Queryable, viewer: string, creator: string): Promise<boolean> {
  const rows = await db.query("SELECT 1 FROM follows WHERE viewer = $1 AND creator = $2", [
    address(viewer, "viewer"),
    address(creator, "creator"),
  ]);
  return rows.length > 0;
}

export async function followerCount(db: Queryable, creator: string): Promise<number> {
  const [row] = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM follows WHERE creator = $1", [address(creator, "creator")]);
  return Number(row.n);
}

/** The creators a viewer follows, most recently followed first. */
export async function followedCreators(db: Queryable, viewer: string, options: { limit?: number } = {}): Promise<FollowedCreator[]> {
  const limit = nonNegativeInt(options.limit, "limit", 200, MAX_FOLLOWS);
  const rows = await db.query<{ creator: string; name: string | null; avatar_cid: string | null; followed_at: string }>(
    `SELECT fo.creator, COALESCE(cp.name,
              (SELECT f.creator_name FROM films f WHERE f.creator = fo.creator AND f.creator_name IS NOT NULL
               ORDER BY f.minted_at DESC LIMIT 1)) AS name,
            cp.avatar_cid, fo.followed_at::text AS followed_at
     FROM follows fo LEFT JOIN creator_profiles cp ON cp.address = fo.creator
     WHERE fo.viewer = $1
     ORDER BY fo.followed_at DESC, fo.creator
     LIMIT $2`,
    [address(viewer, "viewer"), limit],
  );
  return rows.map((r) => ({ address: r.creator, name: r.name, avatarCid: r.avatar_cid, followedAt: Number(r.followed_at) }));
}

/** "From creators you follow": their listed films, newest first. */
export async function followedFilms(
  db: Queryable,
  viewer: string,
  options: { nowSeconds?: number; limit?: number } = {},
): Promise<FilmSummary[]> {
  const who = address(viewer, "viewer");
  const limit = nonNegativeInt(options.limit, "limit", 12, 200);
  const period = await currentPeriod(db, options.nowSeconds);
  const rows = await db.query<FilmRow>(
    `WITH s AS (${audienceByFilm("period = $1")})
     SELECT ${FILM_COLUMNS}, COALESCE(s.views, 0)::text AS views, COALESCE(s.seconds, 0)::text AS seconds
     FROM films f
     LEFT JOIN s ON s.film_id = f.film_id
     WHERE f.creator IN (SELECT creator FROM follows WHERE viewer = $2) AND ${CATALOGUE_VISIBLE}
     ORDER BY f.minted_at DESC, f.film_id DESC
     LIMIT $3`,
    [period, who, limit],
  );
  return rows.map(toSummary);
}
