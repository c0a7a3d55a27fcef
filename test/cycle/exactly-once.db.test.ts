// The daily cycle plans every action exactly once: re-runs add nothing (also over a day laid out
// anew), a process killed mid-run and started again finishes with nothing lost and nothing doubled,
// and (on the server) two processes started together split the chunks between them, and a worker
// that runs out of chunks waits for those others hold, taking over any whose worker died.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../src/platform/db/connect.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { openTestDatabase, serverUrl } from '../support/database.ts';
import { runOverdue, startOverdue, type DatabaseEnv } from '../support/cli.ts';
import { actionKeysOn, plannedInFull, seedWithShippedStrategies } from '../support/cycle.ts';
import { layOutCycle, workChunks } from '../../src/strategy/cycle/run-cycle.ts';
import { loadActiveSet } from '../../src/strategy/index.ts';

const AS_OF = '2026-03-16';
const ACCOUNTS = 1500;

interface Portfolio {
  target: DatabaseEnv;
  open(): Promise<Database>;
  dispose(): Promise<void>;
}

/** A seeded portfolio with the shipped strategies active, reachable from the CLI and from the test. */
async function portfolio(): Promise<Portfolio> {
  let target: DatabaseEnv;
  let open: () => Promise<Database>;
  let dispose: () => Promise<void>;
  if (serverUrl) {
    const database = await openTestDatabase();
    target = { url: database.url };
    open = () => openDatabase({ url: database.url!, poolSize: 2 });
    dispose = () => database.close();
    await prepare(database);
  } else {
    const dir = mkdtempSync(`${tmpdir()}/overdue-cycle-`);
    target = { dataDir: dir };
    open = async () => {
      const d = await openDatabase({ dataDir: dir });
      await migrate(d);
      return d;
    };
    const database = await open();
    await prepare(database);
    await database.close();
    dispose = async () => rmSync(dir, { recursive: true, force: true });
  }
  return { target, open, dispose };
}

async function prepare(database: Database): Promise<void> {
  await seedWithShippedStrategies(database.db, { accounts: ACCOUNTS, seed: 11, asOf: AS_OF });
}

test('a cycle killed mid-run and started again plans every action once', { timeout: 600_000 }, async () => {
  const p = await portfolio();
  try {
    let database = await p.open();
    const expected = (await plannedInFull(database.db, AS_OF)).keys;
    assert.ok(expected.length > 100, `the portfolio should plan a good number of actions, got ${expected.length}`);
    if (!serverUrl) await database.close();

    // On a server, two workers: the second runs on its own thread and dies with the process too.
    const run = startOverdue(['cycle', '--as-of', AS_OF, '--chunk-borrowers', '50', '--workers', serverUrl ? '2' : '1'], p.target);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no chunk finished within 120 s')), 120_000);
      run.child.stderr!.on('data', (d: Buffer) => {
        if (String(d).includes('chunk done')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    run.child.kill('SIGKILL');
    const killed = await run.done;
    assert.equal(killed.signal, 'SIGKILL');

    if (!serverUrl) database = await p.open();
    const partial = await sql<{ done: number; pending: number }>`
      SELECT count(*) FILTER (WHERE status = 'done')::int AS done, count(*) FILTER (WHERE status = 'pending')::int AS pending
      FROM cycle_chunks WHERE as_of = ${AS_OF}`.execute(database.db);
    assert.ok(partial.rows[0].done >= 1 && partial.rows[0].pending >= 1, `killed mid-run: ${JSON.stringify(partial.rows[0])}`);
    const halfway = await actionKeysOn(database.db, AS_OF);
    assert.ok(halfway.length < expected.length);
    if (!serverUrl) await database.close();

    const rerun = runOverdue(['cycle', '--as-of', AS_OF, '--json'], p.target);
    assert.equal(rerun.status, 0, rerun.stderr);
    const report = JSON.parse(rerun.stdout);
    assert.equal(report.finished, true);
    assert.equal(report.now.newActions, expected.length - halfway.length);

    const again = runOverdue(['cycle', '--as-of', AS_OF, '--json'], p.target);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).now.newActions, 0, 're-running the same day plans nothing new');

    // Laid out anew (another chunk size), the day is planned again over the actions on record: every
    // chunk persists its actions once more, and the idempotency keys keep each of them single.
    if (!serverUrl) database = await p.open();
    await sql`DELETE FROM cycle_chunks WHERE as_of = ${AS_OF}`.execute(database.db);
    await sql`DELETE FROM cycle_runs WHERE as_of = ${AS_OF}`.execute(database.db);
    if (!serverUrl) await database.close();
    const relaid = runOverdue(['cycle', '--as-of', AS_OF, '--chunk-borrowers', '200', '--json'], p.target);
    assert.equal(relaid.status, 0, relaid.stderr);
    const relaidReport = JSON.parse(relaid.stdout);
    assert.equal(relaidReport.finished, true);
    assert.ok(relaidReport.now.evaluated > 0, 'the re-laid day was evaluated again');
    assert.equal(relaidReport.now.newActions, 0, 'a re-laid day plans nothing twice');

    if (!serverUrl) database = await p.open();
    assert.deepEqual(await actionKeysOn(database.db, AS_OF), expected);
    const outbox = await sql<{ queued: number; entries: number }>`
      SELECT (SELECT count(*)::int FROM actions WHERE as_of = ${AS_OF} AND status = 'queued') AS queued,
             (SELECT count(*)::int FROM outbox) AS entries`.execute(database.db);
    assert.equal(outbox.rows[0].entries, outbox.rows[0].queued, 'one outbox entry per queued action');
    await database.close();
  } finally {
    await p.dispose();
  }
});

test('two cycle processes started together split the chunks without overlap', { skip: !serverUrl && 'the embedded database serves one process' , timeout: 600_000 }, async () => {
  const p = await portfolio();
  try {
    const database = await p.open();
    const expected = (await plannedInFull(database.db, AS_OF)).keys;
    const a = startOverdue(['cycle', '--as-of', AS_OF, '--chunk-borrowers', '25', '--workers', '1', '--json'], p.target);
    const b = startOverdue(['cycle', '--as-of', AS_OF, '--chunk-borrowers', '25', '--workers', '1', '--json'], p.target);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    assert.equal(ra.status, 0, ra.stderr);
    assert.equal(rb.status, 0, rb.stderr);
    const reportA = JSON.parse(ra.stdout);
    const reportB = JSON.parse(rb.stdout);
    assert.ok(reportA.chunks.processedNow > 0 && reportB.chunks.processedNow > 0, `both processes worked: ${reportA.chunks.processedNow} + ${reportB.chunks.processedNow}`);
    assert.equal(reportA.chunks.processedNow + reportB.chunks.processedNow, reportA.chunks.total, 'every chunk processed exactly once');
    assert.equal(reportA.now.newActions + reportB.now.newActions, expected.length);
    const workers = await sql<{ worker: string; n: number }>`SELECT worker, count(*)::int AS n FROM cycle_chunks WHERE as_of = ${AS_OF} GROUP BY worker`.execute(database.db);
    assert.equal(workers.rows.length, 2);
    assert.deepEqual(await actionKeysOn(database.db, AS_OF), expected);
    await database.close();
  } finally {
    await p.dispose();
  }
});

test('a worker out of chunks waits for those others hold: done when they are, taking over one whose worker died', { skip: !serverUrl && 'the embedded database serves one connection', timeout: 600_000 }, async () => {
  const p = await portfolio();
  try {
    const database = await p.open();
    const expected = (await plannedInFull(database.db, AS_OF)).keys;
    const active = await loadActiveSet(database.db);
    assert.ok(active);
    await layOutCycle(database, AS_OF, active.activationId, 300);
    const chunks = await sql<{ n: number }>`SELECT count(*)::int AS n FROM cycle_chunks WHERE as_of = ${AS_OF}`.execute(database.db);
    assert.ok(chunks.rows[0].n >= 3, `laid out in ${chunks.rows[0].n} chunks`);
    // Timeouts in the database's settings shorter than the wait do not cut the waiting worker short.
    const name = (await sql<{ db: string }>`SELECT current_database() AS db`.execute(database.db)).rows[0].db;
    await sql.raw(`ALTER DATABASE "${name}" SET statement_timeout = '1s'`).execute(database.db);
    await sql.raw(`ALTER DATABASE "${name}" SET lock_timeout = '1s'`).execute(database.db);
    const other = await p.open();
    const worker = await p.open();
    const timeouts = await sql<{ s: string; l: string }>`SELECT current_setting('statement_timeout') AS s, current_setting('lock_timeout') AS l`.execute(worker.db);
    assert.deepEqual(timeouts.rows[0], { s: '1s', l: '1s' }, 'the worker\'s connections start with the short timeouts');
    /** Another worker's transaction holding chunk 1 until told how to end: done, or dead (rolled back). */
    const holdChunk = () => {
      let end!: (how: 'done' | 'died') => void;
      const told = new Promise<'done' | 'died'>((resolve) => (end = resolve));
      let held!: () => void;
      const holding = new Promise<void>((resolve) => (held = resolve));
      const transaction = other.db.transaction().execute(async (trx) => {
        await sql`SELECT 1 FROM cycle_chunks WHERE as_of = ${AS_OF} AND chunk_no = 1 FOR UPDATE`.execute(trx);
        held();
        if ((await told) === 'died') throw new Error('worker died');
        await sql`UPDATE cycle_chunks SET status = 'done', worker = 'other' WHERE as_of = ${AS_OF} AND chunk_no = 1`.execute(trx);
      }).catch((e: unknown) => { if (!(e instanceof Error && e.message === 'worker died')) throw e; });
      return { holding, end, transaction };
    };
    const settledWithin = (promise: Promise<unknown>, ms: number) =>
      Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);
    // It queues behind the holder in the database, not polling: its claim waits on the chunk's lock.
    const claimsWaitingOnLock = async () => (await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE wait_event_type = 'Lock' AND query LIKE '%FROM cycle_chunks%FOR UPDATE%'`.execute(database.db)).rows[0].n;

    // The holder dies: the waiting worker takes its chunk over and plans every action of the day.
    const first = holdChunk();
    await first.holding;
    // It says when it claims the day's last chunk to be claimed: once, with every chunk but that one and the held one done.
    const doneWhenLastClaimed: Array<Promise<number>> = [];
    const working = workChunks(worker, { asOf: AS_OF, set: active.set, activationId: active.activationId, rest: true, planSlice: 7 }, 'waiting-worker', undefined, undefined,
      () => doneWhenLastClaimed.push(sql<{ n: number }>`SELECT count(*)::int AS n FROM cycle_chunks WHERE as_of = ${AS_OF} AND status = 'done'`.execute(database.db).then((r) => r.rows[0].n)));
    assert.equal(await settledWithin(working, 2500), false, 'the worker waits while chunk 1 is held, longer than the timeouts');
    assert.equal(await claimsWaitingOnLock(), 1, 'the worker waits on the held chunk\'s lock');
    const pending = await sql<{ chunk_no: number }>`SELECT chunk_no FROM cycle_chunks WHERE as_of = ${AS_OF} AND status = 'pending'`.execute(database.db);
    assert.deepEqual(pending.rows.map((r) => r.chunk_no), [1], 'every other chunk is done meanwhile');
    first.end('died');
    await first.transaction;
    const totals = await working;
    assert.equal(totals.chunks, chunks.rows[0].n, 'the worker processed every chunk, the dead one\'s too');
    assert.deepEqual(await Promise.all(doneWhenLastClaimed), [chunks.rows[0].n - 2], 'the last claim is told once, with only it and the held chunk left');
    assert.deepEqual(await actionKeysOn(database.db, AS_OF), expected);

    // The holder finishes: the waiting worker ends with it, without processing its chunk.
    await sql`UPDATE cycle_chunks SET status = 'pending', worker = NULL WHERE as_of = ${AS_OF}`.execute(database.db);
    const second = holdChunk();
    await second.holding;
    const again = workChunks(worker, { asOf: AS_OF, set: active.set, activationId: active.activationId, rest: true, planSlice: 500 }, 'waiting-worker');
    assert.equal(await settledWithin(again, 2500), false, 'the worker waits while chunk 1 is held, longer than the timeouts');
    second.end('done');
    await second.transaction;
    assert.equal(await settledWithin(again, 5000), true, 'the worker ends once the held chunk is done');
    assert.equal((await again).chunks, chunks.rows[0].n - 1);
    const byOther = await sql<{ worker: string }>`SELECT worker FROM cycle_chunks WHERE as_of = ${AS_OF} AND chunk_no = 1`.execute(database.db);
    assert.equal(byOther.rows[0].worker, 'other');
    assert.deepEqual(await actionKeysOn(database.db, AS_OF), expected, 'nothing planned twice');
    await Promise.all([other.close(), worker.close()]);
    await sql.raw(`ALTER DATABASE "${name}" RESET statement_timeout`).execute(database.db);
    await sql.raw(`ALTER DATABASE "${name}" RESET lock_timeout`).execute(database.db);
    await database.close();
  } finally {
    await p.dispose();
  }
});
