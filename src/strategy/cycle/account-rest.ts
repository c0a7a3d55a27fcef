// The account_rest marks (migrations/0035_account_rest.sql, core/rest.ts): written by the cycle for the
// accounts it evaluated that may rest, ended by it for those it acted on without recording rest, read
// by explain; the rule that a mark no longer holds once an unseen event is in the look-back serves the
// cycle's gather as well (gather-facts.ts).
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/types.ts';
import { addDays } from '../../platform/core/calendar.ts';
import { integerArrayLiteral } from '../../platform/db/array-literal.ts';
import { EVENT_LOOKBACK_DAYS } from '../core/facts.ts';
import type { AccountRest } from '../core/rest.ts';

type Executor = Kysely<DB> | Transaction<DB>;

/** Records the rest of the accounts evaluated on asOf under the activation, replacing their earlier marks. */
export async function persistRest(db: Executor, asOf: string, activationId: number, rest: readonly AccountRest[]): Promise<void> {
  if (rest.length === 0) return;
  await sql`
    INSERT INTO account_rest (borrower_id, loan_id, until, activation_id, marked_on)
    SELECT borrower_id, loan_id, ${asOf}::date + days, ${activationId}::bigint, ${asOf}::date
    FROM unnest(${integerArrayLiteral(rest.map((r) => r.borrowerId))}::bigint[], ${integerArrayLiteral(rest.map((r) => r.loanId))}::bigint[],
                ${integerArrayLiteral(rest.map((r) => r.days))}::int[])
         AS r(borrower_id, loan_id, days)
    ON CONFLICT (borrower_id, loan_id) DO UPDATE SET until = EXCLUDED.until, activation_id = EXCLUDED.activation_id, marked_on = EXCLUDED.marked_on`.execute(db);
}

/**
 * Whether the loan has an event in asOf's look-back that the mark's look-ahead did not see (SQL, over
 * the mark's alias and that of a row with the account's borrower_id and loan_id). The look-ahead read
 * the events of the look-back on the day of the mark and let them leave it with time (core/rest.ts);
 * any event written since ended the mark (migrations/0035). What it cannot have seen is an event dated
 * after that day, written before it: once such an event is in the look-back, the mark no longer
 * holds. A mark without its day (made before migrations/0037) saw no event at all.
 */
export function eventUnseenByMark(mark: string, account: string, asOf: string): RawBuilder<boolean> {
  const lookBackFrom = addDays(asOf, -EVENT_LOOKBACK_DAYS);
  return sql<boolean>`EXISTS (SELECT 1 FROM account_events e
    WHERE e.borrower_id = ${sql.ref(`${account}.borrower_id`)} AND e.loan_id = ${sql.ref(`${account}.loan_id`)}
      AND e.occurred_on > greatest(${sql.ref(`${mark}.marked_on`)}, ${lookBackFrom}::date) AND e.occurred_on <= ${asOf}::date)`;
}

/**
 * Ends the marks of these accounts: a chunk that records no rest does so for the accounts it planned
 * actions for, which its inserts do not end (migrations/0036).
 */
export async function endRest(db: Executor, accounts: ReadonlyArray<{ borrowerId: number; loanId: number }>): Promise<void> {
  if (accounts.length === 0) return;
  await sql`
    DELETE FROM account_rest r
    USING unnest(${integerArrayLiteral(accounts.map((a) => a.borrowerId))}::bigint[], ${integerArrayLiteral(accounts.map((a) => a.loanId))}::bigint[]) AS a(borrower_id, loan_id)
    WHERE r.borrower_id = a.borrower_id AND r.loan_id = a.loan_id`.execute(db);
}

/** The day until which the cycle skips the loan on asOf under the activation (null: it does not). */
export async function restUntil(db: Executor, account: { borrowerId: number; loanId: number }, asOf: string, activationId: number): Promise<string | null> {
  const r = await sql<{ until: string }>`
    SELECT q.until FROM account_rest q
    WHERE q.borrower_id = ${account.borrowerId} AND q.loan_id = ${account.loanId} AND q.until > ${asOf}::date AND q.activation_id = ${activationId}
      AND NOT ${eventUnseenByMark('q', 'q', asOf)}`.execute(db);
  return r.rows[0]?.until ?? null;
}
