-- The instalments delinquency reads: unpaid, or settled after their due date (late, or on a date
-- unknown). One paid in full by its due date adds nothing to an account's amounts, dates, episodes or
-- late fees, and most instalments are such; the refresh reads the others through this index (its
-- queries repeat the predicate word for word, see src/delinquency/store.ts).
CREATE INDEX instalments_open_or_late ON instalments (borrower_id, loan_id, seq)
  WHERE settled_on IS NULL OR settled_on > due_date
     OR principal_minor + interest_minor + fee_minor > paid_principal_minor + paid_interest_minor + paid_fee_minor;
