// What happens to one account today under the active strategy set: route → arm → segment → every
// step of its ladder (trigger, stop conditions, conditions, quiet rule, cadence) → planned actions.
// Pure and synchronous; every step considered leaves a trace saying why it fired or not.
import { addDays, daysBetween } from '../../platform/core/calendar.ts';
import type { AccountFacts, Channel } from './facts.ts';
import { AccountView, firstUnmet, unmet } from './conditions.ts';
import { assignArm } from './champion-challenger.ts';
import { pickChannel } from './channels.ts';
import type { ActiveStrategySet, CompiledAction, CompiledStep, CompiledStrategy, StrategyScope } from './compile.ts';
import type { StopCondition } from './schema.ts';
import type { Evaluation, PayloadValue, PlannedAction, StepTrace, Trigger } from './types.ts';

/** Which accounts the cycle must load: any with DPD > 0, a due date within maxPreDueDays, or one of these events. */
export function scopeOf(set: ActiveStrategySet): StrategyScope {
  return set.scope;
}

interface StepContext {
  view: AccountView;
  /** Whether to say why each step fired or not (explain, diff); the daily cycle needs only the actions. */
  traced: boolean;
  strategy: CompiledStrategy;
  arm: string;
  segmentId: string;
  segmentLabels: string[];
  /** The borrower payload per trigger kind, built once per account and shared by its actions (frozen). */
  borrowerPayloads: Partial<Record<Trigger, Readonly<Record<string, PayloadValue>>>>;
}

interface StepOutcome {
  reason: string;
  /** Set when a stop condition kept the step from firing. */
  stop?: string;
  actions: PlannedAction[];
}

type TriggerEvent = AccountFacts['events'][number];

/** Whether the step's trigger fires today: false if not, else the event it reacts to (null for a window). */
export function triggerFires(step: CompiledStep, view: AccountView): false | TriggerEvent | null {
  const { facts } = view;
  const t = step.trigger;
  switch (t.kind) {
    case 'dpd': {
      const value = t.afterGrace ? facts.dpd - facts.graceDays : facts.dpd;
      return value >= t.min && value <= t.max ? null : false;
    }
    case 'pre_due': {
      // An overdue account is handled by the DPD ladder; reminders ahead of a due date are for current accounts.
      const days = view.daysUntilDue;
      return facts.dpd === 0 && days !== null && days >= t.min && days <= t.max ? null : false;
    }
    case 'event': {
      for (let i = facts.events.length - 1; i >= 0; i--) if (facts.events[i].kind === t.event) return facts.events[i];
      return false;
    }
  }
}

/** The words for a trigger that fires today: they go into every action's reason. */
function triggerText(step: CompiledStep, view: AccountView, event: TriggerEvent | null): string {
  const { facts } = view;
  const t = step.trigger;
  switch (t.kind) {
    case 'dpd':
      return `${dpdText(t.afterGrace, facts)} in window ${t.window}`;
    case 'pre_due':
      return `next due ${facts.nextDueDate} in ${view.daysUntilDue} days, window ${t.window}`;
    case 'event':
      return `event ${event!.kind} #${event!.eventId} on ${event!.occurredOn}`;
  }
}

/** Why the step's trigger does not fire today, for the trace. */
function triggerMiss(step: CompiledStep, view: AccountView): string {
  const { facts } = view;
  const t = step.trigger;
  switch (t.kind) {
    case 'dpd':
      return `${dpdText(t.afterGrace, facts)} outside window ${t.window}`;
    case 'pre_due':
      if (facts.dpd > 0) return `pre-due step waits for a current account (dpd ${facts.dpd})`;
      if (view.daysUntilDue === null) return 'nothing due ahead';
      return `next due ${facts.nextDueDate} in ${view.daysUntilDue} days, outside window ${t.window}`;
    case 'event':
      return `no ${t.event} event`;
  }
}

function dpdText(afterGrace: boolean, facts: AccountFacts): string {
  return afterGrace ? `${facts.dpd - facts.graceDays} days past grace (dpd ${facts.dpd}, grace ${facts.graceDays})` : `dpd ${facts.dpd}`;
}

/** Why the stop condition keeps the step from firing today; null when it does not. */
export function stopReason(stop: StopCondition, step: CompiledStep, strategy: CompiledStrategy, view: AccountView): string | null {
  const { facts } = view;
  switch (stop) {
    case 'paid':
      return facts.dpd === 0 && step.trigger.kind !== 'pre_due' ? 'paid (dpd 0)' : null;
    case 'promise_in_force':
      return view.promiseInForce ? `promise in force until ${facts.promises.open!.dueOn}` : null;
    case 'arrangement_kept':
      return facts.arrangement.status === 'active' && facts.arrangement.missedPayments === 0 ? `arrangement (${facts.arrangement.kind ?? 'unknown'}) in force and kept` : null;
    case 'hold': {
      const flag = facts.flags.find((f) => strategy.holdFlags.includes(f));
      return flag === undefined ? null : `hold flag ${flag}`;
    }
  }
}

type CadenceBlock = 'too-soon' | 'reminded' | 'reacted' | 'max-times';

/** What in the step's history keeps it from firing again yet; null when nothing does. */
export function cadenceBlockOf(step: CompiledStep, view: AccountView, event: TriggerEvent | null): CadenceBlock | null {
  const { facts } = view;
  const history = facts.stepHistory[step.historyKey];
  const last = history?.lastFiredOn ?? null;
  // Fired earlier today: planning again gives the same idempotency keys, so the result stays the same.
  if (last === null || last === facts.asOf) return null;
  if (step.every !== null && daysBetween(last, facts.asOf) < step.every) return 'too-soon';
  if (step.trigger.kind === 'pre_due' && step.every === null && last >= addDays(facts.nextDueDate!, -step.trigger.max)) return 'reminded';
  if (event && step.every === null && last >= event.occurredOn) return 'reacted';
  if (step.maxTimes !== null && (history?.timesInEpisode ?? 0) >= step.maxTimes) return 'max-times';
  return null;
}

/** Why the step may not fire again yet, from its history; null when it may. */
function cadenceBlock(step: CompiledStep, view: AccountView, event: TriggerEvent | null): string | null {
  const block = cadenceBlockOf(step, view, event);
  if (block === null) return null;
  const { facts } = view;
  const history = facts.stepHistory[step.historyKey]!;
  const last = history.lastFiredOn;
  switch (block) {
    case 'too-soon':
      return `cadence: last fired ${last}, every ${step.every} days`;
    case 'reminded':
      return `already reminded on ${last} for the due date ${facts.nextDueDate}`;
    case 'reacted':
      return `already reacted on ${last} to event #${event!.eventId}`;
    case 'max-times':
      return `maxTimes ${step.maxTimes} reached: fired ${history.timesInEpisode} times this episode, last ${last}`;
  }
}

function borrowerPayload(view: AccountView, trigger: Trigger): Record<string, PayloadValue> {
  const { facts } = view;
  const payload: Record<string, PayloadValue> = {
    name: facts.borrowerName,
    overdueAmount: view.money(facts.overdueMinor),
    outstanding: view.money(facts.outstandingMinor),
    currency: facts.currency,
    dueDate: facts.oldestUnpaidDue,
    dpd: facts.dpd,
    lateFee: view.money(facts.lateFeeMinor),
  };
  if (trigger === 'pre_due') {
    payload.nextDueDate = facts.nextDueDate;
    payload.nextDueAmount = view.money(facts.nextDueMinor);
  }
  return payload;
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** A PlannedAction, or why this action cannot be planned for this account today. */
function planAction(action: CompiledAction, step: CompiledStep, ctx: StepContext, match: { text: string; event: TriggerEvent | null }, trigger: Trigger): PlannedAction | string {
  const { facts } = ctx.view;
  let channel: Channel | null = null;
  let channelChoice: string | undefined;
  let contactPointId: number | null = null;
  let emergencyContactId: number | null = null;
  let payload: Readonly<Record<string, PayloadValue>>;
  if (action.party === 'emergency_contact') {
    const contact = facts.emergencyContacts.find((c) => c.usable);
    if (!contact) return `${action.kind}: no usable emergency contact`;
    channel = action.channel && 'fixed' in action.channel ? action.channel.fixed : null;
    emergencyContactId = contact.contactId;
    // A third party hears who to call back and for whom, never amounts, dates or loan details.
    payload = { contactName: contact.name, borrowerName: facts.borrowerName, callbackReference: `B${facts.borrowerId}` };
  } else {
    if (action.channel && 'fixed' in action.channel) {
      channel = action.channel.fixed;
      if (!facts.channels[channel].reachable) return `${action.kind}: ${channel} unreachable`;
    } else if (action.channel) {
      const pick = pickChannel(action.channel.preference, facts);
      if (pick.channel === null) return `${action.kind}: ${pick.choice}`;
      channel = pick.channel;
      channelChoice = pick.choice;
    }
    contactPointId = channel === null ? null : facts.channels[channel].contactPointId;
    const shared = (ctx.borrowerPayloads[trigger] ??= Object.freeze(borrowerPayload(ctx.view, trigger)));
    payload = hasKeys(action.extra) ? { ...shared, ...action.extra } : shared;
  }
  const { strategy } = ctx;
  const key = `${facts.loanId}:${strategy.id}/${step.id}:${match.event ? `event:${match.event.eventId}` : facts.asOf}:${action.index}`;
  return {
    idempotencyKey: key,
    kind: action.kind,
    channel,
    party: action.party,
    template: action.template,
    contactPointId,
    emergencyContactId,
    strategyId: strategy.id,
    strategyVersion: strategy.version,
    arm: ctx.arm,
    segmentId: ctx.segmentId,
    stepId: step.id,
    needsApproval: action.needsApproval,
    reason: reasonOf(step, ctx, match, trigger, channelChoice),
    payload,
  };
}

/** Reasons remembered per step at most (shared reasons, reasonOf). */
const REMEMBERED_REASONS = 4096;
const reasonsByStep = new WeakMap<CompiledStep, Map<string, PlannedAction['reason']>>();

/**
 * An action's reason. One without an event reads the same for every account the step fires for with
 * the same arm, trigger words and channel choice: it is built once and shared, frozen, so that the
 * daily cycle writes each distinct reason once per chunk (ActionBatch), not once per action.
 */
function reasonOf(step: CompiledStep, ctx: StepContext, match: { text: string; event: TriggerEvent | null }, trigger: Trigger, channelChoice: string | undefined): PlannedAction['reason'] {
  if (match.event !== null) return stepReason(step, ctx, match, trigger, channelChoice);
  let byKey = reasonsByStep.get(step);
  if (byKey === undefined) reasonsByStep.set(step, (byKey = new Map()));
  const key = channelChoice === undefined ? `${ctx.arm}\u0000${match.text}` : `${ctx.arm}\u0000${match.text}\u0000${channelChoice}`;
  let reason = byKey.get(key);
  if (reason === undefined) {
    if (byKey.size >= REMEMBERED_REASONS) byKey.clear();
    reason = stepReason(step, ctx, match, trigger, channelChoice);
    Object.freeze(reason.conditions);
    byKey.set(key, Object.freeze(reason));
  }
  return reason;
}

/** The reason of an action of the step as it fires for this account (reasonOf shares those that read the same). */
function stepReason(step: CompiledStep, ctx: StepContext, match: { text: string; event: TriggerEvent | null }, trigger: Trigger, channelChoice: string | undefined): PlannedAction['reason'] {
  return actionReason(`${ctx.strategy.id} v${ctx.strategy.version} (${ctx.arm}) ${ctx.segmentId}/${step.id}: ${match.text}`, trigger, match.event, channelChoice,
    ctx.segmentLabels.concat(step.labels, match.text));
}

/** An action's reason, its fields in this order (the event and the channel choice only when there is one). */
function actionReason(summary: string, trigger: Trigger, event: TriggerEvent | null, channelChoice: string | undefined, conditions: string[]): PlannedAction['reason'] {
  if (event !== null && channelChoice !== undefined) return { summary, trigger, eventId: event.eventId, channelChoice, conditions };
  if (event !== null) return { summary, trigger, eventId: event.eventId, conditions };
  if (channelChoice !== undefined) return { summary, trigger, channelChoice, conditions };
  return { summary, trigger, conditions };
}

/** What an untraced step that plans nothing returns: one shared, frozen outcome. */
const QUIET: StepOutcome = Object.freeze({ reason: '', actions: Object.freeze([]) as unknown as PlannedAction[] });

function evaluateStep(step: CompiledStep, ctx: StepContext): StepOutcome {
  const { view, traced } = ctx;
  const event = triggerFires(step, view);
  if (event === false) return traced ? { reason: triggerMiss(step, view), actions: [] } : QUIET;
  for (const stop of step.stops) {
    const why = stopReason(stop, step, ctx.strategy, view);
    if (why !== null) return { reason: `stop: ${why}`, stop: why, actions: [] };
  }
  const miss = firstUnmet(step.checks, view);
  if (miss) return traced ? { reason: unmet(miss, view), actions: [] } : QUIET;
  const responded = view.facts.lastResponseOn;
  if (step.quietAfterResponseDays !== null && responded !== null && daysBetween(responded, view.facts.asOf) < step.quietAfterResponseDays)
    return traced ? { reason: `quiet: borrower responded on ${responded}, no contact for ${step.quietAfterResponseDays} days`, actions: [] } : QUIET;
  if (cadenceBlockOf(step, view, event) !== null) return traced ? { reason: cadenceBlock(step, view, event)!, actions: [] } : QUIET;

  // The step fires: its trigger's words go into every action's reason.
  const match = { text: triggerText(step, view, event), event };
  const trigger: Trigger = step.trigger.kind;
  const actions: PlannedAction[] = [];
  const skipped: string[] = [];
  for (const action of step.actions) {
    const planned = planAction(action, step, ctx, match, trigger);
    if (typeof planned === 'string') skipped.push(planned);
    else actions.push(planned);
  }
  if (!traced) return { reason: '', actions };
  if (actions.length === 0) return { reason: `${match.text}; nothing possible: ${skipped.join('; ')}`, actions };
  const last = view.facts.stepHistory[step.historyKey]?.lastFiredOn;
  const history = last ? `last fired ${last}` : 'first time';
  return { reason: `${match.text}; ${history}${skipped.length ? `; skipped ${skipped.join('; ')}` : ''}`, actions };
}

/** An evaluation's fields in one order whatever its outcome (one object, no copies). */
function evaluationOf(
  facts: AccountFacts, set: ActiveStrategySet, strategy: CompiledStrategy | null, arm: string | null,
  rest: Pick<Evaluation, 'segmentId' | 'stoppedBy' | 'steps' | 'actions' | 'reason'>,
): Evaluation {
  return {
    accountKey: facts.accountKey, setId: set.setId, setVersion: set.setVersion,
    strategyId: strategy?.id ?? null, strategyVersion: strategy?.version ?? null, arm,
    segmentId: rest.segmentId, stoppedBy: rest.stoppedBy, steps: rest.steps, actions: rest.actions, reason: rest.reason,
  };
}

/**
 * How the account is treated today. Traced (the default: explain, diff), the evaluation says why each
 * step fired or not; untraced (the daily cycle), it carries the same actions, segment and stop but no
 * words for the steps that did not fire, which the cycle would only throw away.
 */
export function evaluateAccount(facts: AccountFacts, set: ActiveStrategySet, options: { traced?: boolean } = {}): Evaluation {
  const traced = options.traced ?? true;
  const view = new AccountView(facts);
  const none = (strategy: CompiledStrategy | null, arm: string | null, reason: string) =>
    evaluationOf(facts, set, strategy, arm, { segmentId: null, stoppedBy: null, steps: [], actions: [], reason });
  let route: ActiveStrategySet['routes'][number] | undefined;
  for (const r of set.routes) {
    if (firstUnmet(r.checks, view) === undefined) {
      route = r;
      break;
    }
  }
  if (!route) return none(null, null, traced ? `no route of set ${set.setId} matches (product ${facts.productId}, jurisdiction ${facts.jurisdiction})` : '');

  const assignment = assignArm(facts.accountKey, route);
  const strategy = set.strategies.get(assignment.strategyId)!;
  const misses: string[] = [];
  let segment: CompiledStrategy['segments'][number] | undefined;
  for (const s of strategy.segments) {
    const miss = firstUnmet(s.checks, view);
    if (miss === undefined) {
      segment = s;
      break;
    }
    if (traced) misses.push(`${s.id}: ${unmet(miss, view)}`);
  }
  if (!segment) return none(strategy, assignment.arm, traced ? `route ${route.id}, no segment of ${strategy.id} matches: ${misses.join('; ')}` : '');

  const ctx: StepContext = { view, traced, strategy, arm: assignment.arm, segmentId: segment.id, segmentLabels: segment.labels, borrowerPayloads: {} };
  const steps: StepTrace[] = [];
  const actions: PlannedAction[] = [];
  let stoppedBy: string | null = null;
  for (const step of segment.ladder) {
    const outcome = evaluateStep(step, ctx);
    if (traced) steps.push({ strategyId: strategy.id, segmentId: segment.id, stepId: step.id, fired: outcome.actions.length > 0, reason: outcome.reason });
    stoppedBy ??= outcome.stop ?? null;
    for (const action of outcome.actions) actions.push(action);
  }
  const evaluation = (reason: string, stop: string | null) => evaluationOf(facts, set, strategy, assignment.arm, { segmentId: segment.id, stoppedBy: stop, steps, actions, reason });
  if (!traced) return evaluation('', actions.length > 0 ? null : stoppedBy);
  const where = `route ${route.id}, ${strategy.id} v${strategy.version} (${assignment.arm}), segment ${segment.id}`;
  if (actions.length > 0) {
    const fired = steps.filter((s) => s.fired).map((s) => s.stepId);
    return evaluation(`${where}: ${actions.length} action${actions.length === 1 ? '' : 's'} from ${fired.join(', ')}`, null);
  }
  const why = stoppedBy !== null ? `stop: ${stoppedBy}` : `none of its ${steps.length} steps fires today`;
  return evaluation(`${where}: no action, ${why}`, stoppedBy);
}
