-- With the incremental refresh only the states that can change are rewritten each day (the delinquent
-- ones, a fraction of the portfolio), so account_states no longer keeps half of every page free for
-- in-place updates: the first refresh of a portfolio writes half as many pages.
ALTER TABLE account_states SET (fillfactor = 100);
