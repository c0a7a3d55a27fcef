import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleBundle, validateDocument, type ValidatedDocument } from './validate.ts';

const step = { id: 'st', on: { dpd: { min: 1 } }, actions: [{ kind: 'message', channel: 'sms', template: 't.x' }] };
const strategy = (over: Record<string, unknown> = {}) => ({ kind: 'strategy', id: 's', name: 'S', segments: [{ id: 'seg', ladder: [step] }], ...over });
const set = (arms: unknown[]) => ({ kind: 'set', id: 'main', name: 'Main', routes: [{ id: 'all', arms }] });

/** "path: message" lines of a document's errors. */
function problems(raw: unknown): string[] {
  const r = validateDocument('f.yaml', raw);
  if (r.ok) return [];
  for (const e of r.errors) assert.equal(e.file, 'f.yaml');
  return r.errors.map((e) => `${e.path}: ${e.message}`);
}

test('valid documents pass and get their defaults', () => {
  const r = validateDocument('f.yaml', set([{ strategy: 's', percent: 100 }]));
  assert.ok(r.ok);
  assert.equal(r.value.kind === 'set' && r.value.routes[0].arms[0].arm, 'champion');
  assert.deepEqual(problems(strategy()), []);
});

test('a file with several errors reports all of them, each with its path and what was expected', () => {
  const raw = {
    kind: 'strategy',
    id: 'Bad Id',
    name: '',
    colour: 'red',
    defaults: { stopWhen: ['paid', 'asleep'], quiet: { afterResponseDays: 0 } },
    segments: [
      {
        id: 'a',
        when: { dpd: { min: 10, max: 5 }, overdueAmount: { min: 500 }, attitude: ['grumpy'], flags: {} },
        ladder: [
          {
            id: 'x',
            on: { dpd: { min: 0 }, event: 'promise_broken' },
            every: 1.5,
            actions: [
              { kind: 'mesage' },
              { kind: 'message', channel: 'fax', template: 'Bad Template' },
              { kind: 'message', channel: 'sms', channels: { prefer: ['sms'] }, template: 't.x' },
              { kind: 'message', channel: 'email', template: 't.x', party: 'emergency_contact' },
              { kind: 'contact_outreach', channel: 'email', template: 't.x' },
              { kind: 'arrangement_offer', kinds: ['extension', 'extension'], channel: 'sms' },
              { kind: 'call_task', priority: 10 },
            ],
          },
        ],
      },
      { id: 'a', ladder: [{ ...step, on: { preDueDays: { min: 3, max: 1 } }, maxTimes: 2 }, { ...step, actions: [] }] },
    ],
  };
  assert.deepEqual(problems(raw), [
    'id: expected an id of lower-case letters, digits and "-", got "Bad Id"',
    'name: expected a non-empty text, got ""',
    'defaults.stopWhen[1]: expected one of paid, promise_in_force, arrangement_kept, hold, got "asleep"',
    'defaults.quiet.afterResponseDays: expected ≥ 1, got 0',
    'segments[0].when.dpd.max: expected max ≥ min (10)',
    'segments[0].when.overdueAmount.min: expected a decimal amount in major units, in quotes, like "500.00", got 500',
    'segments[0].when.attitude[0]: expected one of cooperative, neutral, poor, silent, got "grumpy"',
    'segments[0].when.flags: expected any, none or both',
    'segments[0].ladder[0].on.dpd.min: expected ≥ 1, got 0',
    'segments[0].ladder[0].on: expected exactly one of dpd, preDueDays, event',
    'segments[0].ladder[0].every: expected a whole number, got 1.5',
    'segments[0].ladder[0].actions[0].kind: expected one of message, call_task, contact_outreach, escalation_notice, arrangement_offer, agency_placement, legal_referral, got "mesage"',
    'segments[0].ladder[0].actions[1].channel: expected one of sms, call, email, push, inapp, letter, got "fax"',
    'segments[0].ladder[0].actions[1].template: expected a template id like "cn.reminder.gentle", got "Bad Template"',
    'segments[0].ladder[0].actions[2].channels: expected either channel or channels, not both',
    'segments[0].ladder[0].actions[3].channel: expected channel sms or call for an emergency contact (a phone number is all we hold)',
    'segments[0].ladder[0].actions[4].channel: expected one of sms, call, got "email"',
    'segments[0].ladder[0].actions[5].kinds[1]: duplicate entry "extension"',
    'segments[0].ladder[0].actions[5].template: expected a template for an offer sent on a channel',
    'segments[0].ladder[0].actions[6].queue: required: expected a text',
    'segments[0].ladder[0].actions[6].priority: expected 1–9, got 10',
    'segments[1].ladder[0].on.preDueDays.max: expected max ≥ min',
    'segments[1].ladder[0].maxTimes: maxTimes does not apply to a pre-due step (it fires once per due date, or every N days inside its window)',
    'segments[1].ladder[1].actions: expected at least one action',
    'colour: unknown field',
    'segments[1].id: duplicate segment id "a" (first at segments[0])',
    'segments[1].ladder[1].id: duplicate step id "st" (first at segments[1].ladder[0])',
  ]);
});

test('unknown kind and missing required fields say what is expected', () => {
  assert.deepEqual(problems({ id: 'x' }), ['kind: required: expected one of set, strategy']);
  assert.deepEqual(problems('just text'), [': expected a mapping, got "just text"']);
  assert.deepEqual(problems({ kind: 'strategy', id: 's', name: 'S', segments: [] }), ['segments: expected at least one segment']);
  assert.deepEqual(problems({ kind: 'strategy', id: 's', name: 'S', segments: [{ id: 'a', ladder: [{ id: 'b', on: {}, actions: [{ kind: 'legal_referral', route: 'court' }] }] }] }), [
    'segments[0].ladder[0].on: expected exactly one of dpd, preDueDays, event',
    'segments[0].ladder[0].actions[0].route: expected one of lawyers_letter, lawsuit, got "court"',
  ]);
});

test('set files: arms sum to 100 with at most two decimals, names and route ids unique', () => {
  assert.deepEqual(problems(set([{ strategy: 'a', percent: 80 }, { strategy: 'b', percent: 10, arm: 'challenger' }])), ['routes[0].arms: expected arm percentages summing to 100, got 90']);
  assert.deepEqual(problems(set([{ strategy: 'a', percent: 33.333 }, { strategy: 'b', percent: 66.667, arm: 'b' }])), [
    'routes[0].arms[0].percent: expected at most two decimals, got 33.333',
    'routes[0].arms[1].percent: expected at most two decimals, got 66.667',
  ]);
  assert.deepEqual(problems(set([{ strategy: 'a', percent: 50 }, { strategy: 'b', percent: 50 }])), ['routes[0].arms[1].arm: duplicate arm name "champion"']);
  assert.deepEqual(problems(set([{ strategy: 'a', percent: 0 }, { strategy: 'b', percent: 100, arm: 'b' }])), ['routes[0].arms[0].percent: expected > 0, got 0']);
  assert.deepEqual(problems(set([{ strategy: 'a', percent: 66.67 }, { strategy: 'b', percent: 33.33, arm: 'b' }])), []);
  const twoRoutes = { ...set([{ strategy: 'a', percent: 100 }]), routes: [{ id: 'r', arms: [{ strategy: 'a', percent: 100 }] }, { id: 'r', arms: [{ strategy: 'a', percent: 100 }] }] };
  assert.deepEqual(problems(twoRoutes), ['routes[1].id: duplicate route id "r" (first at routes[0])']);
});

function bundle(...docs: Array<[string, unknown]>) {
  const validated: ValidatedDocument[] = docs.map(([file, raw]) => {
    const r = validateDocument(file, raw);
    assert.ok(r.ok, file);
    return { file, document: r.value };
  });
  return assembleBundle(validated);
}

test('across files: one set, unique ids, every arm names a strategy here, every strategy routed', () => {
  assert.ok(bundle(['set.yaml', set([{ strategy: 's', percent: 100 }])], ['s.yaml', strategy()]).ok);
  const r = bundle(
    ['set.yaml', set([{ strategy: 'missing', percent: 50 }, { strategy: 'other', percent: 50, arm: 'b' }])],
    ['other-set.yaml', { ...set([{ strategy: 's', percent: 100 }]), id: 'other' }],
    ['s.yaml', strategy()],
    ['s2.yaml', strategy()],
  );
  assert.ok(!r.ok);
  assert.deepEqual(
    r.errors.map((e) => `${e.file} ${e.path}: ${e.message}`),
    [
      'other-set.yaml kind: expected one set per directory, set.yaml is one already',
      's2.yaml id: duplicate id "s" (also in s.yaml)',
      'set.yaml routes[0].arms[0].strategy: expected the id of a strategy in this directory, got "missing"',
      'set.yaml routes[0].arms[1].strategy: expected a strategy, "other" is a set',
      's.yaml id: strategy "s" is not routed by set "main" (set.yaml): add a route arm or remove the file',
      's2.yaml id: strategy "s" is not routed by set "main" (set.yaml): add a route arm or remove the file',
    ],
  );
  const noSet = bundle(['s.yaml', strategy()]);
  assert.ok(!noSet.ok);
  assert.equal(noSet.errors[0].message, 'expected one file of kind "set" routing accounts to strategies, found none');
});
