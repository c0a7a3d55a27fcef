// seeds/002, mall instalments: reminders before the due date, first-party soft collection, an
// escalation notice, agency placement and the legal route, through the real daily cycle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Scenario, type ActionRow } from '../support/scenario.ts';
import { addDays } from '../../src/platform/core/calendar.ts';

const PRODUCT = 'mall-instalment';
const DAY1 = '2026-06-01';
const LAST = '2026-06-08';

let s: Scenario;
const loans: Record<string, string> = {};

before(async () => {
  s = await Scenario.open();
  // DPD on DAY1 for each account: crossing 3 (end of grace), 30, 60 and 90 during the eight days.
  for (const [id, dpd] of [['soft', 1], ['escalation', 28], ['agency', 58], ['legal', 88]] as const) {
    loans[id] = await s.delinquent(`m-${id}`, { product: PRODUCT, dpd, asOf: DAY1 });
  }
  // Neither e-mail nor SMS agreed, but a postal address with consent to letters.
  loans['by-post'] = await s.delinquent('m-by-post', {
    product: PRODUCT, dpd: 28, asOf: DAY1, borrower: { consent: ['call', 'letter'], address: '上海市浦东新区世纪大道 100 号' },
  });
  await s.borrower({ id: 'B-m-pre-due' });
  loans['pre-due'] = 'L-m-pre-due';
  await s.loan({ id: loans['pre-due'], borrower: 'B-m-pre-due', product: PRODUCT, firstDue: addDays(DAY1, 7) });
  await s.days(DAY1, LAST);
});
after(() => s.close());

const dpdOn = (row: ActionRow, dpdOnDay1: number) => dpdOnDay1 + (Date.parse(row.as_of) - Date.parse(DAY1)) / 86_400_000;

test('repayment reminders before the due date: a calendar e-mail, then an SMS', async () => {
  const rows = await s.actions(loans['pre-due']);
  assert.deepEqual(rows.map((a) => `${a.as_of} ${a.channel} ${a.template}`), [
    `${DAY1} email cn.reminder.pre-due-calendar`,
    `${addDays(DAY1, 5)} sms cn.reminder.pre-due`,
  ]);
});

test('first-party soft collection starts after the grace period: data and debt verified, a polite first contact', async () => {
  const rows = await s.actions(loans.soft);
  assert.ok(rows.every((a) => dpdOn(a, 1) > 3), 'nothing inside the 3-day grace period');
  const first = rows.filter((a) => dpdOn(a, 1) === 4).map((a) => a.kind).sort();
  assert.deepEqual(first, ['call_task', 'message']);
  assert.ok(rows.some((a) => a.template === 'script.mall.verify-debt'));
});

test('the soft stage learns the reason and negotiates a plan', async () => {
  const rows = (await s.actions(loans.soft)).filter((a) => dpdOn(a, 1) >= 6);
  assert.ok(rows.some((a) => a.template === 'script.mall.learn-reason'));
  assert.ok(rows.some((a) => a.kind === 'arrangement_offer'));
});

test('an escalation notice stating the consequences follows the soft stage', async () => {
  const notices = (await s.actions(loans.escalation)).filter((a) => a.kind === 'escalation_notice');
  assert.equal(notices.length, 1);
  assert.equal(dpdOn(notices[0], 28), 31);
  assert.ok(['queued', 'planned'].includes(notices[0].status));
});

test('the escalation notice goes by post when neither e-mail nor SMS may be used', async () => {
  const notices = (await s.actions(loans['by-post'])).filter((a) => a.kind === 'escalation_notice');
  assert.equal(notices.length, 1);
  assert.equal(notices[0].channel, 'letter');
  assert.equal(notices[0].status, 'queued');
  const address = await s.db.selectFrom('contact_points').select('contact_point_id').where('kind', '=', 'address').executeTakeFirstOrThrow();
  const row = await s.db.selectFrom('actions').select('contact_point_id').where('action_id', '=', notices[0].action_id).executeTakeFirstOrThrow();
  assert.equal(row.contact_point_id, address.contact_point_id, 'addressed to the postal address on file');
});

test('after a set time the account is placed with a third-party agency, with approval', async () => {
  const placement = (await s.actions(loans.agency)).filter((a) => a.kind === 'agency_placement');
  assert.equal(placement.length, 1);
  assert.equal(dpdOn(placement[0], 58), 61);
  assert.equal(placement[0].status, 'pending_approval');
});

test('the legal route begins with a lawyer\'s letter, with approval', async () => {
  const legal = (await s.actions(loans.legal)).filter((a) => a.kind === 'legal_referral');
  assert.ok(legal.length >= 1);
  assert.equal(dpdOn(legal[0], 88), 91);
  assert.equal(legal[0].status, 'pending_approval');
  assert.equal(legal[0].step_id, 'lawyers-letter');
});

test('the accounts of one stage do not receive the next stage\'s actions early', async () => {
  const rows = await s.actions(loans.escalation);
  assert.ok(rows.every((a) => a.kind !== 'agency_placement' && a.kind !== 'legal_referral'));
});
