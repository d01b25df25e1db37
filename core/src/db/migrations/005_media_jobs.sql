-- Media ingest jobs (core/src/media/jobStore.ts): a job's stage, progress and outcome outlive the
-- process running it, so a restart finds the jobs a crash interrupted and resumes them (their
-- upload is still there) or ends them failed with their temporary files removed, never silently.
CREATE TABLE media_jobs (
  id             text         PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
  -- The creator who started it (studio jobs); null for jobs with no owner.
  owner          text         CHECK (owner ~ '^0x[0-9a-f]{40}$'),
  -- The finished tus upload the job reads: its input, kept until the job succeeds.
  upload_id      text         CHECK (upload_id ~ '^[0-9a-f]{32}$'),
  -- The listing's text and price as the creator entered them (the mint uses the price).
  listing        jsonb        NOT NULL,
  price          numeric(78,0),
  state          text         NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  stage          text,
  percent        real         NOT NULL DEFAULT 0,
  -- The whole JobStatus as the pipeline last reported it (stages, detail, error, result).
  status         jsonb        NOT NULL,
  -- A film key this job created: deleted if the job ends without a result.
  key_id         text,
  -- Who runs it: host and pid, and a random id per process (a reused pid is not the same runner).
  runner_host    text         NOT NULL,
  runner_pid     integer      NOT NULL,
  runner_id      text         NOT NULL,
  -- Renewed while it runs; a running job whose runner stopped renewing it is orphaned.
  heartbeat_at   timestamptz  NOT NULL DEFAULT now(),
  -- Runs started for this job: a job that keeps taking the server down is not resumed forever.
  attempts       integer      NOT NULL DEFAULT 1,
  created_at     timestamptz  NOT NULL DEFAULT now(),
  updated_at     timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX media_jobs_owner ON media_jobs (owner, created_at DESC);
CREATE INDEX media_jobs_running ON media_jobs (heartbeat_at) WHERE state = 'running';
