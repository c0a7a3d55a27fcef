import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { applyProducts, loadProducts, loadProductsFile } from './products.ts';
import { InvalidFileError } from './errors.ts';
import { upsertBorrowers } from './upsert-borrowers.ts';
import { upsertLoans } from './upsert-loans.ts';

let database: TestDatabase;
let dir: string;
before(async () => {
  database = await openTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'overdue-products-'));
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await database.close();
});

function productsFile(name: string, yaml: string): string {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
}

const problemsOf = (path: string) => {
  try {
    loadProductsFile(path);
  } catch (error) {
    assert.ok(error instanceof InvalidFileError);
    return error.problems;
  }
  assert.fail(`${path} should be refused`);
};

const product = (over = '') => `products:
  - id: demo
    name: Demo
    currency: CNY
    graceDays: 3
    repeatGraceDays: 1
    tolerance: 1.00
    lateFee: { fixed: 5, dailyRatePpm: 100, cap: 99.99 }
    bucketBounds: [30, 60, 90]
${over}`;

test('YAML decimals stay exact and whole numbers are major units', () => {
  const [demo] = loadProductsFile(productsFile('ok.yaml', product()));
  assert.deepEqual([demo.toleranceMinor, demo.lateFee], [100, { fixedMinor: 500, dailyPpm: 100, capMinor: 9_999 }]);
});

test('a products file that does not parse or validate is refused with file, place and reason', () => {
  const syntax = productsFile('syntax.yaml', 'products:\n  - id: [demo\n');
  assert.match(problemsOf(syntax)[0], new RegExp(`^${syntax}: .* at line \\d+, column \\d+`));
  const invalid = productsFile('invalid.yaml', product('    waterfall: [principal]\n    graceDays: 1\n'));
  assert.deepEqual(problemsOf(invalid).map((p) => p.startsWith(`${invalid}: Map keys must be unique at line `)), [true]);
  const wrong = productsFile('wrong.yaml', product('    waterfall: [principal]\n'));
  assert.deepEqual(problemsOf(wrong), [`${wrong}: products[0].waterfall: expected each of fee, interest, principal exactly once`]);
  assert.deepEqual(problemsOf(join(dir, 'missing.yaml')), [`${join(dir, 'missing.yaml')}: cannot read the file (ENOENT)`]);
});

test('applying reports accepted, then unchanged; a changed product is updated', async () => {
  const [demo] = loadProductsFile(productsFile('apply.yaml', product()));
  assert.deepEqual(await applyProducts(database.db, [demo]), [{ id: 'demo', outcome: 'accepted' }]);
  assert.deepEqual(await applyProducts(database.db, [demo]), [{ id: 'demo', outcome: 'unchanged' }]);
  assert.deepEqual(await applyProducts(database.db, [{ ...demo, graceDays: 7 }]), [{ id: 'demo', outcome: 'accepted' }]);
  assert.equal((await loadProducts(database.db, ['demo']))[0].graceDays, 7);
});

test('a currency change under existing loans is refused and nothing in the file is applied', async () => {
  const [demo] = loadProductsFile(productsFile('currency.yaml', product()));
  await applyProducts(database.db, [demo]);
  await upsertBorrowers(database.db, [{ externalId: 'B1', name: 'N', locale: 'en', timeZone: 'UTC', flags: [], riskBand: null, preferredChannel: null, contactPoints: [], emergencyContacts: [] }]);
  await upsertLoans(database.db, [{ externalId: 'L1', borrowerExternalId: 'B1', productId: 'demo', currency: 'CNY', principalMinor: 100, openedOn: '2024-01-01', status: 'active',
    instalments: [{ seq: 1, dueDate: '2024-02-01', principalMinor: 100, interestMinor: 0, feeMinor: 0 }] }]);
  const other = { ...demo, id: 'other' };
  const outcomes = await applyProducts(database.db, [other, { ...demo, currency: 'USD' }]);
  assert.deepEqual(outcomes, [
    { id: 'other', outcome: 'accepted' },
    { id: 'demo', outcome: 'rejected', reason: 'currency: has loans in CNY; it cannot change to USD' },
  ]);
  assert.deepEqual((await loadProducts(database.db)).map((p) => [p.id, p.currency]), [['demo', 'CNY']]);
});
