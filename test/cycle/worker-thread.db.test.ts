// A cycle worker on a thread of its own (cycle/worker-thread.ts) opens its own connection, compiles the
// day's strategy set from the validated documents it is handed and works the chunks: it plans exactly
// what evaluating every account plans. A thread started ahead waits for its day without keeping the
// process alive, is handed the day by the cycle, and ends when no cycle takes it.
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { loadActiveSet, runCycle } from '../../src/strategy/index.ts';
import { layOutCycle } from '../../src/strategy/cycle/run-cycle.ts';
import {
  discardPrestartedWorkerThreads, prestartedWorkerThreads, prestartWorkerThread, runWorkerThread,
} from '../../src/strategy/cycle/worker-thread.ts';
import { openTestDatabase, testTarget } from '../support/database.ts';
import { actionKeysOn, plannedInFull, seedWithShippedStrategies } from '../support/cycle.ts';

const AS_OF = '2026-03-20';

test('a worker thread works a laid-out day to the end, planning what full evaluation plans', { skip: testTarget === 'embedded' && 'a worker thread needs a server: PostgreSQL server only', timeout: 300_000 }, async () => {
  const database = await openTestDatabase();
  try {
    await seedWithShippedStrategies(database.db, { accounts: 800, seed: 11, asOf: AS_OF });
    const active = await loadActiveSet(database.db);
    assert.ok(active);
    const { keys: expected } = await plannedInFull(database.db, AS_OF);
    assert.ok(expected.length > 100, `${expected.length} actions expected`);

    await layOutCycle(database, AS_OF, active.activationId, 150);
    const lines: string[] = [];
    const totals = await runWorkerThread({
      url: database.url!, asOf: AS_OF, activationId: active.activationId, strategies: active.compiledFrom, rest: true, planSlice: 5, name: 'thread-a',
    }, (line) => lines.push(line));
    const chunks = await sql<{ n: number; by_thread: number }>`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'done' AND worker = 'thread-a')::int AS by_thread FROM cycle_chunks WHERE as_of = ${AS_OF}`.execute(database.db);
    assert.ok(chunks.rows[0].n > 2);
    assert.deepEqual({ chunks: totals.chunks, byThread: chunks.rows[0].by_thread, lines: lines.length }, { chunks: chunks.rows[0].n, byThread: chunks.rows[0].n, lines: chunks.rows[0].n });
    assert.equal(totals.newActions, expected.length);
    assert.deepEqual(await actionKeysOn(database.db, AS_OF), expected);

    // The day is done: a cycle over it finds nothing left and plans nothing new.
    const again = await runCycle({ database }, { asOf: AS_OF });
    assert.ok(again.finished);
    assert.equal(again.now.newActions, 0);
  } finally {
    await database.close();
  }
});

test('a cycle hands the day to the thread started ahead, which plans what full evaluation plans', { skip: testTarget === 'embedded' && 'a worker thread needs a server: PostgreSQL server only', timeout: 300_000 }, async () => {
  // Started before anything else, as the command does: it has loaded its modules when the day comes.
  prestartWorkerThread();
  assert.equal(prestartedWorkerThreads(), 1);
  const database = await openTestDatabase();
  try {
    await seedWithShippedStrategies(database.db, { accounts: 600, seed: 12, asOf: AS_OF });
    const { keys: expected } = await plannedInFull(database.db, AS_OF);
    const report = await runCycle({ database }, { asOf: AS_OF, workers: 2, chunkBorrowers: 100 });
    assert.equal(prestartedWorkerThreads(), 0, 'the cycle took the thread started ahead');
    const byWorker = await sql<{ worker: string }>`SELECT DISTINCT split_part(worker, '#', 2) AS worker FROM cycle_chunks WHERE as_of = ${AS_OF} ORDER BY 1`.execute(database.db);
    assert.deepEqual(byWorker.rows.map((r) => r.worker), ['0', '1'], 'both workers, here and on the thread, finished chunks');
    assert.ok(report.finished);
    assert.deepEqual(await actionKeysOn(database.db, AS_OF), expected);
  } finally {
    await database.close();
  }
});

test('threads started ahead and not taken end when discarded, and never keep the process alive', async () => {
  prestartWorkerThread();
  prestartWorkerThread();
  assert.equal(prestartedWorkerThreads(), 2);
  await discardPrestartedWorkerThreads();
  assert.equal(prestartedWorkerThreads(), 0);
  // A process that starts one and does nothing else ends on its own, at once.
  const module = new URL('../../src/strategy/cycle/worker-thread.ts', import.meta.url).href;
  const started = Date.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', `(await import(${JSON.stringify(module)})).prestartWorkerThread();`], { encoding: 'utf8', timeout: 20_000 });
  assert.deepEqual([child.status, child.signal, child.stderr], [0, null, '']);
  assert.ok(Date.now() - started < 10_000);
});
