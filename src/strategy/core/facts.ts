// What the strategy evaluator knows about one account on one day: plain data gathered by the cycle
// (or built by hand in a test). Every segment condition and step rule reads only these facts.

export type Channel = 'sms' | 'call' | 'email' | 'push' | 'inapp' | 'letter';
export const CHANNELS: readonly Channel[] = ['sms', 'call', 'email', 'push', 'inapp', 'letter'];

export type AccountFlag = 'dispute' | 'complaint' | 'cease' | 'deceased' | 'bankruptcy' | 'vulnerable';
export const ACCOUNT_FLAGS: readonly AccountFlag[] = ['dispute', 'complaint', 'cease', 'deceased', 'bankruptcy', 'vulnerable'];

export type AccountEventKind = 'promise_broken' | 'contact_changed' | 'contact_bounced' | 'payment_reversed' | 'arrangement_broken';
export const ACCOUNT_EVENT_KINDS: readonly AccountEventKind[] = ['promise_broken', 'contact_changed', 'contact_bounced', 'payment_reversed', 'arrangement_broken'];

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
  /** Events since the account's last evaluation that steps may react to, oldest first. */
  events: Array<{ eventId: number; kind: AccountEventKind; occurredOn: string }>;
  /** Per strategy step id (`strategyId/stepId`). */
  stepHistory: Record<string, StepHistory>;
}
