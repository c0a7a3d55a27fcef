// The daily cycle's action insert: what actions share (their class: day, step, kind, channel, party,
// template, compliance decision) and their reasons travel once per chunk and are joined back; every
// action row must come out exactly as planned, in the order planned, with an outbox entry for each
// queued one, and a second insert of the same actions adds nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openTestDatabase } from '../support/database.ts';
import { ActionBatch, persistActions, statusOf, type ActionToPersist } from '../../src/strategy/cycle/persist-actions.ts';
import type { ActionReason, PlannedAction } from '../../src/strategy/core/types.ts';
import type { Verdict } from '../../src/compliance/index.ts';

const AS_OF = '2026-03-16';
const allow: Verdict = { outcome: 'allow', rules: ['pass-through'], reason: 'no rule pack active yet: allowed at plan time' };
// Another object that reads the same: one decision.
const allowAgain: Verdict = { ...allow, rules: [...allow.rules] };
const blocked: Verdict = { outcome: 'block', rules: ['cn.hours', 'cn.frequency'], reason: 'outside 08:00–21:00 in the borrower\'s time zone' };
const deferred: Verdict = { outcome: 'defer', rules: ['cn.hours'], reason: 'held until 08:00 local time' };

const shared: ActionReason = Object.freeze({ summary: 'app-003 v1 (champion) overdue/sms: dpd 12 in window 1+', trigger: 'dpd', conditions: ['dpd ≥ 1', 'dpd 12 in window 1+'] });
// The same words in an object of its own (an event step's reason is never shared).
const sameWords: ActionReason = { ...shared, conditions: [...shared.conditions] };
const eventReason: ActionReason = { summary: 'mall-002 v3 (challenger) early/bounced: contact bounced', trigger: 'event', eventId: 77, channelChoice: 'sms: no response for 3 days → call', conditions: ['contact "quoted" bounced'] };
const payload = Object.freeze({ name: '谢思子', overdueAmount: '3100.50', currency: 'CNY', dpd: 12 });

function action(overrides: Partial<PlannedAction> & Pick<PlannedAction, 'idempotencyKey'>): PlannedAction {
  return {
    kind: 'message', channel: 'sms', party: 'borrower', template: 'cn.reminder.sms', contactPointId: 11, emergencyContactId: null,
    strategyId: 'app-003', strategyVersion: 1, arm: 'champion', segmentId: 'overdue', stepId: 'sms', needsApproval: false,
    reason: shared, payload, ...overrides,
  };
}

const planned: ActionToPersist[] = [
  { borrowerId: 1, loanId: 101, asOf: AS_OF, verdict: allow, action: action({ idempotencyKey: '101:app-003/sms:2026-03-16:0' }) },
  { borrowerId: 1, loanId: 101, asOf: AS_OF, verdict: allow, action: action({ idempotencyKey: '101:app-003/sms:2026-03-16:1', channel: 'push', template: 'push.reminder', contactPointId: 12 }) },
  { borrowerId: 1, loanId: 102, asOf: AS_OF, verdict: allowAgain, action: action({ idempotencyKey: '102:app-003/call:2026-03-16:0', kind: 'call_task', channel: 'call', template: null, contactPointId: 13, stepId: 'call', payload: { ...payload, note: 'second loan' } }) },
  { borrowerId: 2, loanId: 201, asOf: AS_OF, verdict: allow, action: action({ idempotencyKey: '201:app-003/contact:2026-03-16:0', kind: 'contact_outreach', party: 'emergency_contact', contactPointId: null, emergencyContactId: 21, stepId: 'contact', needsApproval: true, payload: { contactName: '王', borrowerName: '谢思子', callbackReference: 'B2' } }) },
  { borrowerId: 2, loanId: 201, asOf: AS_OF, verdict: blocked, action: action({ idempotencyKey: '201:app-003/sms:2026-03-16:0' }) },
  { borrowerId: 3, loanId: 301, asOf: AS_OF, verdict: deferred, action: action({ idempotencyKey: '301:app-003/sms:2026-03-16:0', channel: 'email', template: 'cn.reminder.email', reason: sameWords }) },
  { borrowerId: 3, loanId: 301, asOf: AS_OF, verdict: allowAgain, action: action({ idempotencyKey: '301:mall-002/bounced:event:77:0', strategyId: 'mall-002', strategyVersion: 3, arm: 'challenger', segmentId: 'early', stepId: 'bounced', reason: eventReason }) },
  { borrowerId: 4, loanId: 401, asOf: AS_OF, verdict: allow, action: action({ idempotencyKey: '401:app-003/sms:2026-03-16:0', reason: sameWords }) },
];

/** An action row as the cycle must write it. */
function expectedRow(p: ActionToPersist) {
  const a = p.action;
  const { status, statusReason } = statusOf(a, p.verdict);
  return {
    borrower_id: p.borrowerId, loan_id: p.loanId, idempotency_key: a.idempotencyKey, as_of: p.asOf, kind: a.kind, channel: a.channel, party: a.party,
    template: a.template, contact_point_id: a.contactPointId, emergency_contact_id: a.emergencyContactId, strategy_id: a.strategyId,
    strategy_version: a.strategyVersion, arm: a.arm, segment_id: a.segmentId, step_id: a.stepId, status, status_reason: statusReason,
    reason: JSON.parse(JSON.stringify(a.reason)), payload: JSON.parse(JSON.stringify(a.payload)), verdict: JSON.parse(JSON.stringify(p.verdict)),
  };
}

test('the cycle writes every action as planned, in the order planned, what they share sent once', { timeout: 120_000 }, async () => {
  const database = await openTestDatabase();
  try {
    const batch = new ActionBatch();
    batch.add(planned.slice(0, 3));
    batch.add(planned.slice(3));
    const { classList, reasonLines, decisionList } = batch.texts();
    // Seven classes (the first one for two actions), three reasons (one object shared by five actions;
    // the same words in an object of their own, written once for the two actions that carry it; an
    // event's), five decisions (verdict objects that read the same are one decision).
    assert.equal(JSON.parse(classList).length, 7);
    assert.equal(reasonLines.toString('utf8').split('\n').length, 3);
    assert.equal(JSON.parse(decisionList).length, 5);

    const counts = await database.db.transaction().execute(async (trx) => {
      await sql`SELECT set_config('overdue.cycle_chunk', 'rest', true)`.execute(trx);
      return persistActions(trx, batch);
    });
    const rows = await sql<Record<string, unknown>>`
      SELECT borrower_id::int, loan_id::int, idempotency_key, as_of::text, kind, channel, party, template, contact_point_id::int,
             emergency_contact_id::int, strategy_id, strategy_version, arm, segment_id, step_id, status, status_reason, reason, payload, verdict
      FROM actions ORDER BY action_id`.execute(database.db);
    assert.deepEqual(rows.rows, planned.map(expectedRow));

    const queued = await sql<{ key: string; channel: string }>`
      SELECT a.idempotency_key AS key, o.channel FROM outbox o JOIN actions a USING (borrower_id, action_id) ORDER BY a.action_id`.execute(database.db);
    assert.deepEqual(queued.rows, planned.filter((p) => statusOf(p.action, p.verdict).status === 'queued').map((p) => ({ key: p.action.idempotencyKey, channel: p.action.channel })));
    assert.deepEqual(
      counts.map((c) => `${c.strategyId}/${c.stepId}/${c.status}=${c.count}`),
      ['app-003/call/planned=1', 'app-003/contact/pending_approval=1', 'app-003/sms/blocked=1', 'app-003/sms/queued=4', 'mall-002/bounced/queued=1'],
    );

    // The same actions again (a re-run): nothing new, nothing doubled.
    const again = await persistActions(database.db, planned);
    assert.deepEqual(again, []);
    const n = await sql<{ actions: number; outbox: number }>`SELECT (SELECT count(*)::int FROM actions) AS actions, (SELECT count(*)::int FROM outbox) AS outbox`.execute(database.db);
    assert.deepEqual(n.rows[0], { actions: planned.length, outbox: queued.rows.length });
  } finally {
    await database.close();
  }
});
