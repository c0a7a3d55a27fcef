// The command line as an operator uses it, end to end, on a database of its own: demo seed, strategy
// activation, status, cycle, explain, diff.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openTestDatabase, serverUrl, type TestDatabase } from './support/database.ts';
import { runOverdue, type DatabaseEnv } from './support/cli.ts';
import { openDatabase } from '../src/platform/db/connect.ts';
import { sql } from 'kysely';
import { statesOn } from '../src/delinquency/index.ts';

async function query<T>(text: ReturnType<typeof sql<T>>): Promise<T[]> {
  const database = await openDatabase(target.url ? { url: target.url } : { dataDir: target.dataDir });
  try {
    return (await text.execute(database.db)).rows;
  } finally {
    await database.close();
  }
}

/** The external id of a delinquent loan, read directly (the embedded database only while no command runs). */
async function delinquentLoan(): Promise<string> {
  const [loan] = await query(sql<{ external_id: string }>`
    SELECT l.external_id FROM account_states s JOIN loans l USING (borrower_id, loan_id)
    WHERE s.dpd > 0 ORDER BY l.loan_id LIMIT 1`);
  return loan.external_id;
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
  // Having written every state, it left statistics that describe them (the embedded database has no autovacuum).
  const stats = await query(sql<{ rows: number }>`SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = 'account_states'::regclass`);
  assert.ok(stats[0].rows >= JSON.parse(status.stdout).recomputed / 2, `statistics count ${stats[0].rows} states`);

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

test('a payment imported from a file cures an account and cancels its actions that have not gone out', { timeout: 300_000 }, async () => {
  const [loan] = await query(sql<{ external_id: string; loan_id: number; due: number; unsent: number }>`
    SELECT l.external_id, l.loan_id, s.overdue_minor + s.late_fee_minor AS due,
           (SELECT count(*)::int FROM actions a WHERE a.loan_id = l.loan_id AND a.status IN ('planned', 'queued', 'pending_approval')) AS unsent
    FROM ${statesOn(AS_OF)} s JOIN loans l USING (borrower_id, loan_id)
    WHERE s.dpd > 0 AND l.currency = 'CNY'
      AND EXISTS (SELECT 1 FROM actions a WHERE a.loan_id = l.loan_id AND a.status = 'queued')
    ORDER BY l.loan_id LIMIT 1`);
  assert.ok(loan && loan.unsent > 0);
  const file = `${dir}/cure.ndjson`;
  const amount = `${Math.floor(loan.due / 100)}.${String(loan.due % 100).padStart(2, '0')}`;
  writeFileSync(file, `${JSON.stringify({ external_id: 'P-CURE-1', loan_external_id: loan.external_id, channel: 'transfer', paid_on: AS_OF, amount })}\n`);
  const imported = overdue('import', file, '--kind', 'payments', '--as-of', AS_OF);
  assert.equal(imported.status, 0, imported.stderr);
  assert.match(imported.stdout, /1 accepted/);
  const after = await query(sql<{ status: string; n: number }>`
    SELECT a.status, count(*)::int AS n FROM actions a WHERE a.loan_id = ${loan.loan_id} GROUP BY a.status`);
  assert.deepEqual(after.filter((r) => ['planned', 'queued', 'pending_approval'].includes(r.status)), [], JSON.stringify(after));
  assert.equal(after.find((r) => r.status === 'cancelled')?.n, loan.unsent, 'every action not yet sent is cancelled');
  const outbox = await query(sql<{ status: string }>`SELECT o.status FROM outbox o JOIN actions a USING (borrower_id, action_id) WHERE a.loan_id = ${loan.loan_id}`);
  assert.ok(outbox.length > 0 && outbox.every((o) => o.status === 'cancelled'));
  const state = await query(sql<{ dpd: number }>`SELECT dpd FROM account_states WHERE loan_id = ${loan.loan_id}`);
  assert.equal(state[0].dpd, 0);
});
