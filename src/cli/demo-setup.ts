// Demo mode wiring: products, a deterministic portfolio, the shipped strategies and today's cycle,
// each through the same use-case the CLI commands call.
import type { Database } from '../platform/db/connect.ts';
import { ensureDemoProducts, seedPortfolio } from '../demo/index.ts';
import { formatStrategyError, loadStrategyDirectory, runCycle, saveAndActivate } from '../strategy/index.ts';

export async function prepareDemo(database: Database, options: { accounts: number; asOf: string; strategiesDir: string; seed?: number }): Promise<string> {
  await ensureDemoProducts(database.db);
  const counts = await seedPortfolio(database.db, { accounts: options.accounts, seed: options.seed ?? 42, asOf: options.asOf });
  const loaded = loadStrategyDirectory(options.strategiesDir);
  if (!loaded.ok) throw new Error(`shipped strategies do not validate:\n${loaded.errors.map(formatStrategyError).join('\n')}`);
  await saveAndActivate(database.db, loaded.value, { activatedBy: 'demo' });
  const report = await runCycle({ database }, { asOf: options.asOf });
  return `${counts.borrowers} borrowers, ${counts.loans} loans, ${counts.instalments} instalments, ${counts.payments} payments; cycle ${report.asOf}: ${report.total.evaluated} accounts evaluated, ${report.total.actions} actions planned`;
}
