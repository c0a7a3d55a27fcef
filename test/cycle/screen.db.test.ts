// The cycle loads contact facts only for accounts the screen lets through (core/screen.ts). Day after
// day on a seeded portfolio, it must plan exactly what evaluating every in-scope account in full plans,
// while screening out a good share of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { refreshDelinquency } from '../../src/delinquency/index.ts';
import { gatherScreenedFacts, loadActiveSet, runCycle, scopeOf } from '../../src/strategy/index.ts';
import { contactFactsLoading, SCREENED_OUT } from '../../src/strategy/cycle/run-cycle.ts';
import { mayAct, type AccountCoreFacts } from '../../src/strategy/core/screen.ts';
import { CHANNELS, channelsWithPointOf } from '../../src/strategy/core/facts.ts';
import { withRollback } from '../../src/strategy/cycle/read-only.ts';
import { addDays } from '../../src/platform/core/calendar.ts';
import { openTestDatabase } from '../support/database.ts';
import { actionKeysOn, plannedInFull, seedWithShippedStrategies } from '../support/cycle.ts';

const FIRST_DAY = '2026-03-16';
const DAYS = [0, 1, 2, 3, 4, 5, 6, 8, 11, 15].map((n) => addDays(FIRST_DAY, n));

test('day after day, the screened cycle plans exactly what full evaluation of every account plans', { timeout: 600_000 }, async () => {
  const database = await openTestDatabase();
  try {
    await seedWithShippedStrategies(database.db, { accounts: 1200, seed: 5, asOf: FIRST_DAY });
    const active = await loadActiveSet(database.db);
    assert.ok(active);
    const scope = scopeOf(active.set);

    let screenedOut = 0;
    let evaluated = 0;
    let withoutSomePoint = 0;
    for (const asOf of DAYS) {
      const expected = await plannedInFull(database.db, asOf);
      // Contact facts loaded with the account facts for all, or after the screen for those it lets
      // through: the same facts either way.
      const range = { asOf, loBorrowerId: 0, hiBorrowerId: 2 ** 53 - 1, maxPreDueDays: scope.maxPreDueDays, preDueDaysByProduct: scope.preDueDaysByProduct };
      const screen = (core: AccountCoreFacts): boolean => mayAct(core, active.set);
      type Gathered = Awaited<ReturnType<typeof gatherScreenedFacts>>;
      const [withAccounts, afterScreen, all] = await withRollback(database.db, async (trx): Promise<[Gathered, Gathered, Gathered]> => {
        await refreshDelinquency(trx, { asOf });
        return [await gatherScreenedFacts(trx, range, screen, 'with-accounts'), await gatherScreenedFacts(trx, range, screen, 'after-screen'),
          await gatherScreenedFacts(trx, range, () => true, 'with-accounts')];
      });
      assert.deepEqual(afterScreen, withAccounts, `facts on ${asOf}`);
      // The channels with a contact point the database keeps on the borrower (read with the account
      // facts, for the screen) are those the contact points give, read with the contact facts.
      for (const f of all.facts) assert.deepEqual(f.channelsWithPoint, channelsWithPointOf(f.channels), `account ${f.accountKey} on ${asOf}`);
      withoutSomePoint += all.facts.filter((f) => f.channelsWithPoint.length < CHANNELS.length - 1).length;

      const report = await runCycle({ database }, { asOf, chunkBorrowers: 200 });
      assert.ok(report.finished);
      assert.deepEqual(await actionKeysOn(database.db, asOf), expected.keys, `actions planned on ${asOf}`);
      assert.equal(report.total.evaluated, expected.inScope, `accounts in scope on ${asOf}`);
      if (asOf === FIRST_DAY) {
        // The first day wrote every state: the cycle analyzed them, so later days are planned for them.
        const stats = await sql<{ analyzed: boolean; estimate: number; states: number }>`
          SELECT (SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'account_states') AS analyzed,
                 (SELECT reltuples::float8 FROM pg_class WHERE oid = 'account_states'::regclass) AS estimate,
                 (SELECT count(*)::int FROM account_states) AS states`.execute(database.db);
        const { analyzed, estimate, states } = stats.rows[0];
        assert.ok(analyzed && estimate >= states / 2, `analyzed ${analyzed}, estimate ${estimate} of ${states} states`);
      }
      screenedOut += report.total.idle[SCREENED_OUT] ?? 0;
      evaluated += report.total.evaluated;
    }
    assert.ok(screenedOut > evaluated / 10, `screened out ${screenedOut} of ${evaluated} account-days`);
    assert.ok(withoutSomePoint > 0, 'some accounts lack a contact point for more than the letter');
  } finally {
    await database.close();
  }
});

test('a worker loads contact facts with the account facts while the screen lets most accounts through', () => {
  assert.equal(contactFactsLoading(null), 'after-screen');
  assert.equal(contactFactsLoading({ evaluated: 1000, idle: { [SCREENED_OUT]: 150, 'no step due': 40 } }), 'with-accounts');
  assert.equal(contactFactsLoading({ evaluated: 1000, idle: { [SCREENED_OUT]: 450 } }), 'after-screen');
  assert.equal(contactFactsLoading({ evaluated: 0, idle: {} }), 'after-screen');
});
