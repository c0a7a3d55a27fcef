// `overdue status`: refreshes delinquency for a day and prints the portfolio by bucket (账龄).
import type { Command } from 'commander';
import { withRuntime } from '../../platform/runtime.ts';
import { asOfOption } from '../../platform/clock.ts';
import { analyzeStatesIfStale, refreshDelinquency, summarizePortfolio, type BucketSummary } from '../../delinquency/index.ts';
import { formatAmount, isSupportedCurrency } from '../../ledger/index.ts';

/** Major units with the currency and thousands separators: "CNY 12,345.67". */
export function formatMoney(minor: number, currency: string): string {
  if (!isSupportedCurrency(currency)) return `${currency} ${minor} (minor units)`;
  const [whole, fraction] = formatAmount(minor, currency).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${currency} ${fraction === undefined ? grouped : `${grouped}.${fraction}`}`;
}

export interface PortfolioStatus {
  asOf: string;
  /** Account states the refresh recomputed; the others still held on asOf… */
  recomputed: number;
  /** …as stored, or carried by time (something late is unpaid, nothing else changed): not written. */
  carried: number;
  buckets: BucketSummary[];
  totals: Array<Omit<BucketSummary, 'bucket'>>;
}

export function totalsByCurrency(buckets: readonly BucketSummary[]): PortfolioStatus['totals'] {
  const totals = new Map<string, PortfolioStatus['totals'][number]>();
  for (const b of buckets) {
    const t = totals.get(b.currency) ?? { currency: b.currency, accounts: 0, outstandingMinor: 0, overdueMinor: 0 };
    totals.set(b.currency, { ...t, accounts: t.accounts + b.accounts, outstandingMinor: t.outstandingMinor + b.outstandingMinor, overdueMinor: t.overdueMinor + b.overdueMinor });
  }
  return [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

export function printPortfolioStatus(status: PortfolioStatus, out: (line: string) => void = console.log): void {
  const accounts = status.totals.reduce((n, t) => n + t.accounts, 0);
  out(`portfolio as of ${status.asOf}: ${accounts} active accounts (${status.recomputed} states recomputed by this refresh, ${status.carried} carried by time)`);
  const rows = [
    ...status.buckets.map((b) => [b.bucket, b.currency, String(b.accounts), formatMoney(b.outstandingMinor, b.currency), formatMoney(b.overdueMinor, b.currency)]),
    ...status.totals.map((t) => ['total', t.currency, String(t.accounts), formatMoney(t.outstandingMinor, t.currency), formatMoney(t.overdueMinor, t.currency)]),
  ];
  const header = ['bucket', 'currency', 'accounts', 'outstanding', 'overdue'];
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) => cells.map((c, k) => (k < 2 ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join('  ');
  out(line(header));
  for (const row of rows) out(line(row));
}

export function registerStatusCommand(program: Command): void {
  program.command('status')
    .description('refresh delinquency for a day and show the portfolio by bucket: accounts, outstanding, overdue')
    .option('--as-of <date>', 'calendar date (default: today in OVERDUE_TIME_ZONE)')
    .option('--json', 'print the summary as JSON (amounts in minor units)')
    .action(async (opts: { asOf?: string; json?: boolean }) => {
      await withRuntime(async ({ config, database }) => {
        const asOf = asOfOption(opts.asOf, config.OVERDUE_TIME_ZONE);
        const { accounts, carried } = await refreshDelinquency(database.db, { asOf });
        // As after a cycle: statistics that no longer describe the states would mislead later refreshes.
        await analyzeStatesIfStale(database.db, accounts);
        const buckets = await summarizePortfolio(database.db, asOf);
        const status: PortfolioStatus = { asOf, recomputed: accounts, carried, buckets, totals: totalsByCurrency(buckets) };
        if (opts.json) console.log(JSON.stringify(status));
        else printPortfolioStatus(status);
      });
    });
}
