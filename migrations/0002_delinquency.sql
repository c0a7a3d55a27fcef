-- Delinquency state per account as of the last refresh.
CREATE TABLE account_states (
  borrower_id          bigint NOT NULL,
  loan_id              bigint NOT NULL,
  as_of                date NOT NULL,
  dpd                  integer NOT NULL,
  bucket               text NOT NULL,
  overdue_minor        bigint NOT NULL,
  outstanding_minor    bigint NOT NULL,
  late_fee_minor       bigint NOT NULL,
  oldest_unpaid_due    date,
  next_due_date        date,
  episodes             integer NOT NULL,
  is_repeat            boolean NOT NULL,
  grace_days           integer NOT NULL,
  delinquent_since     date,
  cured_on             date,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (borrower_id, loan_id)
);
CREATE INDEX account_states_dpd ON account_states (dpd) WHERE dpd > 0;
