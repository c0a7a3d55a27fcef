// The collection history a delinquent account would have by asOf, so strategies see attitude and
// reachability: contact outcomes in its last two episodes, promises (kept by the payment that cured,
// broken, or still open), and the events of the last 30 days a strategy step may still react to.
import { episodesOf, lateSpanOf } from '../../delinquency/core/episodes.ts';
import { addDays, daysBetween } from '../../platform/core/calendar.ts';
import { instantDuring } from './local-time.ts';
import type { Random } from './random.ts';
import type { DemoAccountEvent, DemoContactOutcome, DemoContactPoint, DemoEmergencyContact, DemoInstalment, DemoLoan, DemoPayment, DemoPromise } from './types.ts';

/** Events older than this are taken as already seen by earlier collection cycles. */
const RECENT_EVENT_DAYS = 30;

interface ContactWindow {
  /** First day collection could contact the borrower (after grace). */
  start: string;
  /** Day before the account cured, or before asOf while the episode is still open. */
  end: string;
  open: boolean;
}

/** Delinquency's episodes, narrowed to the days on which collection contact was allowed. */
function contactWindowsOf(instalments: readonly DemoInstalment[], graceDays: number, asOf: string): ContactWindow[] {
  const spans = instalments.flatMap((i) => {
    const unpaidMinor = i.settled_on === null ? 1 : 0;
    return lateSpanOf({ dueDate: i.due_date, settledOn: i.settled_on, unpaidMinor }, asOf) ?? [];
  });
  return episodesOf(spans)
    .map((e) => ({ start: addDays(e.firstDay, graceDays), end: addDays(e.ongoing ? asOf : e.lastDay, -1), open: e.ongoing }))
    .filter((w) => w.start <= w.end);
}

const dayWithin = (rng: Random, from: string, to: string) => addDays(from, rng.int(0, Math.max(0, daysBetween(from, to))));

export interface CollectionHistory {
  promises: DemoPromise[];
  contactOutcomes: DemoContactOutcome[];
  events: DemoAccountEvent[];
}

export function generateCollectionHistory(
  rng: Random,
  input: {
    loan: DemoLoan;
    instalments: readonly DemoInstalment[];
    payments: readonly DemoPayment[];
    phone: DemoContactPoint;
    emergencyContacts: readonly DemoEmergencyContact[];
    graceDays: number;
    asOf: string;
  },
): CollectionHistory {
  const { loan, instalments, payments, phone, asOf } = input;
  const { borrower_id, loan_id } = loan;
  const promises: DemoPromise[] = [];
  const contactOutcomes: DemoContactOutcome[] = [];
  const events: DemoAccountEvent[] = [];
  const recent = (day: string) => day <= asOf && daysBetween(day, asOf) < RECENT_EVENT_DAYS;
  const phoneLostOn = phone.status === 'active' ? null : phone.status_changed_at!.slice(0, 10);
  const unpaidDueBy = (day: string) =>
    instalments.filter((i) => i.due_date <= day).reduce((sum, i) => sum + i.principal_minor + i.interest_minor + i.fee_minor - i.paid_principal_minor - i.paid_interest_minor - i.paid_fee_minor, 0);

  for (const period of contactWindowsOf(instalments, input.graceDays, asOf).slice(-2)) {
    const length = daysBetween(period.start, period.end) + 1;
    const attempts = period.open ? Math.min(6, 1 + Math.floor(length / 10)) : rng.int(1, 3);
    const days = Array.from({ length: attempts }, () => dayWithin(rng, period.start, period.end)).sort();
    for (const day of days) {
      const unreachable = phoneLostOn !== null && day >= phoneLostOn;
      const channel = rng.weighted([['sms', 40], ['call', 40], ['push', 20]] as const);
      const outcome: DemoContactOutcome['outcome'] =
        channel === 'push' ? 'delivered'
        : channel === 'sms' ? (unreachable ? 'bounced' : 'delivered')
        : unreachable ? 'no_answer'
        : rng.weighted([['answered', 30], ['no_answer', 40], ['refused', 10], ['right_party_contact', 20]] as const);
      contactOutcomes.push({ borrower_id, loan_id, channel, party: 'borrower', outcome, occurred_at: instantDuring(rng, day, 9, 21) });
      if (outcome === 'bounced' && recent(day)) events.push({ borrower_id, loan_id, kind: 'contact_bounced', occurred_on: day, detail: { channel } });
    }
    const contact = input.emergencyContacts.find((c) => c.consent_at !== null && c.status === 'active');
    if (period.open && contact && daysBetween(period.start, asOf) > 10 && rng.chance(0.3)) {
      const day = dayWithin(rng, addDays(period.start, 10), period.end);
      contactOutcomes.push({ borrower_id, loan_id, channel: 'call', party: 'emergency_contact', outcome: rng.chance(0.6) ? 'answered' : 'no_answer', occurred_at: instantDuring(rng, day, 9, 21) });
    }

    if (!period.open) {
      const cure = payments.find((p) => p.status === 'posted' && p.paid_on === addDays(period.end, 1));
      if (cure && rng.chance(0.4)) {
        const promisedOn = dayWithin(rng, period.start, period.end);
        promises.push({ borrower_id, loan_id, amount_minor: cure.amount_minor, promised_on: promisedOn, due_on: addDays(cure.paid_on, rng.int(0, 3)), status: 'kept', resolved_on: cure.paid_on, created_at: instantDuring(rng, promisedOn, 9, 21) });
      }
      continue;
    }
    // A broken promise needs its due day and the day after (when it is known broken) before asOf.
    const latestPromise = addDays(asOf, -3);
    if (period.start <= latestPromise && rng.chance(0.35)) {
      const promisedOn = dayWithin(rng, period.start, latestPromise);
      const dueOn = addDays(promisedOn, rng.int(1, Math.min(7, daysBetween(promisedOn, asOf) - 1)));
      const resolvedOn = addDays(dueOn, 1);
      const amount = unpaidDueBy(promisedOn);
      if (amount > 0) {
        promises.push({ borrower_id, loan_id, amount_minor: amount, promised_on: promisedOn, due_on: dueOn, status: 'broken', resolved_on: resolvedOn, created_at: instantDuring(rng, promisedOn, 9, 21) });
        if (recent(resolvedOn)) events.push({ borrower_id, loan_id, kind: 'promise_broken', occurred_on: resolvedOn, detail: { dueOn, amountMinor: amount } });
      }
    }
    if (rng.chance(0.2)) {
      const promisedOn = dayWithin(rng, addDays(asOf, -5) > period.start ? addDays(asOf, -5) : period.start, addDays(asOf, -1));
      promises.push({ borrower_id, loan_id, amount_minor: unpaidDueBy(addDays(asOf, -1)), promised_on: promisedOn, due_on: addDays(asOf, rng.int(1, 7)), status: 'open', resolved_on: null, created_at: instantDuring(rng, promisedOn, 9, 21) });
    }
  }

  for (const payment of payments) {
    if (payment.reversed_on && recent(payment.reversed_on)) {
      events.push({ borrower_id, loan_id, kind: 'payment_reversed', occurred_on: payment.reversed_on, detail: { externalId: payment.external_id, amountMinor: payment.amount_minor, paidOn: payment.paid_on, reason: payment.reversal_reason! } });
    }
  }
  if (phoneLostOn !== null && recent(phoneLostOn)) {
    // As the ledger records it, less the contact point id that only the database assigns.
    events.push({ borrower_id, loan_id, kind: 'contact_changed', occurred_on: phoneLostOn, detail: { changes: [{ kind: 'phone', status: phone.status }] } });
  }
  events.sort((a, b) => (a.occurred_on < b.occurred_on ? -1 : a.occurred_on > b.occurred_on ? 1 : 0));
  return { promises, contactOutcomes, events };
}
