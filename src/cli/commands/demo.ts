import type { Command } from 'commander';
import { wholeNumber } from '../options.ts';
import { asOfOption } from '../../platform/clock.ts';
import { withRuntime } from '../../platform/runtime.ts';
import { DEFAULT_BATCH_SIZE, MAX_ACCOUNTS, resetPortfolio, seedPortfolio, type SeedCounts } from '../../demo/index.ts';

const grouped = (n: number) => n.toLocaleString('en-US');

function printCounts(counts: SeedCounts, heading: string): void {
  console.log(heading);
  console.log(`  borrowers ${grouped(counts.borrowers)}, loans ${grouped(counts.loans)}, instalments ${grouped(counts.instalments)}, payments ${grouped(counts.payments)}`);
  console.log(`  contact points ${grouped(counts.contactPoints)}, emergency contacts ${grouped(counts.emergencyContacts)}, promises ${grouped(counts.promises)}, contact outcomes ${grouped(counts.contactOutcomes)}, account events ${grouped(counts.accountEvents)}`);
}

export function registerDemoCommands(program: Command): void {
  const demo = program.command('demo').description('demo data: a deterministic generated portfolio for demos, tests and benchmarks');

  demo.command('seed')
    .description('load a generated portfolio (borrowers, loans, schedules, payments, collection history) into an empty database; the same seed and as-of give the same data')
    .option('--accounts <n>', 'accounts (one borrower, one loan each)', wholeNumber('--accounts', MAX_ACCOUNTS), 10_000)
    .option('--seed <text>', 'seed of the generator', 'overdue-demo')
    .option('--as-of <date>', 'calendar date the portfolio is seen on (default: today in OVERDUE_TIME_ZONE)')
    .option('--batch-size <n>', 'accounts generated and inserted per statement', wholeNumber('--batch-size', 50_000), DEFAULT_BATCH_SIZE)
    .option('--json', 'print the counts as JSON')
    .action(async (opts: { accounts: number; seed: string; asOf?: string; batchSize: number; json?: boolean }) => {
      await withRuntime(async ({ config, database }) => {
        const asOf = asOfOption(opts.asOf, config.OVERDUE_TIME_ZONE);
        const showProgress = !opts.json && process.stderr.isTTY;
        const counts = await seedPortfolio(database.db, {
          accounts: opts.accounts, seed: opts.seed, asOf, batchSize: opts.batchSize,
          onProgress: showProgress ? (p) => process.stderr.write(`\r  ${grouped(p.accounts)} / ${grouped(p.of)} accounts (${(p.elapsedMs / 1000).toFixed(0)} s)`) : undefined,
        });
        if (showProgress) process.stderr.write('\n');
        if (opts.json) {
          console.log(JSON.stringify({ database: database.kind, accounts: opts.accounts, seed: opts.seed, asOf, ...counts }));
          return;
        }
        const where = database.kind === 'server' ? 'the PostgreSQL server' : `the embedded database in ${config.OVERDUE_DATA_DIR}`;
        printCounts(counts, `seeded ${grouped(opts.accounts)} accounts as of ${asOf} (seed "${opts.seed}") into ${where} in ${(counts.elapsedMs / 1000).toFixed(1)} s`);
        console.log(`  delinquency is not refreshed yet: run \`overdue cycle --as-of ${asOf}\``);
      });
    });

  demo.command('reset')
    .description('delete every borrower, loan, payment and collection record (products and strategies stay)')
    .option('--yes', 'confirm the deletion')
    .action(async (opts: { yes?: boolean }) => {
      if (!opts.yes) {
        console.error('demo reset deletes the whole portfolio and its collection history; run it again with --yes to confirm');
        process.exitCode = 1;
        return;
      }
      await withRuntime(async ({ database }) => {
        const { tables } = await resetPortfolio(database.db);
        console.log(`emptied ${tables.length} tables: ${tables.join(', ')}`);
      });
    });
}
