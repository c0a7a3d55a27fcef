-- Incremental delinquency refresh. A state stays valid until the day it would next change with the
-- ledger as it is (recheck_on: tomorrow while anything is late; else the day after the next
-- instalment falls due, or the day a past episode leaves the repeat look-back, whichever is first;
-- NULL when nothing can change with time). The ledger counts its changes per loan (ledger_version)
-- and products their terms changes (terms_version); a state remembers both. The daily refresh then
-- recomputes only the states that are due, stale, new, or computed for a later date.
ALTER TABLE loans ADD COLUMN ledger_version bigint NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN terms_version bigint NOT NULL DEFAULT 0;
ALTER TABLE account_states ADD COLUMN recheck_on date;
ALTER TABLE account_states ADD COLUMN ledger_version bigint NOT NULL DEFAULT -1;
ALTER TABLE account_states ADD COLUMN terms_version bigint NOT NULL DEFAULT -1;
