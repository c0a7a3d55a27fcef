import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { loadStrategyDirectory, type LoadedStrategySet } from './load-strategies.ts';
import { contentHash, listVersions, loadActiveSet, loadVersion, saveAndActivate } from './strategy-store.ts';
import { evaluateAccount } from './core/evaluate.ts';
import { makeFacts } from './core/test-facts.ts';

const SHIPPED = new URL('../../strategies/', import.meta.url).pathname;
let database: TestDatabase;
let scratch: string;

before(async () => {
  database = await openTestDatabase();
  scratch = mkdtempSync(join(tmpdir(), 'overdue-store-'));
});
after(async () => {
  await database.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of the shipped directory with one file rewritten, loaded (it must validate). */
function variant(name: string, edit?: { file: string; change: (text: string) => string }): LoadedStrategySet {
  const dir = join(scratch, name);
  cpSync(SHIPPED, dir, { recursive: true });
  if (edit) writeFileSync(join(dir, edit.file), edit.change(readFileSync(join(dir, edit.file), 'utf8')));
  const loaded = loadStrategyDirectory(dir);
  assert.ok(loaded.ok, `${name} should validate`);
  return loaded.value;
}
const versionsOf = (r: { versions: Array<{ strategyId: string; version: number; changed: boolean }> }) =>
  Object.fromEntries(r.versions.map((v) => [v.strategyId, `v${v.version}${v.changed ? ' new' : ''}`]));

test('the content hash ignores key order but not content', () => {
  assert.equal(contentHash({ a: 1, b: [1, { c: 2, d: 3 }] }), contentHash({ b: [1, { d: 3, c: 2 }], a: 1 }));
  assert.notEqual(contentHash({ a: [1, 2] }), contentHash({ a: [2, 1] }));
});

test('versions and activations: new version only for changed content, the active set follows', async () => {
  const { db } = database;
  assert.equal(await loadActiveSet(db), null, 'nothing active on a fresh database');

  const first = await saveAndActivate(db, variant('v1'), { activatedBy: 'alice' });
  assert.deepEqual(versionsOf(first), { default: 'v1 new', 'wallet-000': 'v1 new', 'shop-001': 'v1 new', 'shop-001-firm': 'v1 new', 'mall-002': 'v1 new', 'app-003': 'v1 new' });
  const active = await loadActiveSet(db);
  assert.ok(active);
  assert.equal(active.activationId, first.activationId);
  assert.deepEqual([active.set.setId, active.set.setVersion, active.activation.activatedBy], ['default', 1, 'alice']);
  const e = evaluateAccount(makeFacts({ productId: 'app-instalment', dpd: 1 }), active.set);
  assert.deepEqual([e.strategyId, e.strategyVersion, e.actions[0].strategyVersion], ['app-003', 1, 1]);

  const cosmetic = variant('comments', { file: '003-app-instalment.yaml', change: (t) => `# a new comment\n${t.replaceAll('{ ', '{  ')}` });
  const same = await saveAndActivate(db, cosmetic, { activatedBy: 'bob' });
  assert.ok(Object.values(versionsOf(same)).every((v) => v === 'v1'), 'comments and spacing are no change');
  assert.ok(same.activationId > first.activationId);

  const changed = variant('v2', { file: '003-app-instalment.yaml', change: (t) => t.replace('every: 2\n', 'every: 3\n') });
  const second = await saveAndActivate(db, changed, { activatedBy: 'bob' });
  assert.equal(versionsOf(second)['app-003'], 'v2 new');
  assert.equal(versionsOf(second)['default'], 'v1');
  const now = (await loadActiveSet(db))!;
  assert.deepEqual(now.set.members.find((m) => m.strategyId === 'app-003'), { strategyId: 'app-003', version: 2 });
  assert.equal(evaluateAccount(makeFacts({ productId: 'app-instalment', dpd: 1 }), now.set).strategyVersion, 2);

  const latest = await loadVersion(db, 'app-003');
  const older = await loadVersion(db, 'app-003', 1);
  assert.deepEqual([latest?.version, older?.version, older?.kind], [2, 1, 'strategy']);
  assert.match(older!.source, /003-app-instalment\.yaml$/);
  assert.equal((latest!.content as { segments: Array<{ ladder: Array<{ every?: number }> }> }).segments[0].ladder[0].every, 3);
  assert.equal(await loadVersion(db, 'app-003', 9), null);

  const listed = await listVersions(db);
  assert.deepEqual(listed.filter((v) => v.strategyId === 'app-003').map((v) => v.version), [2, 1]);
  assert.equal(listed.length, 7);

  // Going back to the first content is a change too: it becomes v3, history stays intact.
  const back = await saveAndActivate(db, variant('back'), { activatedBy: 'carol' });
  assert.equal(versionsOf(back)['app-003'], 'v3 new');
});

test('concurrent activations of the same change create one new version', async () => {
  const { db } = database;
  const change = variant('concurrent', { file: '002-mall-instalment.yaml', change: (t) => t.replace('days: 60', 'days: 45') });
  const before = (await loadVersion(db, 'mall-002'))!.version;
  const results = await Promise.all([saveAndActivate(db, change, { activatedBy: 'x' }), saveAndActivate(db, change, { activatedBy: 'y' })]);
  assert.deepEqual(results.map((r) => versionsOf(r)['mall-002']).sort(), [`v${before + 1}`, `v${before + 1} new`]);
});

test('an activation whose stored content no longer validates fails loudly, naming it', async () => {
  const other = await openTestDatabase();
  try {
    await saveAndActivate(other.db, variant('broken'), { activatedBy: 'x' });
    await other.db
      .updateTable('strategy_versions')
      .set({ content: JSON.stringify({ kind: 'strategy', id: 'app-003', name: 'x', segments: [] }) })
      .where('strategy_id', '=', 'app-003')
      .execute();
    await assert.rejects(loadActiveSet(other.db), /stored strategy app-003 v1 no longer validates: .*segments: expected at least one segment/);
  } finally {
    await other.close();
  }
});
