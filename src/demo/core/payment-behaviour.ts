// How demo borrowers repay: five behaviour profiles, when their loan was opened relative to asOf,
// and the payments each makes (as intents for postPayments). The mix is tuned so that on asOf about
// 15% of accounts are delinquent, most of them in M1: defaulters are placed by a target DPD,
// chronic late payers are caught between a due date and their late payment, and some cures or
// partial payers have not caught up yet.
import { addDays, addMonths, maxDate } from '../../platform/core/calendar.ts';
import type { PaymentIntent } from './post-payments.ts';
import type { Random } from './random.ts';
import type { BehaviourProfile, PaymentChannel } from './types.ts';

export const PROFILE_WEIGHTS: ReadonlyArray<readonly [BehaviourProfile, number]> = [
  ['on_time', 67], ['late_then_cure', 10], ['chronic_late', 5], ['defaulter', 15], ['partial', 3],
];

/** Target DPD on asOf of defaulters who have already stopped paying, by bucket (M1 … M7+). */
const DEFAULT_DPD_RANGES: ReadonlyArray<readonly [readonly [number, number], number]> = [
  [[1, 30], 40], [[31, 60], 18], [[61, 90], 12], [[91, 120], 9], [[121, 150], 7], [[151, 180], 5], [[181, 400], 9],
];

const SHARE_OF_DEFAULTERS_ALREADY_STOPPED = 0.72;

export interface LoanTiming {
  openedOn: string;
  /** Defaulter: first instalment never paid. Partial payer: the instalment paid in part. */
  turningSeq: number | null;
}

/** Monthly due dates on the opening day of month, clamped at month ends. */
export function dueDates(openedOn: string, count: number): string[] {
  const anchor = Number(openedOn.slice(8, 10));
  return Array.from({ length: count }, (_, i) => addMonths(openedOn, i + 1, anchor));
}

export function chooseLoanTiming(rng: Random, profile: BehaviourProfile, count: number, asOf: string): LoanTiming {
  const anyTime = () => addDays(asOf, -rng.int(1, (count + 4) * 30));
  if (profile === 'defaulter') {
    if (!rng.chance(SHARE_OF_DEFAULTERS_ALREADY_STOPPED)) {
      // Still paying on asOf: stops at an instalment due after asOf (or never, if none is left).
      const openedOn = anyTime();
      const dueSoFar = dueDates(openedOn, count).filter((d) => d < asOf).length;
      return { openedOn, turningSeq: dueSoFar + rng.int(1, 3) };
    }
    const [low, high] = rng.weighted(DEFAULT_DPD_RANGES);
    // First-payment default (首逾) is common enough to deserve its own share.
    const turningSeq = rng.chance(0.25) ? 1 : rng.int(1, count);
    return { openedOn: addMonths(addDays(asOf, -rng.int(low, high)), -turningSeq), turningSeq };
  }
  if (profile === 'partial') {
    const turningSeq = rng.chance(0.3) ? 1 : rng.int(1, count);
    return { openedOn: addMonths(addDays(asOf, -rng.int(0, 90)), -turningSeq), turningSeq };
  }
  return { openedOn: anyTime(), turningSeq: null };
}

const time = (rng: Random, fromHour: number, toHour: number) =>
  `${String(rng.int(fromHour, toHour - 1)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}:00`;

function onTime(rng: Random, seq: number, due: string, walletLinked: boolean): PaymentIntent[] {
  const channel = rng.weighted<PaymentChannel>([['auto_debit', 55], ['wallet', walletLinked ? 50 : 10], ['transfer', 25]]);
  if (channel === 'auto_debit') {
    const debit: PaymentIntent = { kind: 'settle', on: due, time: time(rng, 6, 7), channel, throughSeq: seq };
    if (!rng.chance(0.03)) return [debit];
    return [{ ...debit, kind: 'reversed', channel }, { kind: 'settle', on: addDays(due, rng.int(1, 3)), time: time(rng, 9, 22), channel: 'transfer', throughSeq: seq }];
  }
  const early = rng.weighted([[0, 60], [1, 15], [2, 10], [rng.int(3, 5), 15]] as const);
  return [{ kind: 'settle', on: addDays(due, -early), time: time(rng, 8, 23), channel, throughSeq: seq }];
}

function late(rng: Random, on: string, throughSeq: number): PaymentIntent {
  return { kind: 'settle', on, time: time(rng, 9, 23), channel: rng.weighted<PaymentChannel>([['transfer', 45], ['wallet', 25], ['agent', 30]]), throughSeq };
}

/** Last instalment due on or before a day (0 when none). */
const lastDueBy = (dues: readonly string[], day: string) => dues.filter((d) => d <= day).length;

export function planPayments(rng: Random, input: { profile: BehaviourProfile; dues: readonly string[]; turningSeq: number | null; asOf: string; walletLinked: boolean }): PaymentIntent[] {
  const { profile, dues, asOf, walletLinked } = input;
  const intents: PaymentIntent[] = [];
  const payOnTime = (fromSeq: number, toSeq: number) => {
    for (let seq = fromSeq; seq <= toSeq; seq++) intents.push(...onTime(rng, seq, dues[seq - 1], walletLinked));
  };

  if (profile === 'on_time') payOnTime(1, dues.length);
  else if (profile === 'chronic_late') {
    // Lateness stays under 28 days so each payment lands before the next one is due.
    dues.forEach((due, i) => intents.push(late(rng, addDays(due, rng.int(3, 25)), i + 1)));
  } else if (profile === 'late_then_cure') {
    const dueBefore = Math.max(1, lastDueBy(dues, addDays(asOf, -1)));
    const missed = rng.int(1, dueBefore);
    const cureOn = addDays(dues[missed - 1], rng.weighted([[rng.int(4, 15), 60], [rng.int(16, 30), 30], [rng.int(31, 45), 10]] as const));
    const caughtUpTo = lastDueBy(dues, cureOn);
    payOnTime(1, missed - 1);
    intents.push(late(rng, cureOn, caughtUpTo));
    payOnTime(caughtUpTo + 1, dues.length);
  } else {
    // Defaulters and partial payers pay on time until their turning instalment.
    const turning = Math.min(input.turningSeq ?? dues.length + 1, dues.length + 1);
    payOnTime(1, turning - 1);
    if (profile === 'partial' && turning <= dues.length) {
      const due = dues[turning - 1];
      intents.push({ kind: 'partial', on: due, time: time(rng, 9, 23), channel: rng.weighted<PaymentChannel>([['transfer', 60], ['wallet', 40]]), sharePercent: rng.int(30, 80) });
      if (rng.chance(0.5)) {
        const catchUpOn = addDays(due, rng.int(10, 40));
        const caughtUpTo = lastDueBy(dues, catchUpOn);
        intents.push(late(rng, catchUpOn, caughtUpTo));
        payOnTime(caughtUpTo + 1, dues.length);
      }
    }
  }
  // An early payment must not come before a late one it follows: a borrower who just caught up
  // pays the next instalment no earlier than that day.
  let previous = '';
  return intents.map((intent) => {
    const on = maxDate(intent.on, previous || intent.on);
    previous = on;
    return on === intent.on ? intent : { ...intent, on };
  });
}
