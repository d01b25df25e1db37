-- Signed heartbeats. The browser makes a P-256 session key (WebCrypto, non-extractable) and the
-- wallet authorizes it once, for a bounded time, with one EIP-712 signature (receipts/sessionKey.ts);
-- every beat is then signed by that key over (viewer, film, session, sequence number, position).
-- The server's arrival time stays the clock; the receipt proves the viewer's player sent the beat.

-- Authorized session keys. The wallet's signature is kept so anyone holding the row can re-check it.
CREATE TABLE heartbeat_keys (
  -- Uncompressed SEC1 point, lowercase hex: 0x04 ‖ x ‖ y.
  public_key     text   PRIMARY KEY CHECK (public_key ~ '^0x04[0-9a-f]{128}$'),
  viewer         text   NOT NULL CHECK (viewer ~ '^0x[0-9a-f]{40}$'),
  chain_id       bigint NOT NULL CHECK (chain_id > 0),
  expires_at     bigint NOT NULL,
  authorized_at  bigint NOT NULL CHECK (authorized_at < expires_at),
  wallet_signature text NOT NULL CHECK (wallet_signature ~ '^0x[0-9a-f]{130}$')
);
CREATE INDEX heartbeat_keys_viewer ON heartbeat_keys (viewer);

-- The latest sequence number per player session: a replayed or reordered receipt is refused.
CREATE TABLE heartbeat_receipt_sessions (
  viewer      text          NOT NULL CHECK (viewer ~ '^0x[0-9a-f]{40}$'),
  film_id     numeric(78,0) NOT NULL CHECK (film_id >= 0),
  session_id  text          NOT NULL CHECK (length(session_id) BETWEEN 1 AND 128),
  last_seq    bigint        NOT NULL CHECK (last_seq >= 0),
  PRIMARY KEY (viewer, film_id, session_id)
);

-- One row per recorded signed beat (every beat the ledger applied, including a session's first,
-- which starts its clock): with the chain's events, what a recomputation of the counters needs.
CREATE TABLE heartbeat_receipts (
  viewer            text             NOT NULL CHECK (viewer ~ '^0x[0-9a-f]{40}$'),
  film_id           numeric(78,0)    NOT NULL CHECK (film_id >= 0),
  session_id        text             NOT NULL CHECK (length(session_id) BETWEEN 1 AND 128),
  seq               bigint           NOT NULL CHECK (seq >= 0),
  position_seconds  double precision CHECK (position_seconds >= 0),
  public_key        text             NOT NULL REFERENCES heartbeat_keys (public_key),
  -- IEEE P1363 r ‖ s, as WebCrypto signs.
  signature         text             NOT NULL CHECK (signature ~ '^0x[0-9a-f]{128}$'),
  -- The server's arrival time and what the ledger made of the beat.
  at                bigint           NOT NULL,
  period            bigint           NOT NULL CHECK (period >= 0),
  entitlement       text             NOT NULL CHECK (entitlement IN ('subscription', 'pass', 'owner', 'free')),
  added_seconds     bigint           NOT NULL CHECK (added_seconds >= 0),
  PRIMARY KEY (viewer, film_id, session_id, seq)
);
CREATE INDEX heartbeat_receipts_period ON heartbeat_receipts (period, viewer);

-- A signed beat in one statement: the receipt session (locked, or created) first, then the ledger's
-- own function with its lock order, then the receipt. Lock order: receipt session → session →
-- viewer clock → viewer-day → counter → history.
CREATE FUNCTION ledger_record_signed_heartbeat(
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
  p_seq bigint,
  p_public_key text,
  p_signature text,
  OUT r_added bigint,
  OUT r_view_counted boolean,
  OUT r_capped text,
  OUT r_ignored text
) LANGUAGE plpgsql AS $$
DECLARE
  seen bigint;
BEGIN
  r_added := 0;
  r_view_counted := false;
  -- Lock-or-create as in ledger_record_heartbeat: the loser of a race on a new session waits for
  -- the winner's row and reads it like any later beat.
  SELECT s.last_seq INTO seen FROM heartbeat_receipt_sessions s
   WHERE s.viewer = p_viewer AND s.film_id = p_film_id AND s.session_id = p_session_id FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO heartbeat_receipt_sessions (viewer, film_id, session_id, last_seq)
    VALUES (p_viewer, p_film_id, p_session_id, p_seq) ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
      SELECT s.last_seq INTO seen FROM heartbeat_receipt_sessions s
       WHERE s.viewer = p_viewer AND s.film_id = p_film_id AND s.session_id = p_session_id FOR UPDATE;
    END IF;
  END IF;
  IF seen IS NOT NULL THEN
    IF p_seq <= seen THEN
      r_ignored := CASE WHEN EXISTS (
          SELECT 1 FROM heartbeat_receipts h
           WHERE h.viewer = p_viewer AND h.film_id = p_film_id AND h.session_id = p_session_id AND h.seq = p_seq)
        OR p_seq = seen THEN 'replayed' ELSE 'out-of-order-seq' END;
      RETURN;
    END IF;
    UPDATE heartbeat_receipt_sessions s SET last_seq = p_seq
     WHERE s.viewer = p_viewer AND s.film_id = p_film_id AND s.session_id = p_session_id;
  END IF;

  SELECT b.r_added, b.r_view_counted, b.r_capped, b.r_ignored INTO r_added, r_view_counted, r_capped, r_ignored
    FROM ledger_record_heartbeat(p_viewer, p_film_id, p_session_id, p_at, p_entitlement, p_period, p_day, p_position,
                                 p_max_seconds, p_film_cap, p_day_cap, p_view_threshold) b;
  IF r_ignored IS NULL THEN
    INSERT INTO heartbeat_receipts (viewer, film_id, session_id, seq, position_seconds, public_key, signature, at, period, entitlement, added_seconds)
    VALUES (p_viewer, p_film_id, p_session_id, p_seq, p_position, p_public_key, p_signature, p_at, p_period, p_entitlement, r_added);
  END IF;
END
$$;
