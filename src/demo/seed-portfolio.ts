// Loads a generated demo portfolio into the ledger fast and in bounded memory: accounts are generated
// a batch at a time and each table gets one INSERT … SELECT FROM unnest(…) per batch. Borrower and loan
// ids are the account's index + 1, set explicitly, and the identity sequences are moved past them
// afterwards. One transaction: a failed seed leaves nothing behind. Delinquency is not refreshed here.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { isCalendarDate } from '../platform/core/calendar.ts';
import { insertRows, type ColumnSpec } from './bulk-insert.ts';
import { generateAccounts, instalmentRangeProblem, MAX_ACCOUNTS, type GenerateOptions } from './core/generate-account.ts';
import type { DemoAccount } from './core/types.ts';
import { ensureDemoProducts } from './ensure-products.ts';
import { DemoError } from './errors.ts';

export interface SeedOptions {
  accounts: number;
  seed: string | number;
  /** Calendar date the portfolio is seen on: no payment or contact after it. */
  asOf: string;
  /** Instalments per loan evenly from this range instead of the products' usual 3–24 (benchmarks). */
  instalments?: GenerateOptions['instalments'];
  /** Accounts generated and inserted per statement; bounds memory. */
  batchSize?: number;
  onProgress?: (progress: { accounts: number; of: number; elapsedMs: number }) => void;
}

export interface SeedCounts {
  borrowers: number;
  contactPoints: number;
  emergencyContacts: number;
  loans: number;
  instalments: number;
  payments: number;
  promises: number;
  contactOutcomes: number;
  accountEvents: number;
  elapsedMs: number;
}

type Table = {
  count: Exclude<keyof SeedCounts, 'elapsedMs'>;
  name: string;
  insert(db: Kysely<DB>, accounts: readonly DemoAccount[]): Promise<number>;
};

function table<Row>(count: Table['count'], name: string, rowsOf: (account: DemoAccount) => readonly Row[], columns: ReadonlyArray<ColumnSpec<Row>>): Table {
  return { count, name, insert: (db, accounts) => insertRows(db, name, columns, accounts.flatMap(rowsOf)) };
}

const createdAtAsUpdatedAt = { column: 'updated_at', type: 'timestamptz', value: (r: { created_at: string }) => r.created_at } as const;

/** In foreign-key order. */
const TABLES: readonly Table[] = [
  table('borrowers', 'borrowers', (a) => [a.borrower], [
    { column: 'borrower_id', type: 'bigint' }, { column: 'external_id', type: 'text' }, { column: 'name', type: 'text' },
    { column: 'locale', type: 'text' }, { column: 'time_zone', type: 'text' }, { column: 'flags', type: 'text[]' },
    { column: 'risk_band', type: 'text' }, { column: 'preferred_channel', type: 'text' }, { column: 'created_at', type: 'timestamptz' }, createdAtAsUpdatedAt,
  ]),
  table('contactPoints', 'contact_points', (a) => a.contactPoints, [
    { column: 'borrower_id', type: 'bigint' }, { column: 'kind', type: 'text' }, { column: 'value', type: 'text' }, { column: 'status', type: 'text' },
    { column: 'status_changed_at', type: 'timestamptz' }, { column: 'consent', type: 'text[]' }, { column: 'is_primary', type: 'boolean' },
    { column: 'created_at', type: 'timestamptz' },
  ]),
  table('emergencyContacts', 'emergency_contacts', (a) => a.emergencyContacts, [
    { column: 'borrower_id', type: 'bigint' }, { column: 'name', type: 'text' }, { column: 'relation', type: 'text' }, { column: 'phone', type: 'text' },
    { column: 'consent_at', type: 'timestamptz' }, { column: 'status', type: 'text' }, { column: 'created_at', type: 'timestamptz' },
  ]),
  table('loans', 'loans', (a) => [a.loan], [
    { column: 'borrower_id', type: 'bigint' }, { column: 'loan_id', type: 'bigint' }, { column: 'external_id', type: 'text' },
    { column: 'product_id', type: 'text' }, { column: 'currency', type: 'text' }, { column: 'principal_minor', type: 'bigint' },
    { column: 'opened_on', type: 'date' }, { column: 'status', type: 'text' }, { column: 'created_at', type: 'timestamptz' }, createdAtAsUpdatedAt,
  ]),
  table('instalments', 'instalments', (a) => a.instalments, [
    { column: 'borrower_id', type: 'bigint' }, { column: 'loan_id', type: 'bigint' }, { column: 'seq', type: 'integer' }, { column: 'due_date', type: 'date' },
    { column: 'principal_minor', type: 'bigint' }, { column: 'interest_minor', type: 'bigint' }, { column: 'fee_minor', type: 'bigint' },
    { column: 'paid_principal_minor', type: 'bigint' }, { column: 'paid_interest_minor', type: 'bigint' }, { column: 'paid_fee_minor', type: 'bigint' },
    { column: 'paid_late_fee_minor', type: 'bigint' }, { column: 'settled_on', type: 'date' },
  ]),
  table('payments', 'payments', (a) => a.payments, [
    { column: 'borrower_id', type: 'bigint' }, { column: 'external_id', type: 'text' }, { column: 'loan_id', type: 'bigint' },
    { column: 'amount_minor', type: 'bigint' }, { column: 'currency', type: 'text' }, { column: 'channel', type: 'text' }, { column: 'paid_on', type: 'date' },
    { column: 'status', type: 'text' }, { column: 'reversed_on', type: 'date' }, { column: 'reversal_reason', type: 'text' },
    { column: 'allocation', type: 'jsonb' }, { column: 'received_at', type: 'timestamptz' },
  ]),
  table('promises', 'promises', (a) => a.promises, [
    { column: 'borrower_id', type: 'bigint' }, { column: 'loan_id', type: 'bigint' }, { column: 'amount_minor', type: 'bigint' },
    { column: 'promised_on', type: 'date' }, { column: 'due_on', type: 'date' }, { column: 'status', type: 'text' }, { column: 'resolved_on', type: 'date' },
    { column: 'created_at', type: 'timestamptz' },
  ]),
  table('contactOutcomes', 'contact_outcomes', (a) => a.contactOutcomes, [
    { column: 'borrower_id', type: 'bigint' }, { column: 'loan_id', type: 'bigint' }, { column: 'channel', type: 'text' }, { column: 'party', type: 'text' },
    { column: 'outcome', type: 'text' }, { column: 'occurred_at', type: 'timestamptz' },
  ]),
  table('accountEvents', 'account_events', (a) => a.events, [
    { column: 'borrower_id', type: 'bigint' }, { column: 'loan_id', type: 'bigint' }, { column: 'kind', type: 'text' }, { column: 'occurred_on', type: 'date' },
    { column: 'detail', type: 'jsonb' }, { column: 'created_at', type: 'timestamptz', value: (e) => `${e.occurred_on}T12:00:00+08:00` },
  ]),
];

/** Tables whose ids the seed sets itself; their identity must continue after the largest. */
const EXPLICIT_IDS = [['borrowers', 'borrower_id'], ['loans', 'loan_id']] as const;

export const DEFAULT_BATCH_SIZE = 5_000;
const GENERATION_SLICE = 250;

function checkOptions(options: SeedOptions): void {
  const problems: string[] = [];
  if (!Number.isInteger(options.accounts) || options.accounts < 1 || options.accounts > MAX_ACCOUNTS) problems.push(`accounts: expected a whole number from 1 to ${MAX_ACCOUNTS}, got ${options.accounts}`);
  if (String(options.seed).length === 0) problems.push('seed: must not be empty');
  if (typeof options.asOf !== 'string' || !isCalendarDate(options.asOf)) problems.push(`asOf: expected a calendar date YYYY-MM-DD, got "${options.asOf}"`);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 50_000) problems.push(`batchSize: expected a whole number from 1 to 50000, got ${batchSize}`);
  const rangeProblem = options.instalments && instalmentRangeProblem(options.instalments);
  if (rangeProblem) problems.push(`instalments: ${rangeProblem}`);
  if (problems.length > 0) throw new DemoError('invalid-option', `seedPortfolio: ${problems.join('; ')}`);
}

export async function seedPortfolio(db: Kysely<DB>, options: SeedOptions): Promise<SeedCounts> {
  checkOptions(options);
  const started = performance.now();
  const seed = String(options.seed);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const counts: SeedCounts = { borrowers: 0, contactPoints: 0, emergencyContacts: 0, loans: 0, instalments: 0, payments: 0, promises: 0, contactOutcomes: 0, accountEvents: 0, elapsedMs: 0 };
  await db.transaction().execute(async (trx) => {
    const existing = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT 1 FROM borrowers LIMIT 1) AS any_borrower`.execute(trx);
    if (existing.rows[0].n > 0) throw new DemoError('portfolio-not-empty', 'seedPortfolio: the database already holds borrowers; seed only into an empty portfolio (`overdue demo reset --yes` empties it)');
    const products = await ensureDemoProducts(trx);
    const insertBatch = async (batch: DemoAccount[]) => {
      for (const t of TABLES) counts[t.count] += await t.insert(trx, batch);
      options.onProgress?.({ accounts: batch[batch.length - 1].index + 1, of: options.accounts, elapsedMs: performance.now() - started });
    };
    // The next batch is generated while the server stores the previous one; generation yields now and
    // then so the inserts' round trips go on meanwhile. At most two batches are in memory.
    let storing: Promise<void> = Promise.resolve();
    for (let from = 0; from < options.accounts; from += batchSize) {
      const batch: DemoAccount[] = [];
      for (let at = from; at < Math.min(from + batchSize, options.accounts); at += GENERATION_SLICE) {
        batch.push(...generateAccounts(seed, at, Math.min(GENERATION_SLICE, from + batchSize - at, options.accounts - at), { asOf: options.asOf, products, instalments: options.instalments }));
        await new Promise((resolve) => setImmediate(resolve));
      }
      await storing;
      storing = insertBatch(batch);
      // Awaited on the next round; until then a failure must not count as unhandled.
      storing.catch(() => undefined);
    }
    await storing;
    for (const [name, column] of EXPLICIT_IDS) {
      await sql`SELECT setval(pg_get_serial_sequence(${name}, ${column}), (SELECT max(${sql.ref(column)}) FROM ${sql.table(name)}))`.execute(trx);
    }
    // Planner statistics of tables that were empty would steer the first queries (the delinquency refresh) wrong.
    await sql`ANALYZE ${sql.join(TABLES.map((t) => sql.table(t.name)))}`.execute(trx);
  });
  counts.elapsedMs = Math.round(performance.now() - started);
  return counts;
}
