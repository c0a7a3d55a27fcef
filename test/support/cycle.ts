// What the daily-cycle tests share: a seeded demo portfolio with the shipped strategies active, what
// evaluating every in-scope account in full plans for a day (rolled back, nothing persisted), and the
// actions on record for a day, each as "borrower|idempotency key".
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/platform/db/types.ts';
import { seedPortfolio, ensureDemoProducts } from '../../src/demo/index.ts';
import { refreshDelinquency } from '../../src/delinquency/index.ts';
import { gatherFacts, loadActiveSet, loadStrategyDirectory, planChunk, saveAndActivate, scopeOf } from '../../src/strategy/index.ts';
import { withRollback } from '../../src/strategy/cycle/read-only.ts';
import { STRATEGIES_DIR } from './scenario.ts';

/** Seeds a demo portfolio and activates the shipped strategies. */
export async function seedWithShippedStrategies(db: Kysely<DB>, portfolio: { accounts: number; seed: number; asOf: string }): Promise<void> {
  await ensureDemoProducts(db);
  await seedPortfolio(db, portfolio);
  const loaded = loadStrategyDirectory(STRATEGIES_DIR);
  assert.ok(loaded.ok);
  await saveAndActivate(db, loaded.value, { activatedBy: 'test' });
}

/** What full evaluation of every in-scope account plans on asOf, sorted, and how many accounts are in scope. */
export async function plannedInFull(db: Kysely<DB>, asOf: string): Promise<{ keys: string[]; inScope: number }> {
  const active = await loadActiveSet(db);
  assert.ok(active);
  const scope = scopeOf(active.set);
  return withRollback(db, async (trx) => {
    await refreshDelinquency(trx, { asOf });
    const facts = await gatherFacts(trx, { asOf, loBorrowerId: 0, hiBorrowerId: 2 ** 53 - 1, maxPreDueDays: scope.maxPreDueDays, preDueDaysByProduct: scope.preDueDaysByProduct });
    return { keys: planChunk(facts, active.set).rows.map((r) => `${r.borrowerId}|${r.action.idempotencyKey}`).sort(), inScope: facts.length };
  });
}

/** The actions on record for asOf, sorted. */
export async function actionKeysOn(db: Kysely<DB>, asOf: string): Promise<string[]> {
  const r = await sql<{ k: string }>`SELECT borrower_id || '|' || idempotency_key AS k FROM actions WHERE as_of = ${asOf}`.execute(db);
  return r.rows.map((x) => x.k).sort();
}
