-- Sign-In with Ethereum: server nonces and revoked sessions. Times are unix seconds (bigint),
-- like the view ledger. Both tables are pruned by the application as rows expire.

-- One row per nonce handed to a browser. A nonce is good for one sign-in: used_at is set in the
-- same UPDATE that checks it is still unused, so two requests racing with one signed message
-- cannot both succeed.
CREATE TABLE auth_nonces (
  nonce       text   PRIMARY KEY CHECK (nonce ~ '^[A-Za-z0-9]{8,128}$'),
  created_at  bigint NOT NULL,
  expires_at  bigint NOT NULL CHECK (expires_at > created_at),
  used_at     bigint
);
CREATE INDEX auth_nonces_expires ON auth_nonces (expires_at);

-- Sessions signed out before their cookie expired. The cookie is a signed token the server does
-- not otherwise store, so sign-out records its id here until the token would have expired anyway.
CREATE TABLE auth_revoked_sessions (
  session_id  text   PRIMARY KEY CHECK (length(session_id) BETWEEN 1 AND 128),
  expires_at  bigint NOT NULL
);
CREATE INDEX auth_revoked_sessions_expires ON auth_revoked_sessions (expires_at);
