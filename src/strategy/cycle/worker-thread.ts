// A cycle worker on a thread of its own: it opens its own connection to the server, loads the active
// strategy set (the one the day was laid out with, or it refuses), and works the day's chunks like any
// other worker. The thread that started it receives its log lines and, at the end, its totals.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { WorkerTotals } from './run-cycle.ts';

export interface WorkerThreadData {
  url: string;
  asOf: string;
  activationId: number;
  name: string;
}

type WorkerMessage = { log: string } | { totals: WorkerTotals } | { error: string };
/** Marks the data a cycle worker thread is started with, so no other thread mistakes itself for one. */
const CYCLE_WORKER = 'overdue-cycle-worker';

/**
 * Starts a worker thread and resolves with its totals once the day has no chunk left for it. The
 * thread sends them once its chunks are committed and its connections closed: what remains of it is
 * its own teardown, which the caller need not wait for.
 */
export function runWorkerThread(data: WorkerThreadData, log?: (line: string) => void): Promise<WorkerTotals> {
  return new Promise((resolve, reject) => {
    // The thread turns on Node's compile cache (as bin/overdue.js does for the process) before it loads
    // this module, so that no module of the thread, this one included, needs the type stripper: it
    // starts working ~25 ms sooner.
    const thread = new Worker(`require('node:module').enableCompileCache(); import(${JSON.stringify(import.meta.url)});`, {
      eval: true, workerData: { ...data, role: CYCLE_WORKER },
    });
    let error: Error | null = null;
    thread.on('message', (message: WorkerMessage) => {
      if ('log' in message) log?.(message.log);
      else if ('totals' in message) resolve(message.totals);
      else error = new Error(`cycle worker ${data.name}: ${message.error}`);
    });
    thread.on('error', (e) => (error ??= e));
    // Without totals first, the thread failed or stopped early (a promise settles once: after the
    // totals, its exit changes nothing).
    thread.on('exit', (code) => reject(error ?? new Error(`cycle worker ${data.name} stopped (exit code ${code}) before it finished`)));
  });
}

async function work(data: WorkerThreadData, port: NonNullable<typeof parentPort>): Promise<void> {
  const [{ openDatabase }, { loadActiveSet }, { workChunks }] = await Promise.all([
    import('../../platform/db/connect.ts'), import('../strategy-store.ts'), import('./run-cycle.ts'),
  ]);
  const database = await openDatabase({ url: data.url, poolSize: 1 });
  let totals: WorkerTotals;
  try {
    const active = await loadActiveSet(database.db);
    if (active?.activationId !== data.activationId) {
      throw new Error(`the active strategy set changed during the cycle (laid out with activation ${data.activationId}, now ${active?.activationId ?? 'none'})`);
    }
    totals = await workChunks(database, data.asOf, active.set, data.name, undefined, (line) => port.postMessage({ log: line }));
  } finally {
    await database.close();
  }
  port.postMessage({ totals });
}

if (!isMainThread && parentPort && (workerData as { role?: unknown } | null)?.role === CYCLE_WORKER) {
  const port = parentPort;
  work(workerData as WorkerThreadData, port).catch((e: unknown) => port.postMessage({ error: e instanceof Error ? e.message : String(e) }));
}
