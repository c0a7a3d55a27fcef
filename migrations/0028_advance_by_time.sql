-- Carrying a state forward by time alone. While something late is unpaid, a state changes every day,
-- but as long as the loan's ledger and its product's terms stay as they are, and until the next
-- instalment that matters falls due or a past episode leaves the repeat look-back, only its date, DPD,
-- bucket, late fee and outstanding amount move: the episodes, the repeat status and its grace, the
-- amounts due and the next due date stay. advance_until is the last date that holds for (infinity when
-- no such date comes; NULL when the state is not moving that way). The daily refresh then carries
-- those states forward with their instalments' late fees alone, without recomputing their episodes.
ALTER TABLE account_states ADD COLUMN advance_until date;
