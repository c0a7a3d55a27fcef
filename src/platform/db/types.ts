// Kysely table types, one interface per table of migrations/*.sql. Amounts are integer minor units
// (int8 parsed to a safe JS number); dates are 'YYYY-MM-DD' strings; instants are Date.
import type { ColumnType, Generated } from 'kysely';

type Json = ColumnType<unknown, string, string>;
type Instant = ColumnType<Date, Date | string | undefined, Date | string>;
type Default<T> = ColumnType<T, T | undefined, T>;

export interface ProductsTable {
  id: string;
  name: string;
  currency: string;
  grace_days: number;
  repeat_grace_days: number;
  repeat_lookback_days: Default<number>;
  repeat_min_episodes: Default<number>;
  tolerance_minor: Default<number>;
  late_fee_fixed_minor: Default<number>;
  late_fee_daily_ppm: Default<number>;
  late_fee_cap_minor: number | null;
  bucket_bounds: number[];
  waterfall: Default<string[]>;
  jurisdiction: Default<string>;
  updated_at: Instant;
  /** Counts changes to the product's terms. */
  terms_version: Default<number>;
}

export interface BorrowersTable {
  borrower_id: Generated<number>;
  external_id: string;
  name: string;
  locale: Default<string>;
  time_zone: Default<string>;
  flags: Default<string[]>;
  risk_band: string | null;
  preferred_channel: string | null;
  /** Channels with an active contact point that has consent for them (CHANNEL_BIT bits; kept by the database). */
  channels_with_point: Default<number>;
  /** Per channel, in CHANNELS order, the contact point it goes to (null where none; kept by the database). */
  contact_point_by_channel: Generated<Array<number | null> | null>;
  created_at: Instant;
  updated_at: Instant;
}

export interface ContactPointsTable {
  borrower_id: number;
  contact_point_id: Generated<number>;
  kind: string;
  value: string;
  status: Default<string>;
  status_changed_at: Date | string | null;
  consent: Default<string[]>;
  is_primary: Default<boolean>;
  created_at: Instant;
}

export interface EmergencyContactsTable {
  borrower_id: number;
  contact_id: Generated<number>;
  name: string;
  relation: string;
  phone: string;
  consent_at: Date | string | null;
  status: Default<string>;
  created_at: Instant;
}

export interface LoansTable {
  borrower_id: number;
  loan_id: Generated<number>;
  external_id: string;
  product_id: string;
  currency: string;
  principal_minor: number;
  opened_on: string;
  status: Default<string>;
  credit_minor: Default<number>;
  created_at: Instant;
  updated_at: Instant;
  /** Counts changes to the loan's schedule and allocation (the delinquency refresh compares it). */
  ledger_version: Default<number>;
}

export interface InstalmentsTable {
  borrower_id: number;
  loan_id: number;
  seq: number;
  due_date: string;
  principal_minor: number;
  interest_minor: Default<number>;
  fee_minor: Default<number>;
  paid_principal_minor: Default<number>;
  paid_interest_minor: Default<number>;
  paid_fee_minor: Default<number>;
  paid_late_fee_minor: Default<number>;
  settled_on: string | null;
}

export interface PaymentsTable {
  borrower_id: number;
  payment_id: Generated<number>;
  external_id: string;
  loan_id: number;
  amount_minor: number;
  currency: string;
  channel: string;
  paid_on: string;
  status: Default<string>;
  reversed_on: string | null;
  reversal_reason: string | null;
  allocation: Json;
  credit_minor: Default<number>;
  received_at: Instant;
}

export interface AccountEventsTable {
  borrower_id: number;
  event_id: Generated<number>;
  loan_id: number | null;
  kind: string;
  occurred_on: string;
  detail: Json;
  created_at: Instant;
}

export interface AccountStatesTable {
  borrower_id: number;
  loan_id: number;
  as_of: string;
  dpd: number;
  bucket: string;
  overdue_minor: number;
  outstanding_minor: number;
  late_fee_minor: number;
  oldest_unpaid_due: string | null;
  next_due_date: string | null;
  next_due_minor: Default<number>;
  episodes: number;
  is_repeat: boolean;
  grace_days: number;
  delinquent_since: string | null;
  cured_on: string | null;
  updated_at: Instant;
  /** The state holds until this day (NULL: until the ledger or the product terms change). */
  recheck_on: string | null;
  /** The last date to which the state may be carried by time alone (see migrations/0028_advance_by_time.sql). */
  advance_until: string | null;
  /** Its late unpaid instalments while it advances (see migrations/0029_late_instalments_on_state.sql). */
  late_due_dates: string[] | null;
  late_unpaid_principal: number[] | null;
  late_paid_fee: number[] | null;
  ledger_version: Default<number>;
  terms_version: Default<number>;
}

export interface PromisesTable {
  borrower_id: number;
  promise_id: Generated<number>;
  loan_id: number;
  amount_minor: number;
  promised_on: string;
  due_on: string;
  status: Default<string>;
  resolved_on: string | null;
  created_at: Instant;
}

export interface ArrangementsTable {
  borrower_id: number;
  arrangement_id: Generated<number>;
  loan_id: number;
  kind: string;
  status: Default<string>;
  starts_on: string;
  ends_on: string | null;
  missed_payments: Default<number>;
  created_at: Instant;
}

export interface ContactOutcomesTable {
  borrower_id: number;
  outcome_id: Generated<number>;
  loan_id: number | null;
  channel: string;
  party: Default<string>;
  outcome: string;
  occurred_at: Date | string;
  action_id: number | null;
}

export interface StrategyVersionsTable {
  strategy_id: string;
  version: number;
  kind: string;
  content: Json;
  content_hash: string;
  source: string;
  created_at: Instant;
}

export interface StrategyActivationsTable {
  activation_id: Generated<number>;
  set_id: string;
  set_version: number;
  members: Json;
  activated_at: Instant;
  activated_by: Default<string>;
}

export interface CycleRunsTable {
  as_of: string;
  activation_id: number | null;
  chunk_count: number;
  lo_borrower_id: number;
  hi_borrower_id: number;
  started_at: Instant;
  finished_at: Date | string | null;
}

export interface CycleChunksTable {
  as_of: string;
  chunk_no: number;
  lo_borrower_id: number;
  hi_borrower_id: number;
  status: Default<string>;
  worker: string | null;
  accounts: number | null;
  planned: number | null;
  finished_at: Date | string | null;
  counts: ColumnType<unknown, string | null | undefined, string | null>;
}

export interface ActionsTable {
  borrower_id: number;
  action_id: Generated<number>;
  loan_id: number;
  idempotency_key: string;
  as_of: string;
  kind: string;
  channel: string | null;
  party: Default<string>;
  template: string | null;
  contact_point_id: number | null;
  emergency_contact_id: number | null;
  strategy_id: string;
  strategy_version: number;
  arm: string;
  segment_id: string;
  step_id: string;
  status: string;
  reason: Json;
  payload: Json;
  verdict: ColumnType<unknown, string | null | undefined, string | null>;
  status_reason: string | null;
  created_at: Instant;
  updated_at: Instant;
}

/** One entry per action to send; what to send is on the action. */
export interface OutboxTable {
  borrower_id: number;
  action_id: number;
  channel: string;
  status: Default<string>;
  not_before: Date | string | null;
  attempts: Default<number>;
  created_at: Instant;
  updated_at: Instant;
}

export interface SchemaMigrationsTable {
  version: string;
  name: string;
  checksum: string;
  applied_at: Instant;
}

/** An account the cycle skips until a day when a step may act again (migrations/0035_account_rest.sql). */
export interface AccountRestTable {
  borrower_id: number;
  loan_id: number;
  until: string;
  activation_id: number;
  /** The day the mark was made (migrations/0037); null for marks made before the column existed. */
  marked_on: string | null;
}

export interface DB {
  products: ProductsTable;
  borrowers: BorrowersTable;
  contact_points: ContactPointsTable;
  emergency_contacts: EmergencyContactsTable;
  loans: LoansTable;
  instalments: InstalmentsTable;
  payments: PaymentsTable;
  account_events: AccountEventsTable;
  account_states: AccountStatesTable;
  promises: PromisesTable;
  arrangements: ArrangementsTable;
  contact_outcomes: ContactOutcomesTable;
  strategy_versions: StrategyVersionsTable;
  strategy_activations: StrategyActivationsTable;
  cycle_runs: CycleRunsTable;
  cycle_chunks: CycleChunksTable;
  account_rest: AccountRestTable;
  actions: ActionsTable;
  outbox: OutboxTable;
  schema_migrations: SchemaMigrationsTable;
}
