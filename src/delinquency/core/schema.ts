// Validation of what delinquency is given: product terms and instalments. A refusal names the
// product or the loan and instalment, and the field, so a bad row can be found and fixed.
import { z } from 'zod';
import { isCalendarDate } from '../../platform/core/calendar.ts';
import { DelinquencyError } from './errors.ts';
import type { DelinquencyAccount, DelinquencyProduct } from './types.ts';

const calendarDate = z.string().refine(isCalendarDate, 'expected a calendar date YYYY-MM-DD');
const minor = z.int().nonnegative();

const ScheduledInstalmentSchema = z.object({
  seq: z.int().positive(),
  dueDate: calendarDate,
  principalMinor: minor,
  interestMinor: minor,
  feeMinor: minor,
  paidPrincipalMinor: minor,
  paidInterestMinor: minor,
  paidFeeMinor: minor,
  paidLateFeeMinor: minor,
  settledOn: calendarDate.nullable(),
});

const DelinquencyProductSchema = z.object({
  graceDays: z.int().nonnegative(),
  repeatGraceDays: z.int().nonnegative(),
  repeatLookbackDays: z.int().positive(),
  repeatMinEpisodes: z.int().positive(),
  toleranceMinor: minor,
  lateFee: z.object({ fixedMinor: minor, dailyPpm: z.int().nonnegative(), capMinor: minor.nullable() }),
  bucketBounds: z
    .array(z.int().positive())
    .min(1)
    .refine((bounds) => bounds.every((b, i) => i === 0 || b > bounds[i - 1]), 'expected strictly increasing bounds'),
});

function describe(issues: z.ZodError['issues']): string {
  return issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ');
}

/** Refuses product terms delinquency cannot apply; `where` names the product. */
export function checkDelinquencyProduct(product: unknown, where: string): DelinquencyProduct {
  const parsed = DelinquencyProductSchema.safeParse(product);
  if (!parsed.success) throw new DelinquencyError('invalid-product', `${where}: ${describe(parsed.error.issues)}`);
  return parsed.data;
}

export function checkAsOf(asOf: unknown): string {
  if (typeof asOf !== 'string' || !isCalendarDate(asOf)) {
    throw new DelinquencyError('invalid-as-of', `asOf: expected a calendar date YYYY-MM-DD, got ${JSON.stringify(asOf)}`);
  }
  return asOf;
}

export function checkInstalments(account: DelinquencyAccount): void {
  for (const [index, instalment] of account.instalments.entries()) {
    const parsed = ScheduledInstalmentSchema.safeParse(instalment);
    if (!parsed.success) {
      const which = typeof instalment?.seq === 'number' ? `seq ${instalment.seq}` : `#${index}`;
      throw new DelinquencyError('invalid-instalment', `loan ${account.loanId} instalment ${which}: ${describe(parsed.error.issues)}`);
    }
  }
}
