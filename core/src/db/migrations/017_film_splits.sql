-- Collaborator splits. A creator sends a minted listing to the SplitterFactory with its payees and
-- shares; the film's FilmSplitter clone then owns the listing and pays each payee their share.
-- The indexer follows the factory's SplitterCreated events (contract 'splitters' in chain_events)
-- so pages can say "split among N collaborators" and the studio can find a collaborator's films.
-- Derived from the chain like the other indexed tables: wiped and rebuilt with them.
ALTER TABLE chain_events DROP CONSTRAINT chain_events_contract_check;
ALTER TABLE chain_events ADD CONSTRAINT chain_events_contract_check CHECK (contract IN ('listings', 'market', 'splitters'));

CREATE TABLE film_splits (
  film_id        numeric(78,0) PRIMARY KEY CHECK (film_id > 0),
  splitter       text          NOT NULL UNIQUE CHECK (splitter ~ '^0x[0-9a-f]{40}$'),
  -- The creator who split the film: may still set its price and pause its sales.
  controller     text          NOT NULL CHECK (controller ~ '^0x[0-9a-f]{40}$'),
  total_shares   numeric(78,0) NOT NULL CHECK (total_shares > 0),
  created_block  bigint        NOT NULL,
  created_at     bigint        NOT NULL,
  created_tx     text          NOT NULL
);
CREATE INDEX film_splits_controller ON film_splits (controller);

CREATE TABLE film_split_payees (
  film_id   numeric(78,0) NOT NULL REFERENCES film_splits (film_id) ON DELETE CASCADE,
  position  integer       NOT NULL CHECK (position >= 0),
  payee     text          NOT NULL CHECK (payee ~ '^0x[0-9a-f]{40}$'),
  shares    numeric(78,0) NOT NULL CHECK (shares > 0),
  PRIMARY KEY (film_id, payee)
);
CREATE INDEX film_split_payees_payee ON film_split_payees (payee);
