// Turns a validated set and its strategies into the ActiveStrategySet the evaluator runs: conditions
// compiled to checks, defaults resolved onto every step, arm boundaries in basis points, and the
// scope (pre-due horizon, event kinds) the cycle uses to load only accounts that can fire.
import { stepHistoryKey, type AccountEventKind, type AccountFlag, type Channel } from './facts.ts';
import { compileConditions, readEmergencyContacts, type Check } from './conditions.ts';
import type { ActionSpec, ChannelPreference, StepSpec, StopCondition } from './schema.ts';
import { STOP_CONDITIONS, type ActionKind, type Party, type PayloadValue } from './types.ts';
import type { StrategyBundle } from './validate.ts';

export const DEFAULT_HOLD_FLAGS: readonly AccountFlag[] = ['cease', 'dispute', 'deceased', 'bankruptcy', 'complaint'];

export type StepTrigger =
  | { kind: 'dpd'; min: number; max: number; afterGrace: boolean; window: string }
  | { kind: 'pre_due'; min: number; max: number; window: string }
  | { kind: 'event'; event: AccountEventKind };

export interface CompiledAction {
  /** Position in the step's action list: part of the idempotency key, stable when others are skipped. */
  index: number;
  kind: ActionKind;
  party: Party;
  template: string | null;
  needsApproval: boolean;
  /** How the channel is chosen: fixed, by preference, or none (placements, referrals, offers kept for agents). */
  channel: { fixed: Channel } | { preference: ChannelPreference } | null;
  /** Payload entries that come from the file, not the account (queue, priority, offer kinds…). */
  extra: Record<string, PayloadValue>;
}

export interface CompiledStep {
  id: string;
  /** `strategyId/stepId`, the key of AccountFacts.stepHistory. */
  historyKey: string;
  trigger: StepTrigger;
  checks: Check[];
  /** The checks' labels, which every action's reason lists. */
  labels: string[];
  every: number | null;
  maxTimes: number | null;
  stops: readonly StopCondition[];
  quietAfterResponseDays: number | null;
  actions: CompiledAction[];
}

export interface CompiledSegment {
  id: string;
  checks: Check[];
  /** The checks' labels, which every action's reason lists. */
  labels: string[];
  ladder: CompiledStep[];
}

export interface CompiledStrategy {
  id: string;
  version: number;
  name: string;
  holdFlags: readonly AccountFlag[];
  segments: CompiledSegment[];
}

export interface CompiledArm {
  strategyId: string;
  arm: string;
  /** Accounts whose basis point (0–9999) is below this and above the previous arm's bound. */
  belowBasisPoint: number;
}

export interface CompiledRoute {
  id: string;
  setId: string;
  checks: Check[];
  arms: CompiledArm[];
}

export interface StrategyScope {
  /** Largest pre-due window of any step; -1 when no step reminds before the due date. */
  maxPreDueDays: number;
  /**
   * Pre-due horizon per product where the routes settle it by product alone (the strategies an account
   * of that product can follow); maxPreDueDays holds for every other product.
   */
  preDueDaysByProduct: Record<string, number>;
  eventKinds: AccountEventKind[];
  /**
   * The lowest DPD at which a borrower's emergency contacts can change what is planned: steps that
   * address them or test for one fire only from their DPD window's start; a segment or route that tests
   * for one, or an event or pre-due step that does, makes it 0 (every account). Null when no strategy
   * reads them. The cycle loads a borrower's emergency contacts only for accounts at or above it.
   */
  emergencyContactsFromDpd: number | null;
}

export interface ActiveStrategySet {
  setId: string;
  setVersion: number;
  members: Array<{ strategyId: string; version: number }>;
  routes: CompiledRoute[];
  strategies: ReadonlyMap<string, CompiledStrategy>;
  scope: StrategyScope;
}

export interface SetVersions {
  setVersion: number;
  /** Version per strategy id; a candidate not yet activated uses 0. */
  strategyVersions: Readonly<Record<string, number>>;
}

function compileAction(spec: ActionSpec, index: number): CompiledAction {
  const base = { index, kind: spec.kind, party: 'borrower' as Party, template: null as string | null, needsApproval: false, channel: null as CompiledAction['channel'], extra: {} };
  const routed = (s: { channel?: Channel; channels?: ChannelPreference }): CompiledAction['channel'] =>
    s.channel !== undefined ? { fixed: s.channel } : s.channels !== undefined ? { preference: s.channels } : null;
  switch (spec.kind) {
    case 'message':
      // Anything said to a third party needs risk-control approval, whatever the file says.
      return { ...base, party: spec.party, template: spec.template, channel: routed(spec), needsApproval: spec.party === 'emergency_contact' || spec.requireApproval === true };
    case 'contact_outreach':
      return { ...base, party: 'emergency_contact', template: spec.template, channel: { fixed: spec.channel }, needsApproval: true };
    case 'call_task':
      return { ...base, template: spec.template ?? null, channel: { fixed: 'call' }, needsApproval: spec.requireApproval === true, extra: { queue: spec.queue, priority: spec.priority } };
    case 'escalation_notice':
      return { ...base, template: spec.template, channel: routed(spec), needsApproval: spec.requireApproval === true };
    case 'arrangement_offer':
      // A settlement means a discount, and discounts are approved by a person.
      return {
        ...base,
        template: spec.template ?? null,
        channel: routed(spec),
        needsApproval: spec.kinds.includes('settlement') || spec.requireApproval === true,
        extra: { offerKinds: spec.kinds.join(',') },
      };
    case 'agency_placement':
      return { ...base, needsApproval: spec.requireApproval === true, extra: { agency: spec.agency ?? null, placementDays: spec.days } };
    case 'legal_referral':
      return { ...base, needsApproval: spec.requireApproval === true, extra: { legalRoute: spec.route } };
  }
}

/** "1–7", "3" or "31+", as traces print a trigger window. */
const windowText = (min: number, max: number | undefined): string => (max === undefined ? `${min}+` : min === max ? `${min}` : `${min}–${max}`);

function compileTrigger(on: StepSpec['on']): StepTrigger {
  if (on.dpd) return { kind: 'dpd', min: on.dpd.min, max: on.dpd.max ?? Infinity, afterGrace: on.dpd.afterGrace === true, window: windowText(on.dpd.min, on.dpd.max) };
  if (on.preDueDays) return { kind: 'pre_due', min: on.preDueDays.min, max: on.preDueDays.max, window: windowText(on.preDueDays.min, on.preDueDays.max) };
  return { kind: 'event', event: on.event! };
}

export function compileStrategySet(bundle: StrategyBundle, versions: SetVersions): ActiveStrategySet {
  const strategies = new Map<string, CompiledStrategy>();
  let maxPreDueDays = -1;
  const preDueOf = new Map<string, number>();
  const eventKinds = new Set<AccountEventKind>();
  let emergencyContactsFromDpd: number | null = null;
  const emergencyContactsFrom = (dpd: number) => {
    emergencyContactsFromDpd = Math.min(emergencyContactsFromDpd ?? dpd, dpd);
  };

  for (const { document: doc } of bundle.strategies) {
    const defaultStops = doc.defaults?.stopWhen ?? STOP_CONDITIONS;
    const quiet = doc.defaults?.quiet?.afterResponseDays ?? null;
    const compileStep = (step: StepSpec, segmentStops: readonly StopCondition[]): CompiledStep => {
      const trigger = compileTrigger(step.on);
      if (trigger.kind === 'pre_due') {
        maxPreDueDays = Math.max(maxPreDueDays, trigger.max);
        preDueOf.set(doc.id, Math.max(preDueOf.get(doc.id) ?? -1, trigger.max));
      }
      if (trigger.kind === 'event') eventKinds.add(trigger.event);
      // Without `every`, a DPD step fires once per episode; an event step once per event.
      const maxTimes = step.maxTimes ?? (trigger.kind === 'dpd' && step.every === undefined ? 1 : null);
      const checks = compileConditions(step.when);
      const actions = step.actions.map(compileAction);
      // A step's conditions and actions count only once its trigger fires: a DPD window from its start
      // (after grace, later still).
      if (readEmergencyContacts(checks) || actions.some((a) => a.party === 'emergency_contact')) emergencyContactsFrom(trigger.kind === 'dpd' ? trigger.min : 0);
      return {
        id: step.id,
        historyKey: stepHistoryKey(doc.id, step.id),
        trigger,
        checks,
        labels: checks.map((c) => c.label),
        every: step.every ?? null,
        maxTimes: trigger.kind === 'pre_due' ? null : maxTimes,
        stops: step.stopWhen ?? segmentStops,
        quietAfterResponseDays: trigger.kind === 'event' ? null : quiet,
        actions,
      };
    };
    strategies.set(doc.id, {
      id: doc.id,
      version: versions.strategyVersions[doc.id] ?? 0,
      name: doc.name,
      holdFlags: doc.defaults?.holdFlags ?? DEFAULT_HOLD_FLAGS,
      segments: doc.segments.map((segment) => {
        const stops = segment.stopWhen ?? defaultStops;
        const checks = compileConditions(segment.when);
        if (readEmergencyContacts(checks)) emergencyContactsFrom(0);
        return {
          id: segment.id,
          checks,
          labels: checks.map((c) => c.label),
          ladder: [...segment.ladder, ...(doc.sharedLadder ?? [])].map((step) => compileStep(step, stops)),
        };
      }),
    });
  }

  const set = bundle.set.document;
  const routes = set.routes.map((route): CompiledRoute => {
    let bound = 0;
    const checks = compileConditions(route.when);
    if (readEmergencyContacts(checks)) emergencyContactsFrom(0);
    return {
      id: route.id,
      setId: set.id,
      checks,
      arms: route.arms.map((a) => ({ strategyId: a.strategy, arm: a.arm, belowBasisPoint: (bound += Math.round(a.percent * 100)) })),
    };
  });

  return {
    setId: set.id,
    setVersion: versions.setVersion,
    members: [...strategies.values()].map((s) => ({ strategyId: s.id, version: s.version })),
    routes,
    strategies,
    scope: { maxPreDueDays, preDueDaysByProduct: preDueByProduct(set.routes, preDueOf), eventKinds: [...eventKinds].sort(), emergencyContactsFromDpd },
  };
}

/**
 * Routes are tried in order; as long as a route's conditions name products and nothing else, the
 * accounts of those products are settled by it, so their pre-due horizon is that of its arms'
 * strategies. The first route with any other condition ends what can be known without the account.
 */
function preDueByProduct(routes: StrategyBundle['set']['document']['routes'], preDueOf: ReadonlyMap<string, number>): Record<string, number> {
  const horizon: Record<string, number> = {};
  for (const route of routes) {
    const keys = Object.keys(route.when ?? {});
    if (keys.length !== 1 || keys[0] !== 'product' || !route.when?.product) break;
    const days = Math.max(-1, ...route.arms.map((a) => preDueOf.get(a.strategy) ?? -1));
    for (const product of route.when.product) if (!(product in horizon)) horizon[product] = days;
  }
  return horizon;
}
