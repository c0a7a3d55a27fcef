import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareDecimal, currencyExponent, decimalToMinor, formatMinor } from './money.ts';

test('currency exponents follow ISO 4217', () => {
  assert.deepEqual(['CNY', 'USD', 'JPY', 'KWD'].map(currencyExponent), [2, 2, 0, 3]);
});

test('decimal amounts convert to minor units exactly, rounding towards the inside of a range', () => {
  assert.equal(decimalToMinor('500.00', 2, 'up'), 50_000);
  assert.equal(decimalToMinor('500', 2, 'down'), 50_000);
  assert.equal(decimalToMinor('0.1', 2, 'down'), 10);
  assert.equal(decimalToMinor('10.005', 2, 'up'), 1_001);
  assert.equal(decimalToMinor('10.005', 2, 'down'), 1_000);
  assert.equal(decimalToMinor('10.000', 2, 'up'), 1_000, 'trailing zeros are not a fraction');
  assert.equal(decimalToMinor('1234.5', 0, 'up'), 1_235);
  assert.equal(decimalToMinor('9999999999999.99', 2, 'down'), 999_999_999_999_999);
});

test('decimal amounts compare without floats', () => {
  assert.equal(compareDecimal('100', '99.99'), 1);
  assert.equal(compareDecimal('0.30', '0.3'), 0);
  assert.equal(compareDecimal('0.1', '0.2'), -1);
});

test('minor units format as major-unit strings', () => {
  assert.equal(formatMinor(123_450, 2), '1234.50');
  assert.equal(formatMinor(5, 2), '0.05');
  assert.equal(formatMinor(0, 2), '0.00');
  assert.equal(formatMinor(-1_500, 2), '-15.00');
  assert.equal(formatMinor(123_450, 0), '123450');
  assert.equal(formatMinor(1, 3), '0.001');
});
