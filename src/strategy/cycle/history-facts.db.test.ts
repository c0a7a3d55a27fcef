// The facts the cycle gathers from past actions (cadence, times fired this episode, first and last
// contact, silence), against a model of those actions kept in the test: after random inserts, status
// changes, moves and deletions, and for as-of dates on the edges of the look-back window and of the
// episode, they are what the actions that count say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { addDays } from '../../platform/core/calendar.ts';
import { gatherFacts } from './gather-facts.ts';

interface ModelAction {
  borrowerId: number;
  actionId: number;
  loanId: number;
  asOf: string;
  strategyId: string;
  stepId: string;
  channel: string | null;
  party: 'borrower' | 'emergency_contact';
  status: string;
}

const LOANS = [[1, 11], [1, 12], [2, 21], [3, 31], [4, 41], [5, 51]] as const;
const STEPS = [['s1', 'sms'], ['s1', 'call'], ['s2', 'push']] as const;
const CHANNELS = ['sms', 'call', 'push', null] as const;
const STATUSES = ['queued', 'planned', 'pending_approval', 'sent', 'blocked', 'cancelled'] as const;
const FIRST_DAY = '2026-01-01';
const counts = (status: string) => status !== 'cancelled' && status !== 'blocked';

async function seed(database: TestDatabase): Promise<void> {
  const { db } = database;
  await db.insertInto('products').values({ id: 'p', name: 'p', currency: 'CNY', grace_days: 0, repeat_grace_days: 0, bucket_bounds: [30, 60, 90] }).execute();
  await db.insertInto('borrowers').values([1, 2, 3, 4, 5].map((id) => ({ borrower_id: id, external_id: `B${id}`, name: `borrower ${id}` }))).execute();
  await db.insertInto('loans').values(LOANS.map(([b, l]) => ({
    borrower_id: b, loan_id: l, external_id: `L${l}`, product_id: 'p', currency: 'CNY', principal_minor: 100, opened_on: '2025-01-01',
  }))).execute();
}

type Change =
  | { op: 'insert'; rows: Array<Omit<ModelAction, 'actionId'>> }
  | { op: 'status'; pick: number; status: string }
  | { op: 'move'; pick: number; days: number; channel: string | null }
  | { op: 'delete'; pick: number };

const day = fc.integer({ min: 0, max: 150 }).map((n) => addDays(FIRST_DAY, n));
const actionArb = fc.record({
  loan: fc.constantFrom(...LOANS), step: fc.constantFrom(...STEPS), asOf: day, channel: fc.constantFrom(...CHANNELS),
  party: fc.constantFrom('borrower' as const, 'borrower' as const, 'emergency_contact' as const), status: fc.constantFrom(...STATUSES),
}).map((r) => ({ borrowerId: r.loan[0], loanId: r.loan[1], asOf: r.asOf, strategyId: r.step[0], stepId: r.step[1], channel: r.channel, party: r.party, status: r.status }));
const changeArb: fc.Arbitrary<Change> = fc.oneof(
  { weight: 4, arbitrary: fc.array(actionArb, { minLength: 1, maxLength: 12 }).map((rows) => ({ op: 'insert' as const, rows })) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('status' as const), pick: fc.nat(), status: fc.constantFrom(...STATUSES) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('move' as const), pick: fc.nat(), days: fc.integer({ min: -5, max: 5 }), channel: fc.constantFrom(...CHANNELS) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }) },
);

let keys = 0;

async function apply(database: TestDatabase, model: ModelAction[], change: Change): Promise<void> {
  const { db } = database;
  if (change.op === 'insert') {
    const inserted = await db.insertInto('actions').values(change.rows.map((r, i) => ({
      borrower_id: r.borrowerId, loan_id: r.loanId, idempotency_key: `k${++keys}-${i}`, as_of: r.asOf, kind: 'message',
      channel: r.channel, party: r.party, strategy_id: r.strategyId, strategy_version: 1, arm: 'champion', segment_id: 'seg', step_id: r.stepId,
      status: r.status, reason: JSON.stringify({ summary: 'test' }), payload: '{}',
    }))).returning(['action_id']).execute();
    change.rows.forEach((r, i) => model.push({ ...r, actionId: inserted[i].action_id }));
    return;
  }
  if (model.length === 0) return;
  const target = model[change.pick % model.length];
  if (change.op === 'status') {
    await db.updateTable('actions').set({ status: change.status }).where('action_id', '=', target.actionId).execute();
    target.status = change.status;
  } else if (change.op === 'move') {
    // Moves every action of the target's loan on the target's day: one statement, several rows.
    const moved = model.filter((m) => m.loanId === target.loanId && m.asOf === target.asOf);
    const to = addDays(target.asOf, change.days);
    await db.updateTable('actions').set({ as_of: to, channel: change.channel })
      .where('loan_id', '=', target.loanId).where('as_of', '=', target.asOf).execute();
    for (const m of moved) Object.assign(m, { asOf: to, channel: change.channel });
  } else {
    await db.deleteFrom('actions').where('action_id', '=', target.actionId).execute();
    model.splice(model.indexOf(target), 1);
  }
}

test('the history facts are those of the actions that count, for any as-of date', async () => {
  const database = await openTestDatabase();
  try {
    await seed(database);
    const model: ModelAction[] = [];
    for (const change of fc.sample(fc.array(changeArb, { minLength: 40, maxLength: 40 }), { numRuns: 1, seed: 7 })[0]) await apply(database, model, change);
    // Episodes start on a day some action of the loan has, so the boundary is exercised.
    const daysOf = (loanId: number) => model.filter((m) => m.loanId === loanId && counts(m.status)).map((m) => m.asOf).sort();
    const delinquentSince = new Map<number, string>(LOANS.map(([, l], i) => [l, daysOf(l)[Math.floor(daysOf(l).length / 2)] ?? addDays(FIRST_DAY, 20 * i)]));
    await database.db.insertInto('account_states').values(LOANS.map(([b, l]) => ({
      borrower_id: b, loan_id: l, as_of: FIRST_DAY, dpd: 5, bucket: 'M1', overdue_minor: 100, outstanding_minor: 100, late_fee_minor: 0,
      episodes: 1, is_repeat: false, grace_days: 0, delinquent_since: delinquentSince.get(l)!,
    }))).execute();
    // Fixed dates, plus the days on which an action is the first or the last one inside the window.
    const someDay = daysOf(LOANS[0][1])[0];
    for (const asOf of ['2026-02-15', '2026-04-10', '2026-05-31', '2026-09-01', someDay, addDays(someDay, 120)]) {
      const facts = await gatherFacts(database.db, { asOf, loBorrowerId: 0, hiBorrowerId: 100, maxPreDueDays: 0 });
      assert.equal(facts.length, LOANS.length);
      for (const f of facts) {
        // The window the cycle looks back over: 120 days up to asOf, actions that count.
        const mine = model.filter((m) => m.loanId === f.loanId && counts(m.status) && m.asOf <= asOf && m.asOf >= addDays(asOf, -120));
        const episode = (m: ModelAction) => m.asOf >= delinquentSince.get(f.loanId)!;
        const steps: Record<string, { lastFiredOn: string; timesInEpisode: number }> = {};
        for (const m of mine) {
          const key = `${m.strategyId}/${m.stepId}`;
          const lastFiredOn = [steps[key]?.lastFiredOn ?? '', m.asOf].sort()[1];
          const days = new Set(mine.filter((x) => `${x.strategyId}/${x.stepId}` === key && episode(x)).map((x) => x.asOf));
          steps[key] = { lastFiredOn, timesInEpisode: days.size };
        }
        assert.deepEqual(f.stepHistory, steps, `loan ${f.loanId} as of ${asOf}: step history`);
        const contacts = mine.filter((m) => m.party === 'borrower' && m.channel !== null);
        assert.equal(f.lastContactOn, contacts.map((m) => m.asOf).sort().at(-1) ?? null, `loan ${f.loanId} as of ${asOf}: last contact`);
        assert.equal(f.unansweredContacts, contacts.filter(episode).length, `loan ${f.loanId} as of ${asOf}: unanswered`);
        for (const channel of ['sms', 'call', 'push'] as const) {
          const inEpisode = contacts.filter((m) => m.channel === channel && episode(m)).map((m) => m.asOf).sort();
          assert.equal(f.channels[channel].firstContactOn, inEpisode[0] ?? null, `loan ${f.loanId} ${channel} as of ${asOf}: first contact`);
          assert.equal(f.channels[channel].lastContactOn, inEpisode.at(-1) ?? null, `loan ${f.loanId} ${channel} as of ${asOf}: last contact`);
        }
      }
    }
  } finally {
    await database.close();
  }
});
