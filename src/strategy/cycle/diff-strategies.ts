// Strategy diff: what a candidate strategy set would plan differently from the active one on the real
// portfolio for a day, before it is activated. Reads the portfolio chunk by chunk in rolled-back
// transactions, so nothing is written and memory stays bounded.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/types.ts';
import { refreshDelinquency } from '../../delinquency/index.ts';
import type { ActiveStrategySet, PlannedAction } from '../core/types.ts';
import { evaluateAccount, scopeOf } from '../core/evaluate.ts';
import { gatherFacts } from './gather-facts.ts';
import { withRollback } from './read-only.ts';
import { DEFAULT_CHUNK_BORROWERS, borrowerIdSpan } from './run-cycle.ts';

export interface StepDelta {
  step: string;
  active: number;
  candidate: number;
}

export interface StrategyDiff {
  asOf: string;
  accountsEvaluated: number;
  accountsDiffering: number;
  /** Planned actions per strategy step and action shape, in both sets; only rows that differ. */
  byStep: StepDelta[];
  samples: Array<{ accountKey: string; onlyActive: string[]; onlyCandidate: string[] }>;
}

/** What an action does, independent of versions and keys: the unit the diff compares. */
export function describeAction(a: PlannedAction): string {
  return `${a.strategyId}/${a.stepId} ${a.kind}${a.channel ? `:${a.channel}` : ''} → ${a.party}${a.template ? ` (${a.template})` : ''}`;
}

function multisetDifference(a: string[], b: string[]): string[] {
  const left = new Map<string, number>();
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
  return a.filter((x) => {
    const n = left.get(x) ?? 0;
    if (n > 0) {
      left.set(x, n - 1);
      return false;
    }
    return true;
  });
}

export async function diffStrategies(
  db: Kysely<DB>, active: ActiveStrategySet | null, candidate: ActiveStrategySet,
  options: { asOf: string; chunkBorrowers?: number; samples?: number },
): Promise<StrategyDiff> {
  const { asOf } = options;
  const chunk = options.chunkBorrowers ?? DEFAULT_CHUNK_BORROWERS;
  // Load every account either set could act on: the wider horizon of the two, product by product.
  const scopes = [scopeOf(candidate), ...(active ? [scopeOf(active)] : [])];
  const maxPreDueDays = Math.max(...scopes.map((sc) => sc.maxPreDueDays));
  const products = new Set(scopes.flatMap((sc) => Object.keys(sc.preDueDaysByProduct)));
  const preDueDaysByProduct = Object.fromEntries([...products].map((p) => [p, Math.max(...scopes.map((sc) => sc.preDueDaysByProduct[p] ?? sc.maxPreDueDays))]));
  const { lo, hi } = await borrowerIdSpan(db);
  const counts = new Map<string, { active: number; candidate: number }>();
  const samples: StrategyDiff['samples'] = [];
  let accountsEvaluated = 0;
  let accountsDiffering = 0;
  for (let from = lo; from < hi; from += chunk) {
    const facts = await withRollback(db, async (trx) => {
      await refreshDelinquency(trx, { asOf, loBorrowerId: from, hiBorrowerId: from + chunk });
      return gatherFacts(trx, { asOf, loBorrowerId: from, hiBorrowerId: from + chunk, maxPreDueDays, preDueDaysByProduct });
    });
    for (const f of facts) {
      accountsEvaluated++;
      const was = active ? evaluateAccount(f, active, { traced: false }).actions.map(describeAction) : [];
      const would = evaluateAccount(f, candidate, { traced: false }).actions.map(describeAction);
      for (const d of was) counts.set(d, { active: (counts.get(d)?.active ?? 0) + 1, candidate: counts.get(d)?.candidate ?? 0 });
      for (const d of would) counts.set(d, { active: counts.get(d)?.active ?? 0, candidate: (counts.get(d)?.candidate ?? 0) + 1 });
      const onlyActive = multisetDifference(was, would);
      const onlyCandidate = multisetDifference(would, was);
      if (onlyActive.length > 0 || onlyCandidate.length > 0) {
        accountsDiffering++;
        if (samples.length < (options.samples ?? 10)) samples.push({ accountKey: f.accountKey, onlyActive, onlyCandidate });
      }
    }
  }
  const byStep = [...counts.entries()]
    .filter(([, c]) => c.active !== c.candidate)
    .map(([step, c]) => ({ step, ...c }))
    .sort((a, b) => a.step.localeCompare(b.step));
  return { asOf, accountsEvaluated, accountsDiffering, byStep, samples };
}
