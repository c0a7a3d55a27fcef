// Set-based delinquency storage: one INSERT … SELECT computes every account's snapshot in a borrower
// scope from instalments + loans + products and upserts account_states; plus the product terms and
// the portfolio summary by bucket. The SQL mirrors core/assess-delinquency.ts (definitions there).
//
// Shape: the due loans (all active loans on a scope's first refresh; afterwards only those whose state
// no longer holds), one pass from them over all their instalments grouped by account (amounts and
// dates), and one pass over their late instalments only, where window functions find the episodes
// (gaps and islands: a span starts an episode when it begins after the running latest late day + 1,
// and ends one when the next span begins after that) and late fees are summed under both graces,
// since which grace applies depends on that history. The two results meet in a hash join. States that
// time alone moves are not rewritten: readers take them as they stand on their day (stateOnColumns).
import { sql, type Kysely, type RawBuilder, type Selectable, type Transaction } from 'kysely';
import type { DB, ProductsTable } from '../platform/db/types.ts';
import { unlessUniqueViolation } from '../platform/db/unique-violation.ts';
import { withPlannerSettings } from '../platform/db/planner-settings.ts';
import { compareBuckets } from './core/buckets.ts';
import type { DelinquencyProduct } from './core/types.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

/** Which borrowers a refresh covers: borrower_id in [lo, hi) and/or in a list; all when empty. */
export interface BorrowerScope {
  loBorrowerId?: number;
  hiBorrowerId?: number;
  borrowerIds?: readonly number[];
}

function borrowerFilter(column: string, scope: BorrowerScope): RawBuilder<unknown> {
  const ref = sql.ref(column);
  const parts = [
    scope.loBorrowerId === undefined ? null : sql`${ref} >= ${scope.loBorrowerId}`,
    scope.hiBorrowerId === undefined ? null : sql`${ref} < ${scope.hiBorrowerId}`,
    scope.borrowerIds === undefined ? null : sql`${ref} = ANY(${[...scope.borrowerIds]}::bigint[])`,
  ].filter((part) => part !== null);
  return parts.length === 0 ? sql`TRUE` : sql.join(parts, sql` AND `);
}

/**
 * The instalments delinquency reads: unpaid, or settled after their due date (late, or on a date
 * unknown). One paid in full by its due date adds nothing to any sum, date or episode below, so it is
 * left out; most are, and the instalments_open_or_late index lists only the others. The condition is
 * that index's predicate, written the same way, which lets the planner use it.
 */
const OPEN_OR_LATE = sql`(settled_on IS NULL OR settled_on > due_date
                          OR principal_minor + interest_minor + fee_minor > paid_principal_minor + paid_interest_minor + paid_fee_minor)`;

/** Instalments in scope that delinquency reads (OPEN_OR_LATE), with what it derives from each row alone. */
function instalmentsInScope(asOf: string, scope: BorrowerScope): RawBuilder<unknown> {
  return sql`(SELECT borrower_id, loan_id, seq, due_date, settled_on, paid_late_fee_minor,
           GREATEST(0, principal_minor + interest_minor + fee_minor - paid_principal_minor - paid_interest_minor - paid_fee_minor) AS unpaid,
           GREATEST(0, principal_minor - paid_principal_minor) AS unpaid_principal,
           ${asOf}::date - due_date AS days_late
    FROM instalments WHERE ${borrowerFilter('borrower_id', scope)} AND ${OPEN_OR_LATE})`;
}

/** One late instalment as lateFeeOutstanding reads it: by default the columns of instalmentsInScope as i. */
interface LateInstalment {
  unpaid: RawBuilder<unknown>;
  daysLate: RawBuilder<unknown>;
  unpaidPrincipal: RawBuilder<unknown>;
  paidLateFee: RawBuilder<unknown>;
}
const INSTALMENT_IN_SCOPE: LateInstalment = {
  unpaid: sql`i.unpaid`, daysLate: sql`i.days_late`, unpaidPrincipal: sql`i.unpaid_principal`, paidLateFee: sql`i.paid_late_fee_minor`,
};

/** Late fee outstanding on one late instalment (its product joined under the alias given) under the given grace. */
function lateFeeOutstanding(graceDays: RawBuilder<unknown>, i: LateInstalment = INSTALMENT_IN_SCOPE, product = 'p'): RawBuilder<unknown> {
  const p = (column: string) => sql.ref(`${product}.${column}`);
  const days = sql`(${i.daysLate} - ${graceDays})`;
  // The daily part in bigint arithmetic where the product cannot overflow (principal < 2^31, rate
  // < 2^20 ppm, days < 2^12: below 2^63), which is exact and far cheaper than numeric; else in numeric.
  const daily = sql`CASE WHEN ${i.unpaidPrincipal} < 2147483648 AND ${p('late_fee_daily_ppm')} < 1048576 AND ${days} < 4096
                         THEN ${i.unpaidPrincipal} * ${p('late_fee_daily_ppm')} * ${days} / 1000000
                         ELSE floor(${i.unpaidPrincipal}::numeric * ${p('late_fee_daily_ppm')} * ${days} / 1000000)::bigint END`;
  return sql`CASE WHEN ${i.unpaid} > 0 AND ${i.daysLate} > ${graceDays} THEN GREATEST(0,
      LEAST(${p('late_fee_fixed_minor')} + ${daily}, ${p('late_fee_cap_minor')}) - ${i.paidLateFee})::bigint ELSE 0 END`;
}

/** The bucket of a DPD, as core/buckets.ts bucketOf: width_bucket(dpd − 1, bounds) counts the bounds below dpd. */
function bucketSql(dpd: RawBuilder<unknown>, bounds: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`CASE WHEN ${dpd} = 0 THEN 'M0'
                WHEN width_bucket(${dpd} - 1, ${bounds}) >= cardinality(${bounds}) THEN 'M' || cardinality(${bounds}) + 1 || '+'
                ELSE 'M' || width_bucket(${dpd} - 1, ${bounds}) + 1 END`;
}

/** What a refresh did: states recomputed in full, and states time alone carries (see stateOnColumns). */
export interface RefreshCount {
  /** States written: recomputed from the loan's instalments. */
  accounts: number;
  /** States not written because time alone carries them to asOf: read through stateOnColumns, they hold on asOf. */
  carried: number;
}

/** The columns of a state that time alone moves; and the outstanding amount without late fees, which it does not. */
export type CarriedColumn = 'as_of' | 'dpd' | 'bucket' | 'late_fee_minor' | 'outstanding_minor' | 'recheck_on' | 'outstanding_before_fees';

/**
 * A state's columns that time alone moves, as they stand on asOf. While something late is unpaid and
 * nothing else can change (until advance_until: the day before the next instalment that matters falls
 * due, or a past episode stops counting), a state is not rewritten each day: its DPD counts from the
 * oldest unpaid due date, its bucket follows, and its late fee is summed again over the late unpaid
 * instalments the row lists (the outstanding amount moves with it). Every reader of account_states
 * takes these columns from here; the others hold as stored. A carried state's DPD stays above zero, so
 * a test of dpd > 0 may read the stored column. `state` is the account_states row, `product` its loan's.
 */
export function stateOnColumns(asOf: string, state = 's', product = 'p'): Record<CarriedColumn, RawBuilder<unknown>> {
  const s = (column: string) => sql.ref(`${state}.${column}`);
  const carried = sql`(${s('as_of')} < ${asOf}::date AND ${s('advance_until')} >= ${asOf}::date)`;
  const dpd = sql`(${asOf}::date - ${s('oldest_unpaid_due')})`;
  // The k-th late unpaid instalment the state row lists (every one listed is unpaid: unpaid = 1).
  const listed = (k: number) => lateFeeOutstanding(s('grace_days'), {
    unpaid: sql`1`, daysLate: sql`(${asOf}::date - ${s('late_due_dates')}[${sql.lit(k)}])`,
    unpaidPrincipal: sql`${s('late_unpaid_principal')}[${sql.lit(k)}]`, paidLateFee: sql`${s('late_paid_fee')}[${sql.lit(k)}]`,
  }, product);
  const all = lateFeeOutstanding(s('grace_days'), {
    unpaid: sql`1`, daysLate: sql`(${asOf}::date - u.due_date)`, unpaidPrincipal: sql`u.unpaid_principal`, paidLateFee: sql`u.paid_late_fee_minor`,
  }, product);
  // Most states list one or two late instalments: summed in place, without unnesting the lists.
  const lateFee = sql`CASE cardinality(${s('late_due_dates')})
      WHEN 1 THEN ${listed(1)}
      WHEN 2 THEN ${listed(1)} + ${listed(2)}
      ELSE (SELECT COALESCE(sum(${all}), 0)::bigint
            FROM unnest(${s('late_due_dates')}, ${s('late_unpaid_principal')}, ${s('late_paid_fee')}) AS u(due_date, unpaid_principal, paid_late_fee_minor)) END`;
  const onAsOf = (moved: RawBuilder<unknown>, stored: string) => sql`CASE WHEN ${carried} THEN ${moved} ELSE ${s(stored)} END`;
  return {
    as_of: onAsOf(sql`${asOf}::date`, 'as_of'),
    dpd: onAsOf(sql`CASE WHEN ${s('dpd')} > 0 THEN ${dpd} ELSE 0 END`, 'dpd'),
    bucket: onAsOf(sql`CASE WHEN ${s('dpd')} > 0 THEN ${bucketSql(dpd, sql.ref(`${product}.bucket_bounds`))} ELSE 'M0' END`, 'bucket'),
    late_fee_minor: onAsOf(lateFee, 'late_fee_minor'),
    outstanding_minor: onAsOf(sql`${s('outstanding_minor')} - ${s('late_fee_minor')} + ${lateFee}`, 'outstanding_minor'),
    recheck_on: onAsOf(sql`${asOf}::date + 1`, 'recheck_on'),
    // For readers that add the late fee themselves and so sum it once.
    outstanding_before_fees: sql`(${s('outstanding_minor')} - ${s('late_fee_minor')})`,
  };
}

/** Every column of account_states, as they stand on asOf (stateOnColumns). */
const STATE_COLUMNS = [
  'borrower_id', 'loan_id', 'as_of', 'dpd', 'bucket', 'overdue_minor', 'outstanding_minor', 'late_fee_minor', 'oldest_unpaid_due',
  'next_due_date', 'next_due_minor', 'episodes', 'is_repeat', 'grace_days', 'delinquent_since', 'cured_on', 'recheck_on',
  'advance_until', 'late_due_dates', 'late_unpaid_principal', 'late_paid_fee', 'ledger_version', 'terms_version', 'updated_at',
] as const satisfies ReadonlyArray<keyof DB['account_states']>;

/**
 * account_states as they stand on asOf, with each loan's product_id: a subquery to select from in
 * place of the table (alias it). A state computed after asOf reads as stored.
 */
export function statesOn(asOf: string): RawBuilder<unknown> {
  const moved: Record<string, RawBuilder<unknown>> = stateOnColumns(asOf, 's', 'p');
  const columns = STATE_COLUMNS.map((column) => (column in moved ? sql`${moved[column]} AS ${sql.ref(column)}` : sql.ref(`s.${column}`)));
  return sql`(SELECT ${sql.join(columns)}, l.product_id
     FROM account_states s JOIN loans l ON l.borrower_id = s.borrower_id AND l.loan_id = s.loan_id JOIN products p ON p.id = l.product_id)`;
}

/**
 * Brings every active loan in scope whose state does not hold on asOf up to date; returns how many
 * states it wrote and how many time alone carries. A state holds while asOf is before its recheck_on,
 * or time alone carries it (up to advance_until, see stateOnColumns), and neither the loan's ledger nor
 * its product's terms changed since (see migrations/0022_incremental_refresh.sql). The others are
 * recomputed: the first pass runs from those loans (so a loan without instalments still gets its row)
 * over all their instalments, the second reads only their late instalments: the episodes and late fees.
 */
export async function upsertAccountStates(db: Executor, asOf: string, scope: BorrowerScope): Promise<RefreshCount> {
  // Through the primary key whatever the statistics say: on a portfolio's first day they describe an
  // empty table while the cycle fills it, and a sequential scan per chunk would read it all.
  const stored = await withPlannerSettings(db, { enable_seqscan: 'off' }, (trx) =>
    sql<{ any: boolean }>`SELECT EXISTS (SELECT 1 FROM account_states WHERE ${borrowerFilter('borrower_id', scope)}) AS any`.execute(trx));
  if (!stored.rows[0].any) {
    // A scope's first refresh inserts without the conflict check, which is cheaper. Should another
    // transaction write a state in scope meanwhile (a payment posted for one of its borrowers), the
    // insert fails as a whole and the refresh below does the work instead. Its loans meet their
    // instalments in one ordered pass over the scope's range of the index (a merge join), which the
    // planner, costing each index row as a random read of the table, would otherwise trade for a probe
    // per loan: 9,000 descents of the index read 35 times the pages (a third of the refresh's time), or
    // for a bitmap of the primary key over the whole range, every instalment's row read and tested
    // and the loans then hashed (a tenth of the statement).
    const inserted = await unlessUniqueViolation(db, () => withPlannerSettings(db, { enable_nestloop: 'off', enable_bitmapscan: 'off' }, (trx) =>
      accountStatesUpsert(asOf, scope, { due: firstRefreshDue(scope), firstRefresh: true }).execute(trx)));
    if (inserted) return { accounts: Number(inserted.numAffectedRows ?? 0), carried: 0 };
  }
  const result = await refreshStoredStates(asOf, scope).execute(db);
  return result.rows[0];
}

/** On a scope's first refresh every active loan in it is due. */
function firstRefreshDue(scope: BorrowerScope): RawBuilder<unknown> {
  return sql`
      SELECT l.borrower_id, l.loan_id, l.product_id, l.ledger_version
      FROM loans l
      WHERE l.status = 'active' AND ${borrowerFilter('l.borrower_id', scope)}`;
}

/**
 * The refresh of a scope, in one statement over one pass of its active loans and their states: each
 * loan whose state does not hold on asOf is recomputed from its instalments: a loan without a state,
 * one whose ledger or product terms changed since, one computed for a later day, one whose recheck day
 * has come and that time alone cannot carry. Returns how many it wrote, and how many time carries.
 */
function refreshStoredStates(asOf: string, scope: BorrowerScope) {
  return sql<RefreshCount>`
    WITH current AS MATERIALIZED (
      SELECT *
      FROM (SELECT l.borrower_id, l.loan_id, l.product_id, l.ledger_version, p.terms_version,
                   -- Computed on or before asOf, with the loan's ledger and its product's terms as they are now.
                   COALESCE(s.as_of <= ${asOf}::date AND s.ledger_version = l.ledger_version AND s.terms_version = p.terms_version, false) AS same,
                   COALESCE(s.recheck_on <= ${asOf}::date, false) AS recheck,
                   COALESCE(s.advance_until >= ${asOf}::date, false) AS carried
            FROM loans l JOIN products p ON p.id = l.product_id
            LEFT JOIN account_states s ON s.borrower_id = l.borrower_id AND s.loan_id = l.loan_id AND ${borrowerFilter('s.borrower_id', scope)}
            WHERE l.status = 'active' AND ${borrowerFilter('l.borrower_id', scope)}) c
      -- No state, or one that does not hold on asOf as stored (no recheck day: it holds for good).
      WHERE NOT same OR recheck
    ),
    recomputed AS (
      ${accountStatesUpsert(asOf, scope, {
        due: sql`SELECT borrower_id, loan_id, product_id, ledger_version FROM current WHERE NOT (same AND carried)`,
        firstRefresh: false,
      })}
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM recomputed)::int AS accounts, (SELECT count(*) FROM current WHERE same AND carried)::int AS carried`;
}

/**
 * The recompute statement for the loans in due. On a scope's first refresh (no states yet) every active
 * loan is due: the loans then meet their instalments in one ordered pass over the scope (upsertAccountStates),
 * cheaper than a probe per loan, which is what later refreshes use for the few loans whose states are due; and it
 * inserts without the conflict check, which later refreshes need to replace the states they recompute.
 */
function accountStatesUpsert(asOf: string, scope: BorrowerScope, options: { due: RawBuilder<unknown>; firstRefresh: boolean }): RawBuilder<unknown> {
  const due = sql`
    due AS ${options.firstRefresh ? sql`NOT MATERIALIZED` : sql`MATERIALIZED`} (${options.due}
    )`;
  const perLoan = sql`
               COALESCE(sum(i.unpaid) FILTER (WHERE i.days_late > 0), 0) AS overdue,
               COALESCE(sum(i.unpaid), 0) AS unpaid,
               min(i.due_date) FILTER (WHERE i.days_late > 0 AND i.unpaid > 0) AS oldest_unpaid_due,
               min(ARRAY[-i.days_late, i.seq, i.unpaid]) FILTER (WHERE i.days_late <= 0 AND i.unpaid > 0) AS next_due,
               -- Tomorrow differs while anything late is unpaid, or settles after asOf (a past date).
               COALESCE(bool_or(i.days_late > 0 AND (i.unpaid > 0 OR i.settled_on > ${asOf}::date)), false) AS moving,
               -- Of those, paid instalments settling after asOf end their spans later: time alone moves them.
               COALESCE(bool_or(i.days_late > 0 AND i.unpaid = 0 AND i.settled_on > ${asOf}::date), false) AS settling,
               -- Otherwise the next change is the day after an instalment that matters falls due.
               min(i.due_date) FILTER (WHERE i.days_late <= 0 AND (i.unpaid > 0 OR i.settled_on > i.due_date)) + 1 AS next_change`;
  const amounts = options.firstRefresh
    ? sql`
    amounts AS (
      SELECT d.borrower_id, d.loan_id, d.product_id, d.ledger_version, ${perLoan}
      FROM due d LEFT JOIN ${instalmentsInScope(asOf, scope)} i ON i.borrower_id = d.borrower_id AND i.loan_id = d.loan_id
      GROUP BY d.borrower_id, d.loan_id, d.product_id, d.ledger_version
    )`
    : sql`
    amounts AS (
      -- Per loan through the instalments' primary key: only the due loans' instalments are read.
      SELECT d.borrower_id, d.loan_id, d.product_id, d.ledger_version, a.*
      FROM due d CROSS JOIN LATERAL (SELECT ${perLoan}
        FROM ${instalmentsInScope(asOf, scope)} i
        WHERE i.borrower_id = d.borrower_id AND i.loan_id = d.loan_id
      ) a
    )`;
  return sql`
    INSERT INTO account_states (borrower_id, loan_id, as_of, dpd, bucket, overdue_minor, outstanding_minor, late_fee_minor,
      oldest_unpaid_due, next_due_date, next_due_minor, episodes, is_repeat, grace_days, delinquent_since, cured_on,
      recheck_on, advance_until, late_due_dates, late_unpaid_principal, late_paid_fee, ledger_version, terms_version, updated_at)
    WITH ${due},
    ${amounts},
    spans AS (
      SELECT *,
             max(last_day) OVER (PARTITION BY borrower_id, loan_id ORDER BY first_day, last_day
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_last_day,
             lead(first_day) OVER (PARTITION BY borrower_id, loan_id ORDER BY first_day, last_day) AS next_first_day
      FROM (SELECT i.borrower_id, i.loan_id, p.repeat_lookback_days, i.due_date + 1 AS first_day, i.unpaid > 0 AS open,
                   i.due_date, i.unpaid_principal, i.paid_late_fee_minor,
                   CASE WHEN i.unpaid > 0 THEN ${asOf}::date ELSE LEAST(i.settled_on, ${asOf}::date) END AS last_day,
                   ${lateFeeOutstanding(sql.ref('p.grace_days'))} AS late_fee_first,
                   ${lateFeeOutstanding(sql.ref('p.repeat_grace_days'))} AS late_fee_repeat
            FROM ${instalmentsInScope(asOf, scope)} i
            JOIN due d ON d.borrower_id = i.borrower_id AND d.loan_id = i.loan_id
            JOIN products p ON p.id = d.product_id
            WHERE i.days_late > 0 AND (i.unpaid > 0 OR i.settled_on > i.due_date)) late
    ),
    episode_ends AS (
      -- GREATEST(last_day, previous_last_day) is the episode's latest day so far; where the next span
      -- begins after it + 1 (or none follows), the episode ends. It counts towards repeat status for
      -- repeat_lookback_days after that day.
      SELECT *, (next_first_day IS NULL OR next_first_day > GREATEST(last_day, previous_last_day) + 1) AS ends_episode,
             GREATEST(last_day, previous_last_day) + repeat_lookback_days AS counts_until
      FROM spans
    ),
    history AS (
      SELECT borrower_id, loan_id,
             count(*) FILTER (WHERE ends_episode AND counts_until >= ${asOf}::date) AS episodes,
             min(counts_until + 1) FILTER (WHERE ends_episode AND counts_until >= ${asOf}::date) AS episode_expires,
             bool_or(open) AS ongoing,
             max(first_day) FILTER (WHERE previous_last_day IS NULL OR first_day > previous_last_day + 1) AS latest_start,
             max(last_day) AS latest_end,
             sum(late_fee_first) AS late_fee_first, sum(late_fee_repeat) AS late_fee_repeat,
             -- What stateOnColumns needs of the late unpaid instalments; one aggregation step feeds the
             -- rows to all three in the same order, so the arrays line up.
             array_agg(due_date) FILTER (WHERE open) AS late_due_dates,
             array_agg(unpaid_principal) FILTER (WHERE open) AS late_unpaid_principal,
             array_agg(paid_late_fee_minor) FILTER (WHERE open) AS late_paid_fee
      FROM episode_ends GROUP BY borrower_id, loan_id
    ),
    assessed AS (
      SELECT m.*, p.terms_version, p.bucket_bounds, p.grace_days, p.repeat_grace_days,
             CASE WHEN m.overdue > p.tolerance_minor THEN ${asOf}::date - m.oldest_unpaid_due ELSE 0 END AS dpd,
             COALESCE(h.episodes, 0) AS episodes, COALESCE(h.ongoing, false) AS ongoing, h.latest_start, h.latest_end,
             COALESCE(h.episodes, 0) - CASE WHEN h.ongoing THEN 1 ELSE 0 END >= p.repeat_min_episodes AS is_repeat,
             COALESCE(h.late_fee_first, 0) AS late_fee_first, COALESCE(h.late_fee_repeat, 0) AS late_fee_repeat,
             h.late_due_dates, h.late_unpaid_principal, h.late_paid_fee,
             CASE WHEN m.moving THEN ${asOf}::date + 1 ELSE LEAST(m.next_change, h.episode_expires) END AS recheck_on,
             -- Moving only because something late is unpaid: time alone carries the state until the day
             -- before the next instalment that matters is late or a past episode stops counting.
             CASE WHEN m.moving AND NOT m.settling
                  THEN COALESCE(LEAST(m.next_change - 1, h.episode_expires - 1), 'infinity'::date) END AS advance_until
      FROM amounts m JOIN products p ON p.id = m.product_id
      LEFT JOIN history h ON h.borrower_id = m.borrower_id AND h.loan_id = m.loan_id
    )
    SELECT borrower_id, loan_id, ${asOf}::date, dpd, ${bucketSql(sql.ref('dpd'), sql.ref('bucket_bounds'))},
           overdue, unpaid + late_fee, late_fee,
           CASE WHEN dpd > 0 THEN oldest_unpaid_due END,
           ${asOf}::date + next_due[1]::int, COALESCE(next_due[3], 0),
           episodes, is_repeat, CASE WHEN is_repeat THEN repeat_grace_days ELSE grace_days END,
           CASE WHEN dpd > 0 THEN latest_start END,
           CASE WHEN NOT ongoing THEN latest_end END,
           recheck_on, advance_until,
           CASE WHEN advance_until IS NOT NULL THEN late_due_dates END, CASE WHEN advance_until IS NOT NULL THEN late_unpaid_principal END,
           CASE WHEN advance_until IS NOT NULL THEN late_paid_fee END,
           ledger_version, terms_version, now()
    FROM (SELECT *, CASE WHEN is_repeat THEN late_fee_repeat ELSE late_fee_first END AS late_fee FROM assessed) s
    ${options.firstRefresh ? sql`` : sql`ON CONFLICT (borrower_id, loan_id) DO UPDATE SET
      as_of = EXCLUDED.as_of, dpd = EXCLUDED.dpd, bucket = EXCLUDED.bucket, overdue_minor = EXCLUDED.overdue_minor,
      outstanding_minor = EXCLUDED.outstanding_minor, late_fee_minor = EXCLUDED.late_fee_minor,
      oldest_unpaid_due = EXCLUDED.oldest_unpaid_due, next_due_date = EXCLUDED.next_due_date,
      next_due_minor = EXCLUDED.next_due_minor, episodes = EXCLUDED.episodes, is_repeat = EXCLUDED.is_repeat,
      grace_days = EXCLUDED.grace_days, delinquent_since = EXCLUDED.delinquent_since, cured_on = EXCLUDED.cured_on,
      recheck_on = EXCLUDED.recheck_on, advance_until = EXCLUDED.advance_until, late_due_dates = EXCLUDED.late_due_dates,
      late_unpaid_principal = EXCLUDED.late_unpaid_principal, late_paid_fee = EXCLUDED.late_paid_fee, ledger_version = EXCLUDED.ledger_version, terms_version = EXCLUDED.terms_version,
      updated_at = EXCLUDED.updated_at`}`;
}

type ProductRow = Pick<Selectable<ProductsTable>, 'id' | 'grace_days' | 'repeat_grace_days' | 'repeat_lookback_days' | 'repeat_min_episodes'
  | 'tolerance_minor' | 'late_fee_fixed_minor' | 'late_fee_daily_ppm' | 'late_fee_cap_minor' | 'bucket_bounds'>;

/** The delinquency terms of a products row (unvalidated; see checkDelinquencyProduct). */
export function delinquencyProductOf(row: ProductRow): DelinquencyProduct {
  return {
    graceDays: row.grace_days,
    repeatGraceDays: row.repeat_grace_days,
    repeatLookbackDays: row.repeat_lookback_days,
    repeatMinEpisodes: row.repeat_min_episodes,
    toleranceMinor: row.tolerance_minor,
    lateFee: { fixedMinor: row.late_fee_fixed_minor, dailyPpm: row.late_fee_daily_ppm, capMinor: row.late_fee_cap_minor },
    bucketBounds: row.bucket_bounds,
  };
}

export async function loadProductRows(db: Executor): Promise<ProductRow[]> {
  return db
    .selectFrom('products')
    .select(['id', 'grace_days', 'repeat_grace_days', 'repeat_lookback_days', 'repeat_min_episodes', 'tolerance_minor',
      'late_fee_fixed_minor', 'late_fee_daily_ppm', 'late_fee_cap_minor', 'bucket_bounds'])
    .orderBy('id')
    .execute();
}

export interface BucketSummary {
  bucket: string;
  currency: string;
  accounts: number;
  outstandingMinor: number;
  overdueMinor: number;
}

/**
 * Active accounts by currency and bucket on a refreshed date, youngest bucket first. After a refresh
 * for asOf every state holds on asOf, whichever day it was computed, read as it stands on asOf
 * (see upsertAccountStates).
 */
export async function summarizePortfolio(db: Executor, asOf: string): Promise<BucketSummary[]> {
  const state = stateOnColumns(asOf, 's', 'p');
  const rows = await sql<{ bucket: string; currency: string; accounts: number; outstanding_minor: number; overdue_minor: number }>`
    SELECT ${state.bucket} AS bucket, l.currency, count(*)::int AS accounts,
           sum(${state.outstanding_minor})::bigint AS outstanding_minor, sum(s.overdue_minor)::bigint AS overdue_minor
    FROM account_states s JOIN loans l ON l.borrower_id = s.borrower_id AND l.loan_id = s.loan_id JOIN products p ON p.id = l.product_id
    WHERE s.as_of <= ${asOf}::date AND l.status = 'active'
    GROUP BY 1, l.currency`.execute(db);
  return rows.rows
    .map((r) => ({ bucket: r.bucket, currency: r.currency, accounts: r.accounts, outstandingMinor: r.outstanding_minor, overdueMinor: r.overdue_minor }))
    .sort((a, b) => a.currency.localeCompare(b.currency) || compareBuckets(a.bucket, b.bucket));
}

/**
 * After refreshes that wrote many states (a portfolio's first day), the planner's statistics still
 * describe the table as it was, and the next day's refresh and facts queries would be planned for an
 * empty or much smaller table. Refreshes them when they count fewer than half as many rows as were just
 * written (PostgreSQL's own autovacuum does the same, but on its own schedule). Returns whether it analyzed.
 */
export async function analyzeStatesIfStale(db: Kysely<DB>, written: number): Promise<boolean> {
  if (written === 0) return false;
  const stats = await sql<{ rows: number }>`SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = 'account_states'::regclass`.execute(db);
  if ((stats.rows[0]?.rows ?? -1) >= written / 2) return false;
  await sql`ANALYZE account_states`.execute(db);
  return true;
}

/** Of these loans, those whose last refresh found a repeat delinquent (late fees follow the repeat grace). */
export async function repeatDelinquentLoans(db: Executor, loanIds: readonly number[]): Promise<Set<number>> {
  if (loanIds.length === 0) return new Set();
  const rows = await sql<{ loan_id: number }>`
    SELECT loan_id FROM account_states WHERE loan_id = ANY(${[...loanIds]}::bigint[]) AND is_repeat`.execute(db);
  return new Set(rows.rows.map((r) => r.loan_id));
}
