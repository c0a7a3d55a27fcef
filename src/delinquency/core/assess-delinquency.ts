// Delinquency of one account on one day (as-of date A, in the account's time zone). The SQL refresh
// (src/delinquency/store.ts) computes the same for a whole portfolio; a test holds the two equal.
//
// Definitions:
// - unpaid (of an instalment) = principal + interest + fee − what was paid on them, never below 0
//   (an over-allocation does not offset another instalment). Late fees are tracked apart.
// - Instalments with due date < A are due (one due ON A is not yet overdue); overdue = Σ unpaid of
//   due instalments. The account is delinquent iff overdue > the product tolerance.
// - DPD = A − due date of the oldest due instalment with unpaid > 0 when delinquent, else 0; that
//   due date is oldestUnpaidDue (null when not delinquent). Bucket: see bucketOf.
// - Late days of an instalment: (due, settledOn] when settled late, (due, A] while unpaid, never
//   past A. Episodes are the maximal runs of consecutive late days (episodes.ts). An instalment under
//   the tolerance still counts as late here, so a current account can have an ongoing episode.
// - episodes = episodes that ended on or after A − repeat look-back days, plus the ongoing one;
//   isRepeat = ended episodes in that window ≥ the product's minimum; grace = repeat grace when
//   isRepeat, else the product grace.
// - delinquentSince = first day of the ongoing episode when delinquent, else null; curedOn = last
//   day (the settling day) of the most recent episode when the account is current and that episode
//   has ended, else null.
// - Late fee outstanding = Σ over instalments with unpaid > 0 of max(0, lateFeeFor(A, grace) − paid
//   late fee); outstanding = Σ unpaid of all instalments + late fee outstanding.
// - nextDueDate / nextDueMinor: the earliest instalment (by due date, then seq) due on or after A
//   with unpaid > 0, and its unpaid amount (pre-due reminders); null / 0 when there is none.
import { daysBetween } from '../../platform/core/calendar.ts';
import { bucketOf } from './buckets.ts';
import { episodesOf, historyOf, lateSpanOf } from './episodes.ts';
import { lateFeeFor } from './late-fees.ts';
import { checkAsOf, checkDelinquencyProduct, checkInstalments } from './schema.ts';
import type { DelinquencyAccount, DelinquencyProduct, DelinquencySnapshot, ScheduledInstalment } from './types.ts';

export function unpaidOf(instalment: ScheduledInstalment): number {
  const scheduled = instalment.principalMinor + instalment.interestMinor + instalment.feeMinor;
  const paid = instalment.paidPrincipalMinor + instalment.paidInterestMinor + instalment.paidFeeMinor;
  return Math.max(0, scheduled - paid);
}

export function assessDelinquency(account: DelinquencyAccount, product: DelinquencyProduct, asOf: string): DelinquencySnapshot {
  checkAsOf(asOf);
  checkDelinquencyProduct(product, `product of loan ${account.loanId}`);
  checkInstalments(account);
  const instalments = account.instalments.map((instalment) => ({ ...instalment, unpaidMinor: unpaidOf(instalment) }));
  const unpaidDue = instalments.filter((i) => i.dueDate < asOf && i.unpaidMinor > 0);
  const overdueMinor = sum(unpaidDue.map((i) => i.unpaidMinor));
  const delinquent = overdueMinor > product.toleranceMinor;
  const oldestUnpaidDue = delinquent ? unpaidDue.map((i) => i.dueDate).sort()[0] : null;
  const dpd = oldestUnpaidDue === null ? 0 : daysBetween(oldestUnpaidDue, asOf);

  const spans = instalments.flatMap((i) => lateSpanOf(i, asOf) ?? []);
  const history = historyOf(episodesOf(spans), asOf, { lookbackDays: product.repeatLookbackDays, minEpisodes: product.repeatMinEpisodes });
  const graceDays = history.isRepeat ? product.repeatGraceDays : product.graceDays;

  const lateFeeMinor = sum(
    instalments
      .filter((i) => i.unpaidMinor > 0)
      .map((i) => {
        const accrued = lateFeeFor({
          dueDate: i.dueDate,
          asOf,
          graceDays,
          unpaidScheduledMinor: i.unpaidMinor,
          unpaidPrincipalMinor: Math.max(0, i.principalMinor - i.paidPrincipalMinor),
          rule: product.lateFee,
        });
        return Math.max(0, accrued - i.paidLateFeeMinor);
      }),
  );
  const next = instalments
    .filter((i) => i.dueDate >= asOf && i.unpaidMinor > 0)
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.seq - b.seq)[0];

  return {
    borrowerId: account.borrowerId,
    loanId: account.loanId,
    asOf,
    dpd,
    bucket: bucketOf(dpd, product.bucketBounds),
    overdueMinor,
    outstandingMinor: sum(instalments.map((i) => i.unpaidMinor)) + lateFeeMinor,
    lateFeeMinor,
    oldestUnpaidDue,
    nextDueDate: next?.dueDate ?? null,
    nextDueMinor: next?.unpaidMinor ?? 0,
    episodes: history.episodes,
    isRepeat: history.isRepeat,
    graceDays,
    delinquentSince: delinquent ? history.ongoingSince : null,
    curedOn: history.curedOn,
  };
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
