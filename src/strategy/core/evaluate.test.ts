import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateAccount, scopeOf } from './evaluate.ts';
import { makeFacts, makeStrategySet, type FactsOverrides } from './test-facts.ts';
import type { Evaluation } from './types.ts';

const SMS = { kind: 'message', channel: 'sms', template: 'cn.reminder.gentle' };

function strategy(ladder: unknown[], extra: Record<string, unknown> = {}) {
  return { kind: 'strategy', id: 's', name: 'S', segments: [{ id: 'seg', ladder }], ...extra };
}
function step(overrides: Record<string, unknown> = {}) {
  return { id: 'st', on: { dpd: { min: 1 } }, actions: [SMS], ...overrides };
}
function run(facts: FactsOverrides, ladder: unknown[], extra: Record<string, unknown> = {}): Evaluation {
  return evaluateAccount(makeFacts(facts), makeStrategySet([strategy(ladder, extra)]));
}
const traceOf = (e: Evaluation, id = 'st') => e.steps.find((s) => s.stepId === id)!;

test('an account no route matches gets no action and a reason naming its product', () => {
  const set = makeStrategySet([strategy([step()])], [{ id: 'shop', when: { product: ['shop-instalment'] }, arms: [{ strategy: 's', percent: 100 }] }]);
  const e = evaluateAccount(makeFacts({ productId: 'wallet-credit-line' }), set);
  assert.equal(e.strategyId, null);
  assert.deepEqual(e.actions, []);
  assert.match(e.reason, /no route of set test-set matches \(product wallet-credit-line, jurisdiction CN\)/);
});

test('the first matching segment wins; no match lists why each segment missed', () => {
  const doc = {
    kind: 'strategy',
    id: 's',
    name: 'S',
    segments: [
      { id: 'late', when: { dpd: { min: 31 } }, ladder: [step({ id: 'a' })] },
      { id: 'early', when: { dpd: { max: 30 } }, ladder: [step({ id: 'b' })] },
      { id: 'any', ladder: [step({ id: 'c' })] },
    ],
  };
  const e = evaluateAccount(makeFacts({ dpd: 5 }), makeStrategySet([doc]));
  assert.equal(e.segmentId, 'early');
  assert.deepEqual(e.steps.map((s) => s.stepId), ['b']);

  const narrow = { ...doc, segments: doc.segments.slice(0, 1) };
  const none = evaluateAccount(makeFacts({ dpd: 5 }), makeStrategySet([narrow]));
  assert.equal(none.segmentId, null);
  assert.match(none.reason, /no segment of s matches: late: condition dpd ≥ 31 not met \(5\)/);
});

test('a DPD step fires inside its window with the documented idempotency key and not outside it', () => {
  const inside = run({ dpd: 2 }, [step({ on: { dpd: { min: 1, max: 3 } } })]);
  assert.equal(inside.actions.length, 1);
  const a = inside.actions[0];
  assert.equal(a.idempotencyKey, '70:s/st:2024-03-10:0');
  assert.deepEqual([a.strategyId, a.strategyVersion, a.arm, a.segmentId, a.stepId], ['s', 1, 'champion', 'seg', 'st']);
  assert.deepEqual([a.kind, a.channel, a.party, a.template, a.contactPointId, a.needsApproval], ['message', 'sms', 'borrower', 'cn.reminder.gentle', 11, false]);
  assert.equal(a.reason.trigger, 'dpd');
  assert.ok(a.reason.conditions.includes('dpd 2 in window 1–3'));
  assert.match(inside.reason, /1 action from st/);

  const outside = run({ dpd: 5 }, [step({ on: { dpd: { min: 1, max: 3 } } })]);
  assert.deepEqual(outside.actions, []);
  assert.deepEqual(traceOf(outside), { strategyId: 's', segmentId: 'seg', stepId: 'st', fired: false, reason: 'dpd 5 outside window 1–3' });
  assert.match(outside.reason, /no action, none of its 1 steps fires today/);
});

test('afterGrace windows count from the end of the account grace period', () => {
  const ladder = [step({ on: { dpd: { min: 1, max: 1, afterGrace: true } } })];
  const inGrace = run({ dpd: 3, graceDays: 3 }, ladder);
  assert.equal(traceOf(inGrace).reason, '0 days past grace (dpd 3, grace 3) outside window 1');
  assert.equal(run({ dpd: 4, graceDays: 3 }, ladder).actions.length, 1);
  assert.equal(run({ dpd: 2, graceDays: 1, isRepeat: true }, ladder).actions.length, 1, 'a shorter grace starts sooner');
});

test('cadence: every N days from the last firing; a re-run on the same day plans the same again', () => {
  const ladder = [step({ every: 3 })];
  const history = (lastFiredOn: string) => ({ stepHistory: { 's/st': { lastFiredOn, timesInEpisode: 1 } } });
  assert.equal(traceOf(run(history('2024-03-08'), ladder)).reason, 'cadence: last fired 2024-03-08, every 3 days');
  const due = run(history('2024-03-07'), ladder);
  assert.equal(due.actions.length, 1);
  assert.match(traceOf(due).reason, /last fired 2024-03-07/);
  const again = run(history('2024-03-10'), ladder);
  assert.equal(again.actions[0].idempotencyKey, '70:s/st:2024-03-10:0');
});

test('without every a DPD step fires once per episode; maxTimes caps repeated steps', () => {
  const once = [step()];
  assert.match(traceOf(run({ stepHistory: { 's/st': { lastFiredOn: '2024-03-07', timesInEpisode: 1 } } }, once)).reason, /^maxTimes 1 reached/);
  assert.equal(run({ stepHistory: { 's/st': { lastFiredOn: '2023-11-02', timesInEpisode: 0 } } }, once).actions.length, 1, 'a firing in an earlier episode does not count');
  const capped = [step({ every: 1, maxTimes: 2 })];
  assert.match(traceOf(run({ stepHistory: { 's/st': { lastFiredOn: '2024-03-09', timesInEpisode: 2 } } }, capped)).reason, /maxTimes 2 reached: fired 2 times/);
  assert.equal(run({ stepHistory: { 's/st': { lastFiredOn: '2024-03-09', timesInEpisode: 1 } } }, capped).actions.length, 1);
});

test('default stop conditions: paid, promise in force, arrangement kept, hold flags', () => {
  const ladder = [step({ every: 1 }), step({ id: 'ev', on: { event: 'contact_bounced' } })];
  const cases: Array<[FactsOverrides, string]> = [
    [{ promises: { kept: 0, broken: 0, open: { dueOn: '2024-03-12', amountMinor: 5_000 } } }, 'promise in force until 2024-03-12'],
    [{ arrangement: { status: 'active', kind: 'reinstalment', missedPayments: 0 } }, 'arrangement (reinstalment) in force and kept'],
    [{ flags: ['vulnerable', 'cease'] }, 'hold flag cease'],
  ];
  for (const [facts, why] of cases) {
    const e = run(facts, ladder);
    assert.deepEqual(e.actions, [], why);
    assert.equal(traceOf(e).reason, `stop: ${why}`);
    assert.equal(e.stoppedBy, why);
    assert.match(e.reason, new RegExp(`no action, stop: ${why.replace(/[()]/g, '\\$&')}`));
  }
  const paid = run({ dpd: 0, events: [{ eventId: 9, kind: 'contact_bounced', occurredOn: '2024-03-10' }] }, ladder);
  assert.equal(traceOf(paid, 'ev').reason, 'stop: paid (dpd 0)');

  const notStopping: FactsOverrides[] = [
    { promises: { kept: 0, broken: 1, open: { dueOn: '2024-03-09', amountMinor: 5_000 } } },
    { arrangement: { status: 'active', kind: 'extension', missedPayments: 1 } },
    { arrangement: { status: 'broken', kind: 'extension', missedPayments: 2 } },
    { flags: ['vulnerable'] },
  ];
  for (const facts of notStopping) assert.equal(run(facts, ladder).actions.length, 1, JSON.stringify(facts));
});

test('hold flags and stop lists are configurable per strategy, segment and step', () => {
  const holdVulnerable = { defaults: { holdFlags: ['vulnerable'] } };
  assert.equal(traceOf(run({ flags: ['vulnerable'] }, [step()], holdVulnerable)).reason, 'stop: hold flag vulnerable');
  assert.equal(run({ flags: ['cease'] }, [step()], holdVulnerable).actions.length, 1, 'cease is no hold when holdFlags omit it');

  const promise: FactsOverrides = { promises: { kept: 0, broken: 0, open: { dueOn: '2024-03-12', amountMinor: 1 } } };
  assert.equal(run(promise, [step({ stopWhen: ['hold'] })]).actions.length, 1, 'a step may ignore a promise');
  assert.equal(run(promise, [step()], { defaults: { stopWhen: ['hold'] } }).actions.length, 1);
  const segmentOnly = { kind: 'strategy', id: 's', name: 'S', segments: [{ id: 'seg', stopWhen: [], ladder: [step()] }] };
  assert.equal(evaluateAccount(makeFacts({ flags: ['cease'] }), makeStrategySet([segmentOnly])).actions.length, 1);
});

test('step conditions that do not hold are named with the actual value', () => {
  const e = run({}, [step({ when: { attitude: ['poor'] } })]);
  assert.match(traceOf(e).reason, /^condition attitude=poor not met \(neutral: promises kept 0, broken 0/);
  const poor = run({ refusals: 1 }, [step({ when: { attitude: ['poor'] } })]);
  assert.equal(poor.actions.length, 1);
  assert.ok(poor.actions[0].reason.conditions.includes('attitude=poor'));
});

test('quiet rule: no DPD contact within N days of a borrower response; event steps are not quiet', () => {
  const ladder = [step({ every: 1 }), step({ id: 'ev', on: { event: 'payment_reversed' } })];
  const facts: FactsOverrides = { lastResponseOn: '2024-03-09', events: [{ eventId: 5, kind: 'payment_reversed', occurredOn: '2024-03-10' }] };
  const e = run(facts, ladder, { defaults: { quiet: { afterResponseDays: 2 } } });
  assert.equal(traceOf(e).reason, 'quiet: borrower responded on 2024-03-09, no contact for 2 days');
  assert.equal(traceOf(e, 'ev').fired, true);
  assert.equal(run({ lastResponseOn: '2024-03-08' }, ladder, { defaults: { quiet: { afterResponseDays: 2 } } }).actions.length, 1);
});

test('pre-due steps remind current accounts once per due date', () => {
  const ladder = [step({ on: { preDueDays: { min: 1, max: 3 } } })];
  const current: FactsOverrides = { dpd: 0, oldestUnpaidDue: null, nextDueDate: '2024-03-13', nextDueMinor: 80_000 };
  const e = run(current, ladder);
  assert.equal(e.actions.length, 1, 'paid does not stop a pre-due step');
  assert.equal(e.actions[0].reason.trigger, 'pre_due');
  assert.equal(e.actions[0].payload.nextDueDate, '2024-03-13');
  assert.equal(e.actions[0].payload.nextDueAmount, '800.00');
  assert.equal(traceOf(run({ ...current, nextDueDate: '2024-03-20' }, ladder)).reason, 'next due 2024-03-20 in 10 days, outside window 1–3');
  assert.equal(traceOf(run({ ...current, nextDueDate: null }, ladder)).reason, 'nothing due ahead');
  assert.equal(traceOf(run({ nextDueDate: '2024-03-12' }, ladder)).reason, 'pre-due step waits for a current account (dpd 5)');
  const reminded = run({ ...current, nextDueDate: '2024-03-11', stepHistory: { 's/st': { lastFiredOn: '2024-03-09', timesInEpisode: 0 } } }, ladder);
  assert.equal(traceOf(reminded).reason, 'already reminded on 2024-03-09 for the due date 2024-03-11');
  assert.equal(run({ ...current, stepHistory: { 's/st': { lastFiredOn: '2024-02-11', timesInEpisode: 0 } } }, ladder).actions.length, 1, 'last month’s reminder does not count');
  assert.equal(scopeOf(makeStrategySet([strategy(ladder)])).maxPreDueDays, 3);
});

test('event steps react to the latest event of their kind once, keyed by the event id', () => {
  const ladder = [step({ on: { event: 'contact_bounced' } })];
  const events = [
    { eventId: 41, kind: 'contact_bounced' as const, occurredOn: '2024-03-08' },
    { eventId: 42, kind: 'contact_bounced' as const, occurredOn: '2024-03-09' },
    { eventId: 43, kind: 'promise_broken' as const, occurredOn: '2024-03-10' },
  ];
  const e = run({ events }, ladder);
  assert.equal(e.actions[0].idempotencyKey, '70:s/st:event:42:0');
  assert.equal(e.actions[0].reason.eventId, 42);
  assert.equal(e.actions[0].reason.trigger, 'event');
  assert.equal(traceOf(run({}, ladder)).reason, 'no contact_bounced event');
  const reacted = run({ events, stepHistory: { 's/st': { lastFiredOn: '2024-03-09', timesInEpisode: 1 } } }, ladder);
  assert.equal(traceOf(reacted).reason, 'already reacted on 2024-03-09 to event #42');
  assert.deepEqual(scopeOf(makeStrategySet([strategy(ladder)])), { maxPreDueDays: -1, preDueDaysByProduct: {}, eventKinds: ['contact_bounced'], emergencyContactsFromDpd: null });
});

test('borrower payload: name, amounts as major-unit strings, currency, oldest due date, DPD, late fee', () => {
  const [a] = run({}, [step()]).actions;
  assert.deepEqual(a.payload, { name: '张伟', overdueAmount: '1234.50', outstanding: '10000.00', currency: 'CNY', dueDate: '2024-03-05', dpd: 5, lateFee: '15.00' });
  const [yen] = run({ currency: 'JPY', overdueMinor: 123_450 }, [step()]).actions;
  assert.equal(yen.payload.overdueAmount, '123450');
});

test('emergency-contact actions need approval, go to the first usable contact and never carry debt details', () => {
  const ladder = [step({ actions: [{ kind: 'contact_outreach', channel: 'call', template: 'contact.discreet-reminder' }] })];
  const contacts = [
    { contactId: 500, name: '王芳', relation: 'friend', usable: false },
    { contactId: 501, name: '李娜', relation: 'spouse', usable: true },
    { contactId: 502, name: '赵强', relation: 'sibling', usable: true },
  ];
  const [a] = run({ emergencyContacts: contacts }, ladder).actions;
  assert.deepEqual([a.kind, a.party, a.channel, a.emergencyContactId, a.contactPointId, a.needsApproval], ['contact_outreach', 'emergency_contact', 'call', 501, null, true]);
  assert.deepEqual(a.payload, { contactName: '李娜', borrowerName: '张伟', callbackReference: 'B7' });

  const none = run({ emergencyContacts: contacts.slice(0, 1) }, ladder);
  assert.equal(traceOf(none).reason, 'dpd 5 in window 1+; nothing possible: contact_outreach: no usable emergency contact');

  const message = run({}, [step({ actions: [{ kind: 'message', channel: 'sms', template: 'contact.x', party: 'emergency_contact' }] })]).actions[0];
  assert.equal(message.needsApproval, true, 'a message to a third party is outreach too');
  assert.deepEqual(Object.keys(message.payload).sort(), ['borrowerName', 'callbackReference', 'contactName']);
});

test('an action that cannot be planned is skipped with its reason and keeps the others’ indexes', () => {
  const ladder = [step({ actions: [SMS, { kind: 'call_task', queue: 'early', priority: 3 }] })];
  const e = run({ channels: { sms: { reachable: false } } }, ladder);
  assert.equal(e.actions.length, 1);
  assert.equal(e.actions[0].idempotencyKey, '70:s/st:2024-03-10:1');
  assert.deepEqual([e.actions[0].kind, e.actions[0].channel, e.actions[0].payload.queue, e.actions[0].payload.priority], ['call_task', 'call', 'early', 3]);
  assert.match(traceOf(e).reason, /skipped message: sms unreachable/);
  const nothing = run({ channels: { sms: { reachable: false }, call: { reachable: false } } }, ladder);
  assert.equal(traceOf(nothing).fired, false);
});

test('approvals: settlement offers and requireApproval; offers, placements and referrals without a channel', () => {
  const actions = [
    { kind: 'arrangement_offer', kinds: ['extension', 'reinstalment'] },
    { kind: 'arrangement_offer', kinds: ['settlement'] },
    { kind: 'agency_placement', agency: 'acme', days: 60 },
    { kind: 'legal_referral', route: 'lawyers_letter', requireApproval: true },
    { kind: 'escalation_notice', channel: 'email', template: 'cn.notice.escalation' },
  ];
  const e = run({}, [step({ actions })]);
  assert.deepEqual(
    e.actions.map((a) => [a.kind, a.channel, a.needsApproval]),
    [
      ['arrangement_offer', null, false],
      ['arrangement_offer', null, true],
      ['agency_placement', null, false],
      ['legal_referral', null, true],
      ['escalation_notice', 'email', false],
    ],
  );
  assert.equal(e.actions[0].payload.offerKinds, 'extension,reinstalment');
  assert.deepEqual([e.actions[2].payload.agency, e.actions[2].payload.placementDays], ['acme', 60]);
  assert.equal(e.actions[3].payload.legalRoute, 'lawyers_letter');
});

test('an adaptive channel records its choice in the reason', () => {
  const ladder = [step({ actions: [{ kind: 'message', channels: { prefer: ['sms', 'call'], moveOnAfterNoResponseDays: 3 }, template: 't.x' }] })];
  const [a] = run({ channels: { sms: { firstContactOn: '2024-03-07' } } }, ladder).actions;
  assert.equal(a.channel, 'call');
  assert.equal(a.reason.channelChoice, 'sms: no response for 3 days → call');
});

test('shared ladder steps run in whichever segment the account is in, and every step leaves a trace', () => {
  const doc = {
    kind: 'strategy',
    id: 's',
    name: 'S',
    segments: [
      { id: 'one', when: { repeat: true }, ladder: [step({ id: 'a', on: { dpd: { min: 30 } } })] },
      { id: 'two', ladder: [step({ id: 'b' })] },
    ],
    sharedLadder: [step({ id: 'shared', on: { event: 'contact_changed' } })],
  };
  const set = makeStrategySet([doc]);
  const facts = makeFacts({ isRepeat: true, events: [{ eventId: 3, kind: 'contact_changed', occurredOn: '2024-03-10' }] });
  const e = evaluateAccount(facts, set);
  assert.deepEqual(e.steps.map((s) => [s.segmentId, s.stepId, s.fired]), [['one', 'a', false], ['one', 'shared', true]]);
  assert.equal(e.actions[0].segmentId, 'one');
  const other = evaluateAccount(makeFacts(), set);
  assert.deepEqual(other.steps.map((s) => s.stepId), ['b', 'shared']);
});

test('action reasons list the segment and step conditions that held and the trigger', () => {
  const doc = { kind: 'strategy', id: 's', name: 'S', segments: [{ id: 'seg', when: { dpd: { max: 30 } }, ladder: [step({ when: { riskBand: ['medium', 'high'] } })] }] };
  const [a] = evaluateAccount(makeFacts(), makeStrategySet([doc])).actions;
  assert.deepEqual(a.reason.conditions, ['dpd ≤ 30', 'riskBand=medium|high', 'dpd 5 in window 1+']);
  assert.equal(a.reason.summary, 's v1 (champion) seg/st: dpd 5 in window 1+');
});

test('reasons that read the same are one shared, frozen object; those of an event or another DPD are their own', () => {
  const set = makeStrategySet([strategy([step(), step({ id: 'ev', on: { event: 'promise_broken' } })])]);
  const first = evaluateAccount(makeFacts({ loanId: 1, dpd: 5 }), set).actions[0];
  const second = evaluateAccount(makeFacts({ loanId: 2, dpd: 5 }), set).actions[0];
  const later = evaluateAccount(makeFacts({ loanId: 3, dpd: 6 }), set).actions[0];
  assert.notEqual(first.idempotencyKey, second.idempotencyKey);
  assert.equal(first.reason, second.reason, 'the same words: one object');
  assert.ok(Object.isFrozen(first.reason) && Object.isFrozen(first.reason.conditions));
  assert.notEqual(later.reason, first.reason);
  assert.equal(later.reason.summary, 's v1 (champion) seg/st: dpd 6 in window 1+');
  const events = (loanId: number, eventId: number) => evaluateAccount(makeFacts({ loanId, dpd: 5, events: [{ eventId, kind: 'promise_broken', occurredOn: '2024-03-10' }] }), set)
    .actions.find((x) => x.stepId === 'ev')!.reason;
  assert.notEqual(events(4, 7), events(5, 7), 'an event step\'s reason names its event: never shared');
  assert.equal(events(6, 8).eventId, 8);
});

test('the DPD from which emergency contacts can matter: a step from its window, a segment, route, event or pre-due step for all', () => {
  const toContact = { kind: 'contact_outreach', channel: 'sms', template: 'contact.pass-message' };
  const stepOn = (id: string, on: unknown, extra: Record<string, unknown> = {}) => ({ id, on, actions: [{ kind: 'message', channel: 'sms', template: 'cn.reminder.gentle' }], ...extra });
  const from = (segments: unknown[], routes?: unknown[]) => scopeOf(makeStrategySet([{ ...strategy([]), segments }], routes)).emergencyContactsFromDpd;
  assert.equal(from([{ id: 'g', ladder: [stepOn('a', { dpd: { min: 1 } })] }]), null);
  assert.equal(from([{ id: 'g', ladder: [stepOn('a', { dpd: { min: 1 } }), stepOn('b', { dpd: { min: 12 } }, { actions: [toContact] }), stepOn('c', { dpd: { min: 9, afterGrace: true } }, { when: { hasUsableEmergencyContact: true } })] }]), 9);
  assert.equal(from([{ id: 'g', ladder: [stepOn('b', { dpd: { min: 12 } }, { when: { anyOf: [{ riskBand: ['high'] }, { hasUsableEmergencyContact: false }] } })] }]), 12);
  assert.equal(from([{ id: 'g', ladder: [stepOn('b', { dpd: { min: 12 } }, { actions: [toContact] }), stepOn('e', { event: 'promise_broken' }, { actions: [toContact] })] }]), 0);
  assert.equal(from([{ id: 'g', ladder: [stepOn('p', { preDueDays: { min: 1, max: 2 } }, { when: { hasUsableEmergencyContact: true } })] }]), 0);
  assert.equal(from([{ id: 'g', when: { hasUsableEmergencyContact: false }, ladder: [stepOn('a', { dpd: { min: 40 } })] }]), 0);
  assert.equal(from([{ id: 'g', ladder: [stepOn('a', { dpd: { min: 40 } }, { actions: [toContact] })] }],
    [{ id: 'r', when: { hasUsableEmergencyContact: true }, arms: [{ strategy: 's', percent: 100 }] }]), 0);
});
