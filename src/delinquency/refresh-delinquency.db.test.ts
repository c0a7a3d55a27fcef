// The set-based SQL refresh against the pure assessment, account by account, on a seeded random
// portfolio full of edge cases; plus scoping by borrower and the refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sql, type Selectable } from 'kysely';
import { openTestDatabase, testTarget, type TestDatabase } from '../../test/support/database.ts';
import type { AccountStatesTable } from '../platform/db/types.ts';
import { analyzeStatesIfStale, assessDelinquency, DelinquencyError, refreshDelinquency, statesOn, type DelinquencyAccount, type DelinquencyProduct, type DelinquencySnapshot } from './index.ts';
import { addDays } from '../platform/core/calendar.ts';
import { instalmentsArbitrary, productArbitrary, TRICKY_AS_OF_DATES } from './test-accounts.ts';

const SEED = 20_240_229;
const products = fc.sample(productArbitrary, { numRuns: 6, seed: SEED });
const generated = fc.sample(fc.record({ product: fc.nat(products.length - 1), instalments: instalmentsArbitrary }), { numRuns: 300, seed: SEED + 1 });

interface Account extends DelinquencyAccount {
  productId: string;
  status: 'active' | 'closed' | 'written_off';
}

/** Two loans per borrower; the last three are a loan without instalments and two inactive loans. */
const accounts: Account[] = [
  ...generated.map((g, i) => ({ borrowerId: 1 + Math.floor(i / 2), loanId: 1000 + i, productId: `p${g.product}`, status: 'active' as const, instalments: g.instalments })),
  { borrowerId: 500, loanId: 2000, productId: 'p0', status: 'active', instalments: [] },
  { borrowerId: 501, loanId: 2001, productId: 'p1', status: 'closed', instalments: generated[0].instalments },
  { borrowerId: 501, loanId: 2002, productId: 'p2', status: 'written_off', instalments: generated[1].instalments },
];
const active = accounts.filter((a) => a.status === 'active');
const productOf = (account: Account): DelinquencyProduct => products[Number(account.productId.slice(1))];

async function seedPortfolio(database: TestDatabase): Promise<void> {
  const { db } = database;
  await db.insertInto('products').values(products.map((p, i) => ({
    id: `p${i}`, name: `product ${i}`, currency: 'CNY', grace_days: p.graceDays, repeat_grace_days: p.repeatGraceDays,
    repeat_lookback_days: p.repeatLookbackDays, repeat_min_episodes: p.repeatMinEpisodes, tolerance_minor: p.toleranceMinor,
    late_fee_fixed_minor: p.lateFee.fixedMinor, late_fee_daily_ppm: p.lateFee.dailyPpm, late_fee_cap_minor: p.lateFee.capMinor,
    bucket_bounds: [...p.bucketBounds],
  }))).execute();
  const borrowerIds = [...new Set(accounts.map((a) => a.borrowerId))];
  await db.insertInto('borrowers').values(borrowerIds.map((id) => ({ borrower_id: id, external_id: `B${id}`, name: `borrower ${id}` }))).execute();
  await db.insertInto('loans').values(accounts.map((a) => ({
    borrower_id: a.borrowerId, loan_id: a.loanId, external_id: `L${a.loanId}`, product_id: a.productId, currency: 'CNY',
    principal_minor: 1 + a.instalments.reduce((sum, i) => sum + i.principalMinor, 0), opened_on: '2023-05-01', status: a.status,
  }))).execute();
  const rows = accounts.flatMap((a) => a.instalments.map((i) => ({
    borrower_id: a.borrowerId, loan_id: a.loanId, seq: i.seq, due_date: i.dueDate, principal_minor: i.principalMinor,
    interest_minor: i.interestMinor, fee_minor: i.feeMinor, paid_principal_minor: i.paidPrincipalMinor, paid_interest_minor: i.paidInterestMinor,
    paid_fee_minor: i.paidFeeMinor, paid_late_fee_minor: i.paidLateFeeMinor, settled_on: i.settledOn,
  })));
  for (let k = 0; k < rows.length; k += 500) await db.insertInto('instalments').values(rows.slice(k, k + 500)).execute();
}

function snapshotOf(row: Selectable<AccountStatesTable>): DelinquencySnapshot {
  return {
    borrowerId: row.borrower_id, loanId: row.loan_id, asOf: row.as_of, dpd: row.dpd, bucket: row.bucket, overdueMinor: row.overdue_minor,
    outstandingMinor: row.outstanding_minor, lateFeeMinor: row.late_fee_minor, oldestUnpaidDue: row.oldest_unpaid_due,
    nextDueDate: row.next_due_date, nextDueMinor: row.next_due_minor, episodes: row.episodes, isRepeat: row.is_repeat,
    graceDays: row.grace_days, delinquentSince: row.delinquent_since, curedOn: row.cured_on,
  };
}

/** The stored state holds on asOf: computed on or before it, and equal to the assessment as of asOf. */
function assertHolds(state: DelinquencySnapshot | undefined, account: Account, asOf: string): DelinquencySnapshot {
  const expected = assessDelinquency(account, productOf(account), asOf);
  assert.ok(state, `loan ${account.loanId}: no state`);
  assert.ok(state.asOf <= asOf, `loan ${account.loanId}: state computed as of ${state.asOf}, after ${asOf}`);
  assert.deepEqual({ ...state, asOf }, expected, `loan ${account.loanId} as of ${asOf} (state computed as of ${state.asOf})`);
  return expected;
}

/** Runs a test on a fresh database holding the generated portfolio, closed afterwards. */
async function withPortfolio(run: (database: TestDatabase) => Promise<void>): Promise<void> {
  const database = await openTestDatabase();
  try {
    await seedPortfolio(database);
    await run(database);
  } finally {
    await database.close();
  }
}

/** The stored states as they stand on asOf (time carries some of them: statesOn). */
async function statesByLoan(database: TestDatabase, asOf: string): Promise<Map<number, DelinquencySnapshot>> {
  const rows = await sql<Selectable<AccountStatesTable>>`SELECT * FROM ${statesOn(asOf)} s`.execute(database.db);
  return new Map(rows.rows.map((row) => [row.loan_id, snapshotOf(row)]));
}

test('the SQL refresh agrees with assessDelinquency on every account, on every as-of date', () => withPortfolio(async (database) => {
  const coverage = { delinquent: 0, repeat: 0, cured: 0, withinTolerance: 0, fees: 0, feesBeyondBigintPath: 0 };
  for (const [n, asOf] of TRICKY_AS_OF_DATES.entries()) {
    const { accounts } = await refreshDelinquency(database.db, { asOf });
    if (n === 0) assert.equal(accounts, active.length, 'the first refresh computes every account');
    const states = await statesByLoan(database, asOf);
    assert.equal(states.size, active.length, 'no rows for closed or written-off loans');
    for (const account of active) {
      const expected = assertHolds(states.get(account.loanId), account, asOf);
      coverage.delinquent += expected.dpd > 0 ? 1 : 0;
      coverage.repeat += expected.isRepeat ? 1 : 0;
      coverage.cured += expected.curedOn !== null ? 1 : 0;
      coverage.withinTolerance += expected.dpd === 0 && expected.overdueMinor > 0 ? 1 : 0;
      coverage.fees += expected.lateFeeMinor > 0 ? 1 : 0;
      // The SQL sums the daily part in bigint below a 2^31 principal and a 2^20 ppm rate, else in numeric.
      const large = productOf(account).lateFee.dailyPpm >= 2 ** 20 || account.instalments.some((i) => i.principalMinor >= 2 ** 31);
      coverage.feesBeyondBigintPath += large && expected.lateFeeMinor > 0 ? 1 : 0;
    }
  }
  // The portfolio really holds the tricky cases the comparison is meant to cover.
  for (const [what, n] of Object.entries(coverage)) assert.ok(n >= 20, `only ${n} ${what} account-days`);
}));

test('a refresh touches only the borrowers in its range or list, inside the caller’s transaction', () => withPortfolio(async (database) => {
  await refreshDelinquency(database.db, { asOf: '2024-02-29' });
  const before = await statesByLoan(database, '2024-02-29');
  const chunk = await database.db.transaction().execute((trx) => refreshDelinquency(trx, { asOf: '2024-03-31', loBorrowerId: 10, hiBorrowerId: 20 }));
  const inRange = active.filter((a) => a.borrowerId >= 10 && a.borrowerId < 20).length;
  assert.ok(chunk.accounts > 0 && chunk.accounts <= inRange, `${chunk.accounts} recomputed of ${inRange} in range`);
  await refreshDelinquency(database.db, { asOf: '2024-06-30', borrowerIds: [3, 500] });
  const states = new Map(await Promise.all(['2024-02-29', '2024-03-31', '2024-06-30'].map(async (day) => [day, await statesByLoan(database, day)] as const)));
  for (const account of active) {
    const asOf = [3, 500].includes(account.borrowerId) ? '2024-06-30' : account.borrowerId >= 10 && account.borrowerId < 20 ? '2024-03-31' : '2024-02-29';
    assertHolds(states.get(asOf)!.get(account.loanId), account, asOf);
    if (asOf === '2024-02-29') assert.deepEqual(states.get(asOf)!.get(account.loanId), before.get(account.loanId), `loan ${account.loanId} untouched`);
  }
  await assert.rejects(
    database.db.transaction().execute(async (trx) => {
      await refreshDelinquency(trx, { asOf: '2024-12-31', loBorrowerId: 1, hiBorrowerId: 5 });
      throw new Error('caller fails after the refresh');
    }),
    /caller fails/,
  );
  const after = await database.db.selectFrom('account_states').select('as_of').where('borrower_id', '<', 5).execute();
  assert.ok(after.length > 0 && after.every((r) => r.as_of !== '2024-12-31'), 'rolled back with the caller');
}));

test('refreshed day after day, a state is recomputed only when it could have changed, and always holds', () => withPortfolio(async (database) => {
  let written = 0;
  let carried = 0;
  let days = 0;
  let last = '';
  for (let asOf = '2024-01-20'; asOf <= '2024-05-10'; asOf = addDays(asOf, asOf < '2024-04-20' ? 1 : 3), days++) {
    const count = await refreshDelinquency(database.db, { asOf });
    last = asOf;
    written += count.accounts;
    carried += count.carried;
    const states = await statesByLoan(database, asOf);
    for (const account of active) assertHolds(states.get(account.loanId), account, asOf);
  }
  // Current accounts with nothing falling due are left alone: far fewer recomputations than account-days.
  assert.ok(written < 0.8 * days * active.length, `${written} states written over ${days} days of ${active.length} accounts`);
  // Most states that do move (something late is unpaid) are carried by time alone, not written, also
  // over gaps of several days, and read on the day they hold all the same (checked above, every day).
  assert.ok(carried > 0.5 * (written + carried), `${carried} of ${written + carried} moving states carried by time alone`);
  const stored = await database.db.selectFrom('account_states').select(['loan_id', 'as_of', 'dpd']).execute();
  assert.ok(stored.some((r) => r.as_of < last && r.dpd > 0), 'some delinquent states were last written before the last day');
  const again = await refreshDelinquency(database.db, { asOf: '2024-05-09' });
  assert.ok(again.accounts > 0, 'a date before the stored states recomputes them');
}));

test('a change to a loan’s ledger or to its product’s terms recomputes its state on the same day', () => withPortfolio(async (database) => {
  const asOf = '2024-03-31';
  await refreshDelinquency(database.db, { asOf });
  assert.deepEqual(await refreshDelinquency(database.db, { asOf }), { accounts: 0, carried: 0 }, 'nothing changed: nothing recomputed');
  const loan = active.find((a) => a.productId === 'p1' && a.instalments.length > 0)!;
  await database.db.updateTable('loans').set((eb) => ({ ledger_version: eb('ledger_version', '+', 1) })).where('loan_id', '=', loan.loanId).execute();
  assert.deepEqual(await refreshDelinquency(database.db, { asOf }), { accounts: 1, carried: 0 }, 'the loan whose ledger moved');
  await database.db.updateTable('products').set((eb) => ({ terms_version: eb('terms_version', '+', 1) })).where('id', '=', 'p1').execute();
  const p1 = active.filter((a) => a.productId === 'p1').length;
  assert.deepEqual(await refreshDelinquency(database.db, { asOf }), { accounts: p1, carried: 0 }, 'every loan of the product whose terms changed');
}));

test('after a refresh wrote more states than the statistics know of, they are refreshed once', () => withPortfolio(async (database) => {
  const { accounts } = await refreshDelinquency(database.db, { asOf: '2024-03-31' });
  assert.equal(await analyzeStatesIfStale(database.db, accounts), true, 'never analyzed: analyze now');
  assert.equal(await analyzeStatesIfStale(database.db, accounts), false, 'the statistics know the table now');
  assert.equal(await analyzeStatesIfStale(database.db, 0), false, 'nothing written');
}));

test('a refresh refuses a bad date, range or product before writing anything', () => withPortfolio(async (database) => {
  const refused = (promise: Promise<unknown>, code: string, pattern: RegExp) =>
    assert.rejects(promise, (error: unknown) => error instanceof DelinquencyError && error.code === code && pattern.test(error.message));
  await refused(refreshDelinquency(database.db, { asOf: '2024-02-30' }), 'invalid-as-of', /asOf/);
  await refused(refreshDelinquency(database.db, { asOf: '2024-03-01', loBorrowerId: 20, hiBorrowerId: 10 }), 'invalid-borrower-range', /\[20, 10\)/);
  await refused(refreshDelinquency(database.db, { asOf: '2024-03-01', borrowerIds: [1, 2.5] }), 'invalid-borrower-range', /borrowerIds/);
  await database.db.updateTable('products').set({ bucket_bounds: [60, 30] }).where('id', '=', 'p3').execute();
  await refused(refreshDelinquency(database.db, { asOf: '2024-03-01' }), 'invalid-product', /product p3: bucketBounds: expected strictly increasing/);
  const rows = await database.db.selectFrom('account_states').select('loan_id').execute();
  assert.equal(rows.length, 0);
}));

test('a first refresh that races another writer of a state in its scope still writes every state', { skip: testTarget === 'embedded' && 'needs two connections: PostgreSQL server only' }, () => withPortfolio(async (database) => {
  // Another transaction writes a state for a loan in scope and holds it uncommitted: the refresh sees
  // no states yet, takes the first-refresh insert, waits on that row, and must not fail or keep the stale row.
  const asOf = '2024-03-31';
  const [lo, hi] = [10, 20];
  const raced = active.find((a) => a.borrowerId >= lo && a.borrowerId < hi)!;
  let release!: () => void;
  const held = new Promise<void>((resolve) => { release = resolve; });
  let written!: () => void;
  const rowWritten = new Promise<void>((resolve) => { written = resolve; });
  const writer = database.db.transaction().execute(async (trx) => {
    await trx.insertInto('account_states').values({
      borrower_id: raced.borrowerId, loan_id: raced.loanId, as_of: '2000-01-01', dpd: 999, bucket: 'M9', overdue_minor: 1,
      outstanding_minor: 1, late_fee_minor: 0, episodes: 0, is_repeat: false, grace_days: 0,
    }).execute();
    written();
    await held;
  });
  await rowWritten;
  const refreshing = refreshDelinquency(database.db, { asOf, loBorrowerId: lo, hiBorrowerId: hi });
  setTimeout(release, 300);
  await writer;
  const inScope = active.filter((a) => a.borrowerId >= lo && a.borrowerId < hi);
  assert.deepEqual(await refreshing, { accounts: inScope.length, carried: 0 });
  const states = await statesByLoan(database, asOf);
  for (const account of inScope) assertHolds(states.get(account.loanId), account, asOf);
}));
