import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Product } from '../../ledger/core/product.ts';
import { postPayments, type PaymentIntent } from './post-payments.ts';
import type { DemoInstalment, DemoLoan } from './types.ts';

const product: Product = {
  id: 'test', name: 'test', currency: 'CNY', graceDays: 3, repeatGraceDays: 1, repeatLookbackDays: 365, repeatMinEpisodes: 2,
  toleranceMinor: 100, lateFee: { fixedMinor: 1_000, dailyPpm: 500, capMinor: null }, bucketBounds: [30, 60, 90], waterfall: ['fee', 'interest', 'principal'], jurisdiction: 'CN',
};
const loan: DemoLoan = { borrower_id: 7, loan_id: 7, external_id: 'L000000007', product_id: 'test', currency: 'CNY', principal_minor: 300_000, opened_on: '2024-12-10', status: 'active', created_at: '2024-12-10T10:00:00+08:00' };
const schedule: DemoInstalment[] = ['2025-01-10', '2025-02-10', '2025-03-10'].map((due_date, i) => ({
  borrower_id: 7, loan_id: 7, seq: i + 1, due_date, principal_minor: 100_000, interest_minor: 1_000, fee_minor: 200,
  paid_principal_minor: 0, paid_interest_minor: 0, paid_fee_minor: 0, paid_late_fee_minor: 0, settled_on: null,
}));
const settle = (on: string, throughSeq: number): PaymentIntent => ({ kind: 'settle', on, time: '10:00:00', channel: 'transfer', throughSeq });
const post = (intents: PaymentIntent[], asOf: string) => postPayments({ loan, schedule, intents, product, asOf });

test('an on-time payment pays the instalment exactly, fee then interest then principal', () => {
  const { instalments, payments } = post([settle('2025-01-10', 1)], '2025-01-31');
  assert.equal(payments.length, 1);
  assert.equal(payments[0].amount_minor, 101_200);
  assert.equal(payments[0].external_id, 'P000000007-01');
  assert.deepEqual(payments[0].allocation, [
    { seq: 1, component: 'fee', amountMinor: 200 }, { seq: 1, component: 'interest', amountMinor: 1_000 }, { seq: 1, component: 'principal', amountMinor: 100_000 },
  ]);
  assert.equal(instalments[0].settled_on, '2025-01-10');
  assert.equal(instalments[0].paid_late_fee_minor, 0);
  assert.equal(instalments[1].settled_on, null);
});

test('a late payment includes the late fee accrued beyond grace on the day it is paid', () => {
  // 10 days late, 7 beyond the 3-day grace: 1000 fixed + 100000 * 500 ppm * 7 days = 1350.
  const { instalments, payments } = post([settle('2025-01-20', 1)], '2025-01-31');
  assert.equal(payments[0].amount_minor, 101_200 + 1_350);
  assert.equal(instalments[0].paid_late_fee_minor, 1_350);
  assert.equal(instalments[0].settled_on, '2025-01-20');
});

test('a repeat delinquent on asOf pays late fees after the shorter repeat grace', () => {
  // Two ended episodes (minEpisodes 2): grace 1, so 9 chargeable days each: 1000 + 450.
  const { instalments, payments } = post([settle('2025-01-20', 1), settle('2025-02-20', 2)], '2025-03-01');
  assert.deepEqual(payments.map((p) => p.amount_minor), [101_200 + 1_450, 101_200 + 1_450]);
  assert.deepEqual(instalments.map((i) => i.paid_late_fee_minor), [1_450, 1_450, 0]);
});

test('a catch-up payment settles every instalment it covers on its day', () => {
  const { instalments, payments } = post([settle('2025-02-12', 2)], '2025-02-28');
  // Instalment 1: 33 days late, 30 beyond grace: 1000 + 1500; instalment 2 is inside its grace.
  assert.equal(payments[0].amount_minor, 2 * 101_200 + 2_500);
  assert.deepEqual(instalments.map((i) => i.settled_on), ['2025-02-12', '2025-02-12', null]);
});

test('a partial payment is split by the waterfall and leaves the instalment open', () => {
  const { instalments, payments } = post([{ kind: 'partial', on: '2025-01-10', time: '12:00:00', channel: 'wallet', sharePercent: 50 }, settle('2025-01-25', 1)], '2025-02-01');
  assert.equal(payments[0].amount_minor, 50_600);
  assert.deepEqual(payments[0].allocation, [
    { seq: 1, component: 'fee', amountMinor: 200 }, { seq: 1, component: 'interest', amountMinor: 1_000 }, { seq: 1, component: 'principal', amountMinor: 49_400 },
  ]);
  // 15 days late, 12 beyond grace, on the 50600 principal still unpaid: 1000 + 303.
  assert.equal(payments[1].amount_minor, 50_600 + 1_303);
  assert.equal(instalments[0].settled_on, '2025-01-25');
  assert.equal(instalments[0].paid_principal_minor, 100_000);
});

test('a returned auto-debit allocates nothing; one returned only after asOf still stands', () => {
  const debit: PaymentIntent = { kind: 'reversed', on: '2025-01-10', time: '06:10:00', channel: 'auto_debit', throughSeq: 1 };
  const returned = post([debit, settle('2025-01-12', 1)], '2025-01-20');
  assert.deepEqual(returned.payments.map((p) => [p.status, p.reversed_on, p.reversal_reason, p.allocation.length]), [
    ['reversed', '2025-01-11', 'insufficient_funds', 0], ['posted', null, null, 3],
  ]);
  assert.equal(returned.instalments[0].settled_on, '2025-01-12');
  const standing = post([debit, settle('2025-01-12', 1)], '2025-01-10');
  assert.deepEqual(standing.payments.map((p) => [p.status, p.channel, p.amount_minor]), [['posted', 'auto_debit', 101_200]]);
  assert.equal(standing.instalments[0].settled_on, '2025-01-10');
});

test('payments after asOf have not happened', () => {
  const { instalments, payments } = post([settle('2025-01-10', 1), settle('2025-02-10', 2)], '2025-02-09');
  assert.equal(payments.length, 1);
  assert.deepEqual(instalments.map((i) => i.settled_on), ['2025-01-10', null, null]);
});
