import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketOf, compareBuckets } from './buckets.ts';

const STANDARD = [30, 60, 90, 120, 150, 180];

test('M0 for DPD 0, then one bucket per bound with the bound inclusive, M7+ beyond the last', () => {
  const cases: Array<[number, string]> = [[0, 'M0'], [1, 'M1'], [30, 'M1'], [31, 'M2'], [60, 'M2'], [61, 'M3'], [150, 'M5'], [151, 'M6'], [180, 'M6'], [181, 'M7+'], [10_000, 'M7+']];
  for (const [dpd, bucket] of cases) assert.equal(bucketOf(dpd, STANDARD), bucket, `DPD ${dpd}`);
});

test('the open-ended bucket follows the number of bounds', () => {
  assert.equal(bucketOf(90, [30, 60, 90]), 'M3');
  assert.equal(bucketOf(91, [30, 60, 90]), 'M4+');
  assert.equal(bucketOf(7, [7]), 'M1');
  assert.equal(bucketOf(8, [7]), 'M2+');
});

test('buckets sort by age, an open-ended bucket after the closed one of its number', () => {
  const shuffled = ['M7+', 'M2', 'M0', 'M10', 'M4+', 'M4', 'M1'];
  assert.deepEqual(shuffled.sort(compareBuckets), ['M0', 'M1', 'M2', 'M4', 'M4+', 'M7+', 'M10']);
});
