// The daily cycle (use-case): for one as-of date, split the portfolio into chunks of borrowers, and for
// each chunk, in ONE transaction: claim it (FOR UPDATE SKIP LOCKED), refresh delinquency, gather facts
// (contact facts only for accounts a step may act on, see core/screen.ts), evaluate the active
// strategies, judge every planned contact, persist actions and outbox entries, and mark the chunk done.
// A killed worker's transaction rolls back and its chunk stays pending; another process claims the
// next free chunk; idempotency keys make any re-run plan nothing twice. On a server, the workers beyond
// the first run on threads of their own (worker-thread.ts).
import { sql, type Kysely, type Transaction } from 'kysely';
import { hostname } from 'node:os';
import type { DB } from '../../platform/db/types.ts';
import type { Database } from '../../platform/db/connect.ts';
import { analyzeStatesIfStale, refreshDelinquency } from '../../delinquency/index.ts';
import { judgePlannedContacts, type ContactJudge, type ContactToJudge } from '../../compliance/index.ts';
import type { AccountFacts } from '../core/facts.ts';
import type { ActiveStrategySet, PlannedAction } from '../core/types.ts';
import { evaluateAccount, scopeOf } from '../core/evaluate.ts';
import { mayAct } from '../core/screen.ts';
import { factsAfter, restOf, type AccountRest, type ActionOnRecord } from '../core/rest.ts';
import { visitScreenedFacts, restMarksInScope, type AccountsReading, type ContactFactsLoading, type FactsScope } from './gather-facts.ts';
import { ActionBatch, persistActions, statusOf, type ActionToPersist, type PersistCount } from './persist-actions.ts';
import { endRest, persistRest } from './account-rest.ts';
import { integerArrayLiteral } from '../../platform/db/array-literal.ts';
import { discardPrestartedWorkerThreads, runWorkerThread } from './worker-thread.ts';

export const DEFAULT_CHUNK_BORROWERS = 16_000;
/**
 * On a server, chunks twice as large: each chunk pays a fixed price (its statements planned, its
 * ranges scanned, its transaction), which fewer chunks pay fewer times. Measured on the benchmark
 * portfolio (1,000,000 accounts, 2 cores), interleaved: the next day 5–15 % faster with 32,000 than
 * with 16,000 borrowers per chunk in seven pairs of eight, 64,000 slower than 32,000 in three of three;
 * the first day within noise, its peak memory 670–745 MiB instead of 570–580. The embedded database
 * runs inside the cycle's own process, so it keeps the smaller chunks.
 */
export const DEFAULT_CHUNK_BORROWERS_ON_SERVER = 32_000;
const OPEN_END = 2 ** 53 - 1;
/**
 * Accounts planned at a time within a chunk (CycleOptions.planSlice): their facts and planned actions
 * are dropped once their actions are reduced to what is sent (ActionBatch), so that few of them live
 * long enough for the garbage collector to copy. Measured on the benchmark's first day (1,000,000
 * accounts, 2 cores), interleaved, three pairs: the process's CPU 8.9 s against 10.4 s with the whole
 * chunk planned at once (its scavenges 1.6 s against 2.0 s).
 */
export const DEFAULT_PLAN_SLICE = 500;
/** The idle reason of in-scope accounts screened out before their contact facts were loaded. */
export const SCREENED_OUT = 'no step can act today (screened)';
/** The idle reason of in-scope accounts at rest (core/rest.ts): skipped without loading their facts. */
export const AT_REST = 'no step can act before a later day (at rest)';
/**
 * Above this share of accounts let through by the screen, loading contact facts for all of them with
 * the account facts, in one statement, is cheaper than a second statement for those let through.
 */
const LOAD_CONTACTS_WITH_ACCOUNTS_ABOVE = 0.75;

/** How a worker loads contact facts for its next chunk, from what the screen let through in its last. */
export function contactFactsLoading(last: Pick<ChunkCounts, 'evaluated' | 'idle'> | null): ContactFactsLoading {
  // Of the accounts whose facts were loaded: those at rest were not.
  const loaded = last ? last.evaluated - (last.idle[AT_REST] ?? 0) : 0;
  if (!last || loaded <= 0) return 'after-screen';
  const passed = 1 - (last.idle[SCREENED_OUT] ?? 0) / loaded;
  return passed > LOAD_CONTACTS_WITH_ACCOUNTS_ABOVE ? 'with-accounts' : 'after-screen';
}

/**
 * Above this share of in-scope accounts at rest, reading the awake ones by key is cheaper than joining
 * the chunk's ranges (AccountsReading; measured on the benchmark portfolio: by key 20 % less with
 * two thirds at rest, 20 % more with none).
 */
const READ_AWAKE_BY_KEY_ABOVE = 0.5;

/** How a worker reads the accounts of its next chunk, from the share at rest in its last. */
export function accountsReading(last: Pick<ChunkCounts, 'evaluated' | 'idle'> | null): AccountsReading {
  if (!last || last.evaluated <= 0) return 'by-range';
  return (last.idle[AT_REST] ?? 0) / last.evaluated > READ_AWAKE_BY_KEY_ABOVE ? 'awake-by-key' : 'by-range';
}

/**
 * How a worker reads the accounts of its first chunk, which has no last chunk to go by: from the share
 * of the chunk's accounts that may be in scope (delinquent, or due within the widest pre-due window)
 * with a rest mark for the day under the day's activation. On a day after the first most rest, and
 * reading the first chunk by range (its contact facts after the screen) cost each worker about 0.1 s
 * more on the benchmark's next day.
 */
async function firstChunkReading(trx: Transaction<DB>, scope: FactsScope): Promise<AccountsReading> {
  if (scope.restUnder === undefined) return 'by-range';
  const { accounts, resting } = await restMarksInScope(trx, { ...scope, restUnder: scope.restUnder });
  return accountsReading({ evaluated: accounts, idle: { [AT_REST]: resting } });
}

export interface CycleDeps {
  database: Database;
  judge?: ContactJudge;
  log?: (line: string) => void;
}

export interface CycleOptions {
  asOf: string;
  /** Chunks processed at once by this process (default: what the database can run in parallel, at most 2). */
  workers?: number;
  /** Borrowers per chunk when the cycle for this date is first laid out. */
  chunkBorrowers?: number;
  /** Name recorded on the chunks this process finishes. */
  workerName?: string;
  /**
   * Accounts of a chunk planned at a time, a borrower's accounts always together (default
   * DEFAULT_PLAN_SLICE): the same actions whatever the number.
   */
  planSlice?: number;
  /**
   * Skip the accounts at rest and record how long each account evaluated may rest (default true).
   * False evaluates every account in scope and records no rest; the marks already recorded stay.
   */
  rest?: boolean;
}

/** What every chunk of one day's cycle is processed with. */
export interface CycleDay {
  asOf: string;
  set: ActiveStrategySet;
  activationId: number;
  rest: boolean;
  /** CycleOptions.planSlice. */
  planSlice: number;
}

export interface ChunkCounts {
  /** Account states recomputed (the others still held on this day). */
  accounts: number;
  /** In-scope accounts: evaluated in full, or screened out (idle as SCREENED_OUT). */
  evaluated: number;
  planned: PersistCount[];
  /** Evaluated accounts that planned nothing, by the reason that stopped them. */
  idle: Record<string, number>;
  /** Milliseconds spent per phase in this chunk. */
  timings: PhaseTimings;
}

export interface PhaseTimings {
  refresh: number;
  /** The facts statements and the accounts' facts built from them, the screen included. */
  gather: number;
  /** Evaluation, the compliance judge, rest, and the planned actions reduced to what is sent (ActionBatch). */
  plan: number;
  /** The insert of the chunk's actions and outbox entries, and its rest marks. */
  persist: number;
}

export interface CycleReport {
  asOf: string;
  activationId: number;
  worker: string;
  chunks: { total: number; done: number; processedNow: number };
  /** What this invocation added. */
  now: { accounts: number; evaluated: number; newActions: number };
  /** The whole as-of date so far, across every process and re-run. */
  total: { accounts: number; evaluated: number; actions: number; byStep: PersistCount[]; idle: Record<string, number>; timings: PhaseTimings };
  finished: boolean;
  elapsedMs: number;
}

/**
 * Pure planning step: evaluations → rows to persist, with compliance verdicts attached, and the rest
 * each account may take once its actions are on record (with `rest`). Each evaluation (with its
 * per-step trace, which only explain needs) is dropped as soon as its actions are taken.
 */
export function planChunk(facts: readonly AccountFacts[], set: ActiveStrategySet, judge?: ContactJudge, options: { rest?: boolean } = {}) {
  // Each planned action beside the account it is for; the compliance judge sees each as a contact.
  const actions: PlannedAction[] = [];
  const accounts: AccountFacts[] = [];
  const contacts: ContactToJudge[] = [];
  const idle: Record<string, number> = {};
  for (const f of facts) {
    const evaluation = evaluateAccount(f, set, { traced: false });
    if (evaluation.actions.length === 0) {
      const why = evaluation.stoppedBy ?? (evaluation.segmentId ? 'no step due' : 'no segment matched');
      idle[why] = (idle[why] ?? 0) + 1;
    }
    for (const action of evaluation.actions) {
      actions.push(action);
      accounts.push(f);
      contacts.push({
        idempotencyKey: action.idempotencyKey, borrowerId: f.borrowerId, loanId: f.loanId, kind: action.kind,
        channel: action.channel, party: action.party, template: action.template, jurisdiction: f.jurisdiction, asOf: f.asOf,
      });
    }
  }
  const verdicts = judgePlannedContacts(contacts, judge);
  const rows: ActionToPersist[] = actions.map((action, i) => ({ borrowerId: accounts[i].borrowerId, loanId: accounts[i].loanId, asOf: accounts[i].asOf, action, verdict: verdicts[i] }));
  const rest: AccountRest[] = [];
  if (options.rest) {
    // The actions come account by account, in the order of the facts.
    let i = 0;
    for (const f of facts) {
      const onRecord: ActionOnRecord[] = [];
      for (; i < rows.length && accounts[i] === f; i++) {
        const { action, verdict } = rows[i];
        onRecord.push({ strategyId: action.strategyId, stepId: action.stepId, party: action.party, channel: action.channel, counts: statusOf(action, verdict).status !== 'blocked' });
      }
      const r = restOf(factsAfter(f, onRecord), set);
      if (r) rest.push(r);
    }
  }
  return { rows, idle, rest };
}

/** The portfolio's borrower ids as [lo, hi): the span that chunks of borrowers cover. */
export async function borrowerIdSpan(db: Kysely<DB>): Promise<{ lo: number; hi: number }> {
  const bounds = await sql<{ lo: number | null; hi: number | null }>`
    SELECT min(borrower_id) AS lo, max(borrower_id) AS hi FROM borrowers`.execute(db);
  return { lo: bounds.rows[0].lo ?? 1, hi: (bounds.rows[0].hi ?? 0) + 1 };
}

/** States the day's refresh wrote so far, over the chunks done by any worker. */
async function statesWrittenOn(database: Database, asOf: string): Promise<number> {
  const done = await sql<{ n: number }>`
    SELECT coalesce(sum(accounts), 0)::int AS n FROM cycle_chunks WHERE as_of = ${asOf} AND status = 'done'`.execute(database.db);
  return done.rows[0].n;
}

/**
 * The last chunk's worth of borrowers is laid out in this many smaller chunks. Chunks are claimed in
 * order, so the workers then end on small chunks and together: with chunks of one size, a worker that
 * ends its last chunk early waits out the others' (on the benchmark's first day 0.04–0.43 s of a core
 * idle at the end, with 32 chunks of about 0.6 s).
 */
const TAPER_PARTS = 4;

/**
 * The day's chunks as [lo, hi) of borrower ids over the portfolio's span [lo, hi): chunkBorrowers each
 * but the last chunk's worth, which comes in TAPER_PARTS smaller ones (unless the span fits in one).
 * The first is open below and the last above, so borrowers added later on the same day are still covered.
 */
export function chunkRanges(lo: number, hi: number, chunkBorrowers: number): Array<[number, number]> {
  const span = Math.max(1, hi - lo);
  const tail = Math.min(span, chunkBorrowers);
  const bounds: number[] = [];
  for (let b = lo; b < lo + span - tail; b += chunkBorrowers) bounds.push(b);
  // A portfolio that fits in one chunk stays in one.
  const parts = span > chunkBorrowers ? Math.min(TAPER_PARTS, tail) : 1;
  for (let i = 0; i < parts; i++) bounds.push(lo + span - tail + Math.floor((i * tail) / parts));
  return bounds.map((b, i) => [i === 0 ? 0 : b, i === bounds.length - 1 ? OPEN_END : bounds[i + 1]]);
}

/** Lays the day out in chunks once (chunkRanges); later runs and other processes find it there. */
export async function layOutCycle(database: Database, asOf: string, activationId: number, chunkBorrowers: number): Promise<void> {
  const { db } = database;
  const { lo, hi } = await borrowerIdSpan(db);
  const ranges = chunkRanges(lo, hi, chunkBorrowers);
  await db.transaction().execute(async (trx) => {
    // After the writes in flight whose triggers found no chunk of the day yet, and before any that
    // come next: those look for the day's chunks in progress (migrations/0035_account_rest.sql).
    await sql`SELECT pg_advisory_xact_lock(hashtext('overdue.cycle_layout'))`.execute(trx);
    const created = await sql`
      INSERT INTO cycle_runs (as_of, activation_id, chunk_count, lo_borrower_id, hi_borrower_id)
      VALUES (${asOf}, ${activationId}, ${ranges.length}, ${lo}, ${hi}) ON CONFLICT (as_of) DO NOTHING RETURNING as_of`.execute(trx);
    if (created.rows.length === 0) return;
    await sql`
      INSERT INTO cycle_chunks (as_of, chunk_no, lo_borrower_id, hi_borrower_id)
      SELECT ${asOf}::date, n - 1, r.lo, r.hi
      FROM unnest(${integerArrayLiteral(ranges.map((r) => r[0]))}::bigint[], ${integerArrayLiteral(ranges.map((r) => r[1]))}::bigint[]) WITH ORDINALITY AS r(lo, hi, n)
      ON CONFLICT DO NOTHING`.execute(trx);
  });
}

/**
 * Claims the day's next pending chunk for this transaction. Without waiting, it passes over the chunks
 * other workers hold. Waiting, it queues behind them in turn and returns as soon as one is released
 * still pending (its worker died with its transaction: the chunk is taken over), or with none once
 * every chunk is done: a chunk its worker finishes no longer matches when the lock comes free.
 */
async function claimChunk(trx: Transaction<DB>, asOf: string, wait: boolean) {
  // However long the others' chunks take: no statement or lock timeout of the database's settings
  // cuts the wait short (for this transaction only).
  if (wait) await sql`SELECT set_config('statement_timeout', '0', true), set_config('lock_timeout', '0', true)`.execute(trx);
  // Chunks are claimed in order: with no pending one after it, this one is the last to be claimed.
  const claimed = await sql<{ chunk_no: number; lo_borrower_id: number; hi_borrower_id: number; last: boolean }>`
    SELECT c.chunk_no, c.lo_borrower_id, c.hi_borrower_id,
           NOT EXISTS (SELECT 1 FROM cycle_chunks n WHERE n.as_of = c.as_of AND n.status = 'pending' AND n.chunk_no > c.chunk_no) AS last
    FROM cycle_chunks c
    WHERE c.as_of = ${asOf} AND c.status = 'pending' ORDER BY c.chunk_no LIMIT 1 FOR UPDATE OF c ${wait ? sql`` : sql`SKIP LOCKED`}`.execute(trx);
  return claimed.rows[0] ?? null;
}

async function processNextChunk(
  trx: Transaction<DB>, day: CycleDay, worker: string, judge: ContactJudge | undefined, last: ChunkCounts | null, waitForOthers: boolean,
  onLastClaimed: () => void,
): Promise<ChunkCounts | null> {
  const { asOf, set } = day;
  const chunk = await claimChunk(trx, asOf, waitForOthers);
  if (!chunk) return null;
  if (chunk.last) onLastClaimed();
  // The chunk's writes need not wait for chunks in progress, and its action inserts end no marks: with
  // rest it records the rest of every account it evaluates itself, after them (migrations/0035), and
  // without, it ends the marks of the accounts it acts on (migrations/0036).
  await sql`SELECT set_config('overdue.cycle_chunk', ${day.rest ? 'rest' : 'full'}, true)`.execute(trx);
  let mark = performance.now();
  const lap = () => {
    const t = performance.now();
    const ms = Math.round(t - mark);
    mark = t;
    return ms;
  };
  const { accounts } = await refreshDelinquency(trx, { asOf, loBorrowerId: chunk.lo_borrower_id, hiBorrowerId: chunk.hi_borrower_id });
  const refresh = lap();
  const scope = scopeOf(set);
  const factsScope: FactsScope = {
    asOf, loBorrowerId: chunk.lo_borrower_id, hiBorrowerId: chunk.hi_borrower_id, maxPreDueDays: scope.maxPreDueDays, preDueDaysByProduct: scope.preDueDaysByProduct,
    emergencyContactsFromDpd: scope.emergencyContactsFromDpd, restUnder: day.rest ? day.activationId : undefined,
  };
  // A first chunk read by key loads awake accounts only, most of which the screen lets through.
  const reading = last ? accountsReading(last) : await firstChunkReading(trx, factsScope);
  const loading = last ? contactFactsLoading(last) : reading === 'awake-by-key' ? 'with-accounts' : 'after-screen';
  const rest: AccountRest[] = [];
  const idle: Record<string, number> = {};
  const actions = new ActionBatch();
  // Without rest, the accounts acted on, whose marks the chunk ends (endRest).
  const actedOn: Array<{ borrowerId: number; loanId: number }> = [];
  let evaluated = 0;
  let planMs = 0;
  // The accounts let through come in order and are planned a slice at a time, a borrower's accounts
  // in the same slice (a judge may weigh a borrower's contacts together), and their actions
  // serialized at once: facts and planned actions die young, not at the end of the chunk.
  let slice: AccountFacts[] = [];
  const planSlice = () => {
    const t = performance.now();
    const planned = planChunk(slice, set, judge, { rest: day.rest });
    actions.add(planned.rows);
    if (!day.rest) for (const { borrowerId, loanId } of planned.rows) actedOn.push({ borrowerId, loanId });
    for (const r of planned.rest) rest.push(r);
    for (const why in planned.idle) idle[why] = (idle[why] ?? 0) + planned.idle[why];
    evaluated += slice.length;
    slice = [];
    planMs += performance.now() - t;
  };
  const { screenedOut, atRest } = await visitScreenedFacts(trx, factsScope, (core) => {
    if (mayAct(core, set)) return true;
    // Screened out: it plans nothing today, and may rest from tomorrow on.
    const r = day.rest ? restOf(core, set) : null;
    if (r) rest.push(r);
    return false;
  }, (facts) => {
    if (slice.length >= day.planSlice && slice[slice.length - 1].borrowerId !== facts.borrowerId) planSlice();
    slice.push(facts);
  }, loading, reading);
  if (slice.length > 0) planSlice();
  // The planning done between the facts' arrival counts as planning, not gathering.
  const gather = lap() - Math.round(planMs);
  evaluated += screenedOut + atRest;
  if (screenedOut > 0) idle[SCREENED_OUT] = screenedOut;
  if (atRest > 0) idle[AT_REST] = atRest;
  const plan = Math.round(planMs);
  const persisted = await persistActions(trx, actions);
  if (day.rest) await persistRest(trx, asOf, day.activationId, rest);
  else await endRest(trx, actedOn);
  const counts: ChunkCounts = { accounts, evaluated, planned: persisted, idle, timings: { refresh, gather, plan, persist: lap() } };
  await sql`
    UPDATE cycle_chunks SET status = 'done', worker = ${worker}, accounts = ${accounts},
           planned = ${persisted.reduce((n, p) => n + p.count, 0)}, finished_at = clock_timestamp(), counts = ${JSON.stringify(counts)}::jsonb
    WHERE as_of = ${asOf} AND chunk_no = ${chunk.chunk_no}`.execute(trx);
  return counts;
}

export async function summarizeCycle(database: Database, asOf: string): Promise<CycleReport['total'] & { chunks: { total: number; done: number } }> {
  const rows = await sql<{ status: string; counts: ChunkCounts | null }>`
    SELECT status, counts FROM cycle_chunks WHERE as_of = ${asOf}`.execute(database.db);
  const byStep = new Map<string, PersistCount>();
  const idle: Record<string, number> = {};
  const timings: PhaseTimings = { refresh: 0, gather: 0, plan: 0, persist: 0 };
  let accounts = 0;
  let evaluated = 0;
  for (const r of rows.rows) {
    if (!r.counts) continue;
    for (const phase of Object.keys(timings) as Array<keyof PhaseTimings>) timings[phase] += r.counts.timings?.[phase] ?? 0;
    accounts += r.counts.accounts;
    evaluated += r.counts.evaluated;
    for (const p of r.counts.planned) {
      const key = `${p.strategyId}\u0000${p.stepId}\u0000${p.status}`;
      const prev = byStep.get(key);
      byStep.set(key, prev ? { ...prev, count: prev.count + p.count } : { ...p });
    }
    for (const [why, n] of Object.entries(r.counts.idle)) idle[why] = (idle[why] ?? 0) + n;
  }
  const list = [...byStep.values()].sort((a, b) => a.strategyId.localeCompare(b.strategyId) || a.stepId.localeCompare(b.stepId) || a.status.localeCompare(b.status));
  return {
    accounts, evaluated, actions: list.reduce((n, p) => n + p.count, 0), byStep: list, idle, timings,
    chunks: { total: rows.rows.length, done: rows.rows.filter((r) => r.status === 'done').length },
  };
}

/** What one worker added by claiming and finishing chunks. */
export interface WorkerTotals {
  chunks: number;
  accounts: number;
  evaluated: number;
  newActions: number;
}

/**
 * One worker's loop: claims the day's next free chunk and processes it, each in its own transaction,
 * until none is left; then waits for the chunks other workers hold, and takes over any whose worker died.
 * onLastClaimed is called once should it claim the day's last chunk to be claimed (none pending after it).
 */
export async function workChunks(
  database: Database, day: CycleDay, name: string, judge?: ContactJudge, log?: (line: string) => void, onLastClaimed?: () => void,
): Promise<WorkerTotals> {
  const totals: WorkerTotals = { chunks: 0, accounts: 0, evaluated: 0, newActions: 0 };
  let last: ChunkCounts | null = null;
  let waitForOthers = false;
  let lastClaimed = false;
  const claimedLast = () => {
    if (!lastClaimed) onLastClaimed?.();
    lastClaimed = true;
  };
  for (;;) {
    const counts = await database.db.transaction().execute((trx) => processNextChunk(trx, day, name, judge, last, waitForOthers, claimedLast));
    if (!counts) {
      // Nothing free to claim: every chunk is done, or other workers hold the rest. The next claim
      // queues behind them (claimChunk), and finds none once they are all done.
      if (waitForOthers) return totals;
      waitForOthers = true;
      continue;
    }
    waitForOthers = false;
    last = counts;
    const planned = counts.planned.reduce((n, p) => n + p.count, 0);
    totals.chunks++;
    totals.accounts += counts.accounts;
    totals.evaluated += counts.evaluated;
    totals.newActions += planned;
    log?.(`chunk done by ${name}: ${counts.accounts} accounts, ${counts.evaluated} evaluated, ${planned} new actions`);
  }
}

/**
 * Whether the workers beyond the first run on threads of their own. Each worker's JavaScript (facts,
 * evaluation, the rows to persist) then runs beside the others' instead of taking turns on one thread,
 * which keeps every core busy as workers are added. It needs a server (the embedded database is one
 * connection in this process) and the default compliance judge (a judge passed in cannot cross threads).
 */
function workerThreadsFor(database: Database, workers: number, deps: CycleDeps): boolean {
  return workers > 1 && database.kind === 'server' && database.url !== undefined && deps.judge === undefined;
}

export async function runCycle(deps: CycleDeps, options: CycleOptions): Promise<CycleReport> {
  const started = performance.now();
  const { database } = deps;
  const worker = options.workerName ?? `${hostname()}:${process.pid}`;
  // The strategy store (and its validator) loads here, not with this module: a worker thread, which
  // imports this module, compiles the set the main thread validated (worker-thread.ts).
  const { loadActiveSet } = await import('../strategy-store.ts');
  const active = await loadActiveSet(database.db);
  if (!active) throw new Error('no active strategy set: activate one first with `overdue strategy activate strategies/`');
  const { set, activationId } = active;
  const day: CycleDay = { asOf: options.asOf, set, activationId, rest: options.rest ?? true, planSlice: Math.max(1, options.planSlice ?? DEFAULT_PLAN_SLICE) };
  await layOutCycle(database, options.asOf, activationId, options.chunkBorrowers ?? (database.kind === 'server' ? DEFAULT_CHUNK_BORROWERS_ON_SERVER : DEFAULT_CHUNK_BORROWERS));

  const workers = Math.max(1, options.workers ?? Math.min(2, database.concurrency));
  const nameOf = (index: number) => (workers > 1 ? `${worker}#${index}` : worker);
  // The first worker runs here; with threads, the others on theirs (started ahead by the command, or
  // now: loading their modules while this one already works). Threads started ahead and not needed end.
  const threads = workerThreadsFor(database, workers, deps);
  if (!threads) await discardPrestartedWorkerThreads();
  // Once the day's last chunk is claimed, or one worker finds no chunk left, the workers are on their
  // last chunks: the statistics of the states are refreshed meanwhile, on a core a worker soon no
  // longer uses, if the day wrote enough of them to make the old ones mislead (the last chunks' rows,
  // unseen yet, do not change the picture).
  let lastClaimed!: () => void;
  const lastChunkClaimed = new Promise<void>((resolve) => { lastClaimed = resolve; });
  const others = threads
    ? Array.from({ length: workers - 1 }, (_, i) => runWorkerThread({ url: database.url!, asOf: options.asOf, activationId, strategies: active.compiledFrom, rest: day.rest, planSlice: day.planSlice, name: nameOf(i + 1) }, deps.log, lastClaimed))
    : Array.from({ length: workers - 1 }, (_, i) => workChunks(database, day, nameOf(i + 1), deps.judge, deps.log, lastClaimed));
  const working = [workChunks(database, day, nameOf(0), deps.judge, deps.log, lastClaimed), ...others];
  const analyzeDay = async () => { await analyzeStatesIfStale(database.db, await statesWrittenOn(database, options.asOf)); };
  const analyzed = Promise.race([lastChunkClaimed, ...working.map((w) => w.then(() => undefined, () => undefined))])
    .then(analyzeDay).then(() => null, (e: unknown) => e);
  const results = await Promise.allSettled(working);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  const analyzeError = await analyzed;
  if (analyzeError) throw analyzeError;
  const now = { accounts: 0, evaluated: 0, newActions: 0, chunks: 0 };
  for (const r of results as Array<PromiseFulfilledResult<WorkerTotals>>) {
    now.chunks += r.value.chunks;
    now.accounts += r.value.accounts;
    now.evaluated += r.value.evaluated;
    now.newActions += r.value.newActions;
  }
  // Should the others have had more than their last chunks to do, once more over all the day wrote (a
  // check of the table's row estimate only, unless still stale).
  await analyzeDay();

  const summary = await summarizeCycle(database, options.asOf);
  const finished = summary.chunks.done === summary.chunks.total;
  if (finished) await sql`UPDATE cycle_runs SET finished_at = coalesce(finished_at, now()) WHERE as_of = ${options.asOf}`.execute(database.db);
  const { chunks, ...total } = summary;
  return {
    asOf: options.asOf,
    activationId,
    worker,
    chunks: { ...chunks, processedNow: now.chunks },
    now: { accounts: now.accounts, evaluated: now.evaluated, newActions: now.newActions },
    total,
    finished,
    elapsedMs: Math.round(performance.now() - started),
  };
}
