// seeds/003, the consumer instalment app, driven day by day through the real daily cycle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Scenario, type ActionRow } from '../support/scenario.ts';
import { addDays } from '../../src/platform/core/calendar.ts';

const PRODUCT = 'app-instalment';
const DAY1 = '2026-05-01';
const LAST = '2026-05-14'; // DPD 14
const dayOf = (dpd: number) => addDays(DAY1, dpd - 1);

let s: Scenario;
const loans: Record<string, string> = {};

before(async () => {
  s = await Scenario.open();
  let n = 0;
  const add = async (id: string, borrower: Parameters<Scenario['delinquent']>[1]['borrower'] = {}, instalmentMinor = 150_000) => {
    n++;
    loans[id] = await s.delinquent(`a-${id}`, {
      product: PRODUCT, dpd: 1, asOf: DAY1, instalmentMinor,
      borrower: { riskBand: 'medium', contacts: [{ name: '王芳', relation: '配偶', phone: `+861370000${String(1000 + n)}` }], ...borrower },
    });
  };
  await add('reachable');
  await add('lost-high', { riskBand: 'high' });
  await add('lost-low', { riskBand: 'low' }, 50_000);
  await add('promise');
  await add('plan');
  // Three failed tries in a row on the borrower's phone (no answer, SMS bounced) by day 4: lost (失联).
  for (const id of ['lost-high', 'lost-low']) {
    for (const dpd of [2, 3, 4]) {
      await s.outcome(loans[id], 'call', 'no_answer', dayOf(dpd));
      await s.outcome(loans[id], 'sms', 'bounced', dayOf(dpd));
    }
  }
  await s.days(DAY1, LAST, async (day) => {
    if (day === dayOf(3)) {
      await s.promise(loans.promise, { amountMinor: 150_000, promisedOn: day, dueOn: dayOf(8) });
      await s.arrangement(loans.plan, { kind: 'extension', startsOn: day });
    }
    if (day === dayOf(8)) await s.pay(loans.promise, 151_000, day); // the instalment and its late fee
  });
});
after(() => s.close());

const kinds = (rows: ActionRow[]) => rows.map((a) => `${a.kind}:${a.channel ?? '-'}`).sort();

test('SMS, app push and a phone call from the first overdue day', async () => {
  assert.deepEqual(kinds((await s.actions(loans.reachable)).filter((a) => a.as_of === DAY1)), ['call_task:call', 'message:push', 'message:sms']);
});

test('a reachable borrower\'s emergency contact is never approached', async () => {
  assert.deepEqual((await s.actions(loans.reachable)).filter((a) => a.party === 'emergency_contact'), []);
});

test('after about 7 days, and only after failed tries to reach the borrower, the emergency contact gets a message', async () => {
  const outreach = (await s.actions(loans['lost-low'])).filter((a) => a.party === 'emergency_contact');
  assert.ok(outreach.length >= 1);
  assert.equal(outreach[0].as_of, dayOf(7));
  assert.equal(outreach[0].kind, 'contact_outreach');
  assert.equal(outreach[0].status, 'pending_approval');
});

test('calls to the contact come around day 10, depending on amount and risk', async () => {
  const call = (rows: ActionRow[]) => rows.filter((a) => a.party === 'emergency_contact' && a.channel === 'call');
  const high = call(await s.actions(loans['lost-high']));
  assert.equal(high[0]?.as_of, dayOf(10), 'high risk: a call to the contact on day 10');
  assert.deepEqual(call(await s.actions(loans['lost-low'])), [], 'low risk and a small amount: no call to the contact');
});

test('the contact is asked to pass a message on, never told the borrower\'s details', async () => {
  const outreach = (await s.actions(loans['lost-high'])).filter((a) => a.party === 'emergency_contact');
  for (const a of outreach) {
    assert.ok(a.template?.includes('pass-message'));
    for (const key of Object.keys(a.payload)) assert.ok(!/amount|outstanding|due|dpd|fee|balance|loan/i.test(key), `payload key ${key}`);
  }
});

test('a promise in force stops the pursuit; the kept promise ends it', async () => {
  const rows = await s.actions(loans.promise);
  assert.deepEqual(rows.filter((a) => a.as_of > dayOf(3)), [], 'nothing while the promise is in force, nothing after it is kept');
  assert.ok(rows.some((a) => a.as_of < dayOf(3)));
});

test('a repayment plan that is kept stops further pursuit', async () => {
  const rows = await s.actions(loans.plan);
  assert.deepEqual(rows.filter((a) => a.as_of >= dayOf(3)), []);
  const why = await s.explain(loans.plan, dayOf(6));
  assert.match(why.evaluation!.stoppedBy ?? '', /arrangement/);
});
