import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lateFeeFor } from '../../delinquency/core/late-fees.ts';
import { addDays } from '../../platform/core/calendar.ts';
import { replayAllocation, type AllocationInput, type AllocationTerms, type PaymentToReplay, type ScheduledInstalment } from './allocate-payments.ts';
import type { WaterfallComponent } from './product.ts';

// Late fee: 10.00 fixed + 0.05 %/day of unpaid principal beyond grace, capped at 50.00 per instalment.
const terms: AllocationTerms = { graceDays: 5, repeatGraceDays: 1, lateFee: { fixedMinor: 1_000, dailyPpm: 500, capMinor: 5_000 }, waterfall: ['fee', 'interest', 'principal'] };
// Month ends on purpose: 2024-02-29 is a leap day.
const schedule: ScheduledInstalment[] = [
  { seq: 1, dueDate: '2024-01-31', principalMinor: 100_000, interestMinor: 2_000, feeMinor: 500 },
  { seq: 2, dueDate: '2024-02-29', principalMinor: 100_000, interestMinor: 1_500, feeMinor: 500 },
  { seq: 3, dueDate: '2024-03-31', principalMinor: 100_000, interestMinor: 1_000, feeMinor: 500 },
];
const FULL = [102_500, 102_000, 101_500];

let nextId = 1;
const paid = (paidOn: string, amountMinor: number, status: PaymentToReplay['status'] = 'posted'): PaymentToReplay => ({ paymentId: nextId++, paidOn, amountMinor, status });
const replay = (payments: PaymentToReplay[], over: Partial<AllocationInput> = {}) => replayAllocation({ terms, instalments: schedule, payments, ...over });

test('default waterfall pays fee, then interest, then principal of the oldest instalment', () => {
  const result = replay([paid('2024-01-31', 50_000)]);
  assert.deepEqual(result.payments[0].lines, [
    { seq: 1, component: 'fee', amountMinor: 500 },
    { seq: 1, component: 'interest', amountMinor: 2_000 },
    { seq: 1, component: 'principal', amountMinor: 47_500 },
  ]);
  assert.deepEqual(result.instalments[0], { seq: 1, paidPrincipalMinor: 47_500, paidInterestMinor: 2_000, paidFeeMinor: 500, paidLateFeeMinor: 0, settledOn: null });
  assert.equal(result.creditMinor, 0);
});

test('a product waterfall changes the order within each instalment', () => {
  const result = replay([paid('2024-01-31', 101_000)], { terms: { ...terms, waterfall: ['principal', 'interest', 'fee'] } });
  assert.deepEqual(result.payments[0].lines, [
    { seq: 1, component: 'principal', amountMinor: 100_000 },
    { seq: 1, component: 'interest', amountMinor: 1_000 },
  ]);
});

test('partial payments accumulate and settled_on is the day the last one closed the instalment', () => {
  const result = replay([paid('2024-01-20', 60_000), paid('2024-01-30', 42_500)]);
  assert.equal(result.instalments[0].settledOn, '2024-01-30');
  assert.equal(result.instalments[0].paidPrincipalMinor, 100_000);
  assert.deepEqual(result.payments[1].lines, [{ seq: 1, component: 'principal', amountMinor: 42_500 }]);
  assert.equal(result.instalments[1].settledOn, null);
});

test('no late fee inside the grace period; after it the late fee is paid first', () => {
  const inGrace = replay([paid('2024-02-05', FULL[0])]); // 5 days late = the grace period
  assert.equal(inGrace.instalments[0].paidLateFeeMinor, 0);
  assert.equal(inGrace.instalments[0].settledOn, '2024-02-05');
  const after = replay([paid('2024-02-06', FULL[0])]); // 1 day beyond grace: 1000 + 100000 * 500 ppm
  assert.deepEqual(after.payments[0].lines[0], { seq: 1, component: 'late_fee', amountMinor: 1_050 });
  assert.equal(after.instalments[0].paidLateFeeMinor, 1_050);
  assert.equal(after.instalments[0].settledOn, null, 'the late fee took 10.50 of the scheduled amount');
});

test('repeat delinquents get the shorter repeat grace only when isRepeat is given', () => {
  assert.equal(replay([paid('2024-02-02', FULL[0])]).instalments[0].paidLateFeeMinor, 0);
  assert.equal(replay([paid('2024-02-02', FULL[0])], { isRepeat: true }).instalments[0].paidLateFeeMinor, 1_000 + 50);
});

test('grace counts calendar days across the leap day', () => {
  const onlySecond = (paidOn: string) => replay([paid('2024-01-31', FULL[0]), paid(paidOn, 10_000)]).instalments[1].paidLateFeeMinor;
  assert.equal(onlySecond('2024-03-05'), 0); // 2024-02-29 + 5 days
  assert.equal(onlySecond('2024-03-06'), 1_050);
});

test('a late fee already paid is not charged again; only what accrued since is due', () => {
  const result = replay([paid('2024-02-06', 500), paid('2024-02-06', 600), paid('2024-02-08', 2_000)]);
  assert.deepEqual(result.payments[0].lines, [{ seq: 1, component: 'late_fee', amountMinor: 500 }]);
  assert.deepEqual(result.payments[1].lines, [{ seq: 1, component: 'late_fee', amountMinor: 550 }, { seq: 1, component: 'fee', amountMinor: 50 }]);
  // Three days beyond grace: 1000 + 3 * 50 accrued, 1050 paid.
  assert.equal(result.payments[2].lines[0].amountMinor, 100);
  assert.equal(result.instalments[0].paidLateFeeMinor, 1_150);
});

test('the late fee stops at the cap', () => {
  const result = replay([paid('2025-06-30', 1_000_000)]);
  assert.deepEqual(result.instalments.map((i) => i.paidLateFeeMinor), [5_000, 5_000, 5_000]);
});

test('paying early pays the next instalments ahead; money beyond the whole loan is held as credit', () => {
  const ahead = replay([paid('2024-01-31', FULL[0] + FULL[1])]);
  assert.deepEqual(ahead.instalments.map((i) => i.settledOn), ['2024-01-31', '2024-01-31', null]);
  const over = replay([paid('2024-01-31', FULL[0] + FULL[1] + FULL[2] + 777)]);
  assert.equal(over.payments[0].creditMinor, 777);
  assert.equal(over.creditMinor, 777);
  assert.ok(over.instalments.every((i) => i.settledOn === '2024-01-31'));
});

test('a reversed payment pays nothing and what it paid is open again for the payments after it', () => {
  const failedDebit = paid('2024-01-31', FULL[0]);
  const later = paid('2024-02-10', 20_000);
  const before = replay([failedDebit, later]);
  assert.equal(before.instalments[0].settledOn, '2024-01-31');
  assert.equal(before.payments[1].lines[0].seq, 2);
  const after = replay([{ ...failedDebit, status: 'reversed' }, later]);
  assert.deepEqual(after.payments[0], { paymentId: failedDebit.paymentId, lines: [], creditMinor: 0 });
  assert.equal(after.instalments[0].settledOn, null);
  // 10 days late, 5 beyond grace: the later payment now meets a late fee on instalment 1.
  assert.deepEqual(after.payments[1].lines[0], { seq: 1, component: 'late_fee', amountMinor: 1_000 + 5 * 50 });
});

test('payments apply by paid_on, ties in posting order, and results come back in the order given', () => {
  const late = paid('2024-01-31', 1_000);
  const first = paid('2024-01-10', 300);
  const tie = paid('2024-01-10', 300);
  const result = replay([late, first, tie]);
  assert.deepEqual(result.payments.map((p) => p.paymentId), [late.paymentId, first.paymentId, tie.paymentId]);
  assert.deepEqual(result.payments[1].lines, [{ seq: 1, component: 'fee', amountMinor: 300 }]);
  assert.deepEqual(result.payments[2].lines, [{ seq: 1, component: 'fee', amountMinor: 200 }, { seq: 1, component: 'interest', amountMinor: 100 }]);
  assert.deepEqual(result.payments[0].lines, [{ seq: 1, component: 'interest', amountMinor: 1_000 }]);
});

test('replay is deterministic and leaves its input untouched', () => {
  const payments = [paid('2024-03-01', 150_000), paid('2024-02-10', 30_000), paid('2024-02-10', 5_000, 'reversed')];
  const input: AllocationInput = { terms, instalments: schedule, payments };
  const frozen = structuredClone(input);
  assert.deepEqual(replayAllocation(input), replayAllocation(structuredClone(input)));
  assert.deepEqual(input, frozen);
});

// Money is conserved whatever the schedule, terms and payments: what the posted payments brought equals
// what was allocated plus credit; nothing is negative; nothing is paid beyond what is owed.
const waterfalls: WaterfallComponent[][] = [['fee', 'interest', 'principal'], ['principal', 'interest', 'fee'], ['interest', 'fee', 'principal']];
const arbitraryCase = fc.record({
  start: fc.integer({ min: 19_000, max: 20_500 }).map((day) => new Date(day * 86_400_000).toISOString().slice(0, 10)),
  instalments: fc.array(fc.record({ gap: fc.integer({ min: 0, max: 45 }), principal: fc.integer({ min: 0, max: 200_000 }), interest: fc.integer({ min: 0, max: 5_000 }), fee: fc.integer({ min: 0, max: 2_000 }) }), { minLength: 1, maxLength: 6 }),
  payments: fc.array(fc.record({ offset: fc.integer({ min: -10, max: 300 }), amount: fc.integer({ min: 1, max: 400_000 }), reversed: fc.boolean() }), { maxLength: 10 }),
  graceDays: fc.integer({ min: 0, max: 10 }),
  fixedMinor: fc.integer({ min: 0, max: 3_000 }),
  dailyPpm: fc.integer({ min: 0, max: 3_000 }),
  capMinor: fc.option(fc.integer({ min: 0, max: 20_000 })),
  waterfall: fc.constantFrom(...waterfalls),
  isRepeat: fc.boolean(),
});

test('property: money is conserved, never negative, never more than owed', () => {
  fc.assert(
    fc.property(arbitraryCase, (c) => {
      let due = c.start;
      const instalments = c.instalments.map((i, n) => {
        due = addDays(due, i.gap + 1);
        return { seq: n + 1, dueDate: due, principalMinor: i.principal, interestMinor: i.interest, feeMinor: i.fee + (i.principal + i.interest + i.fee === 0 ? 1 : 0) };
      });
      const payments = c.payments.map((p, n): PaymentToReplay => ({ paymentId: n + 1, paidOn: addDays(c.start, p.offset), amountMinor: p.amount, status: p.reversed ? 'reversed' : 'posted' }));
      const caseTerms: AllocationTerms = { graceDays: c.graceDays, repeatGraceDays: Math.min(1, c.graceDays), lateFee: { fixedMinor: c.fixedMinor, dailyPpm: c.dailyPpm, capMinor: c.capMinor }, waterfall: c.waterfall };
      const result = replayAllocation({ terms: caseTerms, instalments, payments, isRepeat: c.isRepeat });

      const posted = payments.filter((p) => p.status === 'posted');
      const allocated = result.payments.flatMap((p) => p.lines).reduce((s, l) => s + l.amountMinor, 0);
      assert.equal(allocated + result.creditMinor, posted.reduce((s, p) => s + p.amountMinor, 0));
      result.payments.forEach((a, n) => {
        assert.ok(a.creditMinor >= 0 && a.lines.every((l) => l.amountMinor > 0));
        if (payments[n].status === 'reversed') assert.deepEqual([a.lines, a.creditMinor], [[], 0]);
        else assert.equal(a.lines.reduce((s, l) => s + l.amountMinor, 0) + a.creditMinor, payments[n].amountMinor);
      });
      const lastPaidOn = posted.reduce((max, p) => (p.paidOn > max ? p.paidOn : max), c.start);
      result.instalments.forEach((position, n) => {
        const i = instalments[n];
        const linesOf = (component: string) => result.payments.flatMap((p) => p.lines).filter((l) => l.seq === i.seq && l.component === component).reduce((s, l) => s + l.amountMinor, 0);
        assert.deepEqual(
          [position.paidPrincipalMinor, position.paidInterestMinor, position.paidFeeMinor, position.paidLateFeeMinor],
          [linesOf('principal'), linesOf('interest'), linesOf('fee'), linesOf('late_fee')],
        );
        assert.ok(position.paidPrincipalMinor <= i.principalMinor && position.paidInterestMinor <= i.interestMinor && position.paidFeeMinor <= i.feeMinor);
        const mostLateFee = lateFeeFor({ dueDate: i.dueDate, asOf: lastPaidOn, graceDays: 0, unpaidScheduledMinor: 1, unpaidPrincipalMinor: i.principalMinor, rule: caseTerms.lateFee });
        assert.ok(position.paidLateFeeMinor <= mostLateFee, `late fee ${position.paidLateFeeMinor} > ${mostLateFee}`);
        const settled = position.paidPrincipalMinor + position.paidInterestMinor + position.paidFeeMinor === i.principalMinor + i.interestMinor + i.feeMinor;
        assert.equal(position.settledOn !== null, settled);
      });
      if (result.creditMinor > 0) assert.ok(result.instalments.every((i) => i.settledOn !== null), 'credit only once everything is paid');
    }),
    { numRuns: 500 },
  );
});
