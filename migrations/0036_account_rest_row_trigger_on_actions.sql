-- The daily cycle inserts hundreds of thousands of actions a day and records the rest of their accounts
-- itself (migrations/0035_account_rest.sql): its inserts end no mark. A statement trigger with a
-- transition table copied every one of those rows aside all the same, to be thrown away, at a cost
-- that grows with the rows (about a tenth of the day's persist). Inserted actions now end marks through
-- a row trigger whose condition leaves out a chunk of the cycle, so those rows are never copied. The
-- other writers (an agent's call, a manual message) insert a few actions at a time. A chunk that
-- records no rest ('full', `overdue cycle --no-rest`) ends the marks of the accounts it acts on itself,
-- in one statement (run-cycle.ts). Updates, deletes and truncation keep their statement triggers.
DROP TRIGGER actions_end_rest_inserted ON actions;

CREATE FUNCTION account_rest_ends_for_action() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- As account_rest_ends: wait for the day's chunk in progress that holds the borrower, if any.
  PERFORM pg_advisory_xact_lock_shared(hashtext('overdue.cycle_layout'));
  PERFORM 1 FROM cycle_chunks c
  WHERE c.status = 'pending' AND c.lo_borrower_id <= NEW.borrower_id AND NEW.borrower_id < c.hi_borrower_id
  FOR KEY SHARE OF c;
  DELETE FROM account_rest WHERE borrower_id = NEW.borrower_id AND loan_id = NEW.loan_id;
  RETURN NULL;
END
$$;

CREATE TRIGGER actions_end_rest_inserted AFTER INSERT ON actions FOR EACH ROW
  WHEN (coalesce(current_setting('overdue.cycle_chunk', true), '') NOT IN ('rest', 'full'))
  EXECUTE FUNCTION account_rest_ends_for_action();
