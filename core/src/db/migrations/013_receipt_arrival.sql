-- The order the ledger applied signed beats in. Beats of one viewer share a clock, so two beats
-- stamped in the same second (or committed out of stamp order) credit differently depending on
-- which came first; the receipts archive lists them in this order so an operator's replay applies
-- them exactly as the ledger did. Within one viewer the order is the lock order: the receipt row is
-- inserted while the viewer's clock row is held (011_heartbeat_receipts.sql).
ALTER TABLE heartbeat_receipts ADD COLUMN arrival bigint GENERATED ALWAYS AS IDENTITY;
CREATE INDEX heartbeat_receipts_arrival ON heartbeat_receipts (period, arrival);
