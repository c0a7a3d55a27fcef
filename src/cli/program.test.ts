import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram, keepsRunning } from './program.ts';

const names = async (argv: string[]) => (await buildProgram(argv)).commands.map((c) => c.name());
const ALL = ['db', 'status', 'demo', 'strategy', 'products', 'import', 'cycle', 'explain', 'start'];

test('a run registers the command it names, help and unknown commands see every command', async () => {
  assert.deepEqual(await names(['cycle', '--as-of', '2024-03-01']), ['cycle']);
  assert.deepEqual(await names(['explain', 'L1']), ['strategy', 'explain']);
  assert.deepEqual(await names([]), ALL);
  assert.deepEqual(await names(['--help']), ALL);
  assert.deepEqual(await names(['help', 'cycle']), ALL);
  assert.deepEqual(await names(['bogus']), ALL);
  const strategy = (await buildProgram(['strategy', 'diff'])).commands.find((c) => c.name() === 'strategy')!;
  assert.deepEqual(strategy.commands.map((c) => c.name()), ['validate', 'activate', 'list', 'show', 'diff']);
});

test('only the server keeps the process running once its command returns', () => {
  assert.equal(keepsRunning(['start', '--port', '9000']), true);
  assert.equal(keepsRunning(['--demo', 'start']), true);
  assert.equal(keepsRunning(['cycle', '--as-of', '2024-03-01']), false);
  assert.equal(keepsRunning(['help', 'start']), false);
  assert.equal(keepsRunning([]), false);
});
