-- Accounts at rest. When the daily cycle finds that no step of the active strategies can act on an
-- account before a later day, time alone moving its facts (its DPD, dates, cadence; core/rest.ts), it
-- records that day here, and the cycles before it skip the account without loading its facts. A mark
-- holds only under the strategy activation it was computed for, only while the account has no event
-- in the events look-back, and only while nothing the screen reads changes: any write to the
-- account's state, loan, borrower, product, promises, events or actions ends its mark (the triggers
-- below; a borrower's or a borrower-level event's, those of all its loans), whoever the writer is; the
-- next cycle then evaluates it in full.
CREATE TABLE account_rest (
  borrower_id        bigint NOT NULL,
  loan_id            bigint NOT NULL,
  -- The first day a step may act again: the cycle skips the account on the days before it.
  until              date NOT NULL,
  activation_id      bigint NOT NULL,
  PRIMARY KEY (borrower_id, loan_id)
);

-- Per statement, over the rows it wrote (transition tables): by borrower (TG_ARGV[0] = 'borrower'), or
-- by loan (loan ids are unique). The ids travel as arrays, so the marks are found through the primary
-- key however many there are.
CREATE FUNCTION account_rest_ends() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  borrowers bigint[];
  loans bigint[];
  chunk text;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM account_rest;
    RETURN NULL;
  END IF;
  -- A chunk of the daily cycle says so for its transaction (overdue.cycle_chunk): 'rest' when it records
  -- the rest of every account it evaluates itself, after inserting their actions (its inserts then end
  -- nothing), 'full' when it does not.
  chunk := current_setting('overdue.cycle_chunk', true);
  IF TG_OP = 'INSERT' AND TG_TABLE_NAME = 'actions' AND chunk = 'rest' THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    IF TG_ARGV[0] = 'borrower' THEN
      borrowers := ARRAY(SELECT DISTINCT borrower_id FROM old_rows);
    ELSE
      SELECT array_agg(DISTINCT borrower_id), array_agg(DISTINCT loan_id) INTO borrowers, loans FROM old_rows;
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    IF TG_ARGV[0] = 'borrower' THEN
      borrowers := ARRAY(SELECT DISTINCT borrower_id FROM new_rows) || coalesce(borrowers, '{}');
    ELSE
      SELECT array_agg(DISTINCT borrower_id) || coalesce(borrowers, '{}'), array_agg(DISTINCT loan_id) || coalesce(loans, '{}')
      INTO borrowers, loans FROM new_rows;
    END IF;
  END IF;
  -- A cycle may be evaluating these accounts right now from the facts as they were before this write,
  -- and record their rest after it: wait for the chunks that hold them (locked by their cycle until it
  -- commits), so the delete below sees what they record; a chunk not claimed yet waits for this
  -- transaction instead, and is then evaluated with this write. The shared advisory lock keeps a day
  -- from being laid out in chunks meanwhile (the layout takes it exclusively: layOutCycle), which would
  -- otherwise let a cycle claim a chunk no trigger has seen.
  -- A chunk's own writes (its refresh) need not wait: it records the rest of its accounts after them.
  IF coalesce(chunk, '') NOT IN ('rest', 'full') THEN
    PERFORM pg_advisory_xact_lock_shared(hashtext('overdue.cycle_layout'));
    PERFORM 1 FROM cycle_chunks c
    WHERE c.status = 'pending' AND EXISTS (SELECT 1 FROM unnest(borrowers) AS b(id) WHERE b.id >= c.lo_borrower_id AND b.id < c.hi_borrower_id)
    FOR KEY SHARE OF c;
  END IF;
  IF TG_ARGV[0] = 'borrower' THEN
    DELETE FROM account_rest WHERE borrower_id = ANY (borrowers);
  ELSE
    DELETE FROM account_rest WHERE borrower_id = ANY (borrowers) AND loan_id = ANY (loans);
  END IF;
  RETURN NULL;
END
$$;

-- The chunks of a day a cycle is still working on (the triggers above look for those of the borrowers written).
CREATE INDEX cycle_chunks_pending ON cycle_chunks (lo_borrower_id) WHERE status = 'pending';

-- A product's terms or jurisdiction change: the marks of its loans end.
CREATE FUNCTION account_rest_ends_for_products() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- As above: wait for the chunks in progress (any of them may hold loans of the product).
  PERFORM pg_advisory_xact_lock_shared(hashtext('overdue.cycle_layout'));
  PERFORM 1 FROM cycle_chunks c WHERE c.status = 'pending' FOR KEY SHARE OF c;
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM account_rest;
  ELSE
    DELETE FROM account_rest r USING loans l
    WHERE l.borrower_id = r.borrower_id AND l.loan_id = r.loan_id
      AND l.product_id IN (SELECT id FROM old_rows);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER products_end_rest_updated AFTER UPDATE ON products
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION account_rest_ends_for_products();
CREATE TRIGGER products_end_rest_deleted AFTER DELETE ON products
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION account_rest_ends_for_products();
CREATE TRIGGER products_end_rest_truncated AFTER TRUNCATE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION account_rest_ends_for_products();

-- The borrower's and the loans' tables. A new borrower or loan has no marks yet, and a new state
-- replaces none (the refresh rewrites a stored state with an update): their inserts end nothing. An
-- event without a loan is the borrower's: it ends the marks of all the borrower's loans.
DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES ('account_states', 'loan', false), ('loans', 'loan', false), ('borrowers', 'borrower', false),
                                 ('promises', 'loan', true), ('account_events', 'borrower', true), ('actions', 'loan', true)) AS v(name, keyed_by, inserts) LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                      FOR EACH STATEMENT EXECUTE FUNCTION account_rest_ends(%L)', t.name || '_end_rest_updated', t.name, t.keyed_by);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
                      FOR EACH STATEMENT EXECUTE FUNCTION account_rest_ends(%L)', t.name || '_end_rest_deleted', t.name, t.keyed_by);
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION account_rest_ends(%L)',
                   t.name || '_end_rest_truncated', t.name, t.keyed_by);
    -- New promises, events and actions change what the screen reads.
    IF t.inserts THEN
      EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION account_rest_ends(%L)', t.name || '_end_rest_inserted', t.name, t.keyed_by);
    END IF;
  END LOOP;
END
$$;
