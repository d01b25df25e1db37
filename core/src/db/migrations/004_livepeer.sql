-- Films whose full version Livepeer Studio serves under a JWT playback policy name the asset's
-- playback id in their metadata (properties.livepeer.playbackId). The playback-token route looks
-- films up by it, and a film page by film id.
ALTER TABLE films ADD COLUMN livepeer_playback_id text
  CHECK (livepeer_playback_id ~ '^[A-Za-z0-9_-]{1,128}$');
CREATE INDEX films_livepeer_playback ON films (livepeer_playback_id, film_id) WHERE livepeer_playback_id IS NOT NULL;

-- Metadata fetched before this column existed.
UPDATE films SET livepeer_playback_id = metadata->'properties'->'livepeer'->>'playbackId'
WHERE metadata_status = 'ok'
  AND jsonb_typeof(metadata->'properties'->'livepeer'->'playbackId') = 'string'
  AND metadata->'properties'->'livepeer'->>'playbackId' ~ '^[A-Za-z0-9_-]{1,128}$';
