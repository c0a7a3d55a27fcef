// What the strategy evaluator knows about one account on one day: plain data gathered by the cycle
// (or built by hand in a test). Every segment condition and step rule reads only these facts.

export type Channel = 'sms' | 'call' | 'email' | 'push' | 'inapp' | 'letter';
export const CHANNELS: readonly Channel[] = ['sms', 'call', 'email', 'push', 'inapp', 'letter'];

export type AccountFlag = 'dispute' | 'complaint' | 'cease' | 'deceased' | 'bankruptcy' | 'vulnerable';
export const ACCOUNT_FLAGS: readonly AccountFlag[] = ['dispute', 'complaint', 'cease', 'deceased', 'bankruptcy', 'vulnerable'];

export type AccountEventKind = 'promise_broken' | 'contact_changed' | 'contact_bounced' | 'payment_reversed' | 'arrangement_broken';
export const ACCOUNT_EVENT_KINDS: readonly AccountEventKind[] = ['promise_broken', 'contact_changed', 'contact_bounced', 'payment_reversed', 'arrangement_broken'];
/** Events are offered to event steps for this many days: on day D, those that occurred after D minus this, up to D. */
export const EVENT_LOOKBACK_DAYS = 7;

export interface ChannelFacts {
  /** An active contact point of the right kind with the borrower's consent for this channel. */
  reachable: boolean;
  /** Contact point id to use on this channel (phone, e-mail or device), when reachable. */
  contactPointId: number | null;
  /** First and last day a borrower message/call on this channel was planned in the current episode. */
  firstContactOn: string | null;
  lastContactOn: string | null;
  /** Failed attempts in a row on this channel (bounces, no-answer) since the last success. */
  failedAttemptsInRow: number;
  /** Last day the borrower responded on this channel (reply, answered call, click). */
  lastResponseOn: string | null;
}

export interface EmergencyContactFacts {
  contactId: number;
  name: string;
  relation: string;
  /** Consent recorded at onboarding and the contact not blocked. */
  usable: boolean;
}

/** The key of a step in AccountFacts.stepHistory: the history of strategy `strategyId`'s step `stepId`. */
export function stepHistoryKey(strategyId: string, stepId: string): string {
  return `${strategyId}/${stepId}`;
}

export interface StepHistory {
  /** Last day this step planned actions for the account, and how often in the current episode. */
  lastFiredOn: string | null;
  timesInEpisode: number;
}

export interface AccountFacts {
  borrowerId: number;
  loanId: number;
  /** Stable account key used for champion/challenger splits (the loan's external id). */
  accountKey: string;
  borrowerName: string;
  locale: string;
  timeZone: string;
  productId: string;
  jurisdiction: string;
  currency: string;
  asOf: string;
  dpd: number;
  bucket: string;
  overdueMinor: number;
  outstandingMinor: number;
  lateFeeMinor: number;
  oldestUnpaidDue: string | null;
  /** Next instalment due on or after asOf, with its unpaid amount (pre-due reminders). */
  nextDueDate: string | null;
  nextDueMinor: number;
  isRepeat: boolean;
  graceDays: number;
  delinquentSince: string | null;
  riskBand: string | null;
  flags: AccountFlag[];
  preferredChannel: Channel | null;
  /**
   * The channels on which the borrower has an active contact point with consent for that channel, in
   * CHANNELS order (borrowers.channels_with_point, which the database keeps): loaded with the account
   * facts, so the screen knows a channel is surely unreachable (no point) before the contact facts
   * tell whether it is reachable (a point, and not failing again and again). The channels whose
   * contactPointId is set are the same.
   */
  channelsWithPoint: readonly Channel[];
  channels: Record<Channel, ChannelFacts>;
  emergencyContacts: EmergencyContactFacts[];
  promises: { kept: number; broken: number; open: { dueOn: string; amountMinor: number } | null };
  arrangement: { status: 'active' | 'kept' | 'broken' | null; kind: string | null; missedPayments: number };
  refusals: number;
  selfInitiatedContacts: number;
  lastContactOn: string | null;
  lastResponseOn: string | null;
  /** Borrower contacts planned since the borrower last responded (all of the episode's when never): silence. */
  unansweredContacts: number;
  /** Events in the look-back (EVENT_LOOKBACK_DAYS) that steps may react to, oldest first. */
  events: Array<{ eventId: number; kind: AccountEventKind; occurredOn: string }>;
  /** Per strategy step (stepHistoryKey). */
  stepHistory: Record<string, StepHistory>;
}

/**
 * Each channel's bit in a set of channels stored as a number (borrowers.channels_with_point, kept by
 * the database: migrations/0032_channels_with_point.sql writes the same bits). Fixed per channel, never
 * by position, so that stored sets keep their meaning when channels are added.
 */
export const CHANNEL_BIT: Readonly<Record<Channel, number>> = { sms: 1, call: 2, email: 4, push: 8, inapp: 16, letter: 32 };

const CHANNEL_LISTS = new Map<number, readonly Channel[]>();
/** The channels of a set of CHANNEL_BIT bits, in CHANNELS order, as one shared frozen list per set. */
export function channelsOfMask(mask: number): readonly Channel[] {
  let list = CHANNEL_LISTS.get(mask);
  if (list === undefined) {
    list = Object.freeze(CHANNELS.filter((c) => (mask & CHANNEL_BIT[c]) !== 0));
    CHANNEL_LISTS.set(mask, list);
  }
  return list;
}

/** The channels with a contact point, from the loaded contact facts (see AccountFacts.channelsWithPoint). */
export function channelsWithPointOf(channels: Record<Channel, ChannelFacts>): readonly Channel[] {
  let mask = 0;
  for (const c of CHANNELS) if (channels[c].contactPointId !== null) mask |= CHANNEL_BIT[c];
  return channelsOfMask(mask);
}
