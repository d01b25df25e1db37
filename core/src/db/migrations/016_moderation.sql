-- Reports, moderation decisions and age ratings (issue 15 point 5). None of these tables has a
-- foreign key to films: the index can be wiped and rebuilt from the chain (indexer.wipeIndex),
-- while what viewers and guardians wrote must survive it.

-- A signed-in viewer's report on a film. One open report per wallet and film; a guardian's
-- decision (hide or dismiss) closes the film's open reports, after which the wallet may report again.
CREATE TABLE film_reports (
  report_id   bigint        GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  film_id     numeric(78,0) NOT NULL CHECK (film_id > 0),
  reporter    text          NOT NULL CHECK (reporter ~ '^0x[0-9a-f]{40}$'),
  reason      text          NOT NULL CHECK (reason IN ('spam', 'copyright', 'illegal', 'violence', 'hateful', 'misleading', 'other')),
  details     text          NOT NULL DEFAULT '' CHECK (char_length(details) <= 1000),
  created_at  bigint        NOT NULL,
  closed_at   bigint,
  resolution  text          CHECK (resolution IN ('hidden', 'dismissed')),
  CHECK ((closed_at IS NULL) = (resolution IS NULL))
);
CREATE UNIQUE INDEX film_reports_one_open ON film_reports (film_id, reporter) WHERE closed_at IS NULL;
CREATE INDEX film_reports_open_by_film ON film_reports (film_id) WHERE closed_at IS NULL;

-- Every guardian decision, public: who, when, what and why. Never updated or deleted.
CREATE TABLE moderation_decisions (
  decision_id bigint        GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  film_id     numeric(78,0) NOT NULL CHECK (film_id > 0),
  action      text          NOT NULL CHECK (action IN ('hide', 'unhide', 'dismiss')),
  guardian    text          NOT NULL CHECK (guardian ~ '^0x[0-9a-f]{40}$'),
  reason      text          NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
  decided_at  bigint        NOT NULL
);
CREATE INDEX moderation_decisions_by_film ON moderation_decisions (film_id, decision_id DESC);

-- Films this front-end does not list, with the decision that hid them (the listing stays on-chain).
CREATE TABLE hidden_films (
  film_id     numeric(78,0) PRIMARY KEY CHECK (film_id > 0),
  decision_id bigint        NOT NULL REFERENCES moderation_decisions (decision_id)
);

-- A signed-in viewer's age limit: the highest rating they want to see (0 = all ages, 12, 16, 18).
CREATE TABLE viewer_settings (
  viewer        text     PRIMARY KEY CHECK (viewer ~ '^0x[0-9a-f]{40}$'),
  max_age_rating smallint NOT NULL CHECK (max_age_rating IN (0, 12, 16, 18)),
  updated_at    bigint   NOT NULL
);

-- The film's age rating from its metadata (properties.ageRating), as a minimum age; NULL = unrated.
ALTER TABLE films ADD COLUMN age_rating smallint CHECK (age_rating IN (0, 12, 16, 18));
UPDATE films SET age_rating = CASE metadata -> 'properties' ->> 'ageRating'
    WHEN 'all' THEN 0 WHEN '12' THEN 12 WHEN '16' THEN 16 WHEN '18' THEN 18 END
  WHERE metadata_status = 'ok' AND metadata IS NOT NULL;
