// The cycle loads contact facts only for accounts the screen lets through (core/screen.ts), and skips
// the accounts at rest (core/rest.ts) altogether. Day after day on a seeded portfolio, with the ledger,
// promises, borrowers, events and actions of accounts at rest changing between the days, it must plan
// exactly what evaluating every in-scope account in full plans, while screening out a good share of
// them and leaving many at rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { refreshDelinquency } from '../../src/delinquency/index.ts';
import { gatherScreenedFacts, loadActiveSet, runCycle, scopeOf } from '../../src/strategy/index.ts';
import { restMarksInScope } from '../../src/strategy/cycle/gather-facts.ts';
import { accountsReading, AT_REST, contactFactsLoading, SCREENED_OUT } from '../../src/strategy/cycle/run-cycle.ts';
import { postPayments } from '../../src/ledger/index.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/platform/db/types.ts';
import { mayAct, type AccountCoreFacts } from '../../src/strategy/core/screen.ts';
import { CHANNELS, channelsWithPointOf } from '../../src/strategy/core/facts.ts';
import { withRollback } from '../../src/strategy/cycle/read-only.ts';
import { addDays, daysBetween } from '../../src/platform/core/calendar.ts';
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
    let atRest = 0;
    let evaluated = 0;
    const changed: Record<string, number> = {};
    let withoutSomePoint = 0;
    let readAtRest = 0;
    for (const asOf of DAYS) {
      const expected = await plannedInFull(database.db, asOf);
      // An action blocked at send time leaves no trace in the step history, so an event step plans it
      // again while its event is in the look-back, under the same key: on record already, it is not new.
      const onRecord = new Set((await sql<{ k: string }>`SELECT borrower_id || '|' || idempotency_key AS k FROM actions WHERE as_of < ${asOf}`.execute(database.db)).rows.map((r) => r.k));
      const expectedNew = expected.keys.filter((k) => !onRecord.has(k));
      // Contact facts loaded with the account facts for all, or after the screen for those it lets
      // through: the same facts either way.
      const range = { asOf, loBorrowerId: 0, hiBorrowerId: 2 ** 53 - 1, maxPreDueDays: scope.maxPreDueDays, preDueDaysByProduct: scope.preDueDaysByProduct };
      const screen = (core: AccountCoreFacts): boolean => mayAct(core, active.set);
      type Gathered = Awaited<ReturnType<typeof gatherScreenedFacts>>;
      // Skipping the accounts at rest, the accounts read by range or the awake ones by key: the same facts.
      const skippingRest: typeof range & { restUnder: number } = { ...range, restUnder: active.activationId };
      let estimate = { accounts: -1, resting: -1 };
      let marked = new Set<number>();
      const [withAccounts, afterScreen, all, restByRange, restByKey, restByKeyWithContacts] = await withRollback(database.db, async (trx): Promise<Gathered[]> => {
        await refreshDelinquency(trx, { asOf });
        estimate = await restMarksInScope(trx, skippingRest);
        // The marks as the refresh left them (a state it changes ends its account's mark).
        marked = new Set((await sql<{ loan_id: number }>`SELECT loan_id FROM account_rest WHERE until > ${asOf}::date AND activation_id = ${active.activationId}`.execute(trx)).rows.map((r) => r.loan_id));
        return [await gatherScreenedFacts(trx, range, screen, 'with-accounts'), await gatherScreenedFacts(trx, range, screen, 'after-screen'),
          await gatherScreenedFacts(trx, range, () => true, 'with-accounts'),
          await gatherScreenedFacts(trx, skippingRest, screen, 'with-accounts', 'by-range'),
          await gatherScreenedFacts(trx, skippingRest, screen, 'after-screen', 'awake-by-key'),
          await gatherScreenedFacts(trx, skippingRest, screen, 'with-accounts', 'awake-by-key')];
      });
      assert.deepEqual(afterScreen, withAccounts, `facts on ${asOf}`);
      // A worker's first chunk estimates the share of its accounts at rest from those in scope but for
      // recent events: delinquent, or due within their product's pre-due window.
      const dueOrLate = all.facts.filter((f) => f.dpd > 0
        || (f.nextDueDate !== null && daysBetween(asOf, f.nextDueDate) <= (scope.preDueDaysByProduct[f.productId] ?? scope.maxPreDueDays)));
      assert.deepEqual(estimate, { accounts: dueOrLate.length, resting: dueOrLate.filter((f) => marked.has(f.loanId)).length }, `rest estimate on ${asOf}`);
      assert.deepEqual(restByKey, restByRange, `facts of the accounts not at rest on ${asOf}`);
      assert.deepEqual(restByKeyWithContacts, restByRange, `facts of the accounts not at rest on ${asOf}, with their contact facts`);
      readAtRest += restByKey.atRest;
      // The channels with a contact point the database keeps on the borrower (read with the account
      // facts, for the screen) are those the contact points give, read with the contact facts.
      for (const f of all.facts) assert.deepEqual(f.channelsWithPoint, channelsWithPointOf(f.channels), `account ${f.accountKey} on ${asOf}`);
      withoutSomePoint += all.facts.filter((f) => f.channelsWithPoint.length < CHANNELS.length - 1).length;

      // Planned a few accounts at a time, a borrower's loans together (planSlice): the same actions.
      const report = await runCycle({ database }, { asOf, chunkBorrowers: 200, planSlice: 3 });
      assert.ok(report.finished);
      assert.deepEqual(await actionKeysOn(database.db, asOf), expectedNew, `actions planned on ${asOf}`);
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
      atRest += report.total.idle[AT_REST] ?? 0;
      evaluated += report.total.evaluated;
      for (const [what, n] of Object.entries(await changeAccountsAtRest(database.db, asOf))) changed[what] = (changed[what] ?? 0) + n;
    }
    assert.ok(screenedOut > evaluated / 10, `screened out ${screenedOut} of ${evaluated} account-days`);
    assert.ok(atRest > evaluated / 10, `at rest ${atRest} of ${evaluated} account-days`);
    assert.ok(readAtRest > evaluated / 10, `the facts compared by reading left ${readAtRest} of ${evaluated} account-days at rest`);
    for (const what of ['payment', 'promise', 'flag', 'risk band', 'event', 'event dated ahead', 'blocked action']) assert.ok((changed[what] ?? 0) > 0, `${what}: ${JSON.stringify(changed)}`);
    assert.ok(withoutSomePoint > 0, 'some accounts lack a contact point for more than the letter');
  } finally {
    await database.close();
  }
});

/**
 * Between two days, what the screen reads changes for a few accounts at rest, through the ledger's
 * own use case or as any writer would: the next day must evaluate them again where it matters.
 */
async function changeAccountsAtRest(db: Kysely<DB>, asOf: string): Promise<Record<string, number>> {
  const marked = await sql<{ borrower_id: number; loan_id: number; external_id: string; overdue_minor: number }>`
    SELECT q.borrower_id, q.loan_id, l.external_id, s.overdue_minor FROM account_rest q
    JOIN loans l ON l.loan_id = q.loan_id JOIN account_states s ON s.loan_id = q.loan_id
    WHERE q.until > ${asOf}::date + 1 ORDER BY q.loan_id`.execute(db);
  const pick = (k: number) => marked.rows.filter((_, i) => i % 12 === k);
  const loans = (rows: typeof marked.rows) => rows.map((r) => r.loan_id);
  const next = addDays(asOf, 1);
  const paying = pick(0).filter((r) => r.overdue_minor > 0);
  await postPayments(db, paying.map((r) => ({ externalId: `rest-${r.loan_id}-${asOf}`, loanExternalId: r.external_id, channel: 'transfer', paidOn: next, amountMinor: Math.ceil(r.overdue_minor / 2) })));
  const promising = pick(1);
  if (promising.length > 0) {
    await sql`INSERT INTO promises (borrower_id, loan_id, amount_minor, promised_on, due_on, status)
      SELECT borrower_id, loan_id, 1000, ${asOf}::date, ${asOf}::date - 1, 'broken' FROM loans WHERE loan_id = ANY(${loans(promising)}::bigint[])`.execute(db);
  }
  const flagged = pick(2);
  await sql`UPDATE borrowers SET flags = CASE WHEN cardinality(flags) > 0 THEN '{}'::text[] ELSE '{vulnerable}'::text[] END WHERE borrower_id IN (SELECT borrower_id FROM loans WHERE loan_id = ANY(${loans(flagged)}::bigint[]))`.execute(db);
  const banded = pick(3);
  await sql`UPDATE borrowers SET risk_band = CASE WHEN risk_band = 'high' THEN 'low' ELSE 'high' END WHERE borrower_id IN (SELECT borrower_id FROM loans WHERE loan_id = ANY(${loans(banded)}::bigint[]))`.execute(db);
  // Events the shipped strategies react to, dated the next day, or a few days after it (written ahead
  // of the day they are dated: the accounts may rest meanwhile, and must wake once they are in the look-back).
  const eventful = pick(4);
  const datedAhead = pick(6);
  await sql`INSERT INTO account_events (borrower_id, loan_id, kind, occurred_on)
    SELECT borrower_id, loan_id, (ARRAY['contact_bounced', 'contact_changed', 'payment_reversed'])[1 + loan_id % 3],
           CASE WHEN loan_id = ANY(${loans(datedAhead)}::bigint[]) THEN ${next}::date + 2 ELSE ${next}::date END
    FROM loans WHERE loan_id = ANY(${loans([...eventful, ...datedAhead])}::bigint[])`.execute(db);
  const blocked = await sql`UPDATE actions SET status = 'blocked', status_reason = 'blocked at send time' WHERE as_of = ${asOf}
    AND loan_id = ANY(${loans(pick(5))}::bigint[]) AND status <> 'blocked'`.execute(db);
  return { payment: paying.length, promise: promising.length, flag: flagged.length, 'risk band': banded.length, event: eventful.length, 'event dated ahead': datedAhead.length, 'blocked action': Number(blocked.numAffectedRows ?? 0) };
}

test('a worker reads the awake accounts by key while most accounts in scope rest', () => {
  assert.equal(accountsReading(null), 'by-range');
  assert.equal(accountsReading({ evaluated: 0, idle: {} }), 'by-range');
  assert.equal(accountsReading({ evaluated: 1000, idle: { [SCREENED_OUT]: 900 } }), 'by-range');
  assert.equal(accountsReading({ evaluated: 1000, idle: { [AT_REST]: 400, [SCREENED_OUT]: 300 } }), 'by-range');
  assert.equal(accountsReading({ evaluated: 1000, idle: { [AT_REST]: 680 } }), 'awake-by-key');
});

test('a worker loads contact facts with the account facts while the screen lets most of the accounts it loads through', () => {
  assert.equal(contactFactsLoading(null), 'after-screen');
  assert.equal(contactFactsLoading({ evaluated: 1000, idle: { [SCREENED_OUT]: 150, 'no step due': 40 } }), 'with-accounts');
  assert.equal(contactFactsLoading({ evaluated: 1000, idle: { [SCREENED_OUT]: 450 } }), 'after-screen');
  assert.equal(contactFactsLoading({ evaluated: 0, idle: {} }), 'after-screen');
  // The accounts at rest were not loaded: of the 450 that were, 250 were screened out.
  assert.equal(contactFactsLoading({ evaluated: 1000, idle: { [AT_REST]: 550, [SCREENED_OUT]: 250 } }), 'after-screen');
  assert.equal(contactFactsLoading({ evaluated: 1000, idle: { [AT_REST]: 550, [SCREENED_OUT]: 50 } }), 'with-accounts');
  assert.equal(contactFactsLoading({ evaluated: 1000, idle: { [AT_REST]: 1000 } }), 'after-screen');
});
