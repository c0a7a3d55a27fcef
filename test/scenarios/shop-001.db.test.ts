// seeds/001, the instalment shop, driven day by day through the real daily cycle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { Scenario, type ActionRow } from '../support/scenario.ts';
import { addDays } from '../../src/platform/core/calendar.ts';

const PRODUCT = 'shop-instalment'; // grace 5 days, 1 day for repeat delinquents
const DAY1 = '2026-03-01';
const LAST = '2026-03-16'; // DPD 16
const dayOf = (dpd: number) => addDays(DAY1, dpd - 1);

let s: Scenario;
const loans: Record<string, string> = {};

/** Accounts in the champion arm unless the test is about the split (the arm depends on the key only). */
async function champion(id: string, borrower: Parameters<Scenario['delinquent']>[1]['borrower'] = {}): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const key = `${id}${attempt ? `-${attempt}` : ''}`;
    const { assignArm, loadActiveSet } = await import('../../src/strategy/index.ts');
    const active = await loadActiveSet(s.db);
    const route = active!.set.routes.find((r) => r.id === 'shop')!;
    if (assignArm(`L-s-${key}`, route).arm !== 'champion') continue;
    loans[id] = await s.delinquent(`s-${key}`, { product: PRODUCT, dpd: 1, asOf: DAY1, borrower: { riskBand: 'medium', ...borrower } });
    return loans[id];
  }
}

before(async () => {
  s = await Scenario.open();
  await champion('first');
  await champion('responder');
  await champion('high', { riskBand: 'high' });
  await champion('low', { riskBand: 'low' });
  await champion('changed');
  await champion('no-sms-consent', { consent: ['email', 'push', 'inapp'] });
  await champion('prefers-email', { preferredChannel: 'email' });
  await champion('reversed');
  // A repeat delinquent: the January instalment was paid nine days late.
  for (let attempt = 0; ; attempt++) {
    const { assignArm, loadActiveSet } = await import('../../src/strategy/index.ts');
    const route = (await loadActiveSet(s.db))!.set.routes.find((r) => r.id === 'shop')!;
    const key = `s-repeat${attempt ? `-${attempt}` : ''}`;
    if (assignArm(`L-${key}`, route).arm !== 'champion') continue;
    await s.borrower({ id: `B-${key}`, riskBand: 'medium' });
    await s.loan({ id: `L-${key}`, borrower: `B-${key}`, product: PRODUCT, firstDue: '2026-01-28' });
    await s.pay(`L-${key}`, 102_000, '2026-02-06'); // the instalment and its late fee
    loans.repeat = `L-${key}`;
    break;
  }
  for (let i = 0; i < 40; i++) loans[`split-${i}`] = await s.delinquent(`s-split-${i}`, { product: PRODUCT, dpd: 1, asOf: DAY1 });
  await s.outcome(loans.responder, 'sms', 'responded', dayOf(7));
  await s.days(DAY1, LAST, async (day) => {
    if (day === dayOf(3)) await s.event(loans.changed, 'contact_changed', day);
    if (day === dayOf(2)) await s.pay(loans.reversed, 101_000, day, 'P-reversed', 'auto_debit');
    if (day === dayOf(4)) await s.reverse('P-reversed', day);
  });
});
after(() => s.close());

test('nothing inside the grace period: no contact and no late fee', async () => {
  const rows = await s.actions(loans.first);
  assert.ok(rows.length > 0);
  assert.ok(rows.every((a) => a.as_of >= dayOf(6)), 'first contact on day 6, the first day after the 5-day grace');
  const inside = await s.explain(loans.first, dayOf(5));
  const after = await s.explain(loans.first, dayOf(6));
  assert.equal(inside.state!.late_fee_minor, 0);
  assert.ok(Number(after.state!.late_fee_minor) > 0);
});

test('an SMS goes out automatically when the grace period ends, carrying name, amount, due date, DPD and balance', async () => {
  const sms = (await s.actions(loans.first)).find((a) => a.as_of === dayOf(6) && a.channel === 'sms');
  assert.ok(sms);
  assert.equal(sms.status, 'queued');
  for (const key of ['name', 'overdueAmount', 'dueDate', 'dpd', 'outstanding']) assert.ok(sms.payload[key] !== undefined && sms.payload[key] !== null, key);
  assert.equal(sms.payload.dpd, 6);
  assert.equal(sms.payload.dueDate, '2026-02-28');
  const outbox = await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE action_id = ${sms.action_id}`.execute(s.db);
  assert.equal(outbox.rows[0].n, 1, 'queued in the outbox in the same transaction');
});

test('first-time delinquents get the gentle path', async () => {
  const rows = await s.actions(loans.first);
  assert.ok(rows.every((a) => a.segment_id === 'first-time'));
  assert.ok(rows.every((a) => !a.template?.includes('consequences')));
});

test('repeat delinquents get a shorter grace and go straight to firmer steps', async () => {
  const rows = await s.actions(loans.repeat);
  assert.equal(rows[0].as_of, dayOf(2), 'one day of grace instead of five');
  assert.equal(rows[0].segment_id, 'repeat');
  assert.ok(rows.some((a) => a.template === 'cn.notice.shop-consequences'));
  assert.ok(rows.some((a) => a.kind === 'call_task' && a.as_of === dayOf(2)));
});

test('the next channel follows the borrower\'s response', async () => {
  const silent = (await s.actions(loans.first)).filter((a) => a.step_id === 'follow-up');
  assert.equal(silent[0].as_of, dayOf(9));
  assert.equal(silent[0].channel, 'call', 'no response to the SMS for 3 days: a call');
  assert.match(silent[0].reason.channelChoice ?? '', /sms/);
  const answered = (await s.actions(loans.responder)).filter((a) => a.step_id === 'follow-up');
  assert.equal(answered[0].channel, 'sms', 'the borrower answered the SMS: SMS stays');
});

test('a changed phone number brings the process forward, even inside the grace period', async () => {
  const rows = await s.actions(loans.changed);
  const early = rows.filter((a) => a.as_of === dayOf(3));
  assert.ok(early.some((a) => a.step_id === 'contact-changed' && a.kind === 'call_task'));
  assert.ok(early.some((a) => a.step_id === 'contact-changed' && a.kind === 'message' && a.channel !== 'sms'), 'tries a channel other than the changed phone first');
});

test('an abnormal transaction (a failed auto-debit) brings the process forward, inside the grace period', async () => {
  const rows = await s.actions(loans.reversed);
  const sameDay = rows.filter((a) => a.as_of === dayOf(4));
  assert.ok(sameDay.some((a) => a.step_id === 'payment-reversed' && a.kind === 'message'), JSON.stringify(rows.map((a) => `${a.as_of} ${a.step_id}`)));
  assert.ok(rows.every((a) => a.as_of >= dayOf(4)), 'nothing while the payment stood');
});

test('messages go only where the borrower gave prior authorisation', async () => {
  const rows = await s.actions(loans['no-sms-consent']);
  assert.ok(rows.length > 0);
  assert.ok(rows.every((a) => a.channel !== 'sms' && a.channel !== 'call'), JSON.stringify(rows.map((a) => a.channel)));
});

test('high risk gets a more proactive path, low risk more patience', async () => {
  const window = (rows: ActionRow[]) => rows.filter((a) => a.as_of <= dayOf(12));
  const high = window(await s.actions(loans.high));
  const low = window(await s.actions(loans.low));
  assert.ok(high.some((a) => a.kind === 'call_task' && a.as_of === dayOf(6)), 'a call on the first day after grace');
  assert.ok(low.every((a) => a.kind !== 'call_task'), 'no call for low risk in the first week after grace');
  assert.ok(high.length > low.length);
});

test('the borrower\'s chosen channel is honoured', async () => {
  const followUp = (await s.actions(loans['prefers-email'])).filter((a) => a.step_id === 'follow-up');
  assert.ok(followUp.length > 0);
  assert.equal(followUp[0].channel, 'email');
});

test('champion and challenger split the accounts, and every action records strategy, version and arm', async () => {
  const arms = await sql<{ arm: string; strategy_id: string; accounts: number; versions: number }>`
    SELECT arm, strategy_id, count(DISTINCT loan_id)::int AS accounts, count(DISTINCT strategy_version)::int AS versions
    FROM actions a JOIN loans l USING (borrower_id, loan_id) WHERE l.external_id LIKE 'L-s-split-%' GROUP BY arm, strategy_id ORDER BY arm`.execute(s.db);
  assert.deepEqual(arms.rows.map((r) => `${r.arm}:${r.strategy_id}`), ['challenger:shop-001-firm', 'champion:shop-001']);
  assert.ok(arms.rows.every((r) => r.versions === 1 && r.accounts > 0));
  const stable = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT loan_id FROM actions GROUP BY loan_id HAVING count(DISTINCT arm) > 1) x`.execute(s.db);
  assert.equal(stable.rows[0].n, 0, 'an account stays in its arm every day');
});
