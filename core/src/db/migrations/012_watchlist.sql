-- A signed-in viewer's watchlist: films they saved for later, newest first on the catalogue. No
-- foreign key to films: the index can be wiped and rebuilt from the chain (indexer.wipeIndex)
-- while the watchlist, which only viewers write, must survive it. Films that are not (or no
-- longer) listed are left out when the row is read.
CREATE TABLE watchlist (
  viewer    text          NOT NULL CHECK (viewer ~ '^0x[0-9a-f]{40}$'),
  film_id   numeric(78,0) NOT NULL CHECK (film_id > 0),
  added_at  bigint        NOT NULL,
  PRIMARY KEY (viewer, film_id)
);
CREATE INDEX watchlist_recent ON watchlist (viewer, added_at DESC);
