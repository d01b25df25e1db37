-- The view ledger. Times are unix seconds (bigint); film ids are uint256 (numeric(78,0));
-- addresses are lowercase hex. Checks repeat the application's validation so a bad row
-- cannot get in by another path.

-- One row per player session: its clock is what stops a beat from adding more than real time.
CREATE TABLE heartbeat_sessions (
  viewer        text          NOT NULL CHECK (viewer ~ '^0x[0-9a-f]{40}$'),
  film_id       numeric(78,0) NOT NULL CHECK (film_id >= 0),
  -- Client-chosen, so scoped by viewer and film: one viewer cannot touch another's session.
  session_id    text          NOT NULL CHECK (length(session_id) BETWEEN 1 AND 128),
  started_at    bigint        NOT NULL,
  last_beat_at  bigint        NOT NULL CHECK (last_beat_at >= started_at),
  beats         integer       NOT NULL CHECK (beats >= 1),
  PRIMARY KEY (viewer, film_id, session_id)
);

-- The counters the tally is built from, one per (period, viewer, film). Seconds are kept per
-- entitlement for stats; the caps apply to their sum.
CREATE TABLE view_counters (
  period               bigint        NOT NULL CHECK (period >= 0),
  viewer               text          NOT NULL CHECK (viewer ~ '^0x[0-9a-f]{40}$'),
  film_id              numeric(78,0) NOT NULL CHECK (film_id >= 0),
  seconds              bigint        NOT NULL DEFAULT 0,
  seconds_subscription bigint        NOT NULL DEFAULT 0 CHECK (seconds_subscription >= 0),
  seconds_pass         bigint        NOT NULL DEFAULT 0 CHECK (seconds_pass >= 0),
  seconds_owner        bigint        NOT NULL DEFAULT 0 CHECK (seconds_owner >= 0),
  seconds_free         bigint        NOT NULL DEFAULT 0 CHECK (seconds_free >= 0),
  -- The unique view, counted once, credited to the entitlement of the beat that crossed the
  -- threshold.
  view_counted         boolean       NOT NULL DEFAULT false,
  view_entitlement     text          CHECK (view_entitlement IN ('subscription', 'pass', 'owner', 'free')),
  last_entitlement     text          NOT NULL CHECK (last_entitlement IN ('subscription', 'pass', 'owner', 'free')),
  updated_at           bigint        NOT NULL,
  PRIMARY KEY (period, viewer, film_id),
  CHECK (seconds = seconds_subscription + seconds_pass + seconds_owner + seconds_free),
  CHECK (view_counted = (view_entitlement IS NOT NULL))
);

-- Aggregation and film stats read a whole period by film.
CREATE INDEX view_counters_period_film ON view_counters (period, film_id);
-- Watch history sums a viewer's counters.
CREATE INDEX view_counters_viewer_film ON view_counters (viewer, film_id);

-- Seconds credited per (viewer, UTC day), across films and entitlements: the daily cap.
CREATE TABLE viewer_days (
  viewer   text   NOT NULL CHECK (viewer ~ '^0x[0-9a-f]{40}$'),
  day      date   NOT NULL,
  seconds  bigint NOT NULL DEFAULT 0 CHECK (seconds >= 0),
  PRIMARY KEY (viewer, day)
);

-- Per (viewer, film) history for "continue watching"; not used by the tally.
CREATE TABLE viewer_films (
  viewer            text             NOT NULL CHECK (viewer ~ '^0x[0-9a-f]{40}$'),
  film_id           numeric(78,0)    NOT NULL CHECK (film_id >= 0),
  first_watched_at  bigint           NOT NULL,
  last_watched_at   bigint           NOT NULL,
  position_seconds  double precision CHECK (position_seconds >= 0),
  PRIMARY KEY (viewer, film_id)
);
CREATE INDEX viewer_films_recent ON viewer_films (viewer, last_watched_at DESC);
