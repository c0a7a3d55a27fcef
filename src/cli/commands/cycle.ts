import type { Command } from 'commander';
import { withRuntime } from '../../platform/runtime.ts';
import { wholeNumber } from '../options.ts';
import { asOfOption } from '../../platform/clock.ts';
import type { CycleReport, Explanation, StrategyDiff } from '../../strategy/index.ts';

export function printCycleReport(report: CycleReport, out: (line: string) => void = console.log): void {
  out(`cycle ${report.asOf} (activation ${report.activationId}) by ${report.worker}: ${report.finished ? 'finished' : 'NOT finished'} in ${(report.elapsedMs / 1000).toFixed(1)} s`);
  out(`  chunks: ${report.chunks.done}/${report.chunks.total} done, ${report.chunks.processedNow} by this run`);
  out(`  this run: ${report.now.accounts} account states recomputed, ${report.now.evaluated} evaluated, ${report.now.newActions} new actions`);
  out(`  whole day: ${report.total.accounts} account states recomputed, ${report.total.evaluated} evaluated, ${report.total.actions} actions`);
  const t = report.total.timings;
  out(`  time in chunks: refresh ${t.refresh} ms, gather facts ${t.gather} ms, plan ${t.plan} ms, persist ${t.persist} ms`);
  if (report.total.byStep.length > 0) {
    out('  strategy / step                              status             actions');
    for (const s of report.total.byStep) out(`  ${`${s.strategyId} / ${s.stepId}`.padEnd(44)} ${s.status.padEnd(18)} ${String(s.count).padStart(7)}`);
  }
  const idle = Object.entries(report.total.idle).sort((a, b) => b[1] - a[1]);
  if (idle.length > 0) {
    out('  evaluated without action:');
    for (const [why, n] of idle) out(`    ${why.padEnd(42)} ${String(n).padStart(7)}`);
  }
}

export function registerCycleCommands(program: Command): void {
  program.command('cycle')
    .description('run the daily cycle: refresh delinquency, evaluate strategies, plan actions and outbox entries (exactly once per day)')
    .option('--as-of <date>', 'calendar date to run for (default: today in OVERDUE_TIME_ZONE)')
    .option('--json', 'print the report as JSON')
    .option('--workers <n>', 'chunks this process works on at once (default: 2 on a server, each beyond the first on its own thread; 1 embedded)', wholeNumber('--workers'))
    .option('--chunk-borrowers <n>', 'borrowers per chunk when the day is first laid out (default: 32000 on a server, 16000 embedded)', wholeNumber('--chunk-borrowers'))
    .option('--no-rest', 'evaluate every account in scope, also those at rest (no step can act before a later day), and record no rest')
    .action(async (opts: { asOf?: string; json?: boolean; workers?: number; chunkBorrowers?: number; rest: boolean }) => {
      // The daily cycle's own modules only: a cycle's start does not wait for the strategy loader,
      // explain or diff (a worker thread loads the same modules beside it, see cycle/worker-thread.ts).
      const { runCycle } = await import('../../strategy/cycle/run-cycle.ts');
      await withRuntime(async ({ config, database }) => {
        const asOf = asOfOption(opts.asOf, config.OVERDUE_TIME_ZONE);
        const report = await runCycle({ database, log: opts.json ? undefined : (l) => console.error(l) }, {
          asOf, workers: opts.workers, chunkBorrowers: opts.chunkBorrowers, rest: opts.rest,
        });
        const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
        if (opts.json) console.log(JSON.stringify({ ...report, peakRssMb }));
        else {
          printCycleReport(report);
          console.log(`  peak memory: ${peakRssMb} MiB`);
        }
        if (!report.finished) process.exitCode = 1;
      }, { poolSize: (opts.workers ?? 2) + 1 });
    });
}

function printExplanation(e: Explanation, out: (line: string) => void = console.log): void {
  out(`account ${e.account.externalId} (borrower ${e.account.borrowerExternalId}, product ${e.account.product}) as of ${e.asOf}`);
  if (e.state) {
    const s = e.state;
    out(`  state: DPD ${s.dpd}, bucket ${s.bucket}, overdue ${s.overdue_minor}, outstanding ${s.outstanding_minor}, late fees ${s.late_fee_minor} (minor units)`);
    out(`         oldest unpaid due ${s.oldest_unpaid_due ?? '-'}, next due ${s.next_due_date ?? '-'}, ${s.is_repeat ? 'repeat' : 'first-time'} delinquent (${s.episodes} episode(s)), grace ${s.grace_days} days, delinquent since ${s.delinquent_since ?? '-'}, cured on ${s.cured_on ?? '-'}`);
  }
  if (!e.evaluation) {
    out(`  ${e.outOfScope}`);
  } else {
    const v = e.evaluation;
    out(`  strategy: ${v.strategyId ?? '-'} v${v.strategyVersion ?? '-'}, arm ${v.arm ?? '-'}, segment ${v.segmentId ?? '-'}${v.stoppedBy ? `, stopped by ${v.stoppedBy}` : ''}`);
    out(`  ${v.reason}`);
    if (e.atRestUntil) out(`  at rest until ${e.atRestUntil}: no step can act before then, time alone moving its facts; the cycle skips it until then unless something about it changes`);
    out('  steps considered:');
    for (const step of v.steps) out(`    ${step.fired ? 'FIRES ' : 'skips '} ${step.strategyId}/${step.stepId}: ${step.reason}`);
    if (v.actions.length > 0) {
      out('  would plan today:');
      for (const a of v.actions) out(`    ${a.kind}${a.channel ? ` via ${a.channel}` : ''} to ${a.party}${a.template ? ` (${a.template})` : ''}${a.needsApproval ? ' — needs approval' : ''}: ${a.reason.summary}`);
    }
  }
  out(e.actions.length > 0 ? '  actions on record:' : '  no actions on record');
  for (const a of e.actions) {
    out(`    #${a.actionId} ${a.asOf} ${a.kind}${a.channel ? ` via ${a.channel}` : ''} to ${a.party} [${a.strategy}, arm ${a.arm}, step ${a.stepId}] ${a.status}: ${a.statusReason ?? ''}`);
  }
}

function printDiff(d: StrategyDiff, out: (line: string) => void = console.log): void {
  out(`strategy diff as of ${d.asOf}: ${d.accountsEvaluated} accounts evaluated, ${d.accountsDiffering} would be treated differently`);
  if (d.byStep.length > 0) {
    out('  action                                                         active  candidate');
    for (const r of d.byStep) out(`  ${r.step.padEnd(62)} ${String(r.active).padStart(6)} ${String(r.candidate).padStart(10)}`);
  }
  for (const s of d.samples) {
    out(`  e.g. ${s.accountKey}:`);
    for (const a of s.onlyActive) out(`    - ${a}`);
    for (const a of s.onlyCandidate) out(`    + ${a}`);
  }
}

export function registerExplainCommands(program: Command): void {
  program.command('explain')
    .description('why an account is treated as it is: state, segment, arm, every step considered and why, every action with status and reason')
    .argument('<account>', 'loan external id')
    .option('--as-of <date>', 'calendar date (default: today in OVERDUE_TIME_ZONE)')
    .option('--json', 'print as JSON')
    .action(async (account: string, opts: { asOf?: string; json?: boolean }) => {
      const { explainAccount, loadActiveSet } = await import('../../strategy/index.ts');
      await withRuntime(async ({ config, database }) => {
        const asOf = asOfOption(opts.asOf, config.OVERDUE_TIME_ZONE);
        const active = await loadActiveSet(database.db);
        if (!active) throw new Error('no active strategy set: activate one first with `overdue strategy activate strategies/`');
        const explanation = await explainAccount(database.db, active, account, asOf);
        if (opts.json) console.log(JSON.stringify(explanation, null, 2));
        else printExplanation(explanation);
      });
    });

  const strategy = program.commands.find((c) => c.name() === 'strategy');
  if (!strategy) throw new Error('the strategy command group must be registered before diff');
  strategy.command('diff')
    .description('what the strategy files in a directory would plan differently from the active set on the real portfolio (changes nothing)')
    .argument('[directory]', 'candidate strategy directory', 'strategies/')
    .option('--as-of <date>', 'calendar date (default: today in OVERDUE_TIME_ZONE)')
    .option('--samples <n>', 'accounts to show as examples', wholeNumber('--samples'), 10)
    .option('--json', 'print as JSON')
    .action(async (directory: string, opts: { asOf?: string; samples: number; json?: boolean }) => {
      const { diffStrategies, formatStrategyError, loadActiveSet, loadStrategyDirectory } = await import('../../strategy/index.ts');
      const loaded = loadStrategyDirectory(directory);
      if (!loaded.ok) {
        for (const e of loaded.errors) console.error(formatStrategyError(e));
        console.error(`${loaded.errors.length} problem(s) in the candidate; nothing compared`);
        process.exitCode = 1;
        return;
      }
      await withRuntime(async ({ config, database }) => {
        const asOf = asOfOption(opts.asOf, config.OVERDUE_TIME_ZONE);
        const active = await loadActiveSet(database.db);
        const diff = await diffStrategies(database.db, active?.set ?? null, loaded.value.set, { asOf, samples: opts.samples });
        if (opts.json) console.log(JSON.stringify(diff, null, 2));
        else printDiff(diff);
      });
    });
}
