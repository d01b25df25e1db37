-- Creators' signed profiles and viewers' follows (issue 15 points 1 and 2). Neither has a foreign
-- key to films: the index can be wiped and rebuilt from the chain (indexer.wipeIndex) while these,
-- which only wallets write, must survive it.
--
-- creator_profiles: the latest signed profile per wallet. The EIP-712 signed document itself is on
-- IPFS (document_cid); the columns are its fields for the pages. updated_at is the SIGNED
-- timestamp: a profile replaces the stored one only when it is strictly newer, so an old signed
-- profile cannot be replayed over a newer one.
CREATE TABLE creator_profiles (
  address      text    PRIMARY KEY CHECK (address ~ '^0x[0-9a-f]{40}$'),
  name         text    NOT NULL,
  bio          text    NOT NULL,
  avatar_cid   text,
  links        text[]  NOT NULL,
  updated_at   bigint  NOT NULL CHECK (updated_at > 0),
  signature    text    NOT NULL,
  document_cid text    NOT NULL,
  recorded_at  bigint  NOT NULL
);

-- A signed-in viewer follows a creator (the wallet that minted films).
CREATE TABLE follows (
  viewer      text   NOT NULL CHECK (viewer ~ '^0x[0-9a-f]{40}$'),
  creator     text   NOT NULL CHECK (creator ~ '^0x[0-9a-f]{40}$'),
  followed_at bigint NOT NULL,
  PRIMARY KEY (viewer, creator),
  CHECK (viewer <> creator)
);
CREATE INDEX follows_by_creator ON follows (creator);
CREATE INDEX follows_recent ON follows (viewer, followed_at DESC);
