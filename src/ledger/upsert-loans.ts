// Loans and their instalment schedules, upserted by external id. A changed schedule (re-instalment,
// corrected data) replaces the stored one and the loan's payments are replayed over it.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { rejectRow, type LoanInput, type RowOutcome } from './core/types.ts';
import { formatPath } from './core/issues.ts';
import { scheduleProblems } from './core/schedule.ts';
import { applyInWaves, inChunks, inTransaction, isAnyOf } from './bulk.ts';
import { loadProducts } from './products.ts';
import { replayAndNotify, type PostingHooks } from './replay-loans.ts';

function sameSchedule(stored: ReadonlyArray<{ seq: number; due_date: string; principal_minor: number; interest_minor: number; fee_minor: number }>, loan: LoanInput): boolean {
  return stored.length === loan.instalments.length && stored.every((s, n) => {
    const i = loan.instalments[n];
    return s.seq === i.seq && s.due_date === i.dueDate && s.principal_minor === i.principalMinor && s.interest_minor === i.interestMinor && s.fee_minor === i.feeMinor;
  });
}

export async function upsertLoans(db: Kysely<DB>, rows: readonly LoanInput[], hooks: PostingHooks = {}): Promise<RowOutcome[]> {
  return inTransaction(db, (trx) => applyInWaves(rows, (r) => r.externalId, (wave) => upsertWave(trx, wave, hooks)));
}

async function upsertWave(trx: Kysely<DB>, rows: LoanInput[], hooks: PostingHooks): Promise<RowOutcome[]> {
  const borrowers = new Map(
    (await trx.selectFrom('borrowers').select(['borrower_id', 'external_id']).where(isAnyOf('external_id', rows.map((r) => r.borrowerExternalId), 'text')).execute())
      .map((b) => [b.external_id, b.borrower_id]),
  );
  const products = new Map((await loadProducts(trx, [...new Set(rows.map((r) => r.productId))])).map((p) => [p.id, p]));
  const stored = await trx
    .selectFrom('loans as l')
    .innerJoin('borrowers as b', 'b.borrower_id', 'l.borrower_id')
    .select(['l.borrower_id', 'l.loan_id', 'l.external_id', 'b.external_id as borrower_external_id', 'l.product_id', 'l.currency', 'l.principal_minor', 'l.opened_on', 'l.status'])
    .where(isAnyOf('l.external_id', rows.map((r) => r.externalId), 'text'))
    .orderBy('l.loan_id')
    .forUpdate()
    .execute();
  const storedLoans = new Map(stored.map((l) => [l.external_id, l]));
  const storedSchedules = Map.groupBy(
    await trx.selectFrom('instalments').select(['loan_id', 'seq', 'due_date', 'principal_minor', 'interest_minor', 'fee_minor'])
      .where(isAnyOf('loan_id', stored.map((l) => l.loan_id), 'bigint')).orderBy('loan_id').orderBy('seq').execute(),
    (i) => i.loan_id,
  );

  const inserts: Array<{ index: number; loan: LoanInput; borrowerId: number }> = [];
  const updates: Array<{ loan: LoanInput; borrowerId: number; loanId: number }> = [];
  const outcomes = rows.map((loan, index): RowOutcome => {
    const problem = scheduleProblems(loan)[0];
    if (problem) return rejectRow(formatPath(problem.path), problem.message);
    const borrowerId = borrowers.get(loan.borrowerExternalId);
    if (borrowerId === undefined) return rejectRow('borrower_external_id', `unknown borrower "${loan.borrowerExternalId}"`);
    const product = products.get(loan.productId);
    if (!product) return rejectRow('product_id', `unknown product "${loan.productId}"`);
    if (product.currency !== loan.currency) return rejectRow('currency', `product "${product.id}" is in ${product.currency}, not ${loan.currency}`);
    const current = storedLoans.get(loan.externalId);
    if (!current) {
      inserts.push({ index, loan, borrowerId });
      return { outcome: 'accepted', id: 0 };
    }
    if (current.borrower_external_id !== loan.borrowerExternalId) return rejectRow('borrower_external_id', `loan "${loan.externalId}" belongs to borrower "${current.borrower_external_id}"; a loan never changes borrower`);
    if (current.product_id !== loan.productId) return rejectRow('product_id', `loan "${loan.externalId}" is a "${current.product_id}" loan; its product never changes`);
    const same = current.principal_minor === loan.principalMinor && current.opened_on === loan.openedOn && current.status === loan.status
      && sameSchedule(storedSchedules.get(current.loan_id) ?? [], loan);
    if (same) return { outcome: 'unchanged', id: current.loan_id };
    updates.push({ loan, borrowerId, loanId: current.loan_id });
    return { outcome: 'accepted', id: current.loan_id };
  });

  const schedules: Array<{ borrowerId: number; loanId: number; loan: LoanInput }> = [...updates];
  for (const chunk of inChunks(inserts)) {
    const inserted = await trx
      .insertInto('loans')
      .values(chunk.map(({ loan, borrowerId }) => ({
        borrower_id: borrowerId, external_id: loan.externalId, product_id: loan.productId, currency: loan.currency,
        principal_minor: loan.principalMinor, opened_on: loan.openedOn, status: loan.status,
      })))
      .returning(['loan_id', 'external_id'])
      .execute();
    const ids = new Map(inserted.map((l) => [l.external_id, l.loan_id]));
    for (const { index, loan, borrowerId } of chunk) {
      const loanId = ids.get(loan.externalId)!;
      outcomes[index] = { outcome: 'accepted', id: loanId };
      schedules.push({ borrowerId, loanId, loan });
    }
  }
  if (updates.length > 0) {
    await sql`UPDATE loans AS l SET principal_minor = v.principal, opened_on = v.opened_on, status = v.status, updated_at = now()
      FROM unnest(${updates.map((u) => u.loanId)}::bigint[], ${updates.map((u) => u.loan.principalMinor)}::bigint[],
        ${updates.map((u) => u.loan.openedOn)}::date[], ${updates.map((u) => u.loan.status)}::text[]) AS v(loan_id, principal, opened_on, status)
      WHERE l.loan_id = v.loan_id`.execute(trx);
    await sql`DELETE FROM instalments AS i USING unnest(${updates.map((u) => u.loanId)}::bigint[], ${updates.map((u) => u.loan.instalments.length)}::int[]) AS v(loan_id, count)
      WHERE i.loan_id = v.loan_id AND i.seq > v.count`.execute(trx);
  }
  const instalmentRows = schedules.flatMap(({ borrowerId, loanId, loan }) =>
    loan.instalments.map((i) => ({
      borrower_id: borrowerId, loan_id: loanId, seq: i.seq, due_date: i.dueDate,
      principal_minor: i.principalMinor, interest_minor: i.interestMinor, fee_minor: i.feeMinor,
    })),
  );
  for (const chunk of inChunks(instalmentRows)) {
    await trx
      .insertInto('instalments')
      .values(chunk)
      .onConflict((oc) => oc.columns(['borrower_id', 'loan_id', 'seq']).doUpdateSet((eb) => ({
        due_date: eb.ref('excluded.due_date'),
        principal_minor: eb.ref('excluded.principal_minor'),
        interest_minor: eb.ref('excluded.interest_minor'),
        fee_minor: eb.ref('excluded.fee_minor'),
      })))
      .execute();
  }
  await replayAndNotify(trx, updates.map((u) => u.loanId), hooks);
  return outcomes;
}
