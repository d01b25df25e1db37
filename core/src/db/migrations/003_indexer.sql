-- The chain indexer's tables: the contracts' events, and the state they add up to, so the web
-- app's pages read the database and never scan the chain per request. Everything here is derived
-- from the chain (plus listing metadata from IPFS) and can be wiped and rebuilt at any time; the
-- indexer does exactly that when the chain it follows was reset. Film ids and token amounts are
-- numeric(78,0) (uint256), addresses lowercase hex, times unix seconds (bigint), like the ledger.

-- One row: which chain and contracts were indexed, and how far.
CREATE TABLE indexer_state (
  id               smallint      PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  chain_id         bigint        NOT NULL,
  market           text          NOT NULL CHECK (market ~ '^0x[0-9a-f]{40}$'),
  listings         text          NOT NULL CHECK (listings ~ '^0x[0-9a-f]{40}$'),
  payment_token    text          NOT NULL CHECK (payment_token ~ '^0x[0-9a-f]{40}$'),
  -- The market's period clock (immutables), so queries can place times in periods.
  genesis          bigint        NOT NULL,
  period_length    bigint        NOT NULL CHECK (period_length > 0),
  from_block       bigint        NOT NULL CHECK (from_block >= 0),
  -- The last block whose events are all in; from_block - 1 before the first batch.
  last_block       bigint        NOT NULL,
  -- Its hash: a different hash at that height later means the chain was reset or reorganised.
  last_block_hash  text,
  last_block_time  bigint,
  -- Wall-clock time when last_block was the chain's head as far as the indexer could tell, to
  -- estimate chain time between blocks (a local chain may run ahead of the wall clock).
  observed_at      bigint,
  updated_at       bigint        NOT NULL
);

-- Every log of both contracts, decoded, including those with no table of their own (approvals,
-- roles). The unique key is what makes re-processing a block range change nothing.
CREATE TABLE chain_events (
  block_number  bigint   NOT NULL,
  block_hash    text     NOT NULL,
  block_time    bigint   NOT NULL,
  tx_hash       text     NOT NULL,
  log_index     integer  NOT NULL,
  contract      text     NOT NULL CHECK (contract IN ('listings', 'market')),
  event         text     NOT NULL,
  args          jsonb    NOT NULL,
  PRIMARY KEY (tx_hash, log_index)
);
CREATE INDEX chain_events_block ON chain_events (block_number, log_index);
CREATE INDEX chain_events_event ON chain_events (event, block_number);

-- One row per listing, kept current by ListingMinted, Transfer, PriceChanged, SalesPausedChanged,
-- plus what its ERC-721 metadata JSON says once fetched from IPFS.
CREATE TABLE films (
  film_id           numeric(78,0) PRIMARY KEY CHECK (film_id > 0),
  creator           text          NOT NULL CHECK (creator ~ '^0x[0-9a-f]{40}$'),
  owner             text          NOT NULL CHECK (owner ~ '^0x[0-9a-f]{40}$'),
  metadata_uri      text          NOT NULL,
  duration_seconds  bigint        NOT NULL CHECK (duration_seconds > 0),
  price_per_view    numeric(78,0) NOT NULL CHECK (price_per_view >= 0),
  sales_paused      boolean       NOT NULL DEFAULT false,
  minted_block      bigint        NOT NULL,
  minted_at         bigint        NOT NULL,
  minted_tx         text          NOT NULL,
  -- pending: not fetched yet; ok; unavailable: the fetch failed, retried from next_attempt_at;
  -- invalid: fetched but not a metadata object (content behind a CID never changes: no retry).
  metadata_status       text     NOT NULL DEFAULT 'pending'
                                 CHECK (metadata_status IN ('pending', 'ok', 'unavailable', 'invalid')),
  metadata_error        text,
  metadata_attempts     integer  NOT NULL DEFAULT 0,
  metadata_next_attempt bigint   NOT NULL DEFAULT 0,
  metadata_fetched_at   bigint,
  title             text,
  description       text,
  genre             text,
  ai_tools          text[]        NOT NULL DEFAULT '{}',
  creator_name      text,
  image             text,
  animation_url     text,
  hls_cid           text,
  key_id            text,
  preview_uri       text,
  preview_seconds   double precision,
  renditions        integer[]     NOT NULL DEFAULT '{}',
  metadata          jsonb
);
CREATE INDEX films_owner ON films (owner);
CREATE INDEX films_creator ON films (creator);
CREATE INDEX films_new ON films (minted_at DESC, film_id DESC);
CREATE INDEX films_genre ON films (lower(genre));
CREATE INDEX films_ai_tools ON films USING gin (ai_tools);
CREATE INDEX films_metadata_due ON films (metadata_next_attempt) WHERE metadata_status IN ('pending', 'unavailable');

-- ERC-721 transfers of listings (ownership history; mints included, from the zero address).
CREATE TABLE film_transfers (
  tx_hash       text          NOT NULL,
  log_index     integer       NOT NULL,
  block_number  bigint        NOT NULL,
  block_time    bigint        NOT NULL,
  film_id       numeric(78,0) NOT NULL,
  from_address  text          NOT NULL,
  to_address    text          NOT NULL,
  PRIMARY KEY (tx_hash, log_index)
);
CREATE INDEX film_transfers_film ON film_transfers (film_id, block_number);

-- View passes bought (ViewPurchased). period: the market period of the block.
CREATE TABLE purchases (
  tx_hash       text          NOT NULL,
  log_index     integer       NOT NULL,
  block_number  bigint        NOT NULL,
  block_time    bigint        NOT NULL,
  period        bigint        NOT NULL,
  film_id       numeric(78,0) NOT NULL,
  viewer        text          NOT NULL,
  payee         text          NOT NULL,
  price         numeric(78,0) NOT NULL,
  fee           numeric(78,0) NOT NULL,
  expires_at    bigint        NOT NULL,
  PRIMARY KEY (tx_hash, log_index)
);
CREATE INDEX purchases_viewer ON purchases (viewer, film_id);
CREATE INDEX purchases_film ON purchases (film_id, period);
CREATE INDEX purchases_payee ON purchases (payee, period);

-- Subscription payments (Subscribed): [start_at, end_at) was added to the subscription.
CREATE TABLE subscriptions (
  tx_hash       text          NOT NULL,
  log_index     integer       NOT NULL,
  block_number  bigint        NOT NULL,
  block_time    bigint        NOT NULL,
  subscriber    text          NOT NULL,
  months        integer       NOT NULL,
  paid          numeric(78,0) NOT NULL,
  pooled        numeric(78,0) NOT NULL,
  start_at      bigint        NOT NULL,
  end_at        bigint        NOT NULL,
  PRIMARY KEY (tx_hash, log_index)
);
CREATE INDEX subscriptions_subscriber ON subscriptions (subscriber, end_at DESC);

-- Distinct subscribers per period, as the contract counts them.
CREATE TABLE period_subscribers (
  period      bigint NOT NULL,
  subscriber  text   NOT NULL,
  PRIMARY KEY (period, subscriber)
);

-- Each period's pool, recomputed from events exactly as the contract funds it: Subscribed spread
-- pro rata over the periods it covers, RemainderRolledOver in, Claimed and rolled-over out.
CREATE TABLE period_pools (
  period         bigint        PRIMARY KEY CHECK (period >= 0),
  amount         numeric(78,0) NOT NULL DEFAULT 0,
  paid           numeric(78,0) NOT NULL DEFAULT 0,
  subscribers    integer       NOT NULL DEFAULT 0,
  claimed_count  integer       NOT NULL DEFAULT 0,
  rolled_in      numeric(78,0) NOT NULL DEFAULT 0,
  CHECK (paid <= amount)
);

-- Tallies posted (TallyPosted); a disputed one keeps its row with status 'disputed' and the
-- dispute, and a replacement gets a new row.
CREATE TABLE tallies (
  tx_hash          text          NOT NULL,
  log_index        integer       NOT NULL,
  block_number     bigint        NOT NULL,
  block_time       bigint        NOT NULL,
  period           bigint        NOT NULL,
  root             text          NOT NULL,
  total_views      numeric(20,0) NOT NULL,
  total_seconds    numeric(20,0) NOT NULL,
  leaf_count       bigint        NOT NULL,
  view_weight_bps  integer       NOT NULL,
  data_cid         text          NOT NULL,
  signers          text[]        NOT NULL,
  claimable_at     bigint        NOT NULL,
  status           text          NOT NULL DEFAULT 'posted' CHECK (status IN ('posted', 'disputed')),
  disputed_by      text,
  disputed_at      bigint,
  dispute_reason   text,
  dispute_tx       text,
  PRIMARY KEY (tx_hash, log_index)
);
CREATE INDEX tallies_period ON tallies (period, block_number DESC, log_index DESC);

-- Shares paid (Claimed): to the film's owner at claim time.
CREATE TABLE claims (
  tx_hash       text          NOT NULL,
  log_index     integer       NOT NULL,
  block_number  bigint        NOT NULL,
  block_time    bigint        NOT NULL,
  period        bigint        NOT NULL,
  film_id       numeric(78,0) NOT NULL,
  payee         text          NOT NULL,
  amount        numeric(78,0) NOT NULL,
  PRIMARY KEY (tx_hash, log_index),
  UNIQUE (period, film_id)
);
CREATE INDEX claims_payee ON claims (payee, period);
CREATE INDEX claims_film ON claims (film_id, period);

-- Remainders moved into a later pool (RemainderRolledOver).
CREATE TABLE rollovers (
  tx_hash       text          NOT NULL,
  log_index     integer       NOT NULL,
  block_number  bigint        NOT NULL,
  block_time    bigint        NOT NULL,
  period        bigint        NOT NULL,
  into_period   bigint        NOT NULL,
  amount        numeric(78,0) NOT NULL,
  PRIMARY KEY (tx_hash, log_index)
);
CREATE INDEX rollovers_period ON rollovers (period);

-- Money leaving the market by withdrawal: pay-per-view earnings (EarningsWithdrawn) and fees.
CREATE TABLE withdrawals (
  tx_hash       text          NOT NULL,
  log_index     integer       NOT NULL,
  block_number  bigint        NOT NULL,
  block_time    bigint        NOT NULL,
  kind          text          NOT NULL CHECK (kind IN ('earnings', 'fees')),
  account       text          NOT NULL,
  to_address    text          NOT NULL,
  amount        numeric(78,0) NOT NULL,
  PRIMARY KEY (tx_hash, log_index)
);
CREATE INDEX withdrawals_account ON withdrawals (kind, account);

-- The market's governed parameters as of last_block, from their change events (the constructor
-- emits each one, so indexing from the deployment block sees them all).
CREATE TABLE market_params (
  id                   smallint      PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  fee_bps              integer,
  view_weight_bps      integer,
  monthly_price        numeric(78,0),
  pass_window          bigint,
  challenge_window     bigint,
  treasury             text,
  purchases_paused     boolean       NOT NULL DEFAULT false,
  oracle_threshold     integer,
  updated_block        bigint        NOT NULL
);

-- Registered oracle signers (OracleSignerAdded / OracleSignerRemoved).
CREATE TABLE oracle_signers (
  signer      text    PRIMARY KEY,
  active      boolean NOT NULL,
  changed_block bigint NOT NULL
);

-- Creator studio and film pages read a film's ledger counters across periods; the ledger's own
-- indexes lead with period or viewer.
CREATE INDEX view_counters_film_period ON view_counters (film_id, period);
