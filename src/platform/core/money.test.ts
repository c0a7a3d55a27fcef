import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatAmount, parseAmount } from './money.ts';

test('decimal major units become exact minor units by the currency exponent', () => {
  assert.deepEqual(parseAmount('1234.56', 'CNY'), { ok: true, minor: 123_456 });
  assert.deepEqual(parseAmount('0.1', 'USD'), { ok: true, minor: 10 });
  assert.deepEqual(parseAmount('1.00', 'CNY'), { ok: true, minor: 100 });
  assert.deepEqual(parseAmount('1234', 'JPY'), { ok: true, minor: 1_234 });
  // 0.29 * 100 is 28.999999999999996 in floating point; strings never go through floats.
  assert.deepEqual(parseAmount('0.29', 'CNY'), { ok: true, minor: 29 });
});

test('more decimals than the currency allows, signs, separators and junk are refused with a reason', () => {
  assert.deepEqual(parseAmount('1.001', 'CNY'), { ok: false, reason: '"1.001" has 3 decimal(s); CNY allows 2' });
  assert.deepEqual(parseAmount('1.0', 'JPY'), { ok: false, reason: '"1.0" has 1 decimal(s); JPY allows 0' });
  for (const bad of ['-1.00', '+1', '1,234.00', '1e3', '.5', '5.', '', 'abc']) assert.equal(parseAmount(bad, 'CNY').ok, false, bad);
  assert.match((parseAmount('1.00', 'XYZ') as { reason: string }).reason, /unsupported currency "XYZ"/);
  assert.match((parseAmount('99999999999999999', 'CNY') as { reason: string }).reason, /too large/);
});

test('formatAmount is the inverse of parseAmount', () => {
  assert.equal(formatAmount(5, 'CNY'), '0.05');
  assert.equal(formatAmount(-123_456, 'CNY'), '-1234.56');
  assert.equal(formatAmount(1_234, 'JPY'), '1234');
  fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom('CNY', 'JPY', 'USD'), (minor, currency) => {
    assert.deepEqual(parseAmount(formatAmount(minor, currency), currency), { ok: true, minor });
  }));
});
