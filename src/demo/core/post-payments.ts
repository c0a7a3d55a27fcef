// Turns what a borrower did (payment intents) into ledger rows. The demo decides only how much each
// payment is; what it pays and when an instalment is settled come from the ledger's own
// replayAllocation, so seeded rows are exactly what posting those payments would have produced.
// A settling payment is exactly what the instalments owe that day (scheduled remainder plus late fee),
// a partial one a share of the oldest instalment's scheduled remainder.
import { episodesOf, historyOf, lateSpanOf } from '../../delinquency/core/episodes.ts';
import { lateFeeFor } from '../../delinquency/core/late-fees.ts';
import { replayAllocation, type AllocationTerms, type InstalmentPosition, type PaymentToReplay, type ScheduledInstalment } from '../../ledger/core/allocate-payments.ts';
import { graceDaysFor, type Product } from '../../ledger/core/product.ts';
import { addDays } from '../../platform/core/calendar.ts';
import type { DemoInstalment, DemoLoan, DemoPayment, PaymentChannel } from './types.ts';

export type PaymentIntent =
  /** Pays everything owed on instalments up to throughSeq. */
  | { kind: 'settle'; on: string; time: string; channel: PaymentChannel; throughSeq: number }
  /** Pays sharePercent of the oldest unpaid instalment's scheduled remainder. */
  | { kind: 'partial'; on: string; time: string; channel: PaymentChannel; sharePercent: number }
  /** An auto-debit that the bank returns the next day (insufficient funds): allocates nothing. */
  | { kind: 'reversed'; on: string; time: string; channel: 'auto_debit'; throughSeq: number };

/** A return the bank reports only after asOf is not known on asOf: the debit still stands then. */
const isReturned = (intent: PaymentIntent, asOf: string) => intent.kind === 'reversed' && addDays(intent.on, 1) <= asOf;

/**
 * The ledger replays a loan with one grace for all its payments: the repeat grace when delinquency
 * counts the borrower a repeat delinquent on asOf. Whether that is so depends only on the days
 * instalments were settled, which the intents fix before any amount is known.
 */
function isRepeatOn(intents: readonly PaymentIntent[], schedule: readonly ScheduledInstalment[], product: Product, asOf: string): boolean {
  const settledOn = new Map<number, string>();
  for (const intent of intents) {
    if (intent.kind === 'partial' || isReturned(intent, asOf)) continue;
    for (const { seq } of schedule) if (seq <= intent.throughSeq && !settledOn.has(seq)) settledOn.set(seq, intent.on);
  }
  const spans = schedule.flatMap((i) => lateSpanOf({ dueDate: i.dueDate, settledOn: settledOn.get(i.seq) ?? null, unpaidMinor: settledOn.has(i.seq) ? 0 : 1 }, asOf) ?? []);
  return historyOf(episodesOf(spans), asOf, { lookbackDays: product.repeatLookbackDays, minEpisodes: product.repeatMinEpisodes }).isRepeat;
}

export interface PostedLedger {
  instalments: DemoInstalment[];
  payments: DemoPayment[];
}

/** Intents must come in date order; those after asOf have not happened yet and are dropped. */
export function postPayments(input: { loan: DemoLoan; schedule: readonly DemoInstalment[]; intents: readonly PaymentIntent[]; product: Product; asOf: string }): PostedLedger {
  const { loan, product, asOf } = input;
  const intents = input.intents.filter((intent) => intent.on <= asOf);
  const schedule: ScheduledInstalment[] = input.schedule.map((i) => ({ seq: i.seq, dueDate: i.due_date, principalMinor: i.principal_minor, interestMinor: i.interest_minor, feeMinor: i.fee_minor }));
  const terms: AllocationTerms = product;
  const isRepeat = isRepeatOn(intents, schedule, product, asOf);
  const graceDays = graceDaysFor(product, isRepeat);
  const toReplay: PaymentToReplay[] = [];
  const replay = () => replayAllocation({ terms, instalments: schedule, payments: toReplay, isRepeat });
  let positions: InstalmentPosition[] = replay().instalments;
  const owedOn = (i: ScheduledInstalment, p: InstalmentPosition, on: string) => {
    const unpaidPrincipal = i.principalMinor - p.paidPrincipalMinor;
    const unpaidScheduled = unpaidPrincipal + i.interestMinor - p.paidInterestMinor + i.feeMinor - p.paidFeeMinor;
    const lateFee = lateFeeFor({ dueDate: i.dueDate, asOf: on, graceDays, unpaidScheduledMinor: unpaidScheduled, unpaidPrincipalMinor: unpaidPrincipal, rule: product.lateFee });
    return { unpaidScheduled, total: unpaidScheduled + Math.max(0, lateFee - p.paidLateFeeMinor) };
  };
  const posted: Array<{ intent: PaymentIntent; returned: boolean }> = [];
  for (const intent of intents) {
    const open = schedule.map((i, k) => ({ i, p: positions[k] })).filter(({ p }) => p.settledOn === null);
    let amount: number;
    if (intent.kind === 'partial') {
      if (open.length === 0) continue;
      const oldest = owedOn(open[0].i, open[0].p, intent.on);
      amount = Math.floor((oldest.unpaidScheduled * intent.sharePercent) / 100);
      if (amount >= oldest.total) continue;
    } else {
      amount = open.filter(({ i }) => i.seq <= intent.throughSeq).reduce((sum, { i, p }) => sum + owedOn(i, p, intent.on).total, 0);
    }
    if (amount <= 0) continue;
    const returned = isReturned(intent, asOf);
    toReplay.push({ paymentId: toReplay.length + 1, paidOn: intent.on, amountMinor: amount, status: returned ? 'reversed' : 'posted' });
    posted.push({ intent, returned });
    if (returned) continue;
    // After a settling payment only which instalments are settled matters for later amounts; a partial
    // one needs the ledger's split of it, so the ledger replays what was paid so far.
    const through = intent.kind === 'partial' ? 0 : intent.throughSeq;
    positions = intent.kind === 'partial' ? replay().instalments : positions.map((p) => (p.settledOn === null && p.seq <= through ? { ...p, settledOn: intent.on } : p));
  }

  const final = replay();
  const instalments = input.schedule.map((row, k) => {
    const p = final.instalments[k];
    return { ...row, paid_principal_minor: p.paidPrincipalMinor, paid_interest_minor: p.paidInterestMinor, paid_fee_minor: p.paidFeeMinor, paid_late_fee_minor: p.paidLateFeeMinor, settled_on: p.settledOn };
  });
  const payments = posted.map(({ intent, returned }, k): DemoPayment => ({
    borrower_id: loan.borrower_id,
    loan_id: loan.loan_id,
    external_id: `P${loan.external_id.slice(1)}-${String(k + 1).padStart(2, '0')}`,
    amount_minor: toReplay[k].amountMinor,
    currency: loan.currency,
    channel: intent.channel,
    paid_on: intent.on,
    status: returned ? 'reversed' : 'posted',
    reversed_on: returned ? addDays(intent.on, 1) : null,
    reversal_reason: returned ? 'insufficient_funds' : null,
    allocation: final.payments[k].lines,
    received_at: `${intent.on}T${intent.time}+08:00`,
  }));
  return { instalments, payments };
}
