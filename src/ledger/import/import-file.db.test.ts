import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase, serverUrl, type TestDatabase } from '../../../test/support/database.ts';
import { CLI } from '../../../test/support/cli.ts';
import { applyProducts, loadProductsFile } from '../products.ts';
import { InvalidFileError } from '../errors.ts';
import { importFile, type ImportOptions } from './import-file.ts';
import type { ImportKind } from './layouts.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const fixture = (name: string) => join(ROOT, 'test/fixtures/import', name);

let database: TestDatabase;
before(async () => {
  database = await openTestDatabase();
  await applyProducts(database.db, loadProductsFile(join(ROOT, 'config/products.yaml')));
});
after(async () => database.close());

const run = (name: string, kind: ImportKind, over: Partial<ImportOptions> = {}) => importFile(database.db, { file: fixture(name), kind, ...over });
const counts = (r: { accepted: number; rejected: number; unchanged: number }) => [r.accepted, r.rejected, r.unchanged];

async function refused(name: string, kind: ImportKind): Promise<readonly string[]> {
  const error = await run(name, kind).then(() => null, (e: unknown) => e);
  assert.ok(error instanceof InvalidFileError, `${name} should be refused as a whole`);
  return error.problems.map((p) => p.replace(`${fixture('')}/`, ''));
}

test('good CSV files import, and importing them again changes nothing', async () => {
  for (const [name, kind, accepted] of [['borrowers.csv', 'borrowers', 3], ['loans.csv', 'loans', 3], ['payments.csv', 'payments', 5]] as const) {
    const first = await run(name, kind);
    assert.deepEqual([counts(first), first.problems], [[accepted, 0, 0], []], name);
    assert.deepEqual(counts(await run(name, kind, { batchSize: 2 })), [0, 0, accepted], `${name} again`);
  }
  const points = await database.db.selectFrom('contact_points as c').innerJoin('borrowers as b', 'b.borrower_id', 'c.borrower_id')
    .select(['c.kind', 'c.value', 'c.consent', 'c.is_primary']).where('b.external_id', '=', 'B-1001').orderBy('c.contact_point_id').execute();
  assert.deepEqual(points, [
    { kind: 'phone', value: '+8613800138000', consent: ['call', 'sms'], is_primary: true },
    { kind: 'email', value: 'zhang.wei@example.com', consent: ['email'], is_primary: false },
    { kind: 'device', value: 'app-7f3a9c', consent: ['inapp', 'push'], is_primary: false },
  ]);
  const schedule = await database.db.selectFrom('instalments as i').innerJoin('loans as l', 'l.loan_id', 'i.loan_id')
    .select(['l.external_id', 'i.seq', 'i.principal_minor', 'i.paid_principal_minor', 'i.paid_interest_minor', 'i.paid_late_fee_minor', 'i.settled_on'])
    .where('l.external_id', 'in', ['L-2001', 'L-2002']).orderBy('l.external_id').orderBy('i.seq').execute();
  assert.deepEqual(schedule.map((i) => [i.external_id, i.seq, i.paid_principal_minor, i.paid_interest_minor, i.paid_late_fee_minor, i.settled_on]), [
    ['L-2001', 1, 100_000, 3_000, 0, '2024-02-10'],
    ['L-2001', 2, 0, 0, 0, null], // P-3003 paid it and was reversed (failed auto-debit)
    ['L-2001', 3, 0, 0, 0, null],
    // app-instalment has no grace: 5 days late, 0.05 %/day of 400.00 = 1.00 late fee first, so 399.00 principal.
    ['L-2002', 1, 39_900, 1_200, 100, null],
    ['L-2002', 2, 0, 0, 0, null],
    ['L-2002', 3, 0, 0, 0, null],
  ]);
  const credit = await database.db.selectFrom('loans').select('credit_minor').where('external_id', '=', 'L-2003').executeTakeFirstOrThrow();
  // L-2003 (mall-instalment, grace 3): 600.00 paid 19 days late on 506.55 owed and a 21.60 late fee (20.00 + 16 days × 0.02 % of 500.50).
  assert.equal(credit.credit_minor, 60_000 - (50_050 + 505 + 100) - (2_000 + 160));
});

test('NDJSON files, a BOM and CRLF line ends import like CSV', async () => {
  assert.deepEqual(counts(await run('borrowers.ndjson', 'borrowers')), [2, 0, 0]);
  const address = await database.db.selectFrom('contact_points as c').innerJoin('borrowers as b', 'b.borrower_id', 'c.borrower_id')
    .select(['c.value', 'c.consent']).where('b.external_id', '=', 'B-1101').where('c.kind', '=', 'address').executeTakeFirstOrThrow();
  assert.deepEqual(address, { value: '北京市朝阳区建国路 88 号 1 单元 502', consent: ['letter'] }, 'a postal address, for letters');
  assert.deepEqual(counts(await run('loans.ndjson', 'loans')), [1, 0, 0]);
  assert.deepEqual(counts(await run('payments.ndjson', 'payments')), [3, 0, 0]);
  assert.deepEqual(counts(await run('payments.ndjson', 'payments')), [0, 0, 3]);
  const bom = await run('bom-crlf-payments.csv', 'payments');
  assert.deepEqual([counts(bom), bom.format], [[2, 0, 0], 'csv']);
  const reversed = await database.db.selectFrom('payments').select(['status', 'reversal_reason', 'allocation']).where('external_id', '=', 'P-3002').executeTakeFirstOrThrow();
  assert.deepEqual(reversed, { status: 'reversed', reversal_reason: 'chargeback', allocation: [] });
  const events = await database.db.selectFrom('account_events').select(['kind', 'occurred_on']).where('kind', '=', 'payment_reversed').orderBy('occurred_on').execute();
  assert.deepEqual(events.map((e) => e.occurred_on), ['2024-03-07', '2024-03-12']);
});

test('bad rows are rejected one by one with line, field and reason; good rows around them go in', async () => {
  const loans = await run('bad-rows-loans.csv', 'loans');
  assert.deepEqual(counts(loans), [4, 11, 0]);
  assert.deepEqual(loans.problems, [
    'line 3: due_date: expected a calendar date YYYY-MM-DD',
    'line 4: principal: "100.001" has 3 decimal(s); CNY allows 2',
    'line 4: instalment_principal: "100.001" has 3 decimal(s); CNY allows 2',
    'line 5: borrower_external_id: unknown borrower "B-4040"',
    'line 6: product_id: unknown product "no-such-product"',
    'line 7: currency: product "shop-instalment" is in CNY, not USD',
    'line 8: expected 12 fields as in the header, found 1',
    'line 9: principal: the instalments\' principal adds up to 19000 minor units, not 20000',
    'line 12: expected 12 fields as in the header, found 13',
    'line 15: external_id: the rows of loan "L-9111" must be consecutive; it already appeared at line 13',
    'line 17: product_id: differs from line 16 of the same loan',
    'line 18: malformed CSV: Quote Not Closed: the parsing is finished with an opening quote',
  ]);
  const imported = await database.db.selectFrom('loans').select('external_id').where('external_id', 'like', 'L-91%').orderBy('external_id').execute();
  assert.deepEqual(imported.map((l) => l.external_id), ['L-9101', 'L-9108', 'L-9111', 'L-9112']);
  const payments = await run('bad-rows-payments.ndjson', 'payments');
  assert.deepEqual(counts(payments), [1, 8, 0]);
  assert.deepEqual(payments.problems, [
    'line 2: amount: expected a decimal amount in major units, as a string like "1234.56"',
    'line 3: not a JSON object: Unexpected token \'o\', "not json at all" is not valid JSON',
    'line 4: expected a JSON object per line',
    'line 5: loan_external_id: unknown loan "L-4040"',
    'line 6: channel: Invalid option: expected one of "auto_debit"|"transfer"|"wallet"|"agent"',
    'line 6: note: unknown field',
    'line 7: external_id: unknown payment "P-4040"',
    'line 8: reason: required for a reversal',
    'line 9: amount: "1.234" has 3 decimal(s); CNY allows 2',
  ]);
});

test('a file with bad encoding, no content or wrong columns is refused whole and writes nothing', async () => {
  const borrowersBefore = await database.db.selectFrom('borrowers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  assert.deepEqual(await refused('bad-encoding-borrowers.csv', 'borrowers'), ['bad-encoding-borrowers.csv: line 3: not valid UTF-8 text; save the file as UTF-8']);
  assert.deepEqual(await refused('empty.csv', 'loans'), ['empty.csv: the file is empty']);
  assert.deepEqual(await refused('missing-column-loans.csv', 'loans'), [
    'missing-column-loans.csv: line 1: missing column "principal"',
    'missing-column-loans.csv: the loan columns are: external_id, borrower_external_id, product_id, currency, principal, opened_on, status, seq, due_date, instalment_principal, instalment_interest, instalment_fee',
  ]);
  assert.deepEqual((await refused('unknown-column-payments.csv', 'payments')).slice(0, 2), [
    'unknown-column-payments.csv: line 1: unknown column "paid_date"',
    'unknown-column-payments.csv: line 1: missing column "paid_on"',
  ]);
  assert.deepEqual(await refused('borrowers.csv', 'payments').then((p) => p.length > 0), true, 'a borrowers file is not a payments file');
  assert.deepEqual(await refused('no-such-file.csv', 'loans'), ['no-such-file.csv: cannot read the file (ENOENT)']);
  const wrongFormat = await importFile(database.db, { file: fixture('loans.ndjson'), kind: 'loans', format: 'xml' }).catch((e: unknown) => e);
  assert.match((wrongFormat as Error).message, /unknown format "xml"; expected csv or ndjson/);
  const borrowersAfter = await database.db.selectFrom('borrowers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(borrowersAfter.n), Number(borrowersBefore.n));
  assert.deepEqual(counts(await run('header-only-payments.csv', 'payments')), [0, 0, 0]);
});

test('each batch is one transaction: a failure inside a batch leaves none of its rows behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'overdue-batch-'));
  const file = join(dir, 'payments.csv');
  writeFileSync(file, 'external_id,loan_external_id,channel,paid_on,amount\nP-6001,L-2001,transfer,2024-05-10,10.00\nP-6002,L-2001,transfer,2024-05-11,10.00\n');
  let batches = 0;
  const hooks = { afterPosting: async () => { if (++batches === 2) throw new Error('strategy hook failed'); } };
  try {
    await assert.rejects(importFile(database.db, { file, kind: 'payments', batchSize: 1, hooks }), /strategy hook failed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const rows = await database.db.selectFrom('payments').select('external_id').where('external_id', 'in', ['P-6001', 'P-6002']).execute();
  assert.deepEqual(rows.map((r) => r.external_id), ['P-6001'], 'the first batch was committed, the second rolled back');
});

test('the real CLI applies products and imports, printing problems and exiting non-zero on rejections', async () => {
  const cliDatabase = serverUrl ? await openTestDatabase() : null;
  const dataDir = mkdtempSync(join(tmpdir(), 'overdue-import-'));
  const env: NodeJS.ProcessEnv = { ...process.env, OVERDUE_DATA_DIR: dataDir, OVERDUE_LOG_LEVEL: 'silent' };
  if (cliDatabase) env.DATABASE_URL = cliDatabase.url;
  else delete env.DATABASE_URL;
  const overdue = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env, encoding: 'utf8' });
  try {
    const products = overdue('products', 'apply', 'config/products.yaml');
    assert.equal(products.status, 0, products.stderr);
    assert.match(products.stdout, /shop-instalment: accepted/);
    const borrowers = overdue('import', 'test/fixtures/import/borrowers.csv', '--kind', 'borrowers');
    assert.deepEqual([borrowers.status, borrowers.stdout.trim()], [0, 'test/fixtures/import/borrowers.csv: borrowers: 3 accepted, 0 rejected, 0 unchanged']);
    const bad = overdue('import', 'test/fixtures/import/bad-rows-loans.csv', '--kind', 'loans', '--batch-size', '2');
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /4 accepted, 11 rejected, 0 unchanged/);
    assert.match(bad.stderr, /^line 3: due_date: expected a calendar date YYYY-MM-DD$/m);
    const json = overdue('import', 'test/fixtures/import/loans.csv', '--kind', 'loans', '--json');
    assert.equal(json.status, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout).accepted, 3);
    const encoding = overdue('import', 'test/fixtures/import/bad-encoding-borrowers.csv', '--kind', 'borrowers');
    assert.deepEqual([encoding.status, encoding.stderr.trim()], [1, 'test/fixtures/import/bad-encoding-borrowers.csv: line 3: not valid UTF-8 text; save the file as UTF-8']);
    const badProducts = overdue('products', 'apply', 'test/fixtures/import/loans.ndjson');
    assert.equal(badProducts.status, 1);
    assert.match(badProducts.stderr, /loans\.ndjson: /);
    const list = overdue('products', 'list', '--json');
    assert.deepEqual(JSON.parse(list.stdout).map((p: { id: string }) => p.id), ['app-instalment', 'mall-instalment', 'shop-instalment', 'wallet-credit-line']);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await cliDatabase?.close();
  }
});
