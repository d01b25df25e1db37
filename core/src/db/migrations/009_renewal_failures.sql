-- Auto-renewals the keeper could not make (core/src/relay/keeper.ts): one row per viewer and
-- subscription end, so the account page can show why a subscription did not renew and the
-- keeper stops after a few attempts instead of retrying forever. A renewal that succeeds
-- deletes the viewer's rows.
CREATE TABLE renewal_failures (
  viewer           text    NOT NULL CHECK (viewer ~ '^0x[0-9a-f]{40}$'),
  due_at           bigint  NOT NULL,
  attempts         integer NOT NULL CHECK (attempts > 0),
  reason           text    NOT NULL CHECK (length(reason) BETWEEN 1 AND 300),
  price            text    NOT NULL,
  last_attempt_at  bigint  NOT NULL,
  PRIMARY KEY (viewer, due_at)
);
