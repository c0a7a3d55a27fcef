// A day's layout in chunks of borrowers: contiguous ranges that cover every borrower id, of the size
// asked for but the last chunk's worth, which comes in smaller chunks so the workers end together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkRanges } from '../../src/strategy/cycle/run-cycle.ts';

const OPEN_END = 2 ** 53 - 1;

test('chunks cover every borrower id once, in order, the last chunk\'s worth in quarters', () => {
  for (const [lo, hi, size] of [[1, 1_000_001, 32_000], [1, 101, 25], [7, 19, 5], [1, 11, 25], [5, 9, 2], [1, 2, 32_000], [1, 1, 10]]) {
    const ranges = chunkRanges(lo, hi, size);
    assert.equal(ranges[0][0], 0, 'open below');
    assert.equal(ranges.at(-1)![1], OPEN_END, 'open above');
    for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i][0], ranges[i - 1][1], `contiguous at ${i} (${lo}, ${hi}, ${size})`);
    for (const [a, b] of ranges) assert.ok(b > a, 'not empty');
    const widths = ranges.slice(1, -1).map(([a, b]) => b - a);
    assert.ok(widths.every((w) => w <= size), 'none wider than asked');
  }
  const day = chunkRanges(1, 1_000_001, 32_000);
  assert.deepEqual(day.slice(-4).map(([a, b]) => (b === OPEN_END ? 1_000_001 : b) - a), [8_000, 8_000, 8_000, 8_000]);
  assert.equal(day.length, 35);
  assert.deepEqual(chunkRanges(1, 1, 10), [[0, OPEN_END]]);
  assert.deepEqual(chunkRanges(1, 500, 1_000), [[0, OPEN_END]], 'a portfolio that fits in one chunk stays in one');
  assert.equal(chunkRanges(1, 101, 25).length, 7);
});
