// The strategy file format (see strategies/README.md): one zod schema for both kinds of document,
// a set (routes and champion/challenger arms) and a strategy (segments, ladders of steps, actions),
// with every check that needs only the document itself. Cross-file checks live in validate.ts.
import { z } from 'zod';
import { ACCOUNT_EVENT_KINDS, ACCOUNT_FLAGS, CHANNELS } from './facts.ts';
import { ATTITUDES, STOP_CONDITIONS } from './types.ts';
import { DECIMAL_AMOUNT, compareDecimal } from './money.ts';

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected an id of lower-case letters, digits and "-"');
const TemplateId = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a template id like "cn.reminder.gentle"');
const Text = z.string().min(1, 'expected a non-empty text');
const Channel = z.enum(CHANNELS);
const PhoneChannel = z.enum(['sms', 'call']);
const Flag = z.enum(ACCOUNT_FLAGS);
/**
 * A whole number in a range. Not zod's .int(): its failure aborts the whole parse, which would hide
 * the checks across siblings (duplicate ids) that every other error lets run.
 */
function whole(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.number().superRefine((n, ctx) => {
    if (!Number.isInteger(n)) ctx.addIssue({ code: 'custom', message: 'expected a whole number' });
    else if (n < min || n > max) ctx.addIssue({ code: 'custom', message: max === Number.MAX_SAFE_INTEGER ? `expected ≥ ${min}` : `expected ${min}–${max}` });
  });
}
const Whole = whole(0);
const AMOUNT_EXPECTED = 'expected a decimal amount in major units, in quotes, like "500.00"';
const Amount = z.string({ error: AMOUNT_EXPECTED }).regex(DECIMAL_AMOUNT, AMOUNT_EXPECTED);

function uniqueList<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .min(1, 'expected at least one entry')
    .superRefine((items, ctx) => {
      items.forEach((value, i) => {
        if (items.indexOf(value) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `duplicate entry ${JSON.stringify(value)}` });
      });
    });
}

/** min ≤ max for a range of whole numbers or of decimal amounts (with any extra fields, e.g. a channel). */
function orderedRange<T extends z.ZodType, E extends z.ZodRawShape = {}>(bound: T, compare: (a: z.output<T>, b: z.output<T>) => number, extra?: E) {
  return z
    .strictObject({ ...(extra as E), min: bound.optional(), max: bound.optional() })
    .superRefine((range, ctx) => {
      const { min, max } = range as { min?: z.output<T>; max?: z.output<T> };
      if (min === undefined && max === undefined) ctx.addIssue({ code: 'custom', message: 'expected min, max or both' });
      else if (min !== undefined && max !== undefined && compare(min, max) > 0)
        ctx.addIssue({ code: 'custom', path: ['max'], message: `expected max ≥ min (${String(min)})` });
    });
}
const byNumber = (a: number, b: number) => a - b;
const WholeRange = orderedRange(Whole, byNumber);
const AmountRange = orderedRange(Amount, compareDecimal);

/** Written out because `anyOf` makes the schema recursive, and a recursive zod schema needs its type declared. */
export interface Conditions {
  product?: string[];
  jurisdiction?: string[];
  bucket?: string[];
  dpd?: { min?: number; max?: number };
  preDueDays?: { min?: number; max?: number };
  overdueAmount?: { min?: string; max?: string };
  outstandingAmount?: { min?: string; max?: string };
  repeat?: boolean;
  riskBand?: string[];
  reachable?: Array<z.infer<typeof Channel>>;
  unreachable?: Array<z.infer<typeof Channel>>;
  lost?: boolean;
  failedAttempts?: { channel: z.infer<typeof Channel>; min?: number; max?: number };
  attitude?: Array<(typeof ATTITUDES)[number]>;
  brokenPromises?: { min?: number; max?: number };
  keptPromises?: { min?: number; max?: number };
  refusals?: { min?: number; max?: number };
  flags?: { any?: Array<z.infer<typeof Flag>>; none?: Array<z.infer<typeof Flag>> };
  daysSinceLastContact?: { min?: number; max?: number };
  hasArrangement?: boolean;
  promiseInForce?: boolean;
  hasUsableEmergencyContact?: boolean;
  anyOf?: Conditions[];
}

export const ConditionsSchema: z.ZodType<Conditions> = z.strictObject({
  product: uniqueList(Text).optional(),
  jurisdiction: uniqueList(Text).optional(),
  bucket: uniqueList(Text).optional(),
  dpd: WholeRange.optional(),
  preDueDays: WholeRange.optional(),
  overdueAmount: AmountRange.optional(),
  outstandingAmount: AmountRange.optional(),
  repeat: z.boolean().optional(),
  riskBand: uniqueList(Text).optional(),
  reachable: uniqueList(Channel).optional(),
  unreachable: uniqueList(Channel).optional(),
  lost: z.boolean().optional(),
  failedAttempts: orderedRange(Whole, byNumber, { channel: Channel }).optional(),
  attitude: uniqueList(z.enum(ATTITUDES)).optional(),
  brokenPromises: WholeRange.optional(),
  keptPromises: WholeRange.optional(),
  refusals: WholeRange.optional(),
  flags: z
    .strictObject({ any: uniqueList(Flag).optional(), none: uniqueList(Flag).optional() })
    .refine((f) => f.any !== undefined || f.none !== undefined, 'expected any, none or both')
    .optional(),
  daysSinceLastContact: WholeRange.optional(),
  hasArrangement: z.boolean().optional(),
  promiseInForce: z.boolean().optional(),
  hasUsableEmergencyContact: z.boolean().optional(),
  get anyOf() {
    return z.array(ConditionsSchema).min(2, 'expected at least two alternatives').optional();
  },
});

export type { StopCondition } from './types.ts';
const StopList = z.array(z.enum(STOP_CONDITIONS));

const TriggerSchema = z
  .strictObject({
    dpd: z
      .strictObject({ min: whole(1), max: whole(1).optional(), afterGrace: z.boolean().optional() })
      .refine((w) => w.max === undefined || w.max >= w.min, { path: ['max'], message: 'expected max ≥ min' })
      .optional(),
    preDueDays: z
      .strictObject({ min: Whole, max: Whole })
      .refine((w) => w.max >= w.min, { path: ['max'], message: 'expected max ≥ min' })
      .optional(),
    event: z.enum(ACCOUNT_EVENT_KINDS).optional(),
  })
  .refine((t) => [t.dpd, t.preDueDays, t.event].filter((x) => x !== undefined).length === 1, 'expected exactly one of dpd, preDueDays, event');

const ChannelPreferenceSchema = z.strictObject({
  prefer: uniqueList(Channel),
  honourPreferred: z.boolean().default(false),
  moveOnAfterNoResponseDays: whole(1).optional(),
});
export type ChannelPreference = z.infer<typeof ChannelPreferenceSchema>;

/** Actions that reach the borrower name either one channel or an ordered preference. */
const channelFields = { channel: Channel.optional(), channels: ChannelPreferenceSchema.optional() };
function oneChannel(a: { channel?: unknown; channels?: unknown }, ctx: z.RefinementCtx, required: boolean): void {
  if (a.channel !== undefined && a.channels !== undefined) ctx.addIssue({ code: 'custom', path: ['channels'], message: 'expected either channel or channels, not both' });
  else if (required && a.channel === undefined && a.channels === undefined) ctx.addIssue({ code: 'custom', message: 'expected channel or channels' });
}
const requireApproval = z.boolean().optional();

const MessageAction = z
  .strictObject({ kind: z.literal('message'), ...channelFields, template: TemplateId, party: z.enum(['borrower', 'emergency_contact']).default('borrower'), requireApproval })
  .superRefine((a, ctx) => {
    oneChannel(a, ctx, true);
    if (a.party === 'emergency_contact' && (a.channels !== undefined || (a.channel !== undefined && a.channel !== 'sms' && a.channel !== 'call')))
      ctx.addIssue({ code: 'custom', path: ['channel'], message: 'expected channel sms or call for an emergency contact (a phone number is all we hold)' });
  });
const CallTaskAction = z.strictObject({
  kind: z.literal('call_task'),
  queue: Id,
  priority: whole(1, 9).default(5),
  template: TemplateId.optional(),
  requireApproval,
});
const ContactOutreachAction = z.strictObject({ kind: z.literal('contact_outreach'), channel: PhoneChannel, template: TemplateId });
const EscalationNoticeAction = z
  .strictObject({ kind: z.literal('escalation_notice'), ...channelFields, template: TemplateId, requireApproval })
  .superRefine((a, ctx) => oneChannel(a, ctx, true));
const ArrangementOfferAction = z
  .strictObject({
    kind: z.literal('arrangement_offer'),
    kinds: uniqueList(z.enum(['extension', 'reinstalment', 'settlement'])),
    ...channelFields,
    template: TemplateId.optional(),
    requireApproval,
  })
  .superRefine((a, ctx) => {
    oneChannel(a, ctx, false);
    if ((a.channel !== undefined || a.channels !== undefined) && a.template === undefined)
      ctx.addIssue({ code: 'custom', path: ['template'], message: 'expected a template for an offer sent on a channel' });
  });
const AgencyPlacementAction = z.strictObject({ kind: z.literal('agency_placement'), agency: Id.optional(), days: whole(1), requireApproval });
const LegalReferralAction = z.strictObject({ kind: z.literal('legal_referral'), route: z.enum(['lawyers_letter', 'lawsuit']), requireApproval });

const ActionSchema = z.discriminatedUnion('kind', [
  MessageAction,
  CallTaskAction,
  ContactOutreachAction,
  EscalationNoticeAction,
  ArrangementOfferAction,
  AgencyPlacementAction,
  LegalReferralAction,
]);
export type ActionSpec = z.infer<typeof ActionSchema>;

const StepSchema = z
  .strictObject({
    id: Id,
    description: Text.optional(),
    on: TriggerSchema,
    when: ConditionsSchema.optional(),
    every: whole(1).optional(),
    maxTimes: whole(1).optional(),
    stopWhen: StopList.optional(),
    actions: z.array(ActionSchema).min(1, 'expected at least one action'),
  })
  .refine((s) => !(s.on.preDueDays && s.maxTimes !== undefined), {
    path: ['maxTimes'],
    message: 'maxTimes does not apply to a pre-due step (it fires once per due date, or every N days inside its window)',
  });
export type StepSpec = z.infer<typeof StepSchema>;

const SegmentSchema = z.strictObject({
  id: Id,
  description: Text.optional(),
  when: ConditionsSchema.optional(),
  stopWhen: StopList.optional(),
  ladder: z.array(StepSchema).min(1, 'expected at least one step'),
});
export type SegmentSpec = z.infer<typeof SegmentSchema>;

/** Reports every repeated `id` in a list, at the repeated entry; runs even when siblings have errors. */
function uniqueIds(items: unknown, path: Array<string | number>, what: string, ctx: z.RefinementCtx, seen = new Map<string, string>()): void {
  if (!Array.isArray(items)) return;
  items.forEach((item, i) => {
    const id = (item as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return;
    const here = [...path, i];
    const first = seen.get(id);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: [...here, 'id'], message: `duplicate ${what} id "${id}" (first at ${first})` });
    else seen.set(id, formatPath(here));
  });
}
const always = { when: () => true };

export const StrategySchema = z
  .strictObject({
    kind: z.literal('strategy'),
    id: Id,
    name: Text,
    description: Text.optional(),
    defaults: z
      .strictObject({
        stopWhen: StopList.optional(),
        holdFlags: uniqueList(Flag).optional(),
        quiet: z.strictObject({ afterResponseDays: whole(1) }).optional(),
      })
      .optional(),
    segments: z.array(SegmentSchema).min(1, 'expected at least one segment'),
    sharedLadder: z.array(StepSchema).optional(),
  })
  .superRefine((doc, ctx) => {
    const value = doc as unknown as { segments?: unknown; sharedLadder?: unknown };
    uniqueIds(value.segments, ['segments'], 'segment', ctx);
    // Step ids key the step history (`strategyId/stepId`), so they are unique across the whole strategy.
    const steps = new Map<string, string>();
    if (Array.isArray(value.segments))
      value.segments.forEach((segment, i) => uniqueIds((segment as { ladder?: unknown } | null)?.ladder, ['segments', i, 'ladder'], 'step', ctx, steps));
    uniqueIds(value.sharedLadder, ['sharedLadder'], 'step', ctx, steps);
  }, always);
export type StrategyDocument = z.infer<typeof StrategySchema>;

const ArmSchema = z.strictObject({
  strategy: Id,
  percent: z
    .number()
    .gt(0)
    .max(100)
    .refine((p) => Math.abs(p * 100 - Math.round(p * 100)) < 1e-9, 'expected at most two decimals'),
  arm: Id.default('champion'),
});

const RouteSchema = z
  .strictObject({ id: Id, description: Text.optional(), when: ConditionsSchema.optional(), arms: z.array(ArmSchema).min(1, 'expected at least one arm') })
  .superRefine((route, ctx) => {
    const total = route.arms.reduce((sum, a) => sum + Math.round(a.percent * 100), 0);
    if (total !== 10_000) ctx.addIssue({ code: 'custom', path: ['arms'], message: `expected arm percentages summing to 100, got ${total / 100}` });
    route.arms.forEach((a, i) => {
      if (route.arms.findIndex((b) => b.arm === a.arm) !== i) ctx.addIssue({ code: 'custom', path: ['arms', i, 'arm'], message: `duplicate arm name "${a.arm}"` });
    });
  });

export const SetSchema = z
  .strictObject({ kind: z.literal('set'), id: Id, name: Text, description: Text.optional(), routes: z.array(RouteSchema).min(1, 'expected at least one route') })
  .superRefine((doc, ctx) => uniqueIds((doc as unknown as { routes?: unknown }).routes, ['routes'], 'route', ctx), always);
export type SetDocument = z.infer<typeof SetSchema>;
export type RouteSpec = SetDocument['routes'][number];

export const StrategyFileSchema = z.discriminatedUnion('kind', [SetSchema, StrategySchema]);
export type StrategyFileDocument = z.infer<typeof StrategyFileSchema>;

/** ['segments', 2, 'ladder', 0] → "segments[2].ladder[0]". */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');
}
