-- account_rest_ends() (0035) without its branch for the daily cycle's inserts into actions: since 0036
-- inserted actions end marks through a row trigger of their own (account_rest_ends_for_action), so no
-- insert into actions reaches this function and the branch could never run. The rest is unchanged.
CREATE OR REPLACE FUNCTION account_rest_ends() RETURNS trigger LANGUAGE plpgsql AS $$
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
  -- the rest of every account it evaluates itself, 'full' when it does not.
  chunk := current_setting('overdue.cycle_chunk', true);
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
