-- The daily cycle writes every account's state and hundreds of thousands of actions; indexes nobody
-- reads only slow that down. account_states_dpd also stopped in-place (HOT) updates of delinquent
-- accounts, whose DPD changes every day. Per-day action counts come from cycle_chunks.
DROP INDEX IF EXISTS account_states_dpd;
DROP INDEX IF EXISTS actions_as_of;
