// Cancel on change: when payments cure an account (back to DPD 0) or pay the instalment a pre-due
// reminder was about, its actions that have not gone out yet are cancelled before the outbox sends them.
// Runs inside the payment's own transaction (the ledger's afterPosting hook).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/types.ts';
import { refreshDelinquency } from '../../delinquency/index.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export const NOT_YET_SENT = ['planned', 'queued', 'pending_approval'] as const;

export async function cancelActionsOfCuredAccounts(db: Executor, loanIds: readonly number[], asOf: string): Promise<{ cancelled: number }> {
  if (loanIds.length === 0) return { cancelled: 0 };
  const before = await sql<{ borrower_id: number; loan_id: number; dpd: number; next_due_date: string | null }>`
    SELECT l.borrower_id, l.loan_id, s.dpd, s.next_due_date FROM loans l
    LEFT JOIN account_states s ON s.borrower_id = l.borrower_id AND s.loan_id = l.loan_id
    WHERE l.loan_id = ANY(${[...loanIds]}::bigint[])`.execute(db);
  const borrowerIds = [...new Set(before.rows.map((r) => r.borrower_id))];
  await refreshDelinquency(db, { asOf, borrowerIds });
  const previous = JSON.stringify(before.rows.map((r) => ({ loan_id: r.loan_id, dpd: r.dpd ?? 0, next_due_date: r.next_due_date })));
  const cancelled = await sql<{ borrower_id: number; action_id: number }>`
    WITH prev AS (
      SELECT * FROM jsonb_to_recordset(${previous}::jsonb) AS p(loan_id bigint, dpd int, next_due_date date)
    ),
    cured AS (
      SELECT s.borrower_id, s.loan_id FROM account_states s JOIN prev ON prev.loan_id = s.loan_id
      WHERE s.borrower_id = ANY(${borrowerIds}::bigint[]) AND s.dpd = 0
        AND (prev.dpd > 0 OR s.next_due_date IS DISTINCT FROM prev.next_due_date)
    ),
    stopped AS (
      UPDATE actions a SET status = 'cancelled', status_reason = 'account cured by payment before sending', updated_at = now()
      FROM cured WHERE a.borrower_id = cured.borrower_id AND a.loan_id = cured.loan_id
        AND a.status IN ('planned', 'queued', 'pending_approval')
      RETURNING a.borrower_id, a.action_id
    ),
    unsent AS (
      UPDATE outbox o SET status = 'cancelled', updated_at = now()
      FROM stopped WHERE o.borrower_id = stopped.borrower_id AND o.action_id = stopped.action_id AND o.status = 'pending'
      RETURNING 1
    )
    SELECT borrower_id, action_id FROM stopped`.execute(db);
  return { cancelled: cancelled.rows.length };
}
