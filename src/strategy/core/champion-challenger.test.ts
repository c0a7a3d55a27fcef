import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignArm } from './champion-challenger.ts';
import { evaluateAccount } from './evaluate.ts';
import { makeFacts, makeStrategySet } from './test-facts.ts';

const strategy = (id: string) => ({ kind: 'strategy', id, name: id, segments: [{ id: 'all', ladder: [{ id: 'sms', on: { dpd: { min: 1 } }, actions: [{ kind: 'message', channel: 'sms', template: 't.x' }] }] }] });
const split = (arms: Array<{ strategy: string; percent: number; arm?: string }>) => makeStrategySet(arms.map((a) => strategy(a.strategy)), [{ id: 'r', arms }]);
const keys = Array.from({ length: 10_000 }, (_, i) => `L-${String(i).padStart(7, '0')}`);

test('an 80/20 split puts about 80 % of 10,000 accounts in the champion arm', () => {
  const set = split([
    { strategy: 'champ', percent: 80, arm: 'champion' },
    { strategy: 'chall', percent: 10, arm: 'challenger' },
    { strategy: 'third', percent: 10, arm: 'third' },
  ]);
  const counts = new Map<string, number>();
  for (const key of keys) {
    const { arm } = assignArm(key, set.routes[0]);
    counts.set(arm, (counts.get(arm) ?? 0) + 1);
  }
  assert.ok(Math.abs(counts.get('champion')! - 8_000) < 200, `champion ${counts.get('champion')}`);
  assert.ok(Math.abs(counts.get('challenger')! - 1_000) < 100, `challenger ${counts.get('challenger')}`);
  assert.ok(Math.abs(counts.get('third')! - 1_000) < 100, `third ${counts.get('third')}`);
});

test('the assignment is stable: same account, same arm, on every run and machine', () => {
  const route = split([
    { strategy: 'champ', percent: 50, arm: 'champion' },
    { strategy: 'chall', percent: 50, arm: 'challenger' },
  ]).routes[0];
  // Pinned values: a change of the hash or of its input would silently reshuffle live experiments.
  assert.deepEqual(assignArm('L-0000070', route), { strategyId: 'champ', arm: 'champion', basisPoint: 1708 });
  assert.deepEqual(assignArm('L-0000071', route), { strategyId: 'chall', arm: 'challenger', basisPoint: 9327 });
  const again = keys.slice(0, 500).map((k) => assignArm(k, route).arm);
  assert.deepEqual(keys.slice(0, 500).map((k) => assignArm(k, route).arm), again);
});

test('moving the split only moves accounts at the boundary', () => {
  const before = split([{ strategy: 'champ', percent: 80 }, { strategy: 'chall', percent: 20, arm: 'challenger' }]).routes[0];
  const after = split([{ strategy: 'champ', percent: 70 }, { strategy: 'chall', percent: 30, arm: 'challenger' }]).routes[0];
  for (const key of keys) {
    const [b, a] = [assignArm(key, before).arm, assignArm(key, after).arm];
    if (b === 'challenger') assert.equal(a, 'challenger', key);
  }
});

test('every planned action records the arm, strategy and version the account was assigned', () => {
  const set = split([
    { strategy: 'champ', percent: 50, arm: 'champion' },
    { strategy: 'chall', percent: 50, arm: 'challenger' },
  ]);
  const e = evaluateAccount(makeFacts({ accountKey: 'L-0000071' }), set);
  assert.deepEqual([e.strategyId, e.strategyVersion, e.arm], ['chall', 1, 'challenger']);
  assert.deepEqual([e.actions[0].strategyId, e.actions[0].strategyVersion, e.actions[0].arm], ['chall', 1, 'challenger']);
});
