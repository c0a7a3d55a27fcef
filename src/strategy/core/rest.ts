// How long an account can rest: the days after today on which, time alone moving its facts, no step of
// the active strategies can act (the screen, core/screen.ts, says no on each). The cycle records the
// first day one may act (the account_rest table) and skips the account until then without loading its
// facts; any write to what the screen reads ends the mark (migrations/0035_account_rest.sql).
//
// Time alone moves a stored state in one of two ways (delinquency/store.ts): it holds as stored (an
// account with nothing late: DPD 0 until its recheck day, when the refresh rewrites it), or it is
// carried forward (something late unpaid: the DPD counts from the oldest unpaid due date, the bucket
// and the late fees follow, until the refresh rewrites it). Everything else the screen reads stays as
// it is until someone writes it: the step history, the promises, the borrower, the loan, the events.
// Time only takes events out of the look-back (EVENT_LOOKBACK_DAYS). On a later day the view therefore
// has the date and DPD moved and the events that left the look-back gone, and leaves the bucket and the
// outstanding amount open (checks reading them count as possibly met). An event dated after today is
// not in today's facts: the mark stops holding once it is in the look-back (cycle/account-rest.ts).
import { addDays } from '../../platform/core/calendar.ts';
import { EVENT_LOOKBACK_DAYS, stepHistoryKey, type AccountFacts } from './facts.ts';
import type { ActiveStrategySet } from './compile.ts';
import { mayAct, type AccountCoreFacts } from './screen.ts';

/** How far ahead the cycle looks for the first day a step may act. */
export const REST_HORIZON_DAYS = 14;

/** An action on record for the account today, as tomorrow's step history will read it. */
export interface ActionOnRecord {
  strategyId: string;
  stepId: string;
  party: string;
  channel: string | null;
  /** Cancelled and blocked actions leave no trace in the step history. */
  counts: boolean;
}

/**
 * The account's facts once today's actions are on record, as the next day's gather reads them: each
 * step that acted has fired today (one more day in the current episode), and a contact to the borrower
 * through a channel is the last contact.
 */
export function factsAfter<T extends AccountCoreFacts>(facts: T, actions: readonly ActionOnRecord[]): T {
  if (!actions.some((a) => a.counts)) return facts;
  const { asOf, delinquentSince } = facts;
  const stepHistory: AccountFacts['stepHistory'] = { ...facts.stepHistory };
  let lastContactOn = facts.lastContactOn;
  for (const action of actions) {
    if (!action.counts) continue;
    const key = stepHistoryKey(action.strategyId, action.stepId);
    const before = stepHistory[key];
    if (before?.lastFiredOn !== asOf) {
      const inEpisode = delinquentSince !== null && asOf >= delinquentSince;
      stepHistory[key] = { lastFiredOn: asOf, timesInEpisode: (before?.timesInEpisode ?? 0) + (inEpisode ? 1 : 0) };
    }
    if (action.party === 'borrower' && action.channel !== null) lastContactOn = asOf;
  }
  return { ...facts, stepHistory, lastContactOn };
}

/** Moves a copy of the facts (`into`) to the day `days` after asOf of `from`, time alone moving them (see above). */
function moveAhead<T extends AccountCoreFacts>(into: T, from: AccountCoreFacts, days: number): T {
  into.asOf = addDays(from.asOf, days);
  into.dpd = from.dpd > 0 ? from.dpd + days : 0;
  if (from.events.length > 0) {
    // Oldest first: those still in the look-back are the last ones.
    const lookBackFrom = addDays(into.asOf, -EVENT_LOOKBACK_DAYS);
    let first = 0;
    while (first < from.events.length && from.events[first].occurredOn <= lookBackFrom) first++;
    into.events = first === 0 ? from.events : from.events.slice(first);
  }
  return into;
}

/** The account's facts on the day `days` after asOf, time alone moving them (see above). */
export function factsAhead<T extends AccountCoreFacts>(facts: T, days: number): T {
  return moveAhead({ ...facts }, facts, days);
}

/**
 * Days from asOf to the first later day on which a step may act, time alone moving the facts; past
 * the horizon when none within it. 1: it may act tomorrow, no rest.
 */
export function daysUntilActive(facts: AccountCoreFacts, set: ActiveStrategySet, horizon = REST_HORIZON_DAYS): number {
  // One copy, moved a day at a time, not a new object per day.
  const ahead = { ...facts };
  for (let days = 1; days <= horizon; days++) if (mayAct(moveAhead(ahead, facts, days), set, true)) return days;
  return horizon + 1;
}

/** An account the cycle skips until the day a step may act again. */
export interface AccountRest {
  borrowerId: number;
  loanId: number;
  /** Days after asOf: the first day a step may act (2 or more: tomorrow at least is skipped). */
  days: number;
}

/** The rest an account's facts allow, if it skips one day at least. */
export function restOf(facts: AccountCoreFacts, set: ActiveStrategySet): AccountRest | null {
  const days = daysUntilActive(facts, set);
  return days >= 2 ? { borrowerId: facts.borrowerId, loanId: facts.loanId, days } : null;
}
