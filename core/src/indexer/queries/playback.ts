/**
 * Which film a stream belongs to, for the servers that hand out access to it: the key server
 * (an AES content key id) and the Livepeer playback tokens (a playback id). Both read the listing
 * metadata the indexer stored. Anyone can mint a listing with copied metadata, so an id unlocks
 * only the listing minted by the wallet that ingested the film (the binding the key store keeps):
 * neither a copy nor a mint front-running the creator's takes over the key or the stream. An id
 * made before ingests were bound (ingester null) keeps the old rule: the first listing naming it.
 */
import type { Queryable } from "../../db/index.ts";
import { filmIdText } from "./shared.ts";

/** The film an AES content key unlocks: the ingesting wallet's first listing naming that key id. */
export function filmOfContentKey(db: Queryable, keyId: string, ingester: string | null): Promise<bigint | null> {
  return boundFilm(db, "key_id", keyId, ingester);
}

/** The film a Livepeer playback id belongs to: the ingesting wallet's first listing naming it. */
export function filmOfLivepeerPlayback(db: Queryable, playbackId: string, ingester: string | null): Promise<bigint | null> {
  return boundFilm(db, "livepeer_playback_id", playbackId, ingester);
}

async function boundFilm(
  db: Queryable,
  column: "key_id" | "livepeer_playback_id",
  id: string,
  ingester: string | null,
): Promise<bigint | null> {
  const rows = await db.query<{ film_id: string }>(
    `SELECT film_id::text AS film_id FROM films
      WHERE ${column} = $1 AND ($2::text IS NULL OR creator = $2)
      ORDER BY film_id LIMIT 1`,
    [id, ingester?.toLowerCase() ?? null],
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
