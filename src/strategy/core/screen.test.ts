import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateAccount } from './evaluate.ts';
import { mayAct } from './screen.ts';
import { makeFacts, makeStrategySet, randomFacts, withContactFactsGuarded, type FactsOverrides } from './test-facts.ts';
import { AccountView, compileConditions, type Check } from './conditions.ts';
import type { Conditions } from './schema.ts';

const SMS = { kind: 'message', channel: 'sms', template: 'cn.reminder.gentle' };
const strategy = (segments: unknown[], extra: Record<string, unknown> = {}) => ({ kind: 'strategy', id: 's', name: 'S', segments, ...extra });
let stepNo = 0;
const ladder = (...steps: Array<Record<string, unknown>>) => steps.map((s) => ({ id: `st${stepNo++}`, on: { dpd: { min: 1 } }, actions: [SMS], ...s }));

/** The screen's answer and the evaluator's, for one account under one strategy document. */
function both(doc: unknown, facts: FactsOverrides, routes?: unknown[]) {
  const set = makeStrategySet([doc], routes);
  const f = makeFacts(facts);
  return { may: mayAct(withContactFactsGuarded(f), set), acts: evaluateAccount(f, set).actions.length > 0 };
}

test('every condition filed as reading the account alone reads no contact fact', () => {
  // Every condition kind (the type makes the list complete), anyOf both ways.
  const every: Required<Conditions> = {
    product: ['wallet-credit-line'], jurisdiction: ['CN'], bucket: ['M1'], dpd: { min: 1 }, preDueDays: { min: 1, max: 3 },
    overdueAmount: { min: '10' }, outstandingAmount: { max: '1000' }, repeat: true, riskBand: ['low'], reachable: ['sms'], unreachable: ['call'],
    lost: true, failedAttempts: { channel: 'sms', min: 1 }, attitude: ['poor'], brokenPromises: { min: 1 }, keptPromises: { min: 1 },
    refusals: { min: 1 }, flags: { any: ['dispute'], none: ['cease'] }, daysSinceLastContact: { min: 2 }, hasArrangement: true,
    promiseInForce: true, hasUsableEmergencyContact: true, anyOf: [{ dpd: { min: 3 } }, { riskBand: ['high'] }],
  };
  const checks = [...compileConditions(every), ...compileConditions({ anyOf: [{ dpd: { min: 3 } }, { refusals: { min: 1 } }] })];
  assert.equal(checks.length, Object.keys(every).length + 1);
  const onAccount = checks.filter((c) => c.reads === 'account').map((c) => c.label.split(/[ =]/)[0]);
  assert.deepEqual(onAccount, [
    'product', 'jurisdiction', 'bucket', 'dpd', 'preDueDays', 'overdueAmount', 'outstandingAmount', 'repeat', 'riskBand',
    'brokenPromises', 'keptPromises', 'flags', 'daysSinceLastContact', 'promiseInForce', 'any',
  ]);
  for (const overrides of [{}, { dpd: 0, nextDueDate: null, lastContactOn: '2024-03-01', flags: ['dispute' as const] }]) {
    const view = new AccountView(withContactFactsGuarded(makeFacts(overrides)));
    for (const check of checks.filter((c) => c.reads === 'account')) {
      assert.doesNotThrow(() => [check.test(view), check.actual(view)], check.label);
    }
  }
});

test('the screen rules out an account whose every step waits on its cadence, and lets it through once one is due', () => {
  const doc = strategy([{ id: 'seg', ladder: ladder({ id: 'sms', every: 3 }, { id: 'letter', every: 5, actions: [{ kind: 'message', channel: 'letter', template: 'cn.letter' }] }) }]);
  const waiting = { asOf: '2024-03-10', stepHistory: { 's/sms': { lastFiredOn: '2024-03-09', timesInEpisode: 1 }, 's/letter': { lastFiredOn: '2024-03-07', timesInEpisode: 1 } } };
  assert.deepEqual(both(doc, waiting), { may: false, acts: false });
  const due = { ...waiting, stepHistory: { ...waiting.stepHistory, 's/sms': { lastFiredOn: '2024-03-07', timesInEpisode: 1 } } };
  assert.deepEqual(both(doc, due), { may: true, acts: true });
});

test('outside every window, inside grace, or on hold: ruled out', () => {
  const doc = strategy([{ id: 'seg', ladder: ladder({ on: { dpd: { min: 1, max: 3, afterGrace: true } } }, { on: { preDueDays: { min: 1, max: 2 } } }) }]);
  assert.deepEqual(both(doc, { dpd: 9 }), { may: false, acts: false });
  assert.deepEqual(both(doc, { dpd: 2, graceDays: 3 }), { may: false, acts: false });
  assert.deepEqual(both(doc, { dpd: 2, flags: ['dispute'] }), { may: false, acts: false });
  assert.deepEqual(both(doc, { dpd: 0, nextDueDate: '2024-03-15' }), { may: false, acts: false });
  assert.deepEqual(both(doc, { dpd: 0, nextDueDate: '2024-03-12' }), { may: true, acts: true });
});

test('a promise in force rules out the steps it stops, and only those; a promise past its day does not', () => {
  const promised = { asOf: '2024-03-10', dpd: 12, promises: { kept: 0, broken: 0, open: { dueOn: '2024-03-14', amountMinor: 5000 } } };
  const stopped = strategy([{ id: 'seg', ladder: ladder({ stopWhen: ['paid', 'promise_in_force'] }, { id: 'firm', on: { dpd: { min: 30 } } }) }]);
  assert.deepEqual(both(stopped, promised), { may: false, acts: false });
  assert.deepEqual(both(stopped, { ...promised, promises: { kept: 0, broken: 1, open: { dueOn: '2024-03-09', amountMinor: 5000 } } }), { may: true, acts: true });
  const unstopped = strategy([{ id: 'seg', ladder: ladder({ stopWhen: ['paid'] }) }]);
  assert.deepEqual(both(unstopped, promised), { may: true, acts: true });
  // A condition on promises is settled from the account facts too.
  const onBroken = strategy([{ id: 'seg', ladder: ladder({ when: { brokenPromises: { min: 1 } }, stopWhen: ['paid'] }) }]);
  assert.deepEqual(both(onBroken, promised), { may: false, acts: false });
});

test('conditions on contact facts count as possibly met, whatever the contact facts are', () => {
  const doc = strategy([
    { id: 'poor', when: { attitude: ['poor'] }, ladder: ladder({ id: 'firm', on: { dpd: { min: 30 } } }) },
    { id: 'rest', ladder: ladder({ on: { dpd: { min: 1, max: 10 } }, when: { reachable: ['sms'] } }) },
  ]);
  // dpd 35: only the poor segment's step can fire, and only if the borrower's attitude is poor.
  assert.deepEqual(both(doc, { dpd: 35, refusals: 1 }), { may: true, acts: true });
  assert.deepEqual(both(doc, { dpd: 35 }), { may: true, acts: false });
  // dpd 20: neither segment has a step whose window is open.
  assert.deepEqual(both(doc, { dpd: 20, refusals: 1 }), { may: false, acts: false });
  // dpd 5, unreachable on SMS: the step's window is open, its condition unknown to the screen.
  assert.deepEqual(both(doc, { dpd: 5, channels: { sms: { reachable: false } } }), { may: true, acts: false });
});

test('a step whose every action goes to the borrower through channels without a contact point is ruled out', () => {
  const EMAIL = { kind: 'message', channel: 'email', template: 'cn.reminder.gentle' };
  const byPreference = { kind: 'message', channels: { prefer: ['email', 'push'] }, template: 'cn.reminder.gentle' };
  const call = { kind: 'call_task', queue: 'q', template: 'script.wallet.gentle' };
  const noEmail = { channels: { email: { reachable: false, contactPointId: null } } } as const;
  const noEmailNorPush = { channels: { email: { reachable: false, contactPointId: null }, push: { reachable: false, contactPointId: null } } } as const;
  const only = (...actions: unknown[]) => strategy([{ id: 'seg', ladder: ladder({ actions }) }]);
  assert.deepEqual(both(only(EMAIL), noEmail), { may: false, acts: false });
  assert.deepEqual(both(only(EMAIL), {}), { may: true, acts: true });
  // A point that keeps failing: the screen cannot know, the contact facts decide.
  assert.deepEqual(both(only(EMAIL), { channels: { email: { reachable: false } } }), { may: true, acts: false });
  assert.deepEqual(both(only(byPreference), noEmail), { may: true, acts: true });
  assert.deepEqual(both(only(byPreference), noEmailNorPush), { may: false, acts: false });
  // Another action of the step, one without a channel, or one to an emergency contact: possible.
  assert.deepEqual(both(only(EMAIL, SMS), noEmail), { may: true, acts: true });
  assert.deepEqual(both(only(EMAIL, call), noEmail), { may: true, acts: true });
  const toContact = { kind: 'message', channel: 'sms', party: 'emergency_contact', template: 'cn.contact.callback', requireApproval: true };
  assert.deepEqual(both(only(toContact), { channels: { sms: { reachable: false, contactPointId: null }, call: { reachable: false, contactPointId: null } } }).may, true);
});

test('a segment that surely applies hides the ones after it; anyOf settles when one alternative surely holds', () => {
  const doc = strategy([
    { id: 'big', when: { anyOf: [{ overdueAmount: { min: '1000' } }, { attitude: ['poor'] }] }, ladder: ladder({ on: { dpd: { min: 40 } } }) },
    { id: 'any', ladder: ladder({ on: { dpd: { min: 1 } } }) },
  ]);
  assert.deepEqual(both(doc, { dpd: 5, overdueMinor: 200_000 }), { may: false, acts: false });
  // Small amount: whether "big" applies depends on the attitude, so the next segment may run.
  assert.deepEqual(both(doc, { dpd: 5, overdueMinor: 50_000 }), { may: true, acts: true });
});

test('a route chosen by contact facts lets the account through; no route rules it out', () => {
  const doc = strategy([{ id: 'seg', ladder: ladder({ on: { dpd: { min: 90 } } }) }]);
  const byAttitude = [{ id: 'poor', when: { attitude: ['poor'] }, arms: [{ strategy: 's', percent: 100 }] }];
  assert.equal(both(doc, { dpd: 5 }, byAttitude).may, true);
  const otherProduct = [{ id: 'shop', when: { product: ['shop-instalment'] }, arms: [{ strategy: 's', percent: 100 }] }];
  assert.deepEqual(both(doc, { dpd: 95 }, otherProduct), { may: false, acts: false });
});

test('a condition filed as reading the account alone that reads contact facts fails loudly', () => {
  const set = makeStrategySet([strategy([{ id: 'seg', when: { refusals: { max: 0 } }, ladder: ladder({}) }])]);
  const segment = set.strategies.get('s')!.segments[0];
  (segment.checks[0] as Check).reads = 'account';
  assert.throws(() => mayAct(withContactFactsGuarded(makeFacts({ dpd: 3 })), set), /screen: refusals is a contact fact/);
});

test('a ladder whose segments and steps hinge on contact facts: every account acted on passes the screen (20,000 random accounts)', () => {
  const doc = strategy([
    { id: 'poor', when: { attitude: ['poor'], dpd: { min: 20 } }, ladder: [{ id: 'firm', on: { dpd: { min: 20 } }, every: 2, actions: [SMS] }] },
    { id: 'lost', when: { lost: true }, ladder: [{ id: 'letter', on: { dpd: { min: 5 } }, every: 7, actions: [{ kind: 'message', channel: 'letter', template: 'cn.letter' }] }] },
    { id: 'kept', when: { anyOf: [{ keptPromises: { min: 1 } }, { riskBand: ['low'] }] }, ladder: [{ id: 'soft', on: { dpd: { min: 1 } }, every: 5, actions: [SMS] }] },
    {
      id: 'rest',
      ladder: [
        { id: 'sms', on: { dpd: { min: 1, max: 30, afterGrace: true } }, every: 3, when: { reachable: ['sms'] }, actions: [SMS] },
        { id: 'pre', on: { preDueDays: { min: 1, max: 3 } }, actions: [SMS] },
        { id: 'quiet', on: { dpd: { min: 31 } }, every: 4, stopWhen: ['paid', 'promise_in_force', 'hold'], actions: [SMS] },
        { id: 'inbox', on: { dpd: { min: 1, max: 60 } }, every: 2, actions: [{ kind: 'message', channels: { prefer: ['inapp', 'email'] }, template: 'cn.reminder.gentle' }] },
      ],
    },
  ], { defaults: { quiet: { afterResponseDays: 3 } } });
  const set = makeStrategySet([doc]);
  const keys = ['s/firm', 's/letter', 's/soft', 's/sms', 's/pre', 's/quiet', 's/inbox'];
  let idle = 0;
  let screenedOut = 0;
  for (let seed = 1; seed <= 20_000; seed++) {
    const facts = randomFacts(seed, keys);
    const may = mayAct(withContactFactsGuarded(facts), set);
    if (evaluateAccount(facts, set).actions.length > 0) assert.ok(may, `account ${seed} is acted on but was screened out`);
    else if (!may) screenedOut++;
    else idle++;
  }
  assert.ok(screenedOut > 1_000 && idle > 1_000, `screened out ${screenedOut}, idle but let through ${idle}`);
});
