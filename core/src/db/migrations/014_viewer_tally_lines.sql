-- Each tally's per-viewer lines (issue 13 point 5): what the period counted for one wallet on one
-- film, the line's secret salt and its proof in the tally's viewer tree, whose root the public
-- tally file commits to. Written by the oracle when it tallies (oracle/viewerLines.ts), read only
-- by /api/account/counts for the signed-in wallet itself. Keyed by the tally's film root, so a
-- replaced or never-posted tally's lines are simply never served.
CREATE TABLE viewer_tally_lines (
  period       bigint        NOT NULL CHECK (period >= 0),
  tally_root   text          NOT NULL CHECK (tally_root ~ '^0x[0-9a-f]{64}$'),
  viewer_root  text          NOT NULL CHECK (viewer_root ~ '^0x[0-9a-f]{64}$'),
  viewer       text          NOT NULL CHECK (viewer ~ '^0x[0-9a-f]{40}$'),
  film_id      numeric(78,0) NOT NULL CHECK (film_id > 0),
  seconds      numeric(20,0) NOT NULL CHECK (seconds >= 0),
  views        smallint      NOT NULL CHECK (views IN (0, 1)),
  salt         text          NOT NULL CHECK (salt ~ '^0x[0-9a-f]{64}$'),
  -- the proof's sibling hashes, comma-separated (empty for a tree of one line)
  proof        text          NOT NULL,
  PRIMARY KEY (period, tally_root, viewer_root, viewer, film_id)
);
CREATE INDEX viewer_tally_lines_viewer ON viewer_tally_lines (viewer, period);
