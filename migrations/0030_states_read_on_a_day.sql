-- States that time alone moves are no longer rewritten every day (see 0028): read on a later day up
-- to advance_until, their DPD, bucket, late fee and outstanding amount follow that day. Readers take
-- them through the delinquency module (statesOn / stateOnColumns in src/delinquency/store.ts); for
-- ad-hoc SQL the columns say so.
COMMENT ON COLUMN account_states.as_of IS 'The day the state was computed. Read on a later day D, a state with as_of < D <= advance_until holds on D with the moving columns carried by time: see advance_until.';
COMMENT ON COLUMN account_states.advance_until IS 'Last day time alone carries this state (NULL: it does not). On a day D with as_of < D <= advance_until: dpd = D - oldest_unpaid_due (when dpd > 0), bucket follows that DPD, late_fee_minor is summed again over the late unpaid instalments listed in late_due_dates / late_unpaid_principal / late_paid_fee, and outstanding_minor moves by the change in late fee.';
COMMENT ON COLUMN account_states.dpd IS 'Days past due on as_of; see advance_until for later days.';
COMMENT ON COLUMN account_states.bucket IS 'Bucket of dpd on as_of; see advance_until for later days.';
COMMENT ON COLUMN account_states.late_fee_minor IS 'Late fee outstanding on as_of; see advance_until for later days.';
COMMENT ON COLUMN account_states.outstanding_minor IS 'Outstanding amount including late fees on as_of; see advance_until for later days.';
