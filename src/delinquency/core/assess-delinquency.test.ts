import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assessDelinquency } from './assess-delinquency.ts';
import { DelinquencyError } from './errors.ts';
import type { DelinquencyProduct, ScheduledInstalment } from './types.ts';

const product: DelinquencyProduct = {
  graceDays: 3,
  repeatGraceDays: 1,
  repeatLookbackDays: 365,
  repeatMinEpisodes: 1,
  toleranceMinor: 100,
  lateFee: { fixedMinor: 1000, dailyPpm: 500, capMinor: 5000 },
  bucketBounds: [30, 60, 90, 120, 150, 180],
};

/** An instalment of 100 000 principal; `paid` principal so far (all by default when settled). */
function due(seq: number, dueDate: string, options: { paid?: number; settledOn?: string; principal?: number; interest?: number; paidLateFee?: number } = {}): ScheduledInstalment {
  const principal = options.principal ?? 100_000;
  const interest = options.interest ?? 0;
  const settled = options.settledOn !== undefined;
  return {
    seq, dueDate, principalMinor: principal, interestMinor: interest, feeMinor: 0,
    paidPrincipalMinor: options.paid ?? (settled ? principal : 0), paidInterestMinor: settled ? interest : 0, paidFeeMinor: 0,
    paidLateFeeMinor: options.paidLateFee ?? 0, settledOn: options.settledOn ?? null,
  };
}

const assess = (instalments: ScheduledInstalment[], asOf: string, terms: Partial<DelinquencyProduct> = {}) =>
  assessDelinquency({ borrowerId: 7, loanId: 70, instalments }, { ...product, ...terms }, asOf);

test('an instalment due on the as-of day is not yet overdue; the next day it is 1 DPD', () => {
  assert.deepEqual(assess([due(1, '2024-03-15')], '2024-03-15'), {
    borrowerId: 7, loanId: 70, asOf: '2024-03-15', dpd: 0, bucket: 'M0', overdueMinor: 0, outstandingMinor: 100_000, lateFeeMinor: 0,
    oldestUnpaidDue: null, nextDueDate: '2024-03-15', nextDueMinor: 100_000, episodes: 0, isRepeat: false, graceDays: 3,
    delinquentSince: null, curedOn: null,
  });
  assert.deepEqual(assess([due(1, '2024-03-15')], '2024-03-16'), {
    borrowerId: 7, loanId: 70, asOf: '2024-03-16', dpd: 1, bucket: 'M1', overdueMinor: 100_000, outstandingMinor: 100_000, lateFeeMinor: 0,
    oldestUnpaidDue: '2024-03-15', nextDueDate: null, nextDueMinor: 0, episodes: 1, isRepeat: false, graceDays: 3,
    delinquentSince: '2024-03-16', curedOn: null,
  });
});

test('DPD counts from the oldest due instalment with anything unpaid; fees accrue per instalment after grace', () => {
  const schedule = [due(1, '2024-01-31', { paid: 60_000 }), due(2, '2024-02-29'), due(3, '2024-03-31')];
  const snapshot = assess(schedule, '2024-03-10');
  // Fees: seq 1 is 39 days late → 1000 + 40 000·500·36/10^6 = 1720; seq 2 is 10 days late → 1000 + 100 000·500·7/10^6 = 1350.
  assert.deepEqual(
    [snapshot.dpd, snapshot.bucket, snapshot.oldestUnpaidDue, snapshot.overdueMinor, snapshot.lateFeeMinor, snapshot.outstandingMinor],
    [39, 'M2', '2024-01-31', 140_000, 3070, 243_070],
  );
  assert.deepEqual([snapshot.nextDueDate, snapshot.nextDueMinor], ['2024-03-31', 100_000]);
  const oldestPaid = assess([due(1, '2024-01-31', { settledOn: '2024-01-31' }), ...schedule.slice(1)], '2024-03-10');
  assert.deepEqual([oldestPaid.dpd, oldestPaid.oldestUnpaidDue], [10, '2024-02-29']);
});

test('the tolerance: overdue equal to it is current, one minor unit more is delinquent', () => {
  const within = assess([due(1, '2024-01-10', { paid: 99_900 })], '2024-03-01');
  assert.deepEqual([within.dpd, within.bucket, within.overdueMinor, within.oldestUnpaidDue, within.delinquentSince], [0, 'M0', 100, null, null]);
  // Still late for history: an ongoing episode that has not cured, and its fee still accrues.
  assert.deepEqual([within.episodes, within.curedOn, within.lateFeeMinor, within.outstandingMinor], [1, null, 1002, 1102]);
  const above = assess([due(1, '2024-01-10', { paid: 99_899 })], '2024-03-01');
  assert.deepEqual([above.dpd, above.bucket, above.overdueMinor, above.delinquentSince], [51, 'M2', 101, '2024-01-11']);
  const zeroTolerance = assess([due(1, '2024-01-10', { paid: 99_999 })], '2024-03-01', { toleranceMinor: 0 });
  assert.equal(zeroTolerance.dpd, 51);
});

test('month ends and the leap day count real calendar days', () => {
  assert.deepEqual([assess([due(1, '2024-01-31')], '2024-03-01').dpd, assess([due(1, '2024-01-31')], '2024-03-01').bucket], [30, 'M1']);
  assert.deepEqual([assess([due(1, '2024-01-31')], '2024-03-02').dpd, assess([due(1, '2024-01-31')], '2024-03-02').bucket], [31, 'M2']);
  assert.equal(assess([due(1, '2023-01-31')], '2023-03-02').dpd, 30);
  assert.equal(assess([due(1, '2024-02-29')], '2024-02-29').dpd, 0);
  assert.equal(assess([due(1, '2024-02-29')], '2024-03-01').dpd, 1);
  const yearLate = assess([due(1, '2024-02-29')], '2025-02-28');
  assert.deepEqual([yearLate.dpd, yearLate.bucket], [365, 'M7+']);
  assert.equal(assess([due(1, '2024-02-29')], '2024-06-29', { bucketBounds: [30, 60, 90] }).bucket, 'M4+');
});

test('no late fee inside the grace period; the first fee the day after it ends', () => {
  assert.equal(assess([due(1, '2024-03-10')], '2024-03-13').lateFeeMinor, 0);
  assert.equal(assess([due(1, '2024-03-10')], '2024-03-14').lateFeeMinor, 1050);
  assert.equal(assess([due(1, '2024-03-10')], '2024-03-14', { graceDays: 4 }).lateFeeMinor, 0);
});

test('a repeat delinquent gets the shorter grace; outside the look-back the first-time grace applies again', () => {
  const schedule = [due(1, '2024-01-10', { settledOn: '2024-01-20' }), due(2, '2024-03-10')];
  const repeat = assess(schedule, '2024-03-12');
  assert.deepEqual([repeat.isRepeat, repeat.graceDays, repeat.episodes, repeat.lateFeeMinor], [true, 1, 2, 1050]);
  const forgotten = assess(schedule, '2024-03-12', { repeatLookbackDays: 30 });
  assert.deepEqual([forgotten.isRepeat, forgotten.graceDays, forgotten.episodes, forgotten.lateFeeMinor], [false, 3, 1, 0]);
  const needsTwo = assess(schedule, '2024-03-12', { repeatMinEpisodes: 2 });
  assert.deepEqual([needsTwo.isRepeat, needsTwo.graceDays], [false, 3]);
  // The ongoing episode never counts towards being a repeat delinquent.
  assert.equal(assess([due(1, '2024-01-10')], '2024-03-12').isRepeat, false);
});

test('paid late fees are deducted, never below zero; the cap holds per instalment; a settled instalment owes no fee', () => {
  assert.equal(assess([due(1, '2024-03-10', { paidLateFee: 300 })], '2024-03-14').lateFeeMinor, 750);
  assert.equal(assess([due(1, '2024-03-10', { paidLateFee: 5000 })], '2024-03-14').lateFeeMinor, 0);
  const capped = assess([due(1, '2023-01-10'), due(2, '2023-02-10')], '2024-03-01');
  assert.equal(capped.lateFeeMinor, 10_000);
  // Uncapped: 51 days late → 1000 + 100 000·500·48/10^6; 385 days late → 1000 + 100 000·500·382/10^6.
  assert.equal(assess([due(1, '2024-01-10'), due(2, '2023-02-10')], '2024-03-01', { lateFee: { fixedMinor: 1000, dailyPpm: 500, capMinor: null } }).lateFeeMinor, 1000 + 2400 + 1000 + 19_100);
  assert.equal(assess([due(1, '2024-01-10', { settledOn: '2024-03-01' })], '2024-03-01').lateFeeMinor, 0);
});

test('delinquent since the first day of the ongoing episode, which may begin before the oldest unpaid instalment', () => {
  const snapshot = assess([due(1, '2024-01-10', { settledOn: '2024-02-15' }), due(2, '2024-02-10')], '2024-03-01');
  assert.deepEqual(
    [snapshot.dpd, snapshot.oldestUnpaidDue, snapshot.delinquentSince, snapshot.episodes, snapshot.isRepeat, snapshot.curedOn],
    [20, '2024-02-10', '2024-01-11', 1, false, null],
  );
});

test('cured on the day the last late instalment was settled; touching late spells are one episode, a gap makes two', () => {
  const cured = assess([due(1, '2024-01-10', { settledOn: '2024-02-10' }), due(2, '2024-02-10', { settledOn: '2024-02-20' })], '2024-03-01');
  assert.deepEqual([cured.dpd, cured.curedOn, cured.delinquentSince, cured.episodes, cured.isRepeat], [0, '2024-02-20', null, 1, true]);
  const twoSpells = assess([due(1, '2024-01-10', { settledOn: '2024-02-09' }), due(2, '2024-02-10', { settledOn: '2024-02-20' })], '2024-03-01');
  assert.deepEqual([twoSpells.episodes, twoSpells.curedOn], [2, '2024-02-20']);
  const onTime = assess([due(1, '2024-01-10', { settledOn: '2024-01-10' })], '2024-03-01');
  assert.deepEqual([onTime.episodes, onTime.curedOn, onTime.isRepeat], [0, null, false]);
});

test('settled after the as-of date: late until the as-of date, cured on it (amounts paid are as recorded now)', () => {
  const snapshot = assess([due(1, '2024-02-10', { settledOn: '2024-03-20' })], '2024-03-01');
  assert.deepEqual([snapshot.dpd, snapshot.overdueMinor, snapshot.episodes, snapshot.curedOn], [0, 0, 1, '2024-03-01']);
});

test('an over-allocated instalment does not offset another; a paid instalment without a settled day was never late', () => {
  const over = assess([due(1, '2024-01-10', { paid: 100_500, settledOn: '2024-01-10' }), due(2, '2024-02-10', { principal: 1000 })], '2024-03-01');
  assert.deepEqual([over.overdueMinor, over.outstandingMinor - over.lateFeeMinor], [1000, 1000]);
  const undated = assess([due(1, '2024-01-10', { paid: 100_000 })], '2024-03-01');
  assert.deepEqual([undated.episodes, undated.dpd, undated.curedOn], [0, 0, null]);
});

test('the next due instalment is the earliest on or after asOf with anything unpaid, by seq on the same day', () => {
  const schedule = [due(1, '2024-03-31', { settledOn: '2024-03-05' }), due(2, '2024-04-30', { paid: 30_000 }), due(3, '2024-04-30', { principal: 5 }), due(4, '2024-05-31')];
  assert.deepEqual([assess(schedule, '2024-03-10').nextDueDate, assess(schedule, '2024-03-10').nextDueMinor], ['2024-04-30', 70_000]);
  const shuffled = assess([schedule[3], schedule[2], schedule[0], schedule[1]], '2024-03-10');
  assert.deepEqual([shuffled.nextDueDate, shuffled.nextDueMinor], ['2024-04-30', 70_000]);
});

test('an account without instalments is current with nothing owed', () => {
  const snapshot = assess([], '2024-03-01');
  assert.deepEqual([snapshot.dpd, snapshot.bucket, snapshot.outstandingMinor, snapshot.nextDueDate, snapshot.episodes, snapshot.graceDays], [0, 'M0', 0, null, 0, 3]);
});

test('bad input is refused with an error naming what and where', () => {
  const refused = (fn: () => unknown, code: string, pattern: RegExp) =>
    assert.throws(fn, (error: unknown) => error instanceof DelinquencyError && error.code === code && pattern.test(error.message));
  refused(() => assess([], '2024-02-30'), 'invalid-as-of', /asOf: .*"2024-02-30"/);
  refused(() => assess([], '2024-03-01', { bucketBounds: [60, 30] }), 'invalid-product', /product of loan 70: bucketBounds: expected strictly increasing/);
  refused(() => assess([], '2024-03-01', { graceDays: -1 }), 'invalid-product', /graceDays/);
  refused(() => assess([due(1, '2024-01-10'), { ...due(2, '2024-02-10'), paidPrincipalMinor: -5 }], '2024-03-01'), 'invalid-instalment', /loan 70 instalment seq 2: paidPrincipalMinor/);
  refused(() => assess([{ ...due(3, '2024-02-10'), dueDate: '2024-13-01' }], '2024-03-01'), 'invalid-instalment', /seq 3: dueDate: expected a calendar date/);
  refused(() => assess([{ ...due(4, '2024-02-10'), principalMinor: 10.5 }], '2024-03-01'), 'invalid-instalment', /seq 4: principalMinor/);
});
