// What the strategy evaluator hands back: planned actions with their reasons, a trace of every step
// considered, and the errors a strategy file can have. Plain data, persisted by the cycle as it is.
import type { Channel } from './facts.ts';

export type ActionKind =
  | 'message'
  | 'call_task'
  | 'contact_outreach'
  | 'escalation_notice'
  | 'arrangement_offer'
  | 'agency_placement'
  | 'legal_referral';
export const ACTION_KINDS: readonly ActionKind[] = [
  'message',
  'call_task',
  'contact_outreach',
  'escalation_notice',
  'arrangement_offer',
  'agency_placement',
  'legal_referral',
];

export type Party = 'borrower' | 'emergency_contact';
export type Trigger = 'dpd' | 'pre_due' | 'event';
export type PayloadValue = string | number | boolean | null;

export interface ActionReason {
  summary: string;
  trigger: Trigger;
  eventId?: number;
  /** How an adaptive channel was picked, e.g. "sms: no response for 3 days → call". */
  channelChoice?: string;
  /** The conditions that held: segment and step conditions and the trigger window. */
  conditions: string[];
}

export interface PlannedAction {
  /** `${loanId}:${strategyId}/${stepId}:${asOf}:${index}`, or `…:event:${eventId}:${index}` for event steps. */
  idempotencyKey: string;
  kind: ActionKind;
  channel: Channel | null;
  party: Party;
  template: string | null;
  contactPointId: number | null;
  emergencyContactId: number | null;
  strategyId: string;
  strategyVersion: number;
  arm: string;
  segmentId: string;
  stepId: string;
  needsApproval: boolean;
  reason: ActionReason;
  /** Message variables; for an emergency contact only contactName, borrowerName and callbackReference. */
  payload: Readonly<Record<string, PayloadValue>>;
}

export interface StepTrace {
  strategyId: string;
  segmentId: string;
  stepId: string;
  fired: boolean;
  reason: string;
}

export interface Evaluation {
  accountKey: string;
  setId: string;
  setVersion: number;
  strategyId: string | null;
  strategyVersion: number | null;
  arm: string | null;
  segmentId: string | null;
  /** When nothing fired: the first stop condition that held back a step whose trigger matched. */
  stoppedBy: string | null;
  steps: StepTrace[];
  actions: PlannedAction[];
  reason: string;
}

/** What stops a strategy's steps for an account (a strategy's defaults name which apply). */
export const STOP_CONDITIONS = ['paid', 'promise_in_force', 'arrangement_kept', 'hold'] as const;
export type StopCondition = (typeof STOP_CONDITIONS)[number];

export type Attitude = 'cooperative' | 'neutral' | 'poor' | 'silent';
export const ATTITUDES: readonly Attitude[] = ['cooperative', 'neutral', 'poor', 'silent'];

/** One problem in a strategy file: path like `segments[2].ladder[0].when.dpd.min`, line when known. */
export interface StrategyError {
  file: string;
  path: string;
  line: number | null;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; errors: StrategyError[] };

// The compiled set is defined beside its compiler; re-exported so every result type has one home.
export type { ActiveStrategySet, StrategyScope } from './compile.ts';
