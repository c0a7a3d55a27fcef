import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountRandom, createRandom } from './random.ts';

const draws = (seed: string, n: number) => {
  const rng = createRandom(seed);
  return Array.from({ length: n }, () => rng.next());
};

test('the same seed draws the same numbers on every machine (pinned values)', () => {
  // Changing these breaks every seeded demo portfolio: only ever on purpose.
  assert.deepEqual(draws('overdue', 5), [0.10971099231392145, 0.300654960796237, 0.049711140571162105, 0.519642184022814, 0.7714628509711474]);
  assert.deepEqual(draws('overdue', 1000), draws('overdue', 1000));
  assert.notDeepEqual(draws('overdue', 5), draws('overdue2', 5));
});

test('accounts have independent streams', () => {
  assert.notEqual(accountRandom('s', 1).next(), accountRandom('s', 2).next());
  assert.equal(accountRandom('s', 7).next(), accountRandom('s', 7).next());
});

test('draws stay in range and spread evenly', () => {
  const rng = createRandom('range');
  const counts = new Array(10).fill(0);
  for (let i = 0; i < 20_000; i++) {
    const x = rng.next();
    assert.ok(x >= 0 && x < 1);
    counts[Math.floor(x * 10)]++;
  }
  for (const c of counts) assert.ok(c > 1800 && c < 2200, `bin count ${c}`);
  const ints = new Set(Array.from({ length: 2000 }, () => rng.int(3, 6)));
  assert.deepEqual([...ints].sort(), [3, 4, 5, 6]);
});

test('weighted choice follows the weights and never picks a zero weight', () => {
  const rng = createRandom('weights');
  const seen = { a: 0, b: 0, c: 0 };
  for (let i = 0; i < 10_000; i++) seen[rng.weighted([['a', 3], ['b', 1], ['c', 0]] as const)]++;
  assert.equal(seen.c, 0);
  assert.ok(seen.a / seen.b > 2.6 && seen.a / seen.b < 3.4, JSON.stringify(seen));
});

test('bad arguments are refused with what was wrong', () => {
  const rng = createRandom('bad');
  assert.throws(() => rng.int(5, 1), /int\(5, 1\)/);
  assert.throws(() => rng.pick([]), /empty list/);
  assert.throws(() => rng.weighted([['a', 0]]), /positive total weight/);
});
