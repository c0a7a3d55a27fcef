import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatStrategyError, loadStrategyDirectory, loadStrategyFile } from './load-strategies.ts';

const SHIPPED = new URL('../../strategies/', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'overdue-strategies-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A fresh directory holding the given files. */
function directory(name: string, files: Record<string, string>): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

const SET = `kind: set
id: main
name: Main
routes:
  - id: all
    arms: [{ strategy: s, percent: 100 }]
`;
const STRATEGY = `kind: strategy
id: s
name: S
segments:
  - id: seg
    ladder:
      - id: st
        on: { dpd: { min: 1 } }
        actions: [{ kind: message, channel: sms, template: t.x }]
`;

test('every shipped strategy file validates, alone and together as one set', () => {
  const files = readdirSync(SHIPPED).filter((f) => /\.ya?ml$/.test(f));
  assert.ok(files.length >= 6, files.join(', '));
  for (const file of files) {
    const r = loadStrategyFile(join(SHIPPED, file));
    assert.ok(r.ok, r.ok ? file : r.errors.map(formatStrategyError).join('\n'));
  }
  const all = loadStrategyDirectory(SHIPPED);
  assert.ok(all.ok, all.ok ? '' : all.errors.map(formatStrategyError).join('\n'));
  assert.deepEqual(all.value.set.members.map((m) => m.strategyId).sort(), ['app-003', 'mall-002', 'shop-001', 'shop-001-firm', 'wallet-000']);
  assert.deepEqual(all.value.set.routes.map((r) => [r.id, r.arms.map((a) => `${a.strategyId}:${a.arm}:${a.belowBasisPoint}`)]), [
    ['wallet', ['wallet-000:champion:10000']],
    ['shop', ['shop-001:champion:8000', 'shop-001-firm:challenger:10000']],
    ['mall', ['mall-002:champion:10000']],
    ['app', ['app-003:champion:10000']],
  ]);
});

test('errors carry the file, the line of the offending node and the path inside the file', () => {
  const dir = directory('lines', { 'set.yaml': SET, 's.yaml': STRATEGY.replace('on: { dpd: { min: 1 } }', 'on: { dpd: { min: 0 } }\n        every: often') });
  const r = loadStrategyDirectory(dir);
  assert.ok(!r.ok);
  assert.deepEqual(r.errors.map(formatStrategyError), [
    `${dir}/s.yaml:8 segments[0].ladder[0].on.dpd.min: expected ≥ 1, got 0`,
    `${dir}/s.yaml:9 segments[0].ladder[0].every: expected a number, got "often"`,
  ]);
});

test('a missing field points at the mapping that lacks it', () => {
  const dir = directory('missing', { 'set.yaml': SET, 's.yaml': STRATEGY.replace('name: S\n', '') });
  const r = loadStrategyDirectory(dir);
  assert.ok(!r.ok);
  assert.deepEqual(r.errors.map(formatStrategyError), [`${dir}/s.yaml:1 name: required: expected a text`]);
});

test('YAML syntax errors and duplicate keys are reported with their line, for every broken file', () => {
  const dir = directory('syntax', {
    'set.yaml': SET,
    'a.yaml': 'kind: strategy\nid: a\nsegments: [\n',
    'b.yaml': STRATEGY.replace('name: S', 'name: S\nname: T'),
  });
  const r = loadStrategyDirectory(dir);
  assert.ok(!r.ok);
  assert.equal(r.errors.length, 2);
  assert.match(formatStrategyError(r.errors[0]), new RegExp(`^${dir}/a\\.yaml:\\d+: not valid YAML/JSON: `));
  assert.match(formatStrategyError(r.errors[1]), new RegExp(`^${dir}/b\\.yaml:4: not valid YAML/JSON: .*unique`));
});

test('JSON files are accepted like YAML, other files are ignored', () => {
  const strategy = { kind: 'strategy', id: 's', name: 'S', segments: [{ id: 'seg', ladder: [{ id: 'st', on: { dpd: { min: 1 } }, actions: [{ kind: 'message', channel: 'sms', template: 't.x' }] }] }] };
  const dir = directory('json', { 'set.yaml': SET, 's.json': JSON.stringify(strategy, null, 2), 'README.md': '# not a strategy', 'notes.txt': 'kind: nonsense' });
  const r = loadStrategyDirectory(dir);
  assert.ok(r.ok, r.ok ? '' : r.errors.map(formatStrategyError).join('\n'));
  assert.deepEqual(r.value.documents.map((d) => d.file), [`${dir}/s.json`, `${dir}/set.yaml`]);
  assert.deepEqual(r.value.documents[0].content, strategy, 'the content kept is what the file says, without defaults');
});

test('problems across files are reported once every file is valid on its own', () => {
  const dir = directory('cross', { 'set.yaml': SET.replace('strategy: s,', 'strategy: nope,'), 's.yaml': STRATEGY });
  const r = loadStrategyDirectory(dir);
  assert.ok(!r.ok);
  assert.deepEqual(r.errors.map(formatStrategyError), [
    `${dir}/set.yaml:6 routes[0].arms[0].strategy: expected the id of a strategy in this directory, got "nope"`,
    `${dir}/s.yaml:2 id: strategy "s" is not routed by set "main" (${dir}/set.yaml): add a route arm or remove the file`,
  ]);
});

test('a path that is not a directory of strategy files is refused with a reason', () => {
  const missing = loadStrategyDirectory(join(scratch, 'nowhere'));
  assert.ok(!missing.ok);
  assert.match(missing.errors[0].message, /^cannot read: /);
  const empty = loadStrategyDirectory(directory('empty', { 'README.md': 'x' }));
  assert.ok(!empty.ok);
  assert.equal(empty.errors[0].message, 'no strategy files (*.yaml, *.yml, *.json)');
  const file = loadStrategyDirectory(join(SHIPPED, 'set.yaml'));
  assert.ok(!file.ok);
  assert.equal(file.errors[0].message, 'expected a directory of strategy files');
  const unreadable = loadStrategyFile(join(scratch, 'nothing.yaml'));
  assert.ok(!unreadable.ok);
  assert.match(formatStrategyError(unreadable.errors[0]), /nothing\.yaml: cannot read: /);
});
