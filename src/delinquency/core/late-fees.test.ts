import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lateFeeFor, daysLate } from './late-fees.ts';

const rule = { fixedMinor: 1000, dailyPpm: 500, capMinor: 5000 };
const base = { dueDate: '2024-01-31', graceDays: 3, unpaidScheduledMinor: 100_000, unpaidPrincipalMinor: 90_000, rule };

test('no fee inside the grace period, not even the fixed part', () => {
  for (const asOf of ['2024-01-30', '2024-01-31', '2024-02-01', '2024-02-03']) assert.equal(lateFeeFor({ ...base, asOf }), 0, asOf);
});

test('fixed fee plus daily rate on unpaid principal per day beyond grace', () => {
  // 2024-02-04 is 4 days late, 1 day beyond grace: 1000 + 90000*500/1e6 = 1045
  assert.equal(lateFeeFor({ ...base, asOf: '2024-02-04' }), 1045);
  assert.equal(lateFeeFor({ ...base, asOf: '2024-02-13' }), 1000 + 45 * 10);
});

test('the cap bounds the fee and a paid instalment accrues nothing', () => {
  assert.equal(lateFeeFor({ ...base, asOf: '2025-01-01' }), 5000);
  assert.equal(lateFeeFor({ ...base, asOf: '2025-01-01', rule: { ...rule, capMinor: null } }), 1000 + Math.floor(90_000 * 500 * (daysLate('2024-01-31', '2025-01-01') - 3) / 1e6));
  assert.equal(lateFeeFor({ ...base, asOf: '2024-03-01', unpaidScheduledMinor: 0, unpaidPrincipalMinor: 0 }), 0);
});

test('days late counts calendar days across a leap day', () => {
  assert.equal(daysLate('2024-02-28', '2024-03-01'), 2);
  assert.equal(daysLate('2023-02-28', '2023-03-01'), 1);
  assert.equal(daysLate('2024-03-01', '2024-02-28'), 0);
});
