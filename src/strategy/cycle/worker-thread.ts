// A cycle worker on a thread of its own: it opens its own connection to the server, compiles the
// strategy set the day was laid out with from the documents the main thread loaded and validated (it
// does not validate them again), and works the day's chunks like any other worker. The thread that
// started it receives its log lines and, at the end, its totals.
//
// A thread spends about a fifth of a second loading its modules before it can work. The `overdue
// cycle` command starts one ahead (prestartWorkerThread, as soon as it knows the command), so that it
// loads them on the otherwise idle core while the process loads its own, opens the database and lays
// the day out; the cycle then hands it the day (runWorkerThread) instead of starting a thread.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { WorkerTotals } from './run-cycle.ts';
import type { LoadedActiveSet } from '../strategy-store.ts';

export interface WorkerThreadData {
  url: string;
  asOf: string;
  activationId: number;
  /** The validated documents of that activation's set, which the thread compiles. */
  strategies: LoadedActiveSet['compiledFrom'];
  /** CycleOptions.rest. */
  rest: boolean;
  /** CycleOptions.planSlice. */
  planSlice: number;
  name: string;
}

type WorkerMessage = { log: string } | { lastClaimed: true } | { totals: WorkerTotals } | { error: string };
/** Marks the data a cycle worker thread is started with, so no other thread mistakes itself for one. */
const CYCLE_WORKER = 'overdue-cycle-worker';

/**
 * The thread's young generation: two semi-spaces of 16 MiB, and as much for large new objects. Left
 * to itself, V8 grows the semi-spaces to 64 MiB on a machine with this much memory (24 GiB), and a
 * chunk's short-lived facts, rows and documents keep touching fresh pages. Measured on the benchmark's
 * next day (interleaved, medians of four to five runs): with the thread's young generation capped, the
 * process takes 0.6–1.0 s less CPU with a fifth fewer page faults, and its wall 0.5–0.7 s less;
 * semi-spaces of 8 or 32 MiB did as well within noise; the first day neither gained nor lost, its peak
 * memory 60–100 MiB less.
 */
const YOUNG_GENERATION_MB = 48;

/** Threads started ahead and not yet handed a day, and the error of any that failed meanwhile. */
const prestarted: Worker[] = [];
const earlyErrors = new WeakMap<Worker, Error>();

function startThread(): Worker {
  // The thread turns on Node's compile cache (as bin/overdue.js does for the process) before it loads
  // this module, so that no module of the thread, this one included, needs the type stripper: it
  // starts working ~25 ms sooner.
  return new Worker(`require('node:module').enableCompileCache(); import(${JSON.stringify(import.meta.url)});`, {
    eval: true, workerData: { role: CYCLE_WORKER }, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
}

/**
 * Starts a worker thread that loads its modules and then waits for a day to work. It keeps no process
 * alive: one never handed a day ends with the process, or earlier by discardPrestartedWorkerThreads.
 */
export function prestartWorkerThread(): void {
  const thread = startThread();
  thread.unref();
  // A thread that fails before it is handed a day reports it once it is (runWorkerThread).
  thread.on('error', (e) => earlyErrors.set(thread, e));
  // One that has ended is not handed a day: a new thread is started instead.
  thread.once('exit', () => {
    const index = prestarted.indexOf(thread);
    if (index >= 0) prestarted.splice(index, 1);
  });
  prestarted.push(thread);
}

/** How many threads started ahead wait for a day. */
export function prestartedWorkerThreads(): number {
  return prestarted.length;
}

/** Ends the threads started ahead that no cycle took (a cycle on the embedded database, or with one worker). */
export async function discardPrestartedWorkerThreads(): Promise<void> {
  await Promise.all(prestarted.splice(0).map((thread) => thread.terminate()));
}

/**
 * Hands a day to a worker thread (one started ahead, or a new one) and resolves with its totals once
 * the day has no chunk left for it. The thread sends them once its chunks are committed and its
 * connections closed: what remains of it is its own teardown, which the caller need not wait for.
 * onLastClaimed is called should the thread claim the day's last chunk to be claimed (workChunks).
 */
export function runWorkerThread(data: WorkerThreadData, log?: (line: string) => void, onLastClaimed?: () => void): Promise<WorkerTotals> {
  const thread = prestarted.shift() ?? startThread();
  thread.ref();
  return new Promise((resolve, reject) => {
    let error: Error | null = earlyErrors.get(thread) ?? null;
    thread.on('message', (message: WorkerMessage) => {
      if ('log' in message) log?.(message.log);
      else if ('lastClaimed' in message) onLastClaimed?.();
      else if ('totals' in message) resolve(message.totals);
      else error = new Error(`cycle worker ${data.name}: ${message.error}`);
    });
    thread.on('error', (e) => (error ??= e));
    // Without totals first, the thread failed or stopped early (a promise settles once: after the
    // totals, its exit changes nothing).
    thread.on('exit', (code) => reject(error ?? new Error(`cycle worker ${data.name} stopped (exit code ${code}) before it finished`)));
    thread.postMessage(data);
  });
}

async function work(data: WorkerThreadData, port: NonNullable<typeof parentPort>, modules: Promise<CycleModules>): Promise<void> {
  const [{ openDatabase }, { compileStrategySet }, { workChunks }] = await modules;
  const set = compileStrategySet(data.strategies.bundle, data.strategies.versions);
  const database = await openDatabase({ url: data.url, poolSize: 1 });
  let totals: WorkerTotals;
  try {
    totals = await workChunks(database, { asOf: data.asOf, set, activationId: data.activationId, rest: data.rest, planSlice: data.planSlice }, data.name, undefined,
      (line) => port.postMessage({ log: line }), () => port.postMessage({ lastClaimed: true }));
  } finally {
    await database.close();
  }
  port.postMessage({ totals });
}

type CycleModules = [typeof import('../../platform/db/connect.ts'), typeof import('../core/compile.ts'), typeof import('./run-cycle.ts')];

if (!isMainThread && parentPort && (workerData as { role?: unknown } | null)?.role === CYCLE_WORKER) {
  const port = parentPort;
  // The modules load at once, before the day arrives.
  const modules: Promise<CycleModules> = Promise.all([import('../../platform/db/connect.ts'), import('../core/compile.ts'), import('./run-cycle.ts')]);
  modules.catch(() => undefined);
  port.once('message', (data: WorkerThreadData) => {
    work(data, port, modules).catch((e: unknown) => port.postMessage({ error: e instanceof Error ? e.message : String(e) }));
  });
}
