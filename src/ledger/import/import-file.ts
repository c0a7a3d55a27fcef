// `overdue import`: a CSV or NDJSON file of borrowers, loans or payments into the ledger. Each record is
// validated on its own (a bad one is reported as "line N: field: reason" and skipped); valid records are
// applied in batches, one transaction each, through the same use-cases the rest of the system calls.
// Records are idempotent by external id, so re-importing a file reports them unchanged.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/types.ts';
import { parseAmount } from '../../platform/core/money.ts';
import { rejectRow, type BorrowerInput, type LoanInput, type PaymentInput, type ReversalInput, type RowOutcome } from '../core/types.ts';
import { parseBorrowerRecord, parseLoanRecord, parsePaymentRecord, type PaymentRecord, type RecordParse } from '../records.ts';
import { upsertBorrowers } from '../upsert-borrowers.ts';
import { upsertLoans } from '../upsert-loans.ts';
import { postPayments, reversePayments } from '../post-payments.ts';
import type { PostingHooks } from '../replay-loans.ts';
import { isAnyOf } from '../bulk.ts';
import { formatOf, readRecords, type ImportFormat, type LocatedProblem, type SourceRecord } from './read-records.ts';
import type { ImportKind } from './layouts.ts';

export const DEFAULT_BATCH_SIZE = 1000;

export interface ImportOptions {
  file: string;
  kind: ImportKind;
  /** csv or ndjson; by default from the file's extension. */
  format?: string;
  batchSize?: number;
  hooks?: PostingHooks;
  /** The instant recorded for contact changes (borrowers). */
  now?: Date;
}

export interface ImportReport {
  file: string;
  kind: ImportKind;
  format: ImportFormat;
  accepted: number;
  rejected: number;
  unchanged: number;
  /** "line N: field: reason" for every problem of every rejected record, in file order. */
  problems: string[];
}

interface KindHandler<T> {
  parse(value: unknown): RecordParse<T>;
  apply(trx: Kysely<DB>, inputs: T[], options: ImportOptions): Promise<RowOutcome[]>;
}

// Each handler receives only inputs its own parse produced.
const HANDLERS: Readonly<Record<ImportKind, KindHandler<unknown>>> = {
  borrowers: { parse: parseBorrowerRecord, apply: (trx, inputs, o) => upsertBorrowers(trx, inputs as BorrowerInput[], { now: o.now }) },
  loans: { parse: parseLoanRecord, apply: (trx, inputs, o) => upsertLoans(trx, inputs as LoanInput[], o.hooks) },
  payments: { parse: parsePaymentRecord, apply: (trx, inputs, o) => applyPaymentRecords(trx, inputs as PaymentRecord[], o) },
};

/**
 * Payments and reversals in file order, as runs of one type each (a reversal may follow its payment in the
 * same batch). Amounts become minor units with the loan's currency, which only the database knows.
 */
async function applyPaymentRecords(trx: Kysely<DB>, records: PaymentRecord[], options: ImportOptions): Promise<RowOutcome[]> {
  const loanExternalIds = records.flatMap((r) => (r.type === 'payment' ? [r.loanExternalId] : []));
  const currencyOf = new Map(
    (await trx.selectFrom('loans').select(['external_id', 'currency']).where(isAnyOf('external_id', [...new Set(loanExternalIds)], 'text')).execute()).map((l) => [l.external_id, l.currency]),
  );
  const outcomes: RowOutcome[] = [];
  for (let start = 0; start < records.length;) {
    let end = start;
    while (end < records.length && records[end].type === records[start].type) end++;
    const run = records.slice(start, end);
    if (records[start].type === 'reversal') {
      outcomes.push(...(await reversePayments(trx, run as ReversalInput[], options.hooks)));
    } else {
      const converted = (run as Array<Extract<PaymentRecord, { type: 'payment' }>>).map((p): PaymentInput | RowOutcome => {
        const currency = p.currency ?? currencyOf.get(p.loanExternalId);
        if (currency === undefined) return rejectRow('loan_external_id', `unknown loan "${p.loanExternalId}"`);
        const amount = parseAmount(p.amount, currency);
        if (!amount.ok) return rejectRow('amount', amount.reason);
        return { externalId: p.externalId, loanExternalId: p.loanExternalId, channel: p.channel, paidOn: p.paidOn, amountMinor: amount.minor, currency: p.currency };
      });
      const inputs = converted.filter((c): c is PaymentInput => !('outcome' in c));
      const posted = await postPayments(trx, inputs, options.hooks);
      let next = 0;
      outcomes.push(...converted.map((c) => ('outcome' in c ? c : posted[next++])));
    }
    start = end;
  }
  return outcomes;
}

export async function importFile(db: Kysely<DB>, options: ImportOptions): Promise<ImportReport> {
  const format = formatOf(options.file, options.format);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a whole number of at least 1, got ${batchSize}`);
  const handler = HANDLERS[options.kind];
  const report: ImportReport = { file: options.file, kind: options.kind, format, accepted: 0, rejected: 0, unchanged: 0, problems: [] };
  const problems: LocatedProblem[] = [];
  const reject = (located: LocatedProblem[]) => {
    report.rejected++;
    problems.push(...located);
  };
  let batch: Array<{ record: SourceRecord; input: unknown }> = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const pending = batch;
    batch = [];
    const outcomes = await db.transaction().execute((trx) => handler.apply(trx, pending.map((p) => p.input), options));
    outcomes.forEach((outcome, i) => {
      if (outcome.outcome === 'rejected') {
        const { line, field } = pending[i].record.locate(outcome.field ?? '');
        reject([{ line, field, message: outcome.reason }]);
      } else report[outcome.outcome]++;
    });
  };

  for await (const item of readRecords(options.file, options.kind, format)) {
    if (!item.ok) {
      reject(item.problems);
      continue;
    }
    const parsed = handler.parse(item.record.value);
    if (!parsed.ok) {
      reject(parsed.problems.map((p) => ({ ...item.record.locate(p.path), message: p.message })));
      continue;
    }
    batch.push({ record: item.record, input: parsed.value });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  report.problems = problems
    .sort((a, b) => a.line - b.line)
    .map((p) => `line ${p.line}: ${p.field ? `${p.field}: ` : ''}${p.message}`);
  return report;
}
