import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import { assessDelinquency } from '../../delinquency/index.ts';
import { replayAllocation } from '../../ledger/index.ts';
import { addDays, daysBetween } from '../../platform/core/calendar.ts';
import { CHANNELS } from '../../strategy/core/facts.ts';
import { generateAccount, generateAccounts } from './generate-account.ts';
import { BUILT_IN_PRODUCTS } from './products.ts';
import { createRandom } from './random.ts';
import { BEHAVIOUR_PROFILES, type DemoAccount } from './types.ts';

const asOf = '2025-06-30';
const options = { asOf };
const portfolio = generateAccounts('distribution', 0, 2_000, options);
const productOf = (a: DemoAccount) => BUILT_IN_PRODUCTS.find((p) => p.id === a.loan.product_id)!;
const assess = (a: DemoAccount) =>
  assessDelinquency({
    borrowerId: a.borrower.borrower_id,
    loanId: a.loan.loan_id,
    instalments: a.instalments.map((i) => ({
      seq: i.seq, dueDate: i.due_date, principalMinor: i.principal_minor, interestMinor: i.interest_minor, feeMinor: i.fee_minor,
      paidPrincipalMinor: i.paid_principal_minor, paidInterestMinor: i.paid_interest_minor, paidFeeMinor: i.paid_fee_minor,
      paidLateFeeMinor: i.paid_late_fee_minor, settledOn: i.settled_on,
    })),
  }, productOf(a), asOf);
const snapshots = portfolio.map(assess);
const share = (n: number) => n / portfolio.length;

test('the same seed and arguments give a byte-identical portfolio; another seed another one', () => {
  const text = (seed: string) => JSON.stringify(generateAccounts(seed, 0, 300, options));
  assert.equal(text('alpha'), text('alpha'));
  assert.notEqual(text('alpha'), text('beta'));
  assert.notEqual(JSON.stringify(generateAccounts('alpha', 0, 300, { asOf: '2025-07-01' })), text('alpha'));
});

test('a portfolio is the same however it is cut into batches', () => {
  assert.deepEqual(generateAccounts('slices', 0, 10, options), [...generateAccounts('slices', 0, 4, options), ...generateAccounts('slices', 4, 6, options)]);
  assert.deepEqual(generateAccounts('slices', 0, 10, { asOf, products: [...BUILT_IN_PRODUCTS].reverse() }), generateAccounts('slices', 0, 10, options));
});

test('every behaviour profile is present in realistic shares', () => {
  const counts = Object.groupBy(portfolio, (a) => a.profile);
  for (const profile of BEHAVIOUR_PROFILES) assert.ok((counts[profile]?.length ?? 0) > 0, profile);
  assert.ok(share(counts.on_time!.length) > 0.6 && share(counts.on_time!.length) < 0.75);
  assert.ok(share(counts.defaulter!.length) > 0.11 && share(counts.defaulter!.length) < 0.19);
});

test('10–20 % of accounts are delinquent on asOf, across every bucket, most in M1', () => {
  const delinquent = snapshots.filter((s) => s.dpd > 0);
  assert.ok(share(delinquent.length) >= 0.1 && share(delinquent.length) <= 0.2, `delinquent share ${share(delinquent.length)}`);
  const byBucket = Object.groupBy(delinquent, (s) => s.bucket);
  for (const bucket of ['M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7+']) assert.ok(byBucket[bucket]?.length, `no account in ${bucket}`);
  assert.ok(byBucket.M1!.length > delinquent.length / 3);
  // On-time payers are current unless a returned auto-debit left them a few days behind.
  assert.ok(portfolio.filter((a, i) => a.profile === 'on_time' && snapshots[i].dpd > 3).length === 0);
});

test('loans and schedules: 3–24 monthly instalments summing to the principal, integer minor units', () => {
  for (const a of portfolio) {
    const { loan, instalments } = a;
    assert.ok(instalments.length >= 3 && instalments.length <= 24, loan.external_id);
    assert.deepEqual(instalments.map((i) => i.seq), instalments.map((_, k) => k + 1));
    assert.ok(loan.principal_minor >= 50_000 && loan.principal_minor <= 5_000_000 && loan.principal_minor % 10_000 === 0);
    assert.equal(instalments.reduce((sum, i) => sum + i.principal_minor, 0), loan.principal_minor);
    assert.ok(loan.opened_on <= asOf);
    instalments.forEach((i, k) => {
      const previous = k === 0 ? loan.opened_on : instalments[k - 1].due_date;
      assert.ok(daysBetween(previous, i.due_date) >= 28 && daysBetween(previous, i.due_date) <= 31, `${loan.external_id} #${i.seq}`);
      for (const field of ['principal_minor', 'interest_minor', 'fee_minor', 'paid_principal_minor', 'paid_interest_minor', 'paid_fee_minor', 'paid_late_fee_minor'] as const) {
        assert.ok(Number.isSafeInteger(i[field]) && i[field] >= 0, `${loan.external_id} #${i.seq} ${field}`);
      }
    });
    assert.equal(loan.status, instalments.every((i) => i.settled_on !== null) ? 'closed' : 'active');
    for (const p of a.payments) assert.ok(Number.isSafeInteger(p.amount_minor) && p.amount_minor > 0 && p.paid_on <= asOf && p.paid_on >= loan.opened_on);
  }
});

test('an instalment range replaces the products\' terms and keeps the delinquency spread', () => {
  const short = generateAccounts('short', 0, 2_000, { asOf, instalments: { min: 3, max: 5 } });
  const counts = short.map((a) => a.instalments.length);
  assert.deepEqual(new Set(counts), new Set([3, 4, 5]));
  const mean = counts.reduce((sum, n) => sum + n, 0) / counts.length;
  assert.ok(mean > 3.9 && mean < 4.1, `mean ${mean}`);
  const delinquent = short.filter((a) => assess(a).dpd > 0).length / short.length;
  assert.ok(delinquent >= 0.1 && delinquent <= 0.2, `delinquent share ${delinquent}`);
});

test('payments and instalments are exactly what the ledger replay makes of them', () => {
  for (const [n, a] of portfolio.entries()) {
    const replay = replayAllocation({
      terms: productOf(a),
      isRepeat: snapshots[n].isRepeat,
      instalments: a.instalments.map((i) => ({ seq: i.seq, dueDate: i.due_date, principalMinor: i.principal_minor, interestMinor: i.interest_minor, feeMinor: i.fee_minor })),
      payments: a.payments.map((p, k) => ({ paymentId: k, paidOn: p.paid_on, amountMinor: p.amount_minor, status: p.status })),
    });
    assert.deepEqual(
      replay.instalments,
      a.instalments.map((i) => ({ seq: i.seq, paidPrincipalMinor: i.paid_principal_minor, paidInterestMinor: i.paid_interest_minor, paidFeeMinor: i.paid_fee_minor, paidLateFeeMinor: i.paid_late_fee_minor, settledOn: i.settled_on })),
      a.loan.external_id,
    );
    assert.deepEqual(replay.payments.map((p) => p.lines), a.payments.map((p) => p.allocation), a.loan.external_id);
    assert.equal(replay.creditMinor, 0, a.loan.external_id);
  }
});

test('settled_on is the day of the payment that paid the instalment off', () => {
  for (const a of portfolio) {
    for (const i of a.instalments) {
      const paidOff = i.paid_principal_minor === i.principal_minor && i.paid_interest_minor === i.interest_minor && i.paid_fee_minor === i.fee_minor;
      assert.equal(i.settled_on !== null, paidOff, `${a.loan.external_id} #${i.seq}`);
      const last = a.payments.filter((p) => p.allocation.some((line) => line.seq === i.seq)).at(-1);
      if (paidOff) assert.equal(i.settled_on, last?.paid_on, `${a.loan.external_id} #${i.seq}`);
    }
  }
});

test('some auto-debits are returned, and partial payments exist', () => {
  const payments = portfolio.flatMap((a) => a.payments);
  const reversed = payments.filter((p) => p.status === 'reversed');
  assert.ok(reversed.length > 0 && reversed.every((p) => p.channel === 'auto_debit' && p.allocation.length === 0 && p.reversed_on! <= asOf));
  assert.deepEqual(new Set(payments.map((p) => p.channel)), new Set(['auto_debit', 'transfer', 'wallet', 'agent']));
  assert.ok(portfolio.some((a) => a.instalments.some((i) => i.settled_on === null && i.paid_principal_minor > 0)));
});

test('borrowers: valid mobile phones, per-channel consent, 1–2 emergency contacts, some unreachable', () => {
  const phones = portfolio.map((a) => a.contactPoints.find((c) => c.kind === 'phone')!);
  for (const a of portfolio) {
    assert.match(a.borrower.external_id, /^B\d{9}$/);
    assert.equal(a.borrower.external_id.slice(1), a.loan.external_id.slice(1));
    for (const c of a.contactPoints) {
      if (c.kind === 'phone') assert.ok(/^\+861\d{10}$/.test(c.value) && isValidPhoneNumber(c.value), c.value);
      for (const channel of c.consent) assert.ok((CHANNELS as readonly string[]).includes(channel));
    }
    assert.ok(a.emergencyContacts.length >= 1 && a.emergencyContacts.length <= 2);
    const numbers = [a.contactPoints[0].value, ...a.emergencyContacts.map((c) => c.phone)];
    assert.equal(new Set(numbers).size, numbers.length);
    for (const c of a.emergencyContacts) {
      assert.ok(isValidPhoneNumber(c.phone), c.phone);
      assert.ok(['父亲', '母亲', '配偶', '朋友', '同事'].includes(c.relation));
    }
  }
  const shareOf = (status: string) => share(phones.filter((p) => p.status === status).length);
  assert.ok(shareOf('invalid') > 0.03 && shareOf('invalid') < 0.07, `invalid ${shareOf('invalid')}`);
  assert.ok(shareOf('changed') > 0.015 && shareOf('changed') < 0.045, `changed ${shareOf('changed')}`);
  assert.ok(share(portfolio.filter((a) => a.borrower.locale === 'zh-CN').length) > 0.85);
  assert.ok(portfolio.some((a) => a.borrower.flags.length > 0));
  assert.ok(share(portfolio.filter((a) => a.contactPoints.some((c) => c.consent.includes('email'))).length) < share(phones.filter((p) => p.consent.includes('sms')).length));
});

test('collection history: outcomes while late, promises kept by a payment, broken before asOf or still open', () => {
  const late = portfolio.filter((a) => a.contactOutcomes.length > 0);
  assert.ok(late.length > 0 && late.every((a) => a.instalments.some((i) => (i.settled_on ?? asOf) > i.due_date)));
  const outcomes = new Set(portfolio.flatMap((a) => a.contactOutcomes.map((o) => o.outcome)));
  for (const outcome of ['bounced', 'no_answer', 'answered', 'refused']) assert.ok(outcomes.has(outcome as never), outcome);
  for (const a of portfolio) {
    for (const o of a.contactOutcomes) assert.ok(o.occurred_at.slice(0, 10) < asOf);
    for (const p of a.promises) {
      assert.ok(p.amount_minor > 0 && p.promised_on < asOf);
      if (p.status === 'kept') assert.ok(a.payments.some((pay) => pay.status === 'posted' && pay.paid_on === p.resolved_on && pay.amount_minor === p.amount_minor && pay.paid_on <= p.due_on));
      if (p.status === 'broken') assert.ok(p.due_on < p.resolved_on! && p.resolved_on! <= asOf);
      if (p.status === 'open') assert.ok(p.due_on > asOf && p.resolved_on === null);
    }
    for (const e of a.events) assert.ok(e.occurred_on <= asOf && e.occurred_on > addDays(asOf, -30), `${e.kind} ${e.occurred_on}`);
  }
  const statuses = new Set(portfolio.flatMap((a) => a.promises.map((p) => p.status)));
  assert.deepEqual(statuses, new Set(['kept', 'broken', 'open']));
});

test('bad arguments are refused naming what is wrong', () => {
  assert.throws(() => generateAccount(createRandom('x'), 0, { asOf: '2025-02-30' }), /asOf must be a calendar date.*2025-02-30/);
  assert.throws(() => generateAccount(createRandom('x'), -1, options), /index must be an integer/);
  assert.throws(() => generateAccount(createRandom('x'), 0, { asOf, instalments: { min: 6, max: 3 } }), /instalments: expected whole numbers 1 <= min <= max/);
  assert.throws(() => generateAccount(createRandom('x'), 0, { asOf, products: [{ ...BUILT_IN_PRODUCTS[0], id: 'other' }] }), /none of the products has demo terms/);
});
