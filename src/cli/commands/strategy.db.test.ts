// `overdue strategy …` driven as a user would, against a real database: an embedded one in a scratch
// folder, or a fresh database on the server named by TEST_DATABASE_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runCli } from '../program.ts';
import { openTestDatabase, serverUrl, type TestDatabase } from '../../../test/support/database.ts';

const SHIPPED = new URL('../../../strategies/', import.meta.url).pathname;
let scratch: string;
let server: TestDatabase | undefined;
const saved = { DATABASE_URL: process.env.DATABASE_URL, OVERDUE_DATA_DIR: process.env.OVERDUE_DATA_DIR };

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'overdue-cli-strategy-'));
  if (serverUrl) {
    server = await openTestDatabase();
    process.env.DATABASE_URL = server.url;
  } else {
    delete process.env.DATABASE_URL;
    process.env.OVERDUE_DATA_DIR = join(scratch, 'data');
  }
});
after(async () => {
  for (const [key, value] of Object.entries(saved)) if (value === undefined) delete process.env[key];
  else process.env[key] = value;
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs one command, capturing what it prints; the process exit code is left untouched. */
async function overdue(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const originals = { log: console.log, error: console.error };
  console.log = (...parts: unknown[]) => void out.push(`${parts.join(' ')}\n`);
  console.error = (...parts: unknown[]) => void err.push(`${parts.join(' ')}\n`);
  try {
    const code = await runCli(args);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    Object.assign(console, originals);
    process.exitCode = undefined;
  }
}

function badDirectory(): string {
  const dir = join(scratch, 'bad');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'set.yaml'), readFileSync(join(SHIPPED, 'set.yaml'), 'utf8').replace('percent: 80', 'percent: 70'));
  writeFileSync(join(dir, 'x.yaml'), 'kind: strategy\nid: x\nname: X\nsegments:\n  - id: a\n    ladder:\n      - id: s\n        on: { dpd: { min: 1 } }\n        every: 0\n        actions: [{ kind: call }]\n');
  return dir;
}

test('validate: a valid directory or file says so; problems print one per line with exit 1', async () => {
  const ok = await overdue('strategy', 'validate', SHIPPED);
  assert.equal(ok.code, 0);
  assert.match(ok.out, /valid, set "default" with 4 routes over 5 strategies/);
  const file = await overdue('strategy', 'validate', join(SHIPPED, '000-wallet-credit-line.yaml'));
  assert.equal(file.code, 0);
  assert.match(file.out, /valid strategy "wallet-000"/);

  const dir = badDirectory();
  const bad = await overdue('strategy', 'validate', dir);
  assert.equal(bad.code, 1);
  const armsLine = readFileSync(join(dir, 'set.yaml'), 'utf8').split('\n').findIndex((l) => l.includes('strategy: shop-001,')) + 1;
  assert.deepEqual(bad.err.trim().split('\n'), [
    `${dir}/set.yaml:${armsLine} routes[1].arms: expected arm percentages summing to 100, got 90`,
    `${dir}/x.yaml:9 segments[0].ladder[0].every: expected ≥ 1, got 0`,
    `${dir}/x.yaml:10 segments[0].ladder[0].actions[0].kind: expected one of message, call_task, contact_outreach, escalation_notice, arrangement_offer, agency_placement, legal_referral, got "call"`,
    '3 problems; nothing changed',
  ]);
});

test('activate refuses an invalid directory whole and keeps the active set; list and show read the versions', async () => {
  const refused = await overdue('strategy', 'activate', badDirectory());
  assert.equal(refused.code, 1);
  assert.match((await overdue('strategy', 'list')).out, /no active strategy set/);

  const activated = await overdue('strategy', 'activate', SHIPPED, '--by', 'alice');
  assert.equal(activated.code, 0, activated.err);
  assert.match(activated.out, /strategy app-003 v1 \(new version\)/);
  assert.match(activated.out, /activation 1: set default v1 is active/);

  assert.equal((await overdue('strategy', 'activate', badDirectory())).code, 1);
  const list = await overdue('strategy', 'list');
  assert.match(list.out, /^active: activation 1, set default v1, by alice at /);
  assert.match(list.out, /\* strategy app-003 v1 .*\/003-app-instalment\.yaml/);
  assert.equal(list.out.trim().split('\n').length, 7);

  const shown = await overdue('strategy', 'show', 'app-003', '--version', '1');
  assert.equal(shown.code, 0);
  assert.match(shown.out, /^# strategy app-003 v1, from .*003-app-instalment\.yaml/);
  assert.deepEqual(parse(shown.out), parse(readFileSync(join(SHIPPED, '003-app-instalment.yaml'), 'utf8')), 'what is shown is what the file says');

  const missing = await overdue('strategy', 'show', 'app-003', '--version', '2');
  assert.equal(missing.code, 1);
  assert.match(missing.err, /no stored version 2 of strategy "app-003"/);
});
