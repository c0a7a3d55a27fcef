// The behaviours of DOMAIN.md's table, one test each, on the shipped strategies in strategies/,
// evaluated for hand-built accounts (the cycle-level scenarios live with the daily cycle).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadStrategyDirectory } from './load-strategies.ts';
import { evaluateAccount } from './core/evaluate.ts';
import { assignArm } from './core/champion-challenger.ts';
import { makeFacts, type FactsOverrides } from './core/test-facts.ts';
import type { Evaluation } from './core/types.ts';

const loaded = loadStrategyDirectory(new URL('../../strategies/', import.meta.url).pathname);
if (!loaded.ok) throw new Error('shipped strategies do not validate');
const SET = loaded.value.set;

const evaluate = (productId: string, facts: FactsOverrides = {}) => evaluateAccount(makeFacts({ productId, ...facts }), SET);
const fired = (e: Evaluation) => e.steps.filter((s) => s.fired).map((s) => s.stepId);
const why = (e: Evaluation, stepId: string) => e.steps.find((s) => s.stepId === stepId)?.reason;
const summary = (e: Evaluation) => e.actions.map((a) => `${a.stepId}:${a.kind}:${a.channel ?? '-'}:${a.template ?? '-'}`);
const poor = { promises: { kept: 0, broken: 2, open: null } };
// As the cycle reports it: three failures in a row make a channel unreachable.
const lostOnPhones = { channels: { sms: { reachable: false, failedAttemptsInRow: 3 }, call: { reachable: false, failedAttemptsInRow: 4 } } };
const shopKey = (arm: string) => {
  const route = SET.routes.find((r) => r.id === 'shop')!;
  return Array.from({ length: 100 }, (_, i) => `L-${i}`).find((k) => assignArm(k, route).arm === arm)!;
};
const CHAMPION = shopKey('champion');

// --- seeds/000: wallet credit line -------------------------------------------------------------

test('000: SMS, in-app and a call from the first overdue day, in a gentle tone', () => {
  const e = evaluate('wallet-credit-line', { dpd: 1 });
  assert.equal(e.strategyId, 'wallet-000');
  assert.deepEqual(summary(e), [
    'gentle-sms:message:sms:cn.reminder.gentle',
    'gentle-inapp:message:inapp:cn.reminder.gentle',
    'gentle-call:call_task:call:script.wallet.gentle',
  ]);
});

test('000: reminders come more often as days overdue grow (every 3, then 2, then 1 day)', () => {
  const lastFired = (step: string, lastFiredOn: string) => ({ stepHistory: { [`wallet-000/${step}`]: { lastFiredOn, timesInEpisode: 1 } } });
  assert.match(why(evaluate('wallet-credit-line', { dpd: 4, ...lastFired('gentle-sms', '2024-03-08') }), 'gentle-sms')!, /every 3 days/);
  assert.match(why(evaluate('wallet-credit-line', { dpd: 12, ...lastFired('reminder-sms', '2024-03-09') }), 'reminder-sms')!, /every 2 days/);
  assert.ok(fired(evaluate('wallet-credit-line', { dpd: 12, ...lastFired('reminder-sms', '2024-03-08') })).includes('reminder-sms'));
  assert.ok(fired(evaluate('wallet-credit-line', { dpd: 35, ...lastFired('daily-sms', '2024-03-09') })).includes('daily-sms'));
});

test('000: agents offer re-instalment or a temporary amount adjustment', () => {
  const e = evaluate('wallet-credit-line', { dpd: 10 });
  const offer = e.actions.filter((a) => a.stepId === 'agent-offer');
  assert.deepEqual(offer.map((a) => [a.kind, a.payload.queue ?? a.payload.offerKinds]), [
    ['call_task', 'wallet-agents'],
    ['arrangement_offer', 'reinstalment,extension'],
  ]);
});

test('000: family contact only from 30 DPD, with a poor attitude and no plan, approved and discreet', () => {
  assert.ok(!fired(evaluate('wallet-credit-line', { dpd: 29, ...poor })).includes('family-contact'), 'not before 30 DPD');
  assert.match(why(evaluate('wallet-credit-line', { dpd: 30 }), 'family-contact')!, /^condition attitude=poor not met \(neutral/);
  const withPlan = evaluate('wallet-credit-line', { dpd: 30, ...poor, arrangement: { status: 'active', kind: 'reinstalment', missedPayments: 1 } });
  assert.equal(why(withPlan, 'family-contact'), 'condition hasArrangement=false not met (arrangement active)');

  const e = evaluate('wallet-credit-line', { dpd: 30, ...poor });
  const [family] = e.actions.filter((a) => a.stepId === 'family-contact');
  assert.deepEqual([family.kind, family.party, family.template, family.needsApproval], ['contact_outreach', 'emergency_contact', 'contact.discreet-reminder', true]);
  assert.deepEqual(Object.keys(family.payload).sort(), ['borrowerName', 'callbackReference', 'contactName'], 'never the amount or loan details');
});

// --- seeds/001: instalment shop ----------------------------------------------------------------

test('001: nothing inside the grace period, then the standard SMS with name, amount, due date, DPD and balance', () => {
  const inGrace = evaluate('shop-instalment', { dpd: 5, graceDays: 5, accountKey: CHAMPION });
  assert.equal(inGrace.strategyId, 'shop-001');
  assert.deepEqual(inGrace.actions, []);
  assert.equal(why(inGrace, 'grace-over-notice'), '0 days past grace (dpd 5, grace 5) outside window 1');

  const e = evaluate('shop-instalment', { dpd: 6, graceDays: 5, accountKey: CHAMPION });
  assert.deepEqual(summary(e), ['grace-over-notice:message:sms:cn.notice.shop-standard']);
  assert.deepEqual(e.actions[0].payload, { name: '张伟', overdueAmount: '1234.50', outstanding: '10000.00', currency: 'CNY', dueDate: '2024-03-05', dpd: 6, lateFee: '15.00' });
});

test('001: repeat delinquents get a shorter grace and go straight to the firmer steps', () => {
  const e = evaluate('shop-instalment', { dpd: 2, graceDays: 1, isRepeat: true, accountKey: CHAMPION });
  assert.equal(e.segmentId, 'repeat');
  assert.deepEqual(summary(e), ['repeat-notice:message:sms:cn.notice.shop-consequences', 'repeat-call:call_task:call:script.shop.firm']);
});

test('001: high risk is more proactive, low risk more patient than the standard path', () => {
  const day = (dpd: number, riskBand: string) => evaluate('shop-instalment', { dpd, graceDays: 5, riskBand, accountKey: CHAMPION });
  assert.deepEqual(fired(day(6, 'high')), ['high-risk-notice', 'high-risk-call'], 'a call on the first day after grace');
  assert.deepEqual(fired(day(6, 'medium')), ['grace-over-notice']);
  assert.deepEqual(fired(day(9, 'medium')), ['follow-up'], 'standard follow-up 4 days after grace');
  assert.deepEqual(fired(day(9, 'low')), [], 'low risk waits');
  assert.deepEqual(fired(day(11, 'low')), ['low-risk-follow-up']);
});

test('001: the next channel follows the borrower’s response and his chosen channel', () => {
  const base = { dpd: 9, graceDays: 5, accountKey: CHAMPION };
  assert.equal(evaluate('shop-instalment', base).actions[0].channel, 'sms');
  const silentOnSms = evaluate('shop-instalment', { ...base, channels: { sms: { firstContactOn: '2024-03-06' } } });
  assert.equal(silentOnSms.actions[0].channel, 'call');
  assert.equal(silentOnSms.actions[0].reason.channelChoice, 'sms: no response for 4 days → call');
  const answered = evaluate('shop-instalment', { ...base, channels: { sms: { firstContactOn: '2024-03-06', lastResponseOn: '2024-03-07' } } });
  assert.equal(answered.actions[0].channel, 'sms');
  assert.equal(evaluate('shop-instalment', { ...base, preferredChannel: 'email' }).actions[0].channel, 'email');
});

test('001: a changed or bouncing contact point brings the process forward, even inside grace', () => {
  const events = [{ eventId: 88, kind: 'contact_changed' as const, occurredOn: '2024-03-10' }];
  const e = evaluate('shop-instalment', { dpd: 2, graceDays: 5, events, accountKey: CHAMPION, channels: { sms: { reachable: false }, call: { reachable: false } } });
  assert.deepEqual(summary(e), ['contact-changed:message:email:cn.notice.shop-standard']);
  assert.equal(e.actions[0].idempotencyKey, '70:shop-001/contact-changed:event:88:0');
  assert.match(why(e, 'contact-changed')!, /skipped call_task: call unreachable/);
});

test('001: champion and challenger split the shop’s accounts 80/20, the challenger firmer', () => {
  const route = SET.routes.find((r) => r.id === 'shop')!;
  const keys = Array.from({ length: 4_000 }, (_, i) => `SHOP-${i}`);
  const challengers = keys.filter((k) => assignArm(k, route).arm === 'challenger');
  assert.ok(Math.abs(challengers.length - 800) < 80, `${challengers.length} of 4000`);
  const e = evaluate('shop-instalment', { dpd: 6, graceDays: 5, accountKey: challengers[0] });
  assert.deepEqual([e.strategyId, e.arm], ['shop-001-firm', 'challenger']);
  assert.deepEqual(summary(e), ['consequences-notice:message:sms:cn.notice.shop-consequences']);
  assert.ok(fired(evaluate('shop-instalment', { dpd: 7, graceDays: 5, accountKey: challengers[0] })).includes('agent-call'), 'a call on the second day');
});

// --- seeds/002: mall instalments ---------------------------------------------------------------

test('002: reminders before the due date, a calendar e-mail then an SMS', () => {
  const current = { dpd: 0, oldestUnpaidDue: null, overdueMinor: 0 };
  assert.deepEqual(summary(evaluate('mall-instalment', { ...current, nextDueDate: '2024-03-16' })), ['pre-due-calendar:message:email:cn.reminder.pre-due-calendar']);
  assert.deepEqual(summary(evaluate('mall-instalment', { ...current, nextDueDate: '2024-03-12' })), ['pre-due-sms:message:sms:cn.reminder.pre-due']);
  assert.deepEqual(summary(evaluate('mall-instalment', { ...current, nextDueDate: '2024-03-14' })), []);
});

test('002: first-party soft collection after grace: verify the debt, polite first contact, then negotiate', () => {
  assert.deepEqual(fired(evaluate('mall-instalment', { dpd: 3, graceDays: 3 })), []);
  assert.deepEqual(summary(evaluate('mall-instalment', { dpd: 4, graceDays: 3 })), [
    'verify-debt:call_task:call:script.mall.verify-debt',
    'polite-first-contact:message:sms:cn.reminder.mall-polite',
  ]);
  const negotiate = evaluate('mall-instalment', { dpd: 6, graceDays: 3, stepHistory: { 'mall-002/verify-debt': { lastFiredOn: '2024-03-07', timesInEpisode: 1 } } });
  assert.deepEqual(fired(negotiate), ['polite-first-contact', 'learn-reason']);
  assert.deepEqual(negotiate.actions.filter((a) => a.stepId === 'learn-reason').map((a) => a.kind), ['call_task', 'arrangement_offer']);
});

test('002: an escalation notice states the consequences, then agency placement, then the legal route', () => {
  assert.deepEqual(summary(evaluate('mall-instalment', { dpd: 31 })), ['escalation-notice:escalation_notice:email:cn.notice.mall-escalation', 'escalation-call:call_task:call:script.mall.escalation']);
  const agency = evaluate('mall-instalment', { dpd: 61 });
  assert.deepEqual(agency.actions.map((a) => [a.kind, a.needsApproval, a.payload.placementDays ?? a.template]), [
    ['agency_placement', true, 60],
    ['message', false, 'cn.notice.mall-agency-placement'],
  ]);
  const letter = evaluate('mall-instalment', { dpd: 91 });
  assert.deepEqual(letter.actions.map((a) => [a.kind, a.payload.legalRoute, a.needsApproval]), [['legal_referral', 'lawyers_letter', true]]);
  const small = evaluate('mall-instalment', { dpd: 121, outstandingMinor: 250_000, stepHistory: { 'mall-002/lawyers-letter': { lastFiredOn: '2024-02-09', timesInEpisode: 1 } } });
  assert.equal(why(small, 'lawsuit'), 'condition outstandingAmount ≥ 3000.00 not met (2500.00 CNY)');
  const large = evaluate('mall-instalment', { dpd: 121, outstandingMinor: 300_000, stepHistory: { 'mall-002/lawyers-letter': { lastFiredOn: '2024-02-09', timesInEpisode: 1 } } });
  assert.deepEqual(large.actions.map((a) => a.payload.legalRoute), ['lawsuit']);
});

// --- seeds/003: instalment app -----------------------------------------------------------------

test('003: SMS, push and a call from day 1', () => {
  assert.deepEqual(summary(evaluate('app-instalment', { dpd: 1 })), [
    'sms:message:sms:cn.reminder.app',
    'push:message:push:push.reminder.app',
    'call:call_task:call:script.app.reminder',
  ]);
});

test('003: the emergency contact from about day 7, only after failed tries to reach the borrower', () => {
  assert.equal(why(evaluate('app-instalment', { dpd: 7 }), 'contact-message'), 'condition lost=true not met (not lost; reachable: sms, call, email, push, inapp)');
  assert.match(why(evaluate('app-instalment', { dpd: 6, ...lostOnPhones }), 'contact-message')!, /outside window 7\+/);
  const e = evaluate('app-instalment', { dpd: 7, ...lostOnPhones });
  const [outreach] = e.actions.filter((a) => a.stepId === 'contact-message');
  assert.deepEqual([outreach.kind, outreach.channel, outreach.needsApproval, outreach.emergencyContactId], ['contact_outreach', 'sms', true, 501]);
  assert.deepEqual(outreach.payload, { contactName: '李娜', borrowerName: '张伟', callbackReference: 'B7' });
  assert.ok(!e.actions.some((a) => a.party === 'borrower' && (a.channel === 'sms' || a.channel === 'call')), 'the failing phone is not used');
});

test('003: calls to the contact around day 10 depending on amount, credit history and risk', () => {
  const day10 = (facts: FactsOverrides) => fired(evaluate('app-instalment', { dpd: 10, ...lostOnPhones, overdueMinor: 50_000, riskBand: 'low', ...facts }));
  assert.ok(!day10({}).includes('contact-call'), 'small amount, low risk, clean history');
  assert.ok(day10({ overdueMinor: 200_000 }).includes('contact-call'));
  assert.ok(day10({ riskBand: 'high' }).includes('contact-call'));
  assert.ok(day10({ promises: { kept: 1, broken: 1, open: null } }).includes('contact-call'));
  assert.ok(!fired(evaluate('app-instalment', { dpd: 9, ...lostOnPhones, riskBand: 'high' })).includes('contact-call'));
});

test('003: pursuit stops while the borrower keeps an agreed plan or a promise', () => {
  const kept = evaluate('app-instalment', { dpd: 12, ...lostOnPhones, arrangement: { status: 'active', kind: 'reinstalment', missedPayments: 0 } });
  assert.deepEqual(kept.actions, []);
  assert.equal(kept.stoppedBy, 'arrangement (reinstalment) in force and kept');
  const promised = evaluate('app-instalment', { dpd: 12, promises: { kept: 1, broken: 0, open: { dueOn: '2024-03-15', amountMinor: 50_000 } } });
  assert.deepEqual(promised.actions, []);
  assert.equal(promised.stoppedBy, 'promise in force until 2024-03-15');
  assert.ok(evaluate('app-instalment', { dpd: 12, arrangement: { status: 'broken', kind: 'reinstalment', missedPayments: 2 } }).actions.length > 0, 'a broken plan resumes pursuit');
});

test('every shipped strategy holds on cease, dispute, complaint, bankruptcy and death', () => {
  for (const productId of ['wallet-credit-line', 'shop-instalment', 'mall-instalment', 'app-instalment'])
    for (const flag of ['cease', 'dispute', 'complaint', 'bankruptcy', 'deceased'] as const) {
      const e = evaluate(productId, { dpd: 40, flags: [flag] });
      assert.deepEqual(e.actions, [], `${productId} ${flag}`);
      assert.equal(e.stoppedBy, `hold flag ${flag}`);
    }
});

test('the cycle loads current accounts for pre-due reminders only for products whose strategies send them', () => {
  assert.deepEqual(SET.scope.preDueDaysByProduct, {
    'wallet-credit-line': -1, 'shop-instalment': -1, 'mall-instalment': 7, 'app-instalment': -1,
  });
  assert.equal(SET.scope.maxPreDueDays, 7, 'any other product: the widest horizon');
});
