// Posting payments (还款入账) and reversing them (failed auto-debit, chargeback). Each call is one
// transaction: the loans are locked, new payments inserted or payments marked reversed, and the loans'
// allocation replayed, so a payment either fully counts or does not exist.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { rejectRow, type PaymentInput, type ReversalInput, type RowOutcome } from './core/types.ts';
import { inChunks, inTransaction, isAnyOf } from './bulk.ts';
import { replayAndNotify, type PostingHooks } from './replay-loans.ts';

/** Posts payments idempotently by external id: posting the same payment again reports 'unchanged'. */
export async function postPayments(db: Kysely<DB>, rows: readonly PaymentInput[], hooks: PostingHooks = {}): Promise<RowOutcome[]> {
  return inTransaction(db, async (trx) => {
    const loans = await trx
      .selectFrom('loans')
      .select(['borrower_id', 'loan_id', 'external_id', 'currency', 'opened_on'])
      .where(isAnyOf('external_id', [...new Set(rows.map((r) => r.loanExternalId))], 'text'))
      .orderBy('loan_id')
      .forUpdate()
      .execute();
    const loanByExternalId = new Map(loans.map((l) => [l.external_id, l]));
    const known = new Map(
      (await trx.selectFrom('payments').select(['payment_id', 'external_id', 'loan_id', 'channel', 'paid_on', 'amount_minor'])
        .where(isAnyOf('external_id', rows.map((r) => r.externalId), 'text')).execute()).map((p) => [p.external_id, p]),
    );
    const idOf = new Map([...known.values()].map((p) => [p.external_id, p.payment_id]));
    const toInsert: Array<{ row: PaymentInput; loan: (typeof loans)[number] }> = [];
    // Ids of payments inserted below are known only afterwards, so outcomes refer to payments by external id.
    const decisions = rows.map((row): RowOutcome | { outcome: 'accepted' | 'unchanged'; externalId: string } => {
      const loan = loanByExternalId.get(row.loanExternalId);
      if (!loan) return rejectRow('loan_external_id', `unknown loan "${row.loanExternalId}"`);
      if (row.currency !== undefined && row.currency !== loan.currency) return rejectRow('currency', `loan "${row.loanExternalId}" is in ${loan.currency}, not ${row.currency}`);
      if (!Number.isSafeInteger(row.amountMinor) || row.amountMinor <= 0) return rejectRow('amount', 'must be more than 0');
      if (row.paidOn < loan.opened_on) return rejectRow('paid_on', `is before the loan was opened (${loan.opened_on})`);
      const existing = known.get(row.externalId);
      if (existing) {
        const same = existing.loan_id === loan.loan_id && existing.channel === row.channel && existing.paid_on === row.paidOn && existing.amount_minor === row.amountMinor;
        if (same) return { outcome: 'unchanged', externalId: row.externalId };
        return rejectRow('external_id', `payment "${row.externalId}" was already posted with other data (${existing.amount_minor} minor units on ${existing.paid_on}); a posted payment is never changed, reverse it instead`);
      }
      known.set(row.externalId, { payment_id: 0, external_id: row.externalId, loan_id: loan.loan_id, channel: row.channel, paid_on: row.paidOn, amount_minor: row.amountMinor });
      toInsert.push({ row, loan });
      return { outcome: 'accepted', externalId: row.externalId };
    });
    for (const chunk of inChunks(toInsert)) {
      const inserted = await trx
        .insertInto('payments')
        .values(chunk.map(({ row, loan }) => ({
          borrower_id: loan.borrower_id, external_id: row.externalId, loan_id: loan.loan_id, amount_minor: row.amountMinor,
          currency: loan.currency, channel: row.channel, paid_on: row.paidOn, allocation: '[]',
        })))
        .returning(['payment_id', 'external_id'])
        .execute();
      for (const p of inserted) idOf.set(p.external_id, p.payment_id);
    }
    await replayAndNotify(trx, [...new Set(toInsert.map((t) => t.loan.loan_id))], hooks);
    return decisions.map((d) => ('externalId' in d ? { outcome: d.outcome, id: idOf.get(d.externalId)! } : d));
  });
}

/**
 * Marks posted payments reversed and replays their loans, so what they paid is open again; each reversal
 * writes a payment_reversed account event for strategies to react to.
 */
export async function reversePayments(db: Kysely<DB>, rows: readonly ReversalInput[], hooks: PostingHooks = {}): Promise<RowOutcome[]> {
  return inTransaction(db, async (trx) => {
    const externalIds = rows.map((r) => r.externalId);
    await sql`SELECT loan_id FROM loans WHERE loan_id IN (SELECT loan_id FROM payments WHERE ${isAnyOf('external_id', externalIds, 'text')})
      ORDER BY loan_id FOR UPDATE`.execute(trx);
    const payments = await trx
      .selectFrom('payments as p')
      .innerJoin('loans as l', 'l.loan_id', 'p.loan_id')
      .select(['p.borrower_id', 'p.payment_id', 'p.external_id', 'p.loan_id', 'l.external_id as loan_external_id', 'p.paid_on', 'p.amount_minor',
        'p.status', 'p.reversed_on', 'p.reversal_reason', 'p.allocation'])
      .where(isAnyOf('p.external_id', externalIds, 'text'))
      .execute();
    const byExternalId = new Map(payments.map((p) => [p.external_id, { ...p }]));
    const accepted: Array<(typeof payments)[number]> = [];
    const outcomes = rows.map((row): RowOutcome => {
      const payment = byExternalId.get(row.externalId);
      if (!payment) return rejectRow('external_id', `unknown payment "${row.externalId}"`);
      if (row.loanExternalId !== undefined && row.loanExternalId !== payment.loan_external_id) {
        return rejectRow('loan_external_id', `payment "${row.externalId}" belongs to loan "${payment.loan_external_id}"`);
      }
      if (row.reversedOn < payment.paid_on) return rejectRow('reversed_on', `is before the payment was made (${payment.paid_on})`);
      if (payment.status === 'reversed') {
        if (payment.reversed_on === row.reversedOn && payment.reversal_reason === row.reason) return { outcome: 'unchanged', id: payment.payment_id };
        return rejectRow('external_id', `payment "${row.externalId}" was already reversed on ${payment.reversed_on} (${payment.reversal_reason})`);
      }
      Object.assign(payment, { status: 'reversed', reversed_on: row.reversedOn, reversal_reason: row.reason });
      accepted.push(payment);
      return { outcome: 'accepted', id: payment.payment_id };
    });
    if (accepted.length === 0) return outcomes;
    await sql`UPDATE payments AS p SET status = 'reversed', reversed_on = v.reversed_on, reversal_reason = v.reason
      FROM unnest(${accepted.map((p) => p.borrower_id)}::bigint[], ${accepted.map((p) => p.payment_id)}::bigint[],
        ${accepted.map((p) => p.reversed_on)}::date[], ${accepted.map((p) => p.reversal_reason)}::text[]) AS v(borrower_id, payment_id, reversed_on, reason)
      WHERE p.borrower_id = v.borrower_id AND p.payment_id = v.payment_id`.execute(trx);
    const reopened = await replayAndNotify(trx, [...new Set(accepted.map((p) => p.loan_id))], hooks);
    await trx
      .insertInto('account_events')
      .values(accepted.map((p) => ({
        borrower_id: p.borrower_id,
        loan_id: p.loan_id,
        kind: 'payment_reversed',
        occurred_on: p.reversed_on!,
        detail: JSON.stringify({ paymentId: p.payment_id, externalId: p.external_id, amountMinor: p.amount_minor, paidOn: p.paid_on,
          reason: p.reversal_reason, allocation: p.allocation, reopenedSeqs: reopened.get(p.loan_id) ?? [] }),
      })))
      .execute();
    return outcomes;
  });
}
