// The marks of accounts at rest (migrations/0035_account_rest.sql): any write to what the screen reads
// ends them, by loan where the table is keyed by loan, by borrower otherwise, whoever writes; the daily
// cycle's own action inserts alone leave them (it records the rest of those accounts itself). A write
// while a cycle evaluates the account waits for it, so the rest recorded from the facts before the
// write ends too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/platform/db/types.ts';
import pg from 'pg';
import { openTestDatabase, serverUrl } from '../support/database.ts';
import { loadActiveSet } from '../../src/strategy/index.ts';
import { layOutCycle } from '../../src/strategy/cycle/run-cycle.ts';
import { endRest } from '../../src/strategy/cycle/account-rest.ts';
import { seedWithShippedStrategies } from '../support/cycle.ts';

const AS_OF = '2026-03-16';

test('every write to an account\'s state, loan, borrower, product, promises, events or actions ends its rest', { timeout: 120_000 }, async () => {
  const database = await openTestDatabase();
  const { db } = database;
  try {
    await seedWithShippedStrategies(db, { accounts: 60, seed: 3, asOf: AS_OF });
    await sql`INSERT INTO account_states (borrower_id, loan_id, as_of, dpd, bucket, overdue_minor, outstanding_minor, late_fee_minor, next_due_minor, episodes, is_repeat, grace_days, ledger_version, terms_version)
      SELECT borrower_id, loan_id, ${AS_OF}::date, 0, 'M0', 0, 0, 0, 0, 0, false, 0, 0, 0 FROM loans`.execute(db);
    const loans = (await sql<{ borrower_id: number; loan_id: number; product_id: string }>`SELECT borrower_id, loan_id, product_id FROM loans ORDER BY loan_id`.execute(db)).rows;
    assert.ok(loans.length >= 20);
    const markAll = () => sql`INSERT INTO account_rest (borrower_id, loan_id, until, activation_id)
      SELECT borrower_id, loan_id, ${AS_OF}::date + 5, 1 FROM loans ON CONFLICT DO NOTHING`.execute(db);
    const marked = async () => (await sql<{ loan_id: number }>`SELECT loan_id FROM account_rest ORDER BY loan_id`.execute(db)).rows.map((r) => r.loan_id);
    const all = loans.map((l) => l.loan_id);
    /** After the write, exactly the given loans have lost their marks. */
    const ends = async (what: string, write: (trx: Kysely<DB>) => Promise<unknown>, loansEnded: number[]) => {
      await markAll();
      assert.deepEqual(await marked(), all, `${what}: every loan marked before`);
      await write(db);
      assert.deepEqual(await marked(), all.filter((id) => !loansEnded.includes(id)), what);
    };
    const [a, b, c] = loans;
    const ofBorrower = (borrowerId: number) => loans.filter((l) => l.borrower_id === borrowerId).map((l) => l.loan_id);

    await ends('state rewritten', () => sql`UPDATE account_states SET dpd = 1 WHERE loan_id = ${a.loan_id}`.execute(db), [a.loan_id]);
    await ends('state deleted', () => sql`DELETE FROM account_states WHERE loan_id = ${b.loan_id}`.execute(db), [b.loan_id]);
    await ends('loan updated', () => sql`UPDATE loans SET updated_at = now() WHERE loan_id = ${c.loan_id}`.execute(db), [c.loan_id]);
    await ends('borrower updated', () => sql`UPDATE borrowers SET risk_band = 'high' WHERE borrower_id = ${a.borrower_id}`.execute(db), ofBorrower(a.borrower_id));
    await ends('promise made', () => sql`INSERT INTO promises (borrower_id, loan_id, amount_minor, promised_on, due_on)
      VALUES (${b.borrower_id}, ${b.loan_id}, 100, ${AS_OF}, ${AS_OF})`.execute(db), [b.loan_id]);
    await ends('promise broken', () => sql`UPDATE promises SET status = 'broken' WHERE loan_id = ${b.loan_id}`.execute(db), [b.loan_id]);
    await ends('event on a loan', () => sql`INSERT INTO account_events (borrower_id, loan_id, kind, occurred_on)
      VALUES (${c.borrower_id}, ${c.loan_id}, 'contact_bounced', ${AS_OF})`.execute(db), ofBorrower(c.borrower_id));
    const action = (loan: typeof a, key: string) => sql`INSERT INTO actions (borrower_id, loan_id, idempotency_key, as_of, kind, party, strategy_id, strategy_version, arm, segment_id, step_id, status, reason, payload)
      VALUES (${loan.borrower_id}, ${loan.loan_id}, ${key}, ${AS_OF}, 'call_task', 'borrower', 's', 1, 'champion', 'g', 'st', 'planned', '{}', '{}')`;
    await ends('action inserted by another writer', () => action(a, 'manual-1').execute(db), [a.loan_id]);
    await ends('action blocked', () => sql`UPDATE actions SET status = 'blocked' WHERE idempotency_key = 'manual-1'`.execute(db), [a.loan_id]);
    await ends('action inserted by the cycle', () => db.transaction().execute(async (trx) => {
      await sql`SELECT set_config('overdue.cycle_chunk', 'rest', true)`.execute(trx);
      await action(b, 'cycle-1').execute(trx);
    }), []);
    await ends('the same setting does not outlive its transaction', () => action(b, 'manual-2').execute(db), [b.loan_id]);
    // A chunk that records no rest: its inserts end nothing, it ends the marks of the accounts it acted on.
    await ends('action inserted by a cycle that records no rest', () => db.transaction().execute(async (trx) => {
      await sql`SELECT set_config('overdue.cycle_chunk', 'full', true)`.execute(trx);
      await action(c, 'cycle-2').execute(trx);
      await action(c, 'cycle-3').execute(trx);
      await endRest(trx, [{ borrowerId: c.borrower_id, loanId: c.loan_id }, { borrowerId: c.borrower_id, loanId: c.loan_id }]);
    }), [c.loan_id]);
    await ends('several actions inserted at once by another writer', () => sql`INSERT INTO actions (borrower_id, loan_id, idempotency_key, as_of, kind, party, strategy_id, strategy_version, arm, segment_id, step_id, status, reason, payload)
      SELECT borrower_id, loan_id, 'bulk-' || loan_id, ${AS_OF}, 'call_task', 'borrower', 's', 1, 'champion', 'g', 'st', 'planned', '{}', '{}'
      FROM loans WHERE loan_id IN (${a.loan_id}, ${c.loan_id})`.execute(db), [a.loan_id, c.loan_id]);
    const product = loans[0].product_id;
    await ends('product terms changed', () => sql`UPDATE products SET grace_days = grace_days + 1 WHERE id = ${product}`.execute(db),
      loans.filter((l) => l.product_id === product).map((l) => l.loan_id));
    await ends('actions truncated', () => sql`TRUNCATE outbox, actions`.execute(db), all);
  } finally {
    await database.close();
  }
});

test('a write while a cycle evaluates the account waits for its chunk, then ends the rest it recorded', { skip: !serverUrl && 'needs two connections at once', timeout: 120_000 }, async () => {
  const database = await openTestDatabase();
  const clients: pg.Client[] = [];
  const client = async () => {
    const c = new pg.Client({ connectionString: database.url });
    await c.connect();
    clients.push(c);
    return c;
  };
  try {
    await seedWithShippedStrategies(database.db, { accounts: 40, seed: 4, asOf: AS_OF });
    const active = await loadActiveSet(database.db);
    assert.ok(active);
    await layOutCycle(database, AS_OF, active.activationId, 1_000_000);
    const [cycle, writer] = [await client(), await client()];
    const { rows: [loan] } = await cycle.query<{ borrower_id: string; loan_id: string }>('SELECT borrower_id, loan_id FROM loans ORDER BY loan_id LIMIT 1');
    const marks = async () => Number((await database.db.selectFrom('account_rest').select((e) => e.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const waiting = async (statement = 'UPDATE borrowers') => (await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE ${statement + '%'}`.execute(database.db)).rows[0].n;

    // The cycle holds the chunk and evaluates from the facts before the write; the write waits for it.
    await cycle.query('BEGIN');
    await cycle.query(`SELECT 1 FROM cycle_chunks WHERE as_of = $1 AND status = 'pending' FOR UPDATE`, [AS_OF]);
    await cycle.query(`SELECT set_config('overdue.cycle_chunk', 'rest', true)`);
    const write = writer.query(`UPDATE borrowers SET risk_band = 'high' WHERE borrower_id = $1`, [loan.borrower_id]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await waiting(), 1, 'the write waits for the chunk in progress');
    await cycle.query(`INSERT INTO account_rest VALUES ($1, $2, $3::date + 5, $4)`, [loan.borrower_id, loan.loan_id, AS_OF, active.activationId]);
    await cycle.query('COMMIT');
    await write;
    assert.equal(await marks(), 0, 'the rest recorded from the facts before the write ended with it');

    // The write comes first: the chunk cannot be claimed until the write is committed.
    await writer.query('BEGIN');
    await writer.query(`UPDATE borrowers SET risk_band = 'low' WHERE borrower_id = $1`, [loan.borrower_id]);
    const skipped = await cycle.query(`SELECT chunk_no FROM cycle_chunks WHERE as_of = $1 AND status = 'pending' FOR UPDATE SKIP LOCKED`, [AS_OF]);
    assert.equal(skipped.rows.length, 0, 'the chunk is not free while the write is in flight');
    await writer.query('COMMIT');
    const claimed = await cycle.query(`SELECT chunk_no FROM cycle_chunks WHERE as_of = $1 AND status = 'pending' FOR UPDATE SKIP LOCKED`, [AS_OF]);
    assert.equal(claimed.rows.length, 1, 'then it is');

    // An action inserted by another writer (a row trigger, migrations/0036) waits for the chunk in the same way.
    await cycle.query('BEGIN');
    await cycle.query(`SELECT 1 FROM cycle_chunks WHERE as_of = $1 AND status = 'pending' FOR UPDATE`, [AS_OF]);
    await cycle.query(`SELECT set_config('overdue.cycle_chunk', 'rest', true)`);
    const inserted = writer.query(`INSERT INTO actions (borrower_id, loan_id, idempotency_key, as_of, kind, party, strategy_id, strategy_version, arm, segment_id, step_id, status, reason, payload)
      VALUES ($1, $2, 'manual-1', $3, 'call_task', 'borrower', 's', 1, 'champion', 'g', 'st', 'planned', '{}', '{}')`, [loan.borrower_id, loan.loan_id, AS_OF]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await waiting('INSERT INTO actions'), 1, 'the insert waits for the chunk in progress');
    await cycle.query(`INSERT INTO account_rest VALUES ($1, $2, $3::date + 5, $4)`, [loan.borrower_id, loan.loan_id, AS_OF, active.activationId]);
    await cycle.query('COMMIT');
    await inserted;
    assert.equal(await marks(), 0, 'the rest recorded from the facts before the insert ended with it');
  } finally {
    for (const c of clients) await c.end();
    await database.close();
  }
});
