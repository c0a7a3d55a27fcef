// Test data for delinquency (imported by tests only): fast-check arbitraries of products and
// accounts that favour the tricky cases: month ends and the 2024 leap day, amounts around the
// tolerance, partial payments, instalments settled late (episodes, repeat delinquents), settled after
// the as-of date, over-allocations and ledger rows paid without a settled day.
import fc from 'fast-check';
import { addDays, addMonths } from '../platform/core/calendar.ts';
import type { DelinquencyProduct, ScheduledInstalment } from './core/types.ts';

export const TRICKY_AS_OF_DATES = ['2024-01-31', '2024-02-28', '2024-02-29', '2024-03-01', '2024-03-31', '2024-06-30', '2024-12-31'];

const BUCKET_BOUNDS = [[30, 60, 90, 120, 150, 180], [30, 60, 90], [15, 30, 60, 90, 120], [7]];

export const productArbitrary: fc.Arbitrary<DelinquencyProduct> = fc
  .record({
    graceDays: fc.integer({ min: 0, max: 10 }),
    repeatGraceCut: fc.integer({ min: 0, max: 10 }),
    repeatLookbackDays: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(90, 180, 365) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 400 }) }),
    repeatMinEpisodes: fc.integer({ min: 1, max: 3 }),
    toleranceMinor: fc.constantFrom(0, 1, 100, 150),
    lateFee: fc.record({
      fixedMinor: fc.constantFrom(0, 500, 1000, 2000),
      // 1,500,000 ppm (above 2^20) takes the SQL refresh's numeric path for the daily part.
      dailyPpm: fc.constantFrom(0, 300, 500, 600, 10_000, 1_500_000),
      capMinor: fc.option(fc.constantFrom(0, 2000, 10_000, 30_000), { nil: null, freq: 4 }),
    }),
    bucketBounds: fc.constantFrom(...BUCKET_BOUNDS),
  })
  .map(({ repeatGraceCut, ...product }) => ({ ...product, repeatGraceDays: Math.max(0, product.graceDays - repeatGraceCut) }));

/** 'late-to-next' settles around the next instalment's due date: its late days touch the next ones, or miss them by a day. */
type PaymentState = 'unpaid' | 'on-time' | 'late' | 'late-to-next' | 'partial' | 'residue' | 'overpaid' | 'paid-undated';

const paymentArbitrary = fc.record({
  state: fc.constantFrom<PaymentState>('unpaid', 'unpaid', 'on-time', 'on-time', 'late', 'late', 'late-to-next', 'late-to-next', 'partial', 'residue', 'residue', 'overpaid', 'paid-undated'),
  days: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 20 }) }, { weight: 1, arbitrary: fc.integer({ min: 21, max: 150 }) }),
  part: fc.integer({ min: 1, max: 99 }),
  residue: fc.constantFrom(1, 99, 100, 101, 150, 151),
  nextOffset: fc.constantFrom(-2, -1, 0, 1),
  paidLateFee: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 5000 })),
});

const monthArbitrary = fc.record({
  // 3,000,000,000 (above 2^31) takes the SQL refresh's numeric path for the daily part.
  principal: fc.oneof({ weight: 1, arbitrary: fc.constantFrom(0, 1, 99, 100, 101, 150, 3_000_000_000) }, { weight: 5, arbitrary: fc.integer({ min: 1000, max: 500_000 }) }),
  interest: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5000 })),
  fee: fc.constantFrom(0, 0, 200),
  /** Months after the previous instalment; 0 puts two instalments on one due date. */
  step: fc.constantFrom(1, 1, 1, 1, 1, 2, 0),
  payment: paymentArbitrary,
});

type Month = typeof monthArbitrary extends fc.Arbitrary<infer M> ? M : never;

function instalmentOf(seq: number, dueDate: string, nextDueDate: string, month: Month): ScheduledInstalment {
  const { principal, interest, fee, payment } = month;
  const paidAll = { paidPrincipalMinor: principal, paidInterestMinor: interest, paidFeeMinor: fee };
  const base = { seq, dueDate, principalMinor: principal, interestMinor: interest, feeMinor: fee, paidLateFeeMinor: payment.paidLateFee };
  switch (payment.state) {
    case 'unpaid':
      return { ...base, paidPrincipalMinor: 0, paidInterestMinor: 0, paidFeeMinor: 0, settledOn: null };
    case 'on-time':
      return { ...base, ...paidAll, settledOn: addDays(dueDate, -Math.min(payment.days, 20)) };
    case 'late':
      return { ...base, ...paidAll, settledOn: addDays(dueDate, 1 + payment.days) };
    case 'late-to-next':
      return { ...base, ...paidAll, settledOn: addDays(nextDueDate, payment.nextOffset) };
    case 'partial':
      return { ...base, ...paidAll, paidPrincipalMinor: Math.floor((principal * payment.part) / 100), settledOn: null };
    case 'residue':
      return { ...base, ...paidAll, paidPrincipalMinor: Math.max(0, principal - payment.residue), settledOn: null };
    case 'overpaid':
      return { ...base, ...paidAll, paidPrincipalMinor: principal + payment.residue, settledOn: addDays(dueDate, payment.days - 30) };
    case 'paid-undated':
      return { ...base, ...paidAll, settledOn: null };
  }
}

/** Monthly instalments on an anchor day (29–31 clamp to month ends) around 2023–2024. */
export const instalmentsArbitrary: fc.Arbitrary<ScheduledInstalment[]> = fc
  .record({
    firstDue: fc.constantFrom('2023-06-30', '2023-10-31', '2023-11-30', '2023-12-31', '2024-01-29', '2024-01-31', '2024-02-29', '2024-03-15', '2024-05-31'),
    anchorDay: fc.constantFrom(1, 15, 28, 29, 30, 31),
    months: fc.array(monthArbitrary, { minLength: 1, maxLength: 8, size: 'max' }),
  })
  .map(({ firstDue, anchorDay, months }) => {
    let offset = 0;
    const dueDates = months.map((month, k) => addMonths(firstDue, (offset += k === 0 ? 0 : month.step), anchorDay));
    return months.map((month, k) => instalmentOf(k + 1, dueDates[k], dueDates[k + 1] ?? addMonths(dueDates[k], 1), month));
  });
