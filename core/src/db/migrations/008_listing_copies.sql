-- Copies of listings. Anyone can mint a listing naming another film's metadata (or its HLS
-- directory, key id or Livepeer playback id). The key store binds each key and playback id to the
-- wallet that ingested the film; the indexer records that wallet beside the media it names, so
-- the catalogue can tell the original (minted by that wallet) from copies, whichever came first.
-- Media with no binding (ingested elsewhere, or before binding) keep the simple rule: the first
-- listing naming it is the original.
ALTER TABLE films ADD COLUMN media_ingester text CHECK (media_ingester ~ '^0x[0-9a-f]{40}$');

-- The copy lookups compare these across listings.
CREATE INDEX films_hls_cid ON films (hls_cid, film_id) WHERE hls_cid IS NOT NULL;
CREATE INDEX films_key_id ON films (key_id, film_id) WHERE key_id IS NOT NULL;
