// Payment allocation (还款分配): replays every posted payment of a loan over its instalment schedule and
// says what each payment paid, line by line. A pure function of the schedule, the product's terms and
// the payments, so a reversal, a late posting or a changed schedule is handled the same way: replay.
//
// Rules, in the order they apply:
// - Payments are taken by paid_on, then in posting order (the order given; Array.sort is stable).
// - Instalment by instalment, oldest due date first: a payment finishes one instalment's components in
//   waterfall order before it touches the next. An instalment not yet due is paid ahead the same way, so
//   paying early never leaves the next instalment open.
// - The late fee of an instalment on the payment date is lateFeeFor(...) minus what was already paid; it is
//   paid in the 'fee' position, before the scheduled fee. Because late fees accrue only while scheduled
//   amounts are unpaid, a waterfall that puts 'fee' last can settle an instalment with part of its late fee
//   unpaid, and that part is then no longer owed; the default fee-first order cannot.
// - Money beyond everything the loan owes is held as credit on the loan and reported per payment; it is not
//   carried into later instalments (there are none left to pay when credit arises).
import { lateFeeFor, type LateFeeRule } from '../../delinquency/core/late-fees.ts';
import { graceDaysFor, type WaterfallComponent } from './product.ts';

export interface ScheduledInstalment {
  seq: number;
  dueDate: string;
  principalMinor: number;
  interestMinor: number;
  feeMinor: number;
}

export interface PaymentToReplay {
  paymentId: number;
  paidOn: string;
  amountMinor: number;
  /** Reversed payments take part in nothing; they come back with no lines and no credit. */
  status: 'posted' | 'reversed';
}

export interface AllocationTerms {
  graceDays: number;
  repeatGraceDays: number;
  lateFee: LateFeeRule;
  waterfall: readonly WaterfallComponent[];
}

export type AllocationComponent = 'late_fee' | WaterfallComponent;

export interface AllocationLine {
  seq: number;
  component: AllocationComponent;
  amountMinor: number;
}

export interface InstalmentPosition {
  seq: number;
  paidPrincipalMinor: number;
  paidInterestMinor: number;
  paidFeeMinor: number;
  paidLateFeeMinor: number;
  /** paid_on of the payment that brought the scheduled principal + interest + fee unpaid to 0. */
  settledOn: string | null;
}

export interface PaymentAllocation {
  paymentId: number;
  lines: AllocationLine[];
  creditMinor: number;
}

export interface AllocationResult {
  /** In the order of the schedule given. */
  instalments: InstalmentPosition[];
  /** In the order of the payments given. */
  payments: PaymentAllocation[];
  /** Credit held on the loan: the sum of the payments' credit. */
  creditMinor: number;
}

export interface AllocationInput {
  terms: AllocationTerms;
  instalments: readonly ScheduledInstalment[];
  /** Every payment of the loan in posting order. */
  payments: readonly PaymentToReplay[];
  /** The borrower is a repeat delinquent: late fees start after the product's shorter repeat grace. */
  isRepeat?: boolean;
}

const PAID_FIELD = { principal: 'paidPrincipalMinor', interest: 'paidInterestMinor', fee: 'paidFeeMinor' } as const;
const SCHEDULED_FIELD = { principal: 'principalMinor', interest: 'interestMinor', fee: 'feeMinor' } as const;

function unpaidScheduled(instalment: ScheduledInstalment, position: InstalmentPosition): number {
  return instalment.principalMinor - position.paidPrincipalMinor + instalment.interestMinor - position.paidInterestMinor + instalment.feeMinor - position.paidFeeMinor;
}

export function replayAllocation(input: AllocationInput): AllocationResult {
  const { terms } = input;
  const graceDays = graceDaysFor(terms, input.isRepeat ?? false);
  const positions = input.instalments.map((i): InstalmentPosition => ({
    seq: i.seq, paidPrincipalMinor: 0, paidInterestMinor: 0, paidFeeMinor: 0, paidLateFeeMinor: 0, settledOn: null,
  }));
  const oldestFirst = input.instalments
    .map((instalment, index) => ({ instalment, position: positions[index] }))
    .sort((a, b) => (a.instalment.dueDate < b.instalment.dueDate ? -1 : a.instalment.dueDate > b.instalment.dueDate ? 1 : a.instalment.seq - b.instalment.seq));
  const allocations = new Map<PaymentToReplay, PaymentAllocation>();
  const byPaidOn = input.payments.filter((p) => p.status === 'posted').sort((a, b) => (a.paidOn < b.paidOn ? -1 : a.paidOn > b.paidOn ? 1 : 0));

  for (const payment of byPaidOn) {
    let remaining = payment.amountMinor;
    const lines: AllocationLine[] = [];
    const take = (seq: number, component: AllocationComponent, owed: number): number => {
      const amountMinor = Math.min(remaining, Math.max(0, owed));
      if (amountMinor > 0) {
        remaining -= amountMinor;
        lines.push({ seq, component, amountMinor });
      }
      return amountMinor;
    };
    for (const { instalment, position } of oldestFirst) {
      if (remaining === 0) break;
      if (position.settledOn !== null) continue;
      for (const component of terms.waterfall) {
        if (component === 'fee') {
          const accrued = lateFeeFor({
            dueDate: instalment.dueDate,
            asOf: payment.paidOn,
            graceDays,
            unpaidScheduledMinor: unpaidScheduled(instalment, position),
            unpaidPrincipalMinor: instalment.principalMinor - position.paidPrincipalMinor,
            rule: terms.lateFee,
          });
          position.paidLateFeeMinor += take(instalment.seq, 'late_fee', accrued - position.paidLateFeeMinor);
        }
        position[PAID_FIELD[component]] += take(instalment.seq, component, instalment[SCHEDULED_FIELD[component]] - position[PAID_FIELD[component]]);
      }
      if (unpaidScheduled(instalment, position) === 0) position.settledOn = payment.paidOn;
    }
    allocations.set(payment, { paymentId: payment.paymentId, lines, creditMinor: remaining });
  }

  const payments = input.payments.map((p) => allocations.get(p) ?? { paymentId: p.paymentId, lines: [], creditMinor: 0 });
  return { instalments: positions, payments, creditMinor: payments.reduce((sum, p) => sum + p.creditMinor, 0) };
}
