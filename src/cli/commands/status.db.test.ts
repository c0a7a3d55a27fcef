// `overdue status` as an operator runs it, on a small portfolio in a database of its own.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openDatabase, type Database } from '../../platform/db/connect.ts';
import { migrate } from '../../platform/db/migrate.ts';
import { openTestDatabase, serverUrl, type TestDatabase } from '../../../test/support/database.ts';
import { runOverdue, type DatabaseEnv } from '../../../test/support/cli.ts';
import { formatMoney } from './status.ts';

const dir = mkdtempSync(`${tmpdir()}/overdue-status-`);
let server: TestDatabase | undefined;
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Current, 1 DPD (inside grace: no fee), 45 DPD and an M0 loan in yen; plus a closed loan that must not count. */
async function seed(database: Database): Promise<void> {
  const { db } = database;
  const terms = { grace_days: 3, repeat_grace_days: 1, tolerance_minor: 100, late_fee_fixed_minor: 1000, late_fee_daily_ppm: 0, late_fee_cap_minor: 1000, bucket_bounds: [30, 60, 90] };
  await db.insertInto('products').values([{ id: 'cn', name: 'cn', currency: 'CNY', ...terms }, { id: 'jp', name: 'jp', currency: 'JPY', ...terms }]).execute();
  await db.insertInto('borrowers').values([1, 2, 3, 4].map((id) => ({ borrower_id: id, external_id: `B${id}`, name: `b${id}` }))).execute();
  const loan = (borrower_id: number, loan_id: number, product_id: string, currency: string, status = 'active') =>
    ({ borrower_id, loan_id, external_id: `L${loan_id}`, product_id, currency, principal_minor: 1_000_000, opened_on: '2023-12-01', status });
  await db.insertInto('loans').values([loan(1, 11, 'cn', 'CNY'), loan(2, 21, 'cn', 'CNY'), loan(3, 31, 'cn', 'CNY'), loan(4, 41, 'jp', 'JPY'), loan(4, 42, 'cn', 'CNY', 'closed')]).execute();
  const instalment = (borrower_id: number, loan_id: number, due_date: string, principal_minor: number) => ({ borrower_id, loan_id, seq: 1, due_date, principal_minor });
  await db.insertInto('instalments').values([
    instalment(1, 11, '2024-03-15', 50_000), instalment(2, 21, '2024-02-29', 123_456_789), instalment(3, 31, '2024-01-16', 200_000),
    instalment(4, 41, '2024-03-31', 1_234_567), instalment(4, 42, '2024-01-01', 99_999),
  ]).execute();
}

async function prepare(): Promise<DatabaseEnv> {
  if (serverUrl) {
    server = await openTestDatabase();
    await seed(server);
    return { url: server.url };
  }
  const database = await openDatabase({ dataDir: dir });
  try {
    await migrate(database);
    await seed(database);
  } finally {
    await database.close();
  }
  return { dataDir: dir };
}

test('money is shown in major units with its currency', () => {
  assert.equal(formatMoney(123_456_789, 'CNY'), 'CNY 1,234,567.89');
  assert.equal(formatMoney(5, 'CNY'), 'CNY 0.05');
  assert.equal(formatMoney(1_234_567, 'JPY'), 'JPY 1,234,567');
  assert.equal(formatMoney(0, 'USD'), 'USD 0.00');
  assert.equal(formatMoney(1234, 'XTS'), 'XTS 1234 (minor units)');
});

test('status refreshes the day and reports accounts, outstanding and overdue by bucket, with totals', async () => {
  const target = await prepare();
  const json = runOverdue(['status', '--as-of', '2024-03-01', '--json'], target);
  assert.equal(json.status, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout), {
    asOf: '2024-03-01',
    recomputed: 4,
    carried: 0,
    buckets: [
      { bucket: 'M0', currency: 'CNY', accounts: 1, outstandingMinor: 50_000, overdueMinor: 0 },
      { bucket: 'M1', currency: 'CNY', accounts: 1, outstandingMinor: 123_456_789, overdueMinor: 123_456_789 },
      { bucket: 'M2', currency: 'CNY', accounts: 1, outstandingMinor: 201_000, overdueMinor: 200_000 },
      { bucket: 'M0', currency: 'JPY', accounts: 1, outstandingMinor: 1_234_567, overdueMinor: 0 },
    ],
    totals: [
      { currency: 'CNY', accounts: 3, outstandingMinor: 123_707_789, overdueMinor: 123_656_789 },
      { currency: 'JPY', accounts: 1, outstandingMinor: 1_234_567, overdueMinor: 0 },
    ],
  });

  const text = runOverdue(['status', '--as-of', '2024-03-01'], target);
  assert.equal(text.status, 0, text.stderr);
  const lines = text.stdout.trim().split('\n');
  assert.match(lines[0], /portfolio as of 2024-03-01: 4 active accounts \(0 states recomputed by this refresh, 0 carried by time\)/, 'the second refresh of a day finds every state still holding');
  assert.match(lines[1], /^bucket\s+currency\s+accounts\s+outstanding\s+overdue$/);
  assert.match(text.stdout, /\nM1\s+CNY\s+1\s+CNY 1,234,567\.89\s+CNY 1,234,567\.89\n/);
  assert.match(text.stdout, /\ntotal\s+CNY\s+3\s+CNY 1,237,077\.89\s+CNY 1,236,567\.89\n/);
  assert.match(text.stdout, /\ntotal\s+JPY\s+1\s+JPY 1,234,567\s+JPY 0\n?$/);

  // Four days on, nothing paid: the two delinquent states are carried by time, not recomputed; their
  // DPD and buckets follow the date, and the 1 DPD loan, now past its 3 days of grace, owes its fee.
  const later = JSON.parse(runOverdue(['status', '--as-of', '2024-03-05', '--json'], target).stdout);
  assert.deepEqual({ recomputed: later.recomputed, carried: later.carried }, { recomputed: 0, carried: 2 });
  assert.deepEqual(later.buckets.filter((b: { bucket: string }) => b.bucket !== 'M0'), [
    { bucket: 'M1', currency: 'CNY', accounts: 1, outstandingMinor: 123_457_789, overdueMinor: 123_456_789 },
    { bucket: 'M2', currency: 'CNY', accounts: 1, outstandingMinor: 201_000, overdueMinor: 200_000 },
  ]);

  const badDate = runOverdue(['status', '--as-of', '2024-02-30'], target);
  assert.notEqual(badDate.status, 0);
  assert.match(badDate.stderr, /--as-of: expected a calendar date YYYY-MM-DD, got "2024-02-30"/);
});
