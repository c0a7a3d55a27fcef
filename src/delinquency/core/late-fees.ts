import { daysBetween } from '../../platform/core/calendar.ts';

// Late fees (滞纳金/罚息) on one instalment: nothing inside the grace period; after it a fixed
// amount plus a daily rate (parts per million per day) on the instalment's unpaid principal for each
// day beyond grace, capped per instalment. Integer minor units throughout; fractions are dropped.

export interface LateFeeRule {
  fixedMinor: number;
  /** Daily penalty rate in parts per million of the unpaid principal (500 ppm = 0.05 %/day). */
  dailyPpm: number;
  /** Cap per instalment on all late fees together; null = no cap. */
  capMinor: number | null;
}

export interface LateFeeInput {
  dueDate: string;
  asOf: string;
  graceDays: number;
  /** Scheduled principal + interest + fee still unpaid on the instalment. */
  unpaidScheduledMinor: number;
  unpaidPrincipalMinor: number;
  rule: LateFeeRule;
}

/** Days an instalment is late on asOf (0 when not yet due or due that day). */
export function daysLate(dueDate: string, asOf: string): number {
  return Math.max(0, daysBetween(dueDate, asOf));
}

/** Total late fee accrued on an instalment as of a date (before deducting what was paid). */
export function lateFeeFor(input: LateFeeInput): number {
  const late = daysLate(input.dueDate, input.asOf);
  if (late <= input.graceDays || input.unpaidScheduledMinor <= 0) return 0;
  const chargeableDays = late - input.graceDays;
  // Exact integer arithmetic: a float product loses the last unit once it passes 2^53.
  const daily = Number((BigInt(input.unpaidPrincipalMinor) * BigInt(input.rule.dailyPpm) * BigInt(chargeableDays)) / 1_000_000n);
  const fee = input.rule.fixedMinor + daily;
  return input.rule.capMinor === null ? fee : Math.min(fee, input.rule.capMinor);
}
