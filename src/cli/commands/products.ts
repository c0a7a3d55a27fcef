// `overdue products apply <file>` and `overdue products list`: wiring for the ledger's product config.
import type { Command } from 'commander';
import { withRuntime } from '../../platform/runtime.ts';
import { InvalidFileError, applyProducts, formatAmount, loadProducts, loadProductsFile, type Product } from '../../ledger/index.ts';

function describe(p: Product): string {
  const money = (minor: number) => formatAmount(minor, p.currency);
  const lateFee = `late fee ${money(p.lateFee.fixedMinor)} + ${p.lateFee.dailyPpm} ppm/day, cap ${p.lateFee.capMinor === null ? 'none' : money(p.lateFee.capMinor)}`;
  return `${p.id}\t${p.currency}\tgrace ${p.graceDays} (repeat ${p.repeatGraceDays})\ttolerance ${money(p.toleranceMinor)}\t${lateFee}\tbuckets ${p.bucketBounds.join('/')}\t${p.waterfall.join('>')}\t${p.jurisdiction}\t${p.name}`;
}

export function registerProductCommands(program: Command): void {
  const products = program.command('products').description('loan products (terms, grace, late fees, buckets)');
  products
    .command('apply <file>')
    .description('validate a products file (e.g. config/products.yaml) and upsert its products; an invalid file changes nothing')
    .action(async (file: string) => {
      let parsed: Product[];
      try {
        parsed = loadProductsFile(file);
      } catch (error) {
        if (!(error instanceof InvalidFileError)) throw error;
        for (const problem of error.problems) process.stderr.write(`${problem}\n`);
        process.exitCode = 1;
        return;
      }
      const outcomes = await withRuntime(({ database }) => applyProducts(database.db, parsed));
      for (const o of outcomes) console.log(`${o.id}: ${o.outcome}${o.reason ? `: ${o.reason}` : ''}`);
      if (outcomes.some((o) => o.outcome === 'rejected')) {
        process.stderr.write(`${file}: nothing applied because a product was refused\n`);
        process.exitCode = 1;
      }
    });
  products
    .command('list')
    .description('list the products in the database')
    .option('--json', 'print the products as JSON')
    .action(async (options: { json?: boolean }) => {
      const list = await withRuntime(({ database }) => loadProducts(database.db));
      if (options.json) console.log(JSON.stringify(list, null, 2));
      else if (list.length === 0) console.log('no products; apply some with `overdue products apply config/products.yaml`');
      else for (const p of list) console.log(describe(p));
    });
}
