// Which accounts may act today, decided from their account facts alone (state, loan, borrower, product,
// step history, events, promises), before the cycle loads their contact facts (channels, contacts,
// arrangement, responses). Most in-scope accounts wait on a cadence, sit between windows or inside a
// grace period, or have a promise in force; for them the contact facts would be loaded only to plan nothing.
//
// The screen follows the evaluator and settles each condition it can from the account facts; whatever
// depends on contact facts counts as possibly met. So it answers no only when the full evaluation
// surely plans nothing: no route applies, or in every segment that may apply each step's trigger,
// account-level stop conditions, conditions or cadence rule it out, or every action it has goes to the
// borrower through channels without a contact point (AccountFacts.channelsWithPoint).
import type { AccountFacts, Channel } from './facts.ts';
import { AccountView, settleAll } from './conditions.ts';
import { assignArm } from './champion-challenger.ts';
import { cadenceBlockOf, stopReason, triggerFires } from './evaluate.ts';
import type { ActiveStrategySet, CompiledStep, CompiledStrategy } from './compile.ts';
import type { StopCondition } from './schema.ts';

/** The facts loaded only for accounts that may act. */
export const CONTACT_FACTS = [
  'channels', 'emergencyContacts', 'arrangement', 'refusals', 'selfInitiatedContacts', 'lastResponseOn', 'unansweredContacts',
] as const;
export type ContactFacts = Pick<AccountFacts, (typeof CONTACT_FACTS)[number]>;
/** What the cycle knows of an account before its contact facts are loaded. */
export type AccountCoreFacts = Omit<AccountFacts, (typeof CONTACT_FACTS)[number]>;

/** Stop conditions the account facts settle; the other reads the arrangement. */
const ACCOUNT_STOPS: ReadonlySet<StopCondition> = new Set<StopCondition>(['paid', 'hold', 'promise_in_force']);

/**
 * Whether one of the step's actions may be planned, as far as the account facts tell: one to the
 * borrower through channels none of which has a contact point is surely skipped as unreachable (the
 * evaluator's planAction, fixed channel or preference); the others depend on contact facts.
 */
function mayPlanAnAction(step: CompiledStep, withPoint: readonly Channel[]): boolean {
  for (const action of step.actions) {
    const channel = action.channel;
    if (action.party !== 'borrower' || channel === null) return true;
    if ('fixed' in channel ? withPoint.includes(channel.fixed) : channel.preference.prefer.some((c) => withPoint.includes(c))) return true;
  }
  return false;
}

function stepMayFire(step: CompiledStep, strategy: CompiledStrategy, view: AccountView): boolean {
  const fires = triggerFires(step, view);
  if (fires === false) return false;
  for (const stop of step.stops) if (ACCOUNT_STOPS.has(stop) && stopReason(stop, step, strategy, view) !== null) return false;
  if (settleAll(step.checks, view) === false) return false;
  return cadenceBlockOf(step, view, fires) === null && mayPlanAnAction(step, view.facts.channelsWithPoint);
}

function strategyMayAct(strategy: CompiledStrategy, view: AccountView): boolean {
  for (const segment of strategy.segments) {
    const applies = settleAll(segment.checks, view);
    if (applies === false) continue;
    if (segment.ladder.some((step) => stepMayFire(step, strategy, view))) return true;
    // The evaluator takes the first segment that applies: the ones after a sure one never run.
    if (applies === true) return false;
  }
  return false;
}

/**
 * False only when evaluateAccount, given this account's contact facts whatever they are, plans no
 * action. The view over the account facts alone reads no contact fact: the screen settles only checks
 * that read the account (Check.reads, verified per condition in screen.test.ts), and the stop
 * conditions in ACCOUNT_STOPS. Ahead: the facts are those of a later day with time alone moving (core/rest.ts).
 */
export function mayAct(core: AccountCoreFacts, set: ActiveStrategySet, ahead = false): boolean {
  const view = new AccountView(core as AccountFacts, ahead);
  for (const route of set.routes) {
    const applies = settleAll(route.checks, view);
    if (applies === false) continue;
    // Which route the account follows depends on its contact facts: load them.
    if (applies === undefined) return true;
    return strategyMayAct(set.strategies.get(assignArm(core.accountKey, route).strategyId)!, view);
  }
  return false;
}
