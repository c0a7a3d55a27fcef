-- The daily cycle reads each in-scope account's recent actions grouped by strategy, step, channel and
-- party (cadence, times fired this episode, first and last contact, silence). Their number grows with
-- every day an account stays delinquent. This index holds them in that order with everything the read
-- needs, so it is an index-only scan with no sort; it also serves every other lookup of a loan's actions.
CREATE INDEX actions_history ON actions (borrower_id, loan_id, strategy_id, step_id, channel, party, as_of) INCLUDE (status);
DROP INDEX actions_loan;
