// Payment allocation and the delinquency refresh agree on which grace applies: a repeat delinquent's
// late fees start after the shorter repeat grace in both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { Scenario } from './support/scenario.ts';
import { refreshDelinquency } from '../src/delinquency/index.ts';

test('a repeat delinquent pays late fees from the end of the repeat grace, as delinquency counts them', async () => {
  const s = await Scenario.open();
  try {
    // shop-instalment: grace 5 days, 1 day for repeat delinquents. January was paid 9 days late.
    await s.borrower({ id: 'B-rep' });
    await s.loan({ id: 'L-rep', borrower: 'B-rep', product: 'shop-instalment', firstDue: '2026-01-28' });
    await s.pay('L-rep', 102_000, '2026-02-06');
    await refreshDelinquency(s.db, { asOf: '2026-03-04' });
    const before = (await s.explain('L-rep', '2026-03-04')).state!;
    assert.equal(before.is_repeat, true);
    assert.ok(Number(before.late_fee_minor) > 0, 'three days past the repeat grace: a late fee is due');

    // The instalment alone, without the fee: the fee is paid first, so the account stays overdue.
    await s.pay('L-rep', 100_000 - 2_000, '2026-03-04');
    const { loanId, borrowerId } = await s.ids('L-rep');
    const paid = await sql<{ paid_late_fee_minor: number }>`
      SELECT paid_late_fee_minor FROM instalments WHERE borrower_id = ${borrowerId} AND loan_id = ${loanId} AND seq = 2`.execute(s.db);
    assert.equal(paid.rows[0].paid_late_fee_minor, Number(before.late_fee_minor));
    const after = (await s.explain('L-rep', '2026-03-04')).state!;
    assert.equal(after.late_fee_minor, 0, 'the late fee is settled');
    assert.ok(Number(after.dpd) > 0, 'what the fee took is still overdue');
  } finally {
    await s.close();
  }
});
