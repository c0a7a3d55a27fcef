-- The active loans of a range of borrowers with what the daily cycle reads of them, in the primary
-- key's order: the delinquency refresh (product, ledger version) and the account facts (product,
-- external id, currency) read them from this index alone, without visiting the table (an index-only
-- scan, for the pages VACUUM has marked all-visible). Closed and written-off loans are left out.
CREATE INDEX loans_active ON loans (borrower_id, loan_id) INCLUDE (product_id, ledger_version, external_id, currency)
  WHERE status = 'active';
