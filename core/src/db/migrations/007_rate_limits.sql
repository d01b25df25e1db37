-- Rate limits shared by every web worker: one counter per (bucket, fixed window). A bucket names
-- the action and who acts, e.g. 'signIn:ip:203.0.113.7' or 'heartbeat:wallet:0xabc…'. Counting
-- is one INSERT … ON CONFLICT DO UPDATE, atomic under concurrency; rows whose window has passed
-- are pruned by the application (serving/rateLimits.ts).
CREATE TABLE rate_limit_hits (
  bucket        text    NOT NULL CHECK (length(bucket) BETWEEN 1 AND 200),
  window_start  bigint  NOT NULL,
  hits          integer NOT NULL CHECK (hits > 0),
  expires_at    bigint  NOT NULL,
  PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limit_hits_expires ON rate_limit_hits (expires_at);
