// Explain: why an account is treated the way it is on a day — its delinquency state, segment and arm,
// every step considered with the reason it fired or not, and every action with its status and reason.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/types.ts';
import { refreshDelinquency, statesOn } from '../../delinquency/index.ts';
import type { AccountFacts } from '../core/facts.ts';
import type { ActiveStrategySet, Evaluation } from '../core/types.ts';
import { evaluateAccount, scopeOf } from '../core/evaluate.ts';
import { gatherFacts } from './gather-facts.ts';
import { withRollback } from './read-only.ts';
import { restUntil } from './account-rest.ts';

export interface ExplainedAction {
  actionId: number;
  asOf: string;
  kind: string;
  channel: string | null;
  party: string;
  template: string | null;
  strategy: string;
  arm: string;
  stepId: string;
  status: string;
  statusReason: string | null;
  reason: unknown;
  verdict: unknown;
}

export interface Explanation {
  account: { loanId: number; borrowerId: number; externalId: string; borrowerExternalId: string; product: string };
  asOf: string;
  state: Record<string, unknown> | null;
  /** Null when the account is out of the cycle's scope that day (current, nothing due soon, no events). */
  facts: AccountFacts | null;
  evaluation: Evaluation | null;
  outOfScope: string | null;
  /**
   * The day until which the cycle skips the account (the day a step may act again, core/rest.ts): the
   * evaluation above then plans nothing. Null when it does not rest.
   */
  atRestUntil: string | null;
  actions: ExplainedAction[];
}

export async function explainAccount(db: Kysely<DB>, active: { set: ActiveStrategySet; activationId: number }, accountRef: string, asOf: string): Promise<Explanation> {
  const { set } = active;
  const found = await sql<{ loan_id: number; borrower_id: number; external_id: string; borrower_external_id: string; product_id: string }>`
    SELECT l.loan_id, l.borrower_id, l.external_id, b.external_id AS borrower_external_id, l.product_id
    FROM loans l JOIN borrowers b ON b.borrower_id = l.borrower_id
    WHERE l.external_id = ${accountRef}`.execute(db);
  if (found.rows.length === 0) throw new Error(`no loan with external id "${accountRef}"`);
  const loan = found.rows[0];
  const { state, facts, atRestUntil } = await withRollback(db, async (trx) => {
    // The refresh ends the account's rest if it rewrites its state, as the cycle's does.
    await refreshDelinquency(trx, { asOf, borrowerIds: [loan.borrower_id] });
    const atRestUntil = await restUntil(trx, { borrowerId: loan.borrower_id, loanId: loan.loan_id }, asOf, active.activationId);
    const states = await sql<Record<string, unknown>>`
      SELECT as_of::text, dpd, bucket, overdue_minor, outstanding_minor, late_fee_minor, oldest_unpaid_due::text,
             next_due_date::text, next_due_minor, episodes, is_repeat, grace_days, delinquent_since::text, cured_on::text, recheck_on::text
      FROM ${statesOn(asOf)} s WHERE borrower_id = ${loan.borrower_id} AND loan_id = ${loan.loan_id}`.execute(trx);
    const gathered = await gatherFacts(trx, {
      asOf, loBorrowerId: loan.borrower_id, hiBorrowerId: loan.borrower_id + 1,
      maxPreDueDays: scopeOf(set).maxPreDueDays, preDueDaysByProduct: scopeOf(set).preDueDaysByProduct, loanIds: [loan.loan_id],
    });
    const facts = gathered[0] ?? null;
    return { state: states.rows[0] ?? null, facts, atRestUntil: facts ? atRestUntil : null };
  });
  const actions = await sql<{
    action_id: number; as_of: string; kind: string; channel: string | null; party: string; template: string | null;
    strategy_id: string; strategy_version: number; arm: string; step_id: string; status: string; status_reason: string | null;
    reason: unknown; verdict: unknown;
  }>`
    SELECT action_id, as_of::text, kind, channel, party, template, strategy_id, strategy_version, arm, step_id, status,
           status_reason, reason, verdict
    FROM actions WHERE borrower_id = ${loan.borrower_id} AND loan_id = ${loan.loan_id}
    ORDER BY as_of, action_id`.execute(db);
  return {
    account: { loanId: loan.loan_id, borrowerId: loan.borrower_id, externalId: loan.external_id, borrowerExternalId: loan.borrower_external_id, product: loan.product_id },
    asOf,
    state,
    facts,
    evaluation: facts ? evaluateAccount(facts, set) : null,
    outOfScope: facts ? null : 'not evaluated: current, no instalment due soon and no recent events',
    atRestUntil,
    actions: actions.rows.map((a) => ({
      actionId: a.action_id, asOf: a.as_of, kind: a.kind, channel: a.channel, party: a.party, template: a.template,
      strategy: `${a.strategy_id} v${a.strategy_version}`, arm: a.arm, stepId: a.step_id, status: a.status,
      statusReason: a.status_reason, reason: a.reason, verdict: a.verdict,
    })),
  };
}
