// The `overdue` command as npx and npm run it (bin/overdue.js): it runs the command line and exits with
// its code, on the project's Node and, handing over to it, on an older system Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CLI } from './support/cli.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function run(node: string, args: string[]) {
  return spawnSync(node, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, OVERDUE_LOG_LEVEL: 'warn' } });
}

test('overdue exits 0 with the command\'s output, and 1 with its error on a bad command', () => {
  const version = run(process.execPath, ['--version']);
  assert.deepEqual([version.status, version.stdout.trim(), version.stderr], [0, VERSION, '']);
  const bad = run(process.execPath, ['no-such-command']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /unknown command 'no-such-command'/);
});

test('overdue runs as a command of its own, Node started by its first line with the options it gives', () => {
  // As npx and npm run start it: the file itself, `node` found on the PATH (this test's Node first).
  const direct = spawnSync(CLI, ['--version'], { encoding: 'utf8', env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` } });
  assert.deepEqual([direct.status, direct.stdout.trim(), direct.stderr], [0, VERSION, '']);
  assert.match(readFileSync(CLI, 'utf8').split('\n')[0], /^#!\/usr\/bin\/env -S node --max-semi-space-size=16$/);
});

const SYSTEM_NODE = '/usr/bin/node';
const systemMajor = existsSync(SYSTEM_NODE) ? Number(spawnSync(SYSTEM_NODE, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).stdout.trim()) : NaN;
test('an older system Node hands the command over to the project\'s Node', { skip: systemMajor < 24 ? false : `needs a system Node older than 24 at ${SYSTEM_NODE}` }, () => {
  const version = run(SYSTEM_NODE, ['--version']);
  assert.deepEqual([version.status, version.stdout.trim()], [0, VERSION]);
  const bad = run(SYSTEM_NODE, ['no-such-command']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /unknown command 'no-such-command'/);
});
