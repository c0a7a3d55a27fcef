// Re-derives what the posted payments of some loans paid (instalments' paid_* and settled_on, each
// payment's allocation lines and credit, the loan's credit) by replaying them with the pure allocation,
// and writes back only what changed. Runs inside the caller's transaction after the loans were locked.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { replayAllocation, type AllocationLine, type InstalmentPosition, type PaymentAllocation } from './core/allocate-payments.ts';
import { loadProducts } from './products.ts';
import { isAnyOf } from './bulk.ts';
import { repeatDelinquentLoans } from '../delinquency/index.ts';

/** Per replayed loan, the instalments that were settled before and are open again now. */
export type ReopenedInstalments = Map<number, number[]>;

/** jsonb reorders keys, so stored lines are compared field by field. */
function sameLines(stored: AllocationLine[], lines: AllocationLine[]): boolean {
  const flat = (rows: AllocationLine[]) => JSON.stringify(rows.map((l) => [l.seq, l.component, l.amountMinor]));
  return flat(stored) === flat(lines);
}

export async function replayLoans(trx: Kysely<DB>, loanIds: readonly number[], repeatLoanIds: ReadonlySet<number> = new Set()): Promise<ReopenedInstalments> {
  const reopened: ReopenedInstalments = new Map();
  if (loanIds.length === 0) return reopened;
  const loans = await trx.selectFrom('loans').select(['borrower_id', 'loan_id', 'product_id', 'credit_minor']).where(isAnyOf('loan_id', loanIds, 'bigint')).execute();
  const products = new Map((await loadProducts(trx, [...new Set(loans.map((l) => l.product_id))])).map((p) => [p.id, p]));
  const instalments = await trx.selectFrom('instalments').selectAll().where(isAnyOf('loan_id', loanIds, 'bigint')).orderBy('loan_id').orderBy('seq').execute();
  const payments = await trx
    .selectFrom('payments')
    .select(['loan_id', 'payment_id', 'paid_on', 'amount_minor', 'status', 'allocation', 'credit_minor'])
    .where(isAnyOf('loan_id', loanIds, 'bigint'))
    .orderBy('payment_id')
    .execute();
  const byLoan = <T extends { loan_id: number }>(rows: T[]) => Map.groupBy(rows, (r) => r.loan_id);
  const instalmentsOf = byLoan(instalments);
  const paymentsOf = byLoan(payments);

  const instalmentWrites: Array<{ borrowerId: number; loanId: number; position: InstalmentPosition }> = [];
  const paymentWrites: Array<{ borrowerId: number; allocation: PaymentAllocation }> = [];
  const creditWrites: Array<{ loanId: number; creditMinor: number }> = [];
  for (const loan of loans) {
    const schedule = instalmentsOf.get(loan.loan_id) ?? [];
    const loanPayments = paymentsOf.get(loan.loan_id) ?? [];
    const result = replayAllocation({
      terms: products.get(loan.product_id)!,
      isRepeat: repeatLoanIds.has(loan.loan_id),
      instalments: schedule.map((i) => ({ seq: i.seq, dueDate: i.due_date, principalMinor: i.principal_minor, interestMinor: i.interest_minor, feeMinor: i.fee_minor })),
      payments: loanPayments.map((p) => ({ paymentId: p.payment_id, paidOn: p.paid_on, amountMinor: p.amount_minor, status: p.status as 'posted' | 'reversed' })),
    });
    result.instalments.forEach((position, n) => {
      const stored = schedule[n];
      if (stored.settled_on !== null && position.settledOn === null) reopened.set(loan.loan_id, [...(reopened.get(loan.loan_id) ?? []), position.seq]);
      const same = stored.paid_principal_minor === position.paidPrincipalMinor && stored.paid_interest_minor === position.paidInterestMinor
        && stored.paid_fee_minor === position.paidFeeMinor && stored.paid_late_fee_minor === position.paidLateFeeMinor && stored.settled_on === position.settledOn;
      if (!same) instalmentWrites.push({ borrowerId: loan.borrower_id, loanId: loan.loan_id, position });
    });
    result.payments.forEach((allocation, n) => {
      const stored = loanPayments[n];
      if (stored.credit_minor !== allocation.creditMinor || !sameLines(stored.allocation as AllocationLine[], allocation.lines)) {
        paymentWrites.push({ borrowerId: loan.borrower_id, allocation });
      }
    });
    if (loan.credit_minor !== result.creditMinor) creditWrites.push({ loanId: loan.loan_id, creditMinor: result.creditMinor });
  }

  if (instalmentWrites.length > 0) {
    const column = <T>(pick: (w: (typeof instalmentWrites)[number]) => T) => instalmentWrites.map(pick);
    await sql`UPDATE instalments AS i SET paid_principal_minor = v.paid_principal, paid_interest_minor = v.paid_interest, paid_fee_minor = v.paid_fee,
        paid_late_fee_minor = v.paid_late_fee, settled_on = v.settled_on
      FROM unnest(${column((w) => w.borrowerId)}::bigint[], ${column((w) => w.loanId)}::bigint[], ${column((w) => w.position.seq)}::int[],
        ${column((w) => w.position.paidPrincipalMinor)}::bigint[], ${column((w) => w.position.paidInterestMinor)}::bigint[],
        ${column((w) => w.position.paidFeeMinor)}::bigint[], ${column((w) => w.position.paidLateFeeMinor)}::bigint[],
        ${column((w) => w.position.settledOn)}::date[])
        AS v(borrower_id, loan_id, seq, paid_principal, paid_interest, paid_fee, paid_late_fee, settled_on)
      WHERE i.borrower_id = v.borrower_id AND i.loan_id = v.loan_id AND i.seq = v.seq`.execute(trx);
  }
  if (paymentWrites.length > 0) {
    await sql`UPDATE payments AS p SET allocation = v.allocation, credit_minor = v.credit
      FROM unnest(${paymentWrites.map((w) => w.borrowerId)}::bigint[], ${paymentWrites.map((w) => w.allocation.paymentId)}::bigint[],
        ${paymentWrites.map((w) => JSON.stringify(w.allocation.lines))}::jsonb[], ${paymentWrites.map((w) => w.allocation.creditMinor)}::bigint[])
        AS v(borrower_id, payment_id, allocation, credit)
      WHERE p.borrower_id = v.borrower_id AND p.payment_id = v.payment_id`.execute(trx);
  }
  if (creditWrites.length > 0) {
    await sql`UPDATE loans AS l SET credit_minor = v.credit, updated_at = now()
      FROM unnest(${creditWrites.map((w) => w.loanId)}::bigint[], ${creditWrites.map((w) => w.creditMinor)}::bigint[]) AS v(loan_id, credit)
      WHERE l.loan_id = v.loan_id`.execute(trx);
  }
  return reopened;
}

export interface PostingHooks {
  /** Runs inside the posting transaction with the loans whose allocation was replayed. */
  afterPosting?: (trx: Kysely<DB>, loanIds: number[]) => Promise<void>;
  /**
   * Loans whose borrower counts as a repeat delinquent, so late fees follow the product's repeat grace;
   * by default those the last delinquency refresh found repeat, so allocation and delinquency agree.
   */
  repeatLoanIds?: (trx: Kysely<DB>, loanIds: number[]) => Promise<ReadonlySet<number>>;
}

/** Replays the loans and then lets the caller react (e.g. cancel reminders to accounts a payment cured). */
export async function replayAndNotify(trx: Kysely<DB>, loanIds: number[], hooks: PostingHooks): Promise<ReopenedInstalments> {
  if (loanIds.length === 0) return new Map();
  const repeat = await (hooks.repeatLoanIds ?? repeatDelinquentLoans)(trx, loanIds);
  const reopened = await replayLoans(trx, loanIds, repeat);
  // The delinquency refresh recomputes a loan whose ledger moved on since its state was taken.
  await sql`UPDATE loans SET ledger_version = ledger_version + 1 WHERE loan_id = ANY(${loanIds}::bigint[])`.execute(trx);
  await hooks.afterPosting?.(trx, loanIds);
  return reopened;
}
