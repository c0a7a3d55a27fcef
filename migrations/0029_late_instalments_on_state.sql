-- The late unpaid instalments of a state that time alone carries forward (advance_until): their due
-- dates, unpaid principal and late fee already paid, one element per instalment and in the same order
-- in all three. While the state advances, that set and those amounts stay as they are (the ledger is
-- unchanged and no other instalment falls late before advance_until), so the daily refresh sums their
-- late fees from the state row itself instead of reading the loan's instalments. States written before
-- these columns existed are recomputed in full.
ALTER TABLE account_states ADD COLUMN late_due_dates date[];
ALTER TABLE account_states ADD COLUMN late_unpaid_principal bigint[];
ALTER TABLE account_states ADD COLUMN late_paid_fee bigint[];
UPDATE account_states SET advance_until = NULL WHERE advance_until IS NOT NULL;
