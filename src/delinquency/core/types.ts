// Plain data of the delinquency capability: what an account's schedule looks like to it, the product
// rules it applies, and the snapshot it produces (one row of account_states).
import type { CalendarDate } from '../../platform/core/calendar.ts';
import type { LateFeeRule } from './late-fees.ts';

export interface ScheduledInstalment {
  seq: number;
  dueDate: CalendarDate;
  principalMinor: number;
  interestMinor: number;
  feeMinor: number;
  paidPrincipalMinor: number;
  paidInterestMinor: number;
  paidFeeMinor: number;
  /** Late fees are tracked apart from the scheduled amounts. */
  paidLateFeeMinor: number;
  /** Day the scheduled amounts were fully paid; null while unpaid. */
  settledOn: CalendarDate | null;
}

export interface DelinquencyAccount {
  borrowerId: number;
  loanId: number;
  instalments: readonly ScheduledInstalment[];
}

/** The product terms delinquency reads (a product row in the ledger). */
export interface DelinquencyProduct {
  graceDays: number;
  /** Grace for repeat delinquents: usually shorter. */
  repeatGraceDays: number;
  repeatLookbackDays: number;
  repeatMinEpisodes: number;
  /** Overdue amounts up to this do not make an account delinquent. */
  toleranceMinor: number;
  lateFee: LateFeeRule;
  /** Upper DPD bound of M1, M2, …; strictly increasing, e.g. [30, 60, 90, 120, 150, 180]. */
  bucketBounds: readonly number[];
}

/** 'M0' current, 'M1'…'Mn' by the bounds, 'M{n+1}+' beyond the last bound. */
export type Bucket = string;

export interface DelinquencySnapshot {
  borrowerId: number;
  loanId: number;
  asOf: CalendarDate;
  dpd: number;
  bucket: Bucket;
  overdueMinor: number;
  outstandingMinor: number;
  lateFeeMinor: number;
  /** Due date DPD counts from; null when the account is not delinquent. */
  oldestUnpaidDue: CalendarDate | null;
  nextDueDate: CalendarDate | null;
  nextDueMinor: number;
  episodes: number;
  isRepeat: boolean;
  graceDays: number;
  delinquentSince: CalendarDate | null;
  curedOn: CalendarDate | null;
}
