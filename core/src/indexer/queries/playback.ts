/**
 * Which film a stream belongs to, for the servers that hand out access to it: the key server
 * (an AES content key id) and the Livepeer playback tokens (a playback id). Both read the listing
 * metadata the indexer stored. Anyone can mint a listing with copied metadata, so the first
 * listing to name an id owns it: a later copy never takes over the original's key or stream.
 */
import type { Queryable } from "../../db/index.ts";
import { filmIdText } from "./shared.ts";

/** The film an AES content key unlocks: the first listing whose metadata names that key id. */
export async function filmOfContentKey(db: Queryable, keyId: string): Promise<bigint | null> {
  const rows = await db.query<{ film_id: string }>(
    "SELECT film_id::text AS film_id FROM films WHERE key_id = $1 ORDER BY film_id LIMIT 1",
    [keyId],
  );
  return rows[0] ? BigInt(rows[0].film_id) : null;
}

/** The film a Livepeer playback id belongs to: the first listing whose metadata names it. */
export async function filmOfLivepeerPlayback(db: Queryable, playbackId: string): Promise<bigint | null> {
  const rows = await db.query<{ film_id: string }>(
    "SELECT film_id::text AS film_id FROM films WHERE livepeer_playback_id = $1 ORDER BY film_id LIMIT 1",
    [playbackId],
  );
  return rows[0] ? BigInt(rows[0].film_id) : null;
}

/** The Livepeer playback id a film's metadata names, or null (unknown film, local AES film, metadata not read yet). */
export async function livepeerPlaybackOfFilm(db: Queryable, filmId: string | number | bigint): Promise<string | null> {
  const id = filmIdText(filmId);
  if (id === null) return null;
  const rows = await db.query<{ livepeer_playback_id: string | null }>("SELECT livepeer_playback_id FROM films WHERE film_id = $1", [id]);
  return rows[0]?.livepeer_playback_id ?? null;
}
