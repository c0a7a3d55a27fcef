// The screen against the evaluator on the shipped strategies: for thousands of random accounts, every
// account the full evaluation plans an action for passes the screen, whatever its contact facts; and
// on the days an account rests (core/rest.ts), the full evaluation plans nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadStrategyDirectory } from './load-strategies.ts';
import { evaluateAccount } from './core/evaluate.ts';
import { mayAct } from './core/screen.ts';
import { randomFacts, withContactFactsGuarded } from './core/test-facts.ts';
import { daysUntilActive, factsAfter, factsAhead, REST_HORIZON_DAYS } from './core/rest.ts';
import { ACCOUNT_EVENT_KINDS, EVENT_LOOKBACK_DAYS, type AccountFacts } from './core/facts.ts';
import { addDays, daysBetween } from '../platform/core/calendar.ts';

const loaded = loadStrategyDirectory(new URL('../../strategies/', import.meta.url).pathname);
if (!loaded.ok) throw new Error('shipped strategies do not validate');
const SET = loaded.value.set;
const STEP_KEYS = [...SET.strategies.values()].flatMap((s) => s.segments.flatMap((g) => g.ladder.map((step) => step.historyKey)));

test('every account the shipped strategies act on passes the screen (20,000 random accounts)', () => {
  let acting = 0;
  let idle = 0;
  let screenedOut = 0;
  for (let seed = 1; seed <= 20_000; seed++) {
    const facts = randomFacts(seed, STEP_KEYS);
    const acts = evaluateAccount(facts, SET).actions.length > 0;
    const may = mayAct(withContactFactsGuarded(facts), SET);
    if (acts) {
      acting++;
      assert.ok(may, `account ${seed} is acted on but was screened out`);
    } else {
      idle++;
      if (!may) screenedOut++;
    }
  }
  // The property holds for a screen that lets everything through; it must also rule a share out.
  assert.ok(acting > 2_000 && idle > 2_000, `acting ${acting}, idle ${idle}`);
  assert.ok(screenedOut > idle / 5, `screened out ${screenedOut} of ${idle} idle accounts`);
});

test('untraced evaluation (the daily cycle) plans exactly what traced evaluation plans (20,000 random accounts)', () => {
  let acting = 0;
  let stopped = 0;
  for (let seed = 1; seed <= 20_000; seed++) {
    const facts = randomFacts(seed, STEP_KEYS);
    const traced = evaluateAccount(facts, SET);
    const untraced = evaluateAccount(facts, SET, { traced: false });
    const { steps, reason, ...decision } = traced;
    assert.deepEqual({ ...untraced, steps: undefined, reason: undefined }, { ...decision, steps: undefined, reason: undefined }, `account ${seed}`);
    assert.deepEqual(untraced.steps, [], `account ${seed}: no step trace`);
    assert.ok(steps.length > 0 || traced.segmentId === null, `account ${seed}: the traced evaluation says why for every step`);
    assert.ok(reason.length > 0, `account ${seed}: the traced evaluation says why`);
    if (traced.actions.length > 0) acting++;
    if (traced.stoppedBy !== null) stopped++;
  }
  assert.ok(acting > 2_000 && stopped > 500, `acting ${acting}, stopped ${stopped}`);
});

test('below the DPD from which the shipped strategies read emergency contacts, they plan the same without them (20,000 random accounts)', () => {
  // The instalment app asks the contact to pass a message on from day 7; the wallet considers family from day 30.
  assert.equal(SET.scope.emergencyContactsFromDpd, 7);
  const plan = (facts: Parameters<typeof evaluateAccount>[0]) => {
    const e = evaluateAccount(facts, SET, { traced: true });
    return { segment: e.segmentId, stoppedBy: e.stoppedBy, actions: e.actions.map((a) => `${a.idempotencyKey} ${a.party} ${a.emergencyContactId}`) };
  };
  let below = 0;
  let differAbove = 0;
  for (let seed = 1; seed <= 20_000; seed++) {
    const facts = randomFacts(seed, STEP_KEYS);
    const without = plan({ ...facts, emergencyContacts: [] });
    if (facts.dpd < 7) {
      below++;
      assert.deepEqual(without, plan(facts), `account ${seed} (DPD ${facts.dpd}) plans differently without its emergency contacts`);
    } else if (JSON.stringify(without) !== JSON.stringify(plan(facts))) differAbove++;
  }
  // Not vacuous: many accounts below, and above it the contacts do change plans.
  assert.ok(below > 5_000 && differAbove > 50, `below ${below}, differing above ${differAbove}`);
});

/** Half the accounts without events, the other half with one or two in the look-back, of any kind, 0 to 6 days old. */
function withOrWithoutEvents(seed: number, facts: AccountFacts): AccountFacts {
  if (seed % 2 === 0) return { ...facts, events: [] };
  if (facts.events.length > 0) return facts;
  const ages = seed % 3 === 0 ? [seed % 7, (seed >> 3) % 7].sort((a, b) => b - a) : [seed % 7];
  return { ...facts, events: ages.map((age, i) => ({ eventId: seed * 10 + i, kind: ACCOUNT_EVENT_KINDS[(seed >> 2) % ACCOUNT_EVENT_KINDS.length], occurredOn: addDays(facts.asOf, -age) })) };
}

test('on the days an account rests, the shipped strategies plan nothing for it, whatever its bucket and outstanding amount then (20,000 random accounts)', () => {
  let resting = 0;
  let restingWithEvents = 0;
  let restDays = 0;
  let checked = 0;
  for (let seed = 1; seed <= 20_000; seed++) {
    const facts = withOrWithoutEvents(seed, randomFacts(seed, STEP_KEYS));
    // Today's actions on record first, as the cycle computes the rest after persisting them.
    const today = evaluateAccount(facts, SET, { traced: false });
    const after = factsAfter(facts, today.actions.map((a) => ({ strategyId: a.strategyId, stepId: a.stepId, party: a.party, channel: a.channel, counts: true })));
    const days = daysUntilActive(after, SET);
    assert.ok(days >= 1 && days <= REST_HORIZON_DAYS + 1, `account ${seed}: ${days} days`);
    if (days >= 2) {
      resting++;
      if (facts.events.length > 0) restingWithEvents++;
    }
    restDays += days - 1;
    for (let d = 1; d < days; d++) {
      // That day's facts as the cycle would gather them: the events of its look-back only.
      const day = addDays(facts.asOf, d);
      const events = after.events.filter((e) => daysBetween(e.occurredOn, day) < EVENT_LOOKBACK_DAYS);
      const ahead = { ...after, asOf: day, dpd: after.dpd > 0 ? after.dpd + d : 0, events, bucket: (['M0', 'M1', 'M2', 'M3', 'M4+'] as const)[(seed + d) % 5], outstandingMinor: ((seed * 7919 + d * 104729) % 5_000_000) };
      const planned = evaluateAccount(ahead, SET, { traced: true });
      assert.deepEqual(planned.actions.map((a) => a.idempotencyKey), [], `account ${seed} rests ${days - 1} day(s) but acts on day ${d}: ${planned.steps.map((s) => s.reason).join('; ')}`);
      checked++;
    }
    // The first day after the rest, the screen lets it through again (it may act).
    if (days <= REST_HORIZON_DAYS) assert.ok(mayAct(factsAhead(after, days), SET, true), `account ${seed}: the screen lets it through on day ${days}`);
  }
  assert.ok(resting > 2_000 && restingWithEvents > 500 && checked > 5_000, `resting ${resting} (${restingWithEvents} with events), rest days ${restDays}, checked ${checked}`);
});
