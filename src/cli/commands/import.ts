// `overdue import <file> --kind borrowers|loans|payments`: wiring for the ledger's import.
import { Option, type Command } from 'commander';
import { wholeNumber } from '../options.ts';
import { withRuntime } from '../../platform/runtime.ts';
import { asOfOption } from '../../platform/clock.ts';
import { cancelActionsOfCuredAccounts } from '../../strategy/index.ts';
import { DEFAULT_BATCH_SIZE, IMPORT_KINDS, InvalidFileError, importFile, type ImportKind, type ImportReport } from '../../ledger/index.ts';

export function registerImportCommands(program: Command): void {
  program
    .command('import <file>')
    .description('import borrowers, loans or payments from a CSV or NDJSON file (layouts: src/ledger/IMPORT.md)')
    .addOption(new Option('--kind <kind>', 'what the file holds').choices(IMPORT_KINDS).makeOptionMandatory())
    .addOption(new Option('--format <format>', 'file format (default: from the extension .csv, .ndjson, .jsonl)').choices(['csv', 'ndjson']))
    .option('--batch-size <n>', 'records per transaction', wholeNumber('--batch-size'), DEFAULT_BATCH_SIZE)
    .option('--as-of <date>', 'payments: the day on which accounts they cure are judged, cancelling their unsent actions (default: today in OVERDUE_TIME_ZONE)')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, options: { kind: ImportKind; format?: string; batchSize: number; asOf?: string; json?: boolean }) => {
      let report: ImportReport;
      try {
        report = await withRuntime(({ config, database }) => {
          const asOf = asOfOption(options.asOf, config.OVERDUE_TIME_ZONE);
          // A payment that cures an account stops what was planned for it and has not gone out yet,
          // in the payment's own transaction.
          const hooks = { afterPosting: async (trx: Parameters<typeof cancelActionsOfCuredAccounts>[0], loanIds: number[]) => void (await cancelActionsOfCuredAccounts(trx, loanIds, asOf)) };
          return importFile(database.db, { file, kind: options.kind, format: options.format, batchSize: options.batchSize, hooks });
        });
      } catch (error) {
        if (!(error instanceof InvalidFileError)) throw error;
        if (options.json) console.log(JSON.stringify({ file, kind: options.kind, refused: error.problems }, null, 2));
        else for (const problem of error.problems) process.stderr.write(`${problem}\n`);
        process.exitCode = 1;
        return;
      }
      if (options.json) {
        console.log(JSON.stringify(report, null, 2));
      } else {
        for (const problem of report.problems) process.stderr.write(`${problem}\n`);
        console.log(`${file}: ${report.kind}: ${report.accepted} accepted, ${report.rejected} rejected, ${report.unchanged} unchanged`);
      }
      process.exitCode = report.rejected > 0 ? 1 : 0;
    });
}
