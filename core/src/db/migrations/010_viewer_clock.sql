-- One clock per viewer (ledger rules version 2). Until now each player session had its own clock,
-- so one wallet running 8 players at once (8 films, or 8 sessions of one film) was credited 8 × the
-- wall clock. Now a beat is credited only for time after both its session's last beat and the
-- viewer's clock, the end of the latest time credited to any of the viewer's sessions; a credited
-- beat moves the clock to its own time. Credited stretches are thus disjoint, and the seconds
-- credited to a viewer in any interval are at most its length plus one beat's maximum.
--
-- Lock order, extended: session → viewer clock → viewer-day → counter → history. The clock row is
-- only taken by beats that can add time (not a session's first beat).
CREATE TABLE viewer_clocks (
  viewer          text   PRIMARY KEY CHECK (viewer ~ '^0x[0-9a-f]{40}$'),
  -- Unix seconds: nothing at or before it can be credited to this viewer again.
  credited_until  bigint NOT NULL
);

CREATE OR REPLACE FUNCTION ledger_record_heartbeat(
  p_viewer text,
  p_film_id numeric(78,0),
  p_session_id text,
  p_at bigint,
  p_entitlement text,
  p_period bigint,
  p_day date,
  p_position double precision,
  p_max_seconds bigint,
  p_film_cap bigint,
  p_day_cap bigint,
  p_view_threshold bigint,
  OUT r_added bigint,
  OUT r_view_counted boolean,
  OUT r_capped text,
  OUT r_ignored text
) LANGUAGE plpgsql AS $$
DECLARE
  previous bigint;
  clock bigint;
  gap bigint;
  claimed bigint;
  day_seconds bigint;
  counter_seconds bigint;
  counter_counted boolean;
  film_room bigint;
  day_room bigint;
BEGIN
  r_added := 0;
  r_view_counted := false;

  -- The session: locked, or created (locked until commit). Two first beats racing on one new id:
  -- the loser's insert waits for the winner, finds the row, and reads it like any later beat.
  SELECT s.last_beat_at INTO previous FROM heartbeat_sessions s
   WHERE s.viewer = p_viewer AND s.film_id = p_film_id AND s.session_id = p_session_id FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO heartbeat_sessions (viewer, film_id, session_id, started_at, last_beat_at, beats)
    VALUES (p_viewer, p_film_id, p_session_id, p_at, p_at, 1) ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
      SELECT s.last_beat_at INTO previous FROM heartbeat_sessions s
       WHERE s.viewer = p_viewer AND s.film_id = p_film_id AND s.session_id = p_session_id FOR UPDATE;
    END IF;
  END IF;

  IF previous IS NOT NULL THEN
    -- Equal stamps count as out of order: a replayed beat must not add anything.
    IF p_at <= previous THEN
      r_ignored := 'out-of-order';
      RETURN;
    END IF;
    UPDATE heartbeat_sessions s SET last_beat_at = p_at, beats = s.beats + 1
     WHERE s.viewer = p_viewer AND s.film_id = p_film_id AND s.session_id = p_session_id;

    -- The viewer's clock, locked: every beat of this viewer after the session lock queues here, so
    -- the clock is read and moved by one beat at a time. A viewer without a clock yet starts it at
    -- this session's last beat (sessions from before this migration keep their next beat's time).
    INSERT INTO viewer_clocks AS v (viewer, credited_until) VALUES (p_viewer, previous)
    ON CONFLICT (viewer) DO UPDATE SET credited_until = v.credited_until
    RETURNING v.credited_until INTO clock;

    gap := LEAST(p_at - previous, p_max_seconds);
    -- Only time after both the session's last beat and the viewer's clock is new: what another
    -- session of this viewer was already credited for is not credited twice.
    claimed := LEAST(gap, GREATEST(0, p_at - clock));
    -- Create-or-lock and read in one statement: the no-op DO UPDATE takes the row lock.
    INSERT INTO viewer_days AS d (viewer, day) VALUES (p_viewer, p_day)
    ON CONFLICT (viewer, day) DO UPDATE SET seconds = d.seconds
    RETURNING d.seconds INTO day_seconds;
    INSERT INTO view_counters AS c (period, viewer, film_id, last_entitlement, updated_at)
    VALUES (p_period, p_viewer, p_film_id, p_entitlement, p_at)
    ON CONFLICT (period, viewer, film_id) DO UPDATE SET seconds = c.seconds
    RETURNING c.seconds, c.view_counted INTO counter_seconds, counter_counted;

    film_room := GREATEST(0, p_film_cap - counter_seconds);
    day_room := GREATEST(0, p_day_cap - day_seconds);
    r_added := LEAST(claimed, film_room, day_room);
    IF r_added < claimed THEN
      r_capped := CASE WHEN film_room <= day_room THEN 'film' ELSE 'day' END;
    ELSIF claimed < gap THEN
      r_capped := 'clock';
    END IF;
    r_view_counted := NOT counter_counted AND counter_seconds + r_added > 0 AND counter_seconds + r_added >= p_view_threshold;

    IF r_added > 0 OR r_view_counted THEN
      UPDATE view_counters c SET
        seconds = c.seconds + r_added,
        seconds_subscription = c.seconds_subscription + CASE WHEN p_entitlement = 'subscription' THEN r_added ELSE 0 END,
        seconds_pass = c.seconds_pass + CASE WHEN p_entitlement = 'pass' THEN r_added ELSE 0 END,
        seconds_owner = c.seconds_owner + CASE WHEN p_entitlement = 'owner' THEN r_added ELSE 0 END,
        seconds_free = c.seconds_free + CASE WHEN p_entitlement = 'free' THEN r_added ELSE 0 END,
        view_counted = c.view_counted OR r_view_counted,
        view_entitlement = CASE WHEN r_view_counted THEN p_entitlement ELSE c.view_entitlement END,
        last_entitlement = p_entitlement,
        updated_at = p_at
       WHERE c.period = p_period AND c.viewer = p_viewer AND c.film_id = p_film_id;
      UPDATE viewer_days d SET seconds = d.seconds + r_added WHERE d.viewer = p_viewer AND d.day = p_day;
    END IF;
    -- Credited time is spent: the clock moves to this beat, so no later beat (of any session) that
    -- reaches back before it is credited for it again. A beat that added nothing leaves it alone.
    IF r_added > 0 THEN
      UPDATE viewer_clocks v SET credited_until = GREATEST(v.credited_until, p_at) WHERE v.viewer = p_viewer;
    END IF;
  END IF;

  -- The latest position per (viewer, film); a late-arriving older beat cannot rewind it.
  INSERT INTO viewer_films AS f (viewer, film_id, first_watched_at, last_watched_at, position_seconds)
  VALUES (p_viewer, p_film_id, p_at, p_at, p_position)
  ON CONFLICT (viewer, film_id) DO UPDATE SET
    position_seconds = CASE WHEN EXCLUDED.last_watched_at >= f.last_watched_at
                            THEN COALESCE(EXCLUDED.position_seconds, f.position_seconds)
                            ELSE f.position_seconds END,
    last_watched_at  = GREATEST(f.last_watched_at, EXCLUDED.last_watched_at),
    first_watched_at = LEAST(f.first_watched_at, EXCLUDED.first_watched_at);
END
$$;
