// Invariants of the assessment over random products and schedules (see ../test-accounts.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addDays, daysBetween } from '../../platform/core/calendar.ts';
import { instalmentsArbitrary, productArbitrary, TRICKY_AS_OF_DATES } from '../test-accounts.ts';
import { assessDelinquency, unpaidOf } from './assess-delinquency.ts';
import { bucketOf, compareBuckets } from './buckets.ts';
import { episodesOf, type LateSpan } from './episodes.ts';
import { lateFeeFor } from './late-fees.ts';

const asOfArbitrary = fc.oneof(fc.constantFrom(...TRICKY_AS_OF_DATES), fc.integer({ min: 0, max: 700 }).map((n) => addDays('2023-06-01', n)));
const caseArbitrary = fc.record({ product: productArbitrary, instalments: instalmentsArbitrary, asOf: asOfArbitrary });
const RUNS = { numRuns: 500 };

type Case = typeof caseArbitrary extends fc.Arbitrary<infer C> ? C : never;
const assess = ({ product, instalments, asOf }: Case) => assessDelinquency({ borrowerId: 1, loanId: 1, instalments }, product, asOf);

test('DPD ≥ 0, and DPD = 0 exactly when overdue ≤ tolerance; otherwise it counts from oldestUnpaidDue', () => {
  fc.assert(fc.property(caseArbitrary, (c) => {
    const s = assess(c);
    assert.ok(s.dpd >= 0);
    assert.equal(s.dpd === 0, s.overdueMinor <= c.product.toleranceMinor);
    assert.equal(s.oldestUnpaidDue === null, s.dpd === 0);
    if (s.oldestUnpaidDue !== null) assert.equal(s.dpd, daysBetween(s.oldestUnpaidDue, c.asOf));
    assert.equal(s.bucket, bucketOf(s.dpd, c.product.bucketBounds));
  }), RUNS);
});

test('a delinquent account is in an ongoing episode that began no later than the day after its oldest unpaid due date', () => {
  fc.assert(fc.property(caseArbitrary, (c) => {
    const s = assess(c);
    if (s.dpd === 0) return assert.equal(s.delinquentSince, null);
    assert.ok(s.episodes >= 1);
    assert.equal(s.curedOn, null);
    assert.ok(s.delinquentSince !== null && s.delinquentSince <= addDays(s.oldestUnpaidDue!, 1));
  }), RUNS);
});

test('amounts add up: overdue ≤ outstanding − late fees, and the grace follows the repeat status', () => {
  fc.assert(fc.property(caseArbitrary, (c) => {
    const s = assess(c);
    const unpaid = c.instalments.reduce((sum, i) => sum + unpaidOf(i), 0);
    assert.equal(s.outstandingMinor, unpaid + s.lateFeeMinor);
    assert.ok(s.overdueMinor <= unpaid && s.lateFeeMinor >= 0 && s.nextDueMinor >= 0);
    assert.equal(s.graceDays, s.isRepeat ? c.product.repeatGraceDays : c.product.graceDays);
    assert.equal(s.nextDueDate === null, s.nextDueMinor === 0);
  }), RUNS);
});

test('late fees never exceed the cap of each unpaid instalment', () => {
  fc.assert(fc.property(caseArbitrary, (c) => {
    const cap = c.product.lateFee.capMinor;
    if (cap === null) return;
    const unpaidCount = c.instalments.filter((i) => unpaidOf(i) > 0).length;
    assert.ok(assess(c).lateFeeMinor <= cap * unpaidCount);
  }), RUNS);
  fc.assert(fc.property(
    fc.record({ late: fc.integer({ min: -30, max: 5000 }), grace: fc.integer({ min: 0, max: 30 }), principal: fc.integer({ min: 0, max: 10 ** 12 }),
      ppm: fc.integer({ min: 0, max: 10 ** 6 }), fixed: fc.integer({ min: 0, max: 10 ** 6 }), cap: fc.integer({ min: 0, max: 10 ** 9 }) }),
    ({ late, grace, principal, ppm, fixed, cap }) => {
      const fee = lateFeeFor({ dueDate: '2024-02-29', asOf: addDays('2024-02-29', late), graceDays: grace, unpaidScheduledMinor: principal + 1,
        unpaidPrincipalMinor: principal, rule: { fixedMinor: fixed, dailyPpm: ppm, capMinor: cap } });
      assert.ok(fee >= 0 && fee <= cap && Number.isSafeInteger(fee));
      if (late <= grace) assert.equal(fee, 0);
    }), RUNS);
});

test('the order of the instalments does not matter', () => {
  fc.assert(fc.property(caseArbitrary, fc.func(fc.integer()), (c, key) => {
    const shuffled = [...c.instalments].sort((a, b) => key(a.seq) - key(b.seq) || a.seq - b.seq);
    assert.deepEqual(assess({ ...c, instalments: shuffled }), assess(c));
  }), RUNS);
});

test('bucket order follows DPD', () => {
  const bounds = fc.uniqueArray(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 8 }).map((b) => b.sort((x, y) => x - y));
  fc.assert(fc.property(bounds, fc.nat(500), fc.nat(500), (b, x, y) => {
    const [low, high] = x <= y ? [x, y] : [y, x];
    assert.ok(compareBuckets(bucketOf(low, b), bucketOf(high, b)) <= 0);
  }), RUNS);
});

test('episodes cover exactly the late days, separated by at least one day that was not late', () => {
  const spanArbitrary = fc.record({ start: fc.nat(60), length: fc.nat(15), open: fc.boolean() })
    .map(({ start, length, open }): LateSpan => ({ firstDay: addDays('2024-02-01', start), lastDay: addDays('2024-02-01', start + length), open }));
  fc.assert(fc.property(fc.array(spanArbitrary, { maxLength: 8 }), (spans) => {
    const lateDays = new Set(spans.flatMap((s) => Array.from({ length: daysBetween(s.firstDay, s.lastDay) + 1 }, (_, k) => addDays(s.firstDay, k))));
    const episodes = episodesOf(spans);
    const covered = new Set(episodes.flatMap((e) => Array.from({ length: daysBetween(e.firstDay, e.lastDay) + 1 }, (_, k) => addDays(e.firstDay, k))));
    assert.deepEqual([...covered].sort(), [...lateDays].sort());
    for (let k = 1; k < episodes.length; k++) assert.ok(daysBetween(episodes[k - 1].lastDay, episodes[k].firstDay) >= 2);
    for (const e of episodes) {
      const inside = spans.filter((s) => s.firstDay >= e.firstDay && s.lastDay <= e.lastDay);
      assert.equal(e.ongoing, inside.some((s) => s.open));
    }
  }), RUNS);
});
