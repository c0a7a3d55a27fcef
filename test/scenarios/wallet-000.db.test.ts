// seeds/000, the wallet-linked credit line, driven day by day through the real daily cycle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Scenario, type ActionRow } from '../support/scenario.ts';
import { addDays } from '../../src/platform/core/calendar.ts';

const PRODUCT = 'wallet-credit-line';
const DAY1 = '2026-03-01'; // first overdue day of every account below (due 2026-02-28)
const LAST = '2026-04-05'; // DPD 36
const dayOf = (dpd: number) => addDays(DAY1, dpd - 1);
const contact = { name: '李娜', relation: '母亲', phone: '+8613900000001' };

let s: Scenario;
const loans: Record<string, string> = {};

before(async () => {
  s = await Scenario.open();
  for (const id of ['neutral', 'poor', 'poor-plan', 'poor-no-consent', 'autodebit']) {
    loans[id] = await s.delinquent(`w-${id}`, {
      product: PRODUCT, dpd: 1, asOf: DAY1,
      borrower: { contacts: [{ ...contact, phone: `+86139000000${10 + Object.keys(loans).length}`, consent: id !== 'poor-no-consent' }] },
    });
  }
  // A refusal to talk on day 5 makes the attitude poor.
  for (const id of ['poor', 'poor-plan', 'poor-no-consent']) await s.outcome(loans[id], 'call', 'refused', dayOf(5));
  await s.days(DAY1, LAST, async (day) => {
    if (day === dayOf(20)) await s.arrangement(loans['poor-plan'], { kind: 'reinstalment', startsOn: day });
    if (day === dayOf(3)) await s.pay(loans.autodebit, 101_000, day, 'P-autodebit-1', 'auto_debit'); // the instalment and its late fee
    if (day === dayOf(10)) await s.reverse('P-autodebit-1', day);
  });
});
after(() => s.close());

const on = (rows: ActionRow[], dpd: number) => rows.filter((a) => a.as_of === dayOf(dpd));
const shape = (a: ActionRow) => `${a.kind}:${a.channel ?? '-'}:${a.template}`;

test('SMS, in-app message and a phone call from the first overdue day, gentle at first', async () => {
  const first = on(await s.actions(loans.neutral), 1).map(shape).sort();
  assert.deepEqual(first, ['call_task:call:script.wallet.gentle', 'message:inapp:cn.reminder.gentle', 'message:sms:cn.reminder.gentle']);
});

test('the tone firms with days overdue', async () => {
  const rows = await s.actions(loans.neutral);
  const smsTemplates = (from: number, to: number) => new Set(rows.filter((a) => a.channel === 'sms' && a.as_of >= dayOf(from) && a.as_of <= dayOf(to)).map((a) => a.template));
  assert.deepEqual([...smsTemplates(1, 7)], ['cn.reminder.gentle']);
  assert.deepEqual([...smsTemplates(8, 29)], ['cn.reminder.firm']);
  assert.deepEqual([...smsTemplates(30, 36)], ['cn.reminder.serious']);
});

test('reminders come more often as days overdue grow', async () => {
  const rows = (await s.actions(loans.neutral)).filter((a) => a.channel === 'sms');
  const perWeek = (from: number) => rows.filter((a) => a.as_of >= dayOf(from) && a.as_of <= dayOf(from + 6)).length;
  assert.equal(perWeek(1), 3, 'every 3 days in the first week');
  assert.equal(perWeek(8), 4, 'every 2 days from day 8');
  assert.equal(perWeek(30), 7, 'daily from day 30');
});

test('agents offer re-instalment or a temporary amount adjustment', async () => {
  const day8 = on(await s.actions(loans.neutral), 8);
  assert.ok(day8.some((a) => a.kind === 'call_task' && a.template === 'script.wallet.offer-plan'));
  const offer = day8.find((a) => a.kind === 'arrangement_offer');
  assert.ok(offer, 'an arrangement offer on day 8');
});

test('family contact is considered only from 30 DPD, only with a poor attitude', async () => {
  const outreach = (await s.actions(loans.poor)).filter((a) => a.kind === 'contact_outreach');
  assert.ok(outreach.length >= 1);
  assert.equal(outreach[0].as_of, dayOf(30), 'not before 30 DPD');
  const neutral = (await s.actions(loans.neutral)).filter((a) => a.party === 'emergency_contact');
  assert.deepEqual(neutral, [], 'a borrower without a poor attitude: the family is never contacted');
});

test('no family contact while a repayment plan is in force', async () => {
  const rows = await s.actions(loans['poor-plan']);
  assert.deepEqual(rows.filter((a) => a.party === 'emergency_contact'), []);
  assert.deepEqual(rows.filter((a) => a.as_of >= dayOf(20)), [], 'collection stops while the plan is kept');
});

test('family contact needs risk-control approval and only with the contact\'s recorded consent', async () => {
  const outreach = (await s.actions(loans.poor)).filter((a) => a.kind === 'contact_outreach');
  assert.ok(outreach.every((a) => a.status === 'pending_approval'));
  assert.deepEqual((await s.actions(loans['poor-no-consent'])).filter((a) => a.party === 'emergency_contact'), []);
  const explained = await s.explain(loans['poor-no-consent'], dayOf(30));
  const step = explained.evaluation!.steps.find((t) => t.stepId === 'family-contact');
  assert.ok(step && !step.fired, 'the family step is considered and skipped');
});

test('the family hears a discreet reminder, never the amount or loan details', async () => {
  const outreach = (await s.actions(loans.poor)).filter((a) => a.party === 'emergency_contact');
  for (const a of outreach) {
    assert.equal(a.template, 'contact.discreet-reminder');
    for (const key of Object.keys(a.payload)) assert.ok(!/amount|outstanding|due|dpd|fee|balance|loan/i.test(key), `payload key ${key}`);
    assert.ok(!JSON.stringify(a.payload).includes('1000'), 'no amount in the payload');
  }
});

test('an auto-debit that cures the account cancels what was not yet sent, a failed one re-opens collection', async () => {
  const rows = await s.actions(loans.autodebit);
  const early = rows.filter((a) => a.as_of < dayOf(3));
  assert.ok(early.length > 0 && early.every((a) => a.status === 'cancelled'), 'queued reminders cancelled by the payment');
  assert.deepEqual(rows.filter((a) => a.as_of >= dayOf(3) && a.as_of < dayOf(10)), [], 'nothing while cured');
  const reopened = on(rows, 10);
  assert.ok(reopened.some((a) => a.channel === 'sms' && a.status === 'queued'), 'the reversal brings the account back into collection');
});
