// The account_rest marks (migrations/0035_account_rest.sql, core/rest.ts): written by the cycle for the
// accounts it evaluated that may rest, read by explain.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/types.ts';
import type { AccountRest } from '../core/rest.ts';

type Executor = Kysely<DB> | Transaction<DB>;

/** Records the rest of the accounts evaluated on asOf under the activation, replacing their earlier marks. */
export async function persistRest(db: Executor, asOf: string, activationId: number, rest: readonly AccountRest[]): Promise<void> {
  if (rest.length === 0) return;
  await sql`
    INSERT INTO account_rest (borrower_id, loan_id, until, activation_id)
    SELECT borrower_id, loan_id, ${asOf}::date + days, ${activationId}::bigint
    FROM unnest(${rest.map((r) => r.borrowerId)}::bigint[], ${rest.map((r) => r.loanId)}::bigint[], ${rest.map((r) => r.days)}::int[])
         AS r(borrower_id, loan_id, days)
    ON CONFLICT (borrower_id, loan_id) DO UPDATE SET until = EXCLUDED.until, activation_id = EXCLUDED.activation_id`.execute(db);
}

/**
 * Ends the marks of these accounts: a chunk that records no rest does so for the accounts it planned
 * actions for, which its inserts do not end (migrations/0036).
 */
export async function endRest(db: Executor, accounts: ReadonlyArray<{ borrowerId: number; loanId: number }>): Promise<void> {
  if (accounts.length === 0) return;
  await sql`
    DELETE FROM account_rest r
    USING unnest(${accounts.map((a) => a.borrowerId)}::bigint[], ${accounts.map((a) => a.loanId)}::bigint[]) AS a(borrower_id, loan_id)
    WHERE r.borrower_id = a.borrower_id AND r.loan_id = a.loan_id`.execute(db);
}

/** The day until which the cycle skips the loan on asOf under the activation (null: it does not). */
export async function restUntil(db: Executor, account: { borrowerId: number; loanId: number }, asOf: string, activationId: number): Promise<string | null> {
  const r = await sql<{ until: string }>`
    SELECT until FROM account_rest WHERE borrower_id = ${account.borrowerId} AND loan_id = ${account.loanId} AND until > ${asOf}::date AND activation_id = ${activationId}`.execute(db);
  return r.rows[0]?.until ?? null;
}
