// The daily cycle's seams and views: the compliance judge on every planned contact, explain, and the
// strategy diff against the live portfolio.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { sql } from 'kysely';
import { Scenario, STRATEGIES_DIR } from '../support/scenario.ts';
import { runCycle, diffStrategies, loadActiveSet, loadStrategyDirectory } from '../../src/strategy/index.ts';
import type { ContactJudge } from '../../src/compliance/index.ts';

const DAY1 = '2026-03-01';
let s: Scenario;
let wallet: string;
let app: string;

before(async () => {
  s = await Scenario.open();
  wallet = await s.delinquent('c-wallet', { product: 'wallet-credit-line', dpd: 1, asOf: DAY1 });
  app = await s.delinquent('c-app', { product: 'app-instalment', dpd: 8, asOf: DAY1 });
});
after(() => s.close());

test('every planned contact passes the compliance judge, and its verdict decides the status', async () => {
  const judged: string[] = [];
  const blockSms: ContactJudge = (contacts) => contacts.map((c) => {
    judged.push(`${c.kind}:${c.channel}`);
    return c.channel === 'sms'
      ? { outcome: 'block', rules: ['test.no-sms'], reason: 'SMS blocked by the test rule' }
      : { outcome: 'allow', rules: ['test.allow'], reason: 'allowed' };
  });
  const report = await runCycle({ database: s.database, judge: blockSms }, { asOf: DAY1 });
  assert.ok(report.finished);
  const rows = await sql<{ kind: string; channel: string | null; status: string; verdict: { rules: string[] }; in_outbox: number }>`
    SELECT a.kind, a.channel, a.status, a.verdict,
           (SELECT count(*)::int FROM outbox o WHERE o.borrower_id = a.borrower_id AND o.action_id = a.action_id) AS in_outbox
    FROM actions a ORDER BY a.action_id`.execute(s.db);
  assert.equal(judged.length, rows.rows.length, 'the judge saw every planned action');
  const sms = rows.rows.filter((r) => r.channel === 'sms');
  assert.ok(sms.length >= 2);
  assert.ok(sms.every((r) => r.status === 'blocked' && r.in_outbox === 0 && r.verdict.rules[0] === 'test.no-sms'));
  const queued = rows.rows.filter((r) => r.status === 'queued');
  assert.ok(queued.length > 0 && queued.every((r) => r.in_outbox === 1 && r.verdict.rules[0] === 'test.allow'));
  assert.ok(report.total.byStep.some((b) => b.status === 'blocked'), 'the report counts outcomes per step');
});

test('without rule packs the default judge lets contacts through and says so on the action', async () => {
  const next = '2026-03-02';
  await runCycle({ database: s.database }, { asOf: next });
  const rows = await sql<{ verdict: { rules: string[]; outcome: string } }>`SELECT verdict FROM actions WHERE as_of = ${next}`.execute(s.db);
  assert.ok(rows.rows.length > 0);
  assert.ok(rows.rows.every((r) => r.verdict.outcome === 'allow' && r.verdict.rules[0] === 'pass-through'));
});

test('explain shows state, segment, arm, every step considered with its reason, and actions on record', async () => {
  const e = await s.explain(app, '2026-03-02');
  assert.equal(e.state!.dpd, 9);
  assert.equal(e.evaluation!.strategyId, 'app-003');
  assert.equal(e.evaluation!.arm, 'champion');
  assert.ok(e.evaluation!.segmentId);
  const steps = e.evaluation!.steps;
  assert.ok(steps.length >= 4);
  assert.ok(steps.every((t) => t.reason.length > 0));
  assert.ok(steps.some((t) => t.stepId === 'contact-message' && !t.fired && /lost/.test(t.reason)), JSON.stringify(steps));
  assert.ok(e.actions.length > 0 && e.actions.every((a) => a.status && a.statusReason));
});

test('explain changes nothing', async () => {
  const before = await sql<{ n: number; d: string }>`SELECT count(*)::int AS n, max(as_of)::text AS d FROM account_states`.execute(s.db);
  await s.explain(wallet, '2026-04-30');
  const after = await sql<{ n: number; d: string }>`SELECT count(*)::int AS n, max(as_of)::text AS d FROM account_states`.execute(s.db);
  assert.deepEqual(after.rows, before.rows);
});

test('strategy diff shows what a candidate would plan differently, before activation, and writes nothing', async () => {
  const active = (await loadActiveSet(s.db))!.set;
  const same = loadStrategyDirectory(STRATEGIES_DIR);
  assert.ok(same.ok);
  const none = await diffStrategies(s.db, active, same.value.set, { asOf: '2026-03-03' });
  assert.equal(none.accountsDiffering, 0);
  assert.ok(none.accountsEvaluated >= 2);

  const dir = mkdtempSync(`${tmpdir()}/candidate-`);
  try {
    cpSync(STRATEGIES_DIR, dir, { recursive: true });
    const file = `${dir}/000-wallet-credit-line.yaml`;
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('cn.reminder.gentle', 'cn.reminder.softer'));
    const candidate = loadStrategyDirectory(dir);
    assert.ok(candidate.ok);
    const actionsBefore = await sql<{ n: number }>`SELECT count(*)::int AS n FROM actions`.execute(s.db);
    const diff = await diffStrategies(s.db, active, candidate.value.set, { asOf: '2026-03-04' });
    assert.equal(diff.accountsDiffering, 1);
    assert.equal(diff.samples[0].accountKey, wallet);
    assert.ok(diff.samples[0].onlyActive.some((a) => a.includes('cn.reminder.gentle')));
    assert.ok(diff.samples[0].onlyCandidate.some((a) => a.includes('cn.reminder.softer')));
    assert.ok(diff.byStep.length >= 2);
    const actionsAfter = await sql<{ n: number }>`SELECT count(*)::int AS n FROM actions`.execute(s.db);
    assert.equal(actionsAfter.rows[0].n, actionsBefore.rows[0].n);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
