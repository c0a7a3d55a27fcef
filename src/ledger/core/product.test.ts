import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graceDaysFor, parseProducts } from './product.ts';

const valid = {
  id: 'shop-instalment', name: 'Shop', currency: 'CNY', graceDays: 5, repeatGraceDays: 1,
  tolerance: '1.00', lateFee: { fixed: '10.00', dailyRatePpm: 300, cap: '200.00' }, bucketBounds: [30, 60, 90, 120, 150, 180],
};

test('a valid product becomes minor units with defaults filled in', () => {
  const parsed = parseProducts({ products: [valid, { ...valid, id: 'jp', currency: 'JPY', tolerance: 100, lateFee: { fixed: '500' } }] }, 'products.yaml');
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.products[0], {
    id: 'shop-instalment', name: 'Shop', currency: 'CNY', graceDays: 5, repeatGraceDays: 1, repeatLookbackDays: 365, repeatMinEpisodes: 1,
    toleranceMinor: 100, lateFee: { fixedMinor: 1_000, dailyPpm: 300, capMinor: 20_000 }, bucketBounds: [30, 60, 90, 120, 150, 180],
    waterfall: ['fee', 'interest', 'principal'], jurisdiction: 'CN',
  });
  assert.deepEqual([parsed.products[1].toleranceMinor, parsed.products[1].lateFee], [100, { fixedMinor: 500, dailyPpm: 0, capMinor: null }]);
});

test('every problem is reported with the file and the path inside it', () => {
  const parsed = parseProducts({
    products: [
      { ...valid, repeatGraceDays: 7, tolerance: '1.005', bucketBounds: [30, 30, 90], waterfall: ['fee', 'fee', 'principal'] },
      { ...valid, id: 'Bad Id', currency: 'XXX', colour: 'red' },
      valid,
    ],
  }, 'config/products.yaml');
  assert.equal(parsed.ok, false);
  assert.deepEqual(!parsed.ok && parsed.problems, [
    'config/products.yaml: products[0].repeatGraceDays: must not exceed graceDays (5)',
    'config/products.yaml: products[0].bucketBounds: expected strictly ascending day numbers like [30, 60, 90]',
    'config/products.yaml: products[0].waterfall: expected each of fee, interest, principal exactly once',
    'config/products.yaml: products[0].tolerance: "1.005" has 3 decimal(s); CNY allows 2',
    'config/products.yaml: products[1].id: expected lower-case letters, digits and dashes, like "shop-instalment"',
    'config/products.yaml: products[1].currency: expected a supported ISO 4217 currency code such as CNY, USD, JPY',
    'config/products.yaml: products[1].colour: unknown field',
  ]);
});

test('amounts that do not fit the currency and duplicate ids refuse the whole document', () => {
  const decimals = parseProducts({ products: [{ ...valid, tolerance: '1.005', lateFee: { cap: 'lots' } }] }, 'p.yaml');
  assert.deepEqual(!decimals.ok && decimals.problems, [
    'p.yaml: products[0].tolerance: "1.005" has 3 decimal(s); CNY allows 2',
    'p.yaml: products[0].lateFee.cap: expected a decimal amount like "1234.56", got "lots"',
  ]);
  const duplicate = parseProducts({ products: [valid, valid] }, 'p.yaml');
  assert.deepEqual(!duplicate.ok && duplicate.problems, ['p.yaml: products[1].id: duplicate product id "shop-instalment" (also products[0])']);
  const missing = parseProducts({ products: [{ id: 'x' }] }, 'p.yaml');
  assert.ok(!missing.ok && missing.problems.includes('p.yaml: products[0].graceDays: required'));
  assert.deepEqual(parseProducts(null, 'p.yaml').ok, false);
});

test('the repeat grace applies only to repeat delinquents', () => {
  assert.equal(graceDaysFor({ graceDays: 5, repeatGraceDays: 1 }, false), 5);
  assert.equal(graceDaysFor({ graceDays: 5, repeatGraceDays: 1 }, true), 1);
});
