// The command line as an operator uses it, end to end, on a database of its own: demo seed, strategy
// activation, status, cycle, explain, diff.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openTestDatabase, serverUrl, type TestDatabase } from './support/database.ts';
import { runOverdue, type DatabaseEnv } from './support/cli.ts';
import { openDatabase } from '../src/platform/db/connect.ts';
import { sql } from 'kysely';

/** The external id of a delinquent loan, read directly (the embedded database only while no command runs). */
async function delinquentLoan(): Promise<string> {
  const database = await openDatabase(target.url ? { url: target.url } : { dataDir: target.dataDir });
  try {
    const r = await sql<{ external_id: string }>`
      SELECT l.external_id FROM account_states s JOIN loans l USING (borrower_id, loan_id)
      WHERE s.dpd > 0 ORDER BY l.loan_id LIMIT 1`.execute(database.db);
    return r.rows[0].external_id;
  } finally {
    await database.close();
  }
}

const AS_OF = '2026-07-15';
let target: DatabaseEnv;
let server: TestDatabase | undefined;
const dir = mkdtempSync(`${tmpdir()}/overdue-cli-`);
if (serverUrl) {
  server = await openTestDatabase();
  target = { url: server.url };
} else {
  target = { dataDir: dir };
}
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const overdue = (...args: string[]) => runOverdue(args, target);

test('an operator seeds a demo portfolio, activates the strategies, runs and explains the day', { timeout: 300_000 }, async () => {
  const help = overdue('--help');
  assert.equal(help.status, 0);
  for (const command of ['import', 'demo', 'status', 'strategy', 'cycle', 'explain', 'start', 'db']) assert.match(help.stdout, new RegExp(`\\b${command}\\b`));

  const seeded = overdue('demo', 'seed', '--accounts', '400', '--seed', '3', '--as-of', AS_OF);
  assert.equal(seeded.status, 0, seeded.stderr);
  assert.match(seeded.stdout, /400/);

  const activated = overdue('strategy', 'activate');
  assert.equal(activated.status, 0, activated.stderr);

  const status = overdue('status', '--as-of', AS_OF, '--json');
  assert.equal(status.status, 0, status.stderr);

  const cycle = overdue('cycle', '--as-of', AS_OF);
  assert.equal(cycle.status, 0, cycle.stderr);
  assert.match(cycle.stdout, /finished/);
  assert.match(cycle.stdout, /strategy \/ step/);

  const json = JSON.parse(overdue('cycle', '--as-of', AS_OF, '--json').stdout);
  assert.equal(json.now.newActions, 0, 'the second run of the day plans nothing new');
  assert.ok(json.total.actions > 0);

  const loan = await delinquentLoan();
  const explained = overdue('explain', loan, '--as-of', AS_OF);
  assert.equal(explained.status, 0, explained.stderr);
  assert.match(explained.stdout, new RegExp(`account ${loan}`));
  assert.match(explained.stdout, /state: DPD [1-9]/);
  assert.match(explained.stdout, /steps considered:/);
  assert.match(explained.stdout, /actions on record:/);

  const unknown = overdue('explain', 'NO-SUCH-LOAN', '--as-of', AS_OF);
  assert.notEqual(unknown.status, 0);
  assert.match(unknown.stderr, /no loan with external id "NO-SUCH-LOAN"/);

  const badDate = overdue('cycle', '--as-of', '2026-02-30');
  assert.notEqual(badDate.status, 0);
  assert.match(badDate.stderr, /--as-of/);

  const diff = overdue('strategy', 'diff', '--as-of', AS_OF);
  assert.equal(diff.status, 0, diff.stderr);
  assert.match(diff.stdout, /0 would be treated differently/);
});
