// `when` conditions compiled once into checks: each has a label ("attitude=poor"), a test over one
// account and the account's actual value for the trace ("condition attitude=poor not met (neutral)").
// Derived values (attitude, days to the due date) are computed at most once per account.
import { daysBetween } from '../../platform/core/calendar.ts';
import { CHANNELS, type AccountFacts, type Channel } from './facts.ts';
import { deriveAttitude, describeAttitude, isLost } from './attitude.ts';
import { currencyExponent, decimalToMinor, formatMinor } from './money.ts';
import type { Conditions } from './schema.ts';
import type { Attitude } from './types.ts';

/** One account as the conditions and steps see it: the facts plus lazily derived values. */
export class AccountView {
  readonly facts: AccountFacts;
  /**
   * Set on a view of the account on a later day, time alone moving its facts (core/rest.ts): its bucket
   * and outstanding amount are then not known (late fees accrue by product terms), and checks reading
   * them settle as possibly met.
   */
  readonly ahead: boolean;
  #attitude: Attitude | undefined;
  #lost: boolean | undefined;
  #exponent: number | undefined;
  constructor(facts: AccountFacts, ahead = false) {
    this.facts = facts;
    this.ahead = ahead;
  }
  get attitude(): Attitude {
    return (this.#attitude ??= deriveAttitude(this.facts));
  }
  get lost(): boolean {
    return (this.#lost ??= isLost(this.facts));
  }
  get exponent(): number {
    return (this.#exponent ??= currencyExponent(this.facts.currency));
  }
  /** Days from asOf to the next due date; null when nothing is due ahead. */
  get daysUntilDue(): number | null {
    return this.facts.nextDueDate === null ? null : daysBetween(this.facts.asOf, this.facts.nextDueDate);
  }
  get daysSinceLastContact(): number | null {
    return this.facts.lastContactOn === null ? null : daysBetween(this.facts.lastContactOn, this.facts.asOf);
  }
  get promiseInForce(): boolean {
    const open = this.facts.promises.open;
    return open !== null && open.dueOn >= this.facts.asOf;
  }
  get hasUsableEmergencyContact(): boolean {
    return this.facts.emergencyContacts.some((c) => c.usable);
  }
  money(minor: number): string {
    return formatMinor(minor, this.exponent);
  }
}

export interface Check {
  label: string;
  test(view: AccountView): boolean;
  actual(view: AccountView): string;
  /**
   * What the test reads: the account alone (its state, loan, borrower, product, step history and
   * events, promises), or also its contact facts (channels, contacts, arrangement, responses). The
   * cycle loads contact facts only for accounts where a step may still act (see core/screen.ts).
   */
  reads: 'account' | 'contact';
  /** Set when the test reads what time moves apart from the DPD and the dates: the bucket, the outstanding amount (with its late fees). */
  movesWithTime?: true;
  /** Set when the test reads the emergency contacts (which the cycle loads only where they can matter: StrategyScope). */
  readsEmergencyContacts?: true;
  /** anyOf: its alternatives, each a list of checks that must all hold. */
  alternatives?: Check[][];
}

/**
 * A check's result from the account facts alone: true or false when it reads nothing else (for anyOf,
 * when one alternative surely holds or none can), undefined when it depends on the contact facts.
 */
function settle(check: Check, view: AccountView): boolean | undefined {
  if (check.alternatives) {
    let open = false;
    for (const alternative of check.alternatives) {
      const holds = settleAll(alternative, view);
      if (holds === true) return true;
      if (holds === undefined) open = true;
    }
    return open ? undefined : false;
  }
  if (check.movesWithTime && view.ahead) return undefined;
  return check.reads === 'account' ? check.test(view) : undefined;
}

/** All of the checks from the account facts alone: false as soon as one surely fails, true when all surely hold. */
export function settleAll(checks: readonly Check[], view: AccountView): boolean | undefined {
  let open = false;
  for (const check of checks) {
    const holds = settle(check, view);
    if (holds === false) return false;
    if (holds === undefined) open = true;
  }
  return open ? undefined : true;
}

/** Whether one of the checks reads the emergency contacts. */
export function readEmergencyContacts(checks: readonly Check[]): boolean {
  return checks.some((c) => c.readsEmergencyContacts === true);
}

/** "condition dpd 1–30 not met (45)". */
export function unmet(check: Check, view: AccountView): string {
  return `condition ${check.label} not met (${check.actual(view)})`;
}

export function firstUnmet(checks: readonly Check[], view: AccountView): Check | undefined {
  for (const check of checks) if (!check.test(view)) return check;
  return undefined;
}

export function rangeText(min: number | string | undefined, max: number | string | undefined): string {
  if (min !== undefined && max !== undefined) return min === max ? `= ${min}` : `${min}–${max}`;
  return min !== undefined ? `≥ ${min}` : `≤ ${max}`;
}

function listCheck(name: string, allowed: readonly string[], value: (v: AccountView) => string | null, reads: Check['reads'] = 'account'): Check {
  return {
    reads,
    label: `${name}=${allowed.join('|')}`,
    test: (v) => {
      const x = value(v);
      return x !== null && allowed.includes(x);
    },
    actual: (v) => value(v) ?? 'none',
  };
}

function rangeCheck(name: string, range: { min?: number; max?: number }, value: (v: AccountView) => number | null, reads: Check['reads'], missing = 'none'): Check {
  const min = range.min ?? -Infinity;
  const max = range.max ?? Infinity;
  return {
    reads,
    label: `${name} ${rangeText(range.min, range.max)}`,
    // An unknown value ("never contacted") counts as beyond every bound: it meets a minimum only.
    test: (v) => {
      const x = value(v);
      return x === null ? range.max === undefined : x >= min && x <= max;
    },
    actual: (v) => {
      const x = value(v);
      return x === null ? missing : String(x);
    },
  };
}

function amountCheck(name: string, range: { min?: string; max?: string }, value: (f: AccountFacts) => number): Check {
  // Thresholds in minor units per currency exponent, converted once per exponent seen.
  const bounds = new Map<number, [number, number]>();
  const boundsFor = (exponent: number): [number, number] => {
    let b = bounds.get(exponent);
    if (!b) {
      b = [range.min === undefined ? -Infinity : decimalToMinor(range.min, exponent, 'up'), range.max === undefined ? Infinity : decimalToMinor(range.max, exponent, 'down')];
      bounds.set(exponent, b);
    }
    return b;
  };
  return {
    reads: 'account',
    label: `${name} ${rangeText(range.min, range.max)}`,
    test: (v) => {
      const [min, max] = boundsFor(v.exponent);
      const x = value(v.facts);
      return x >= min && x <= max;
    },
    actual: (v) => `${v.money(value(v.facts))} ${v.facts.currency}`,
  };
}

function booleanCheck(name: string, expected: boolean, reads: Check['reads'], value: (v: AccountView) => boolean, detail?: (v: AccountView) => string): Check {
  return {
    reads,
    label: `${name}=${expected}`,
    test: (v) => value(v) === expected,
    actual: (v) => detail?.(v) ?? String(value(v)),
  };
}

const reachableChannels = (v: AccountView): string => CHANNELS.filter((c) => v.facts.channels[c].reachable).join(', ') || 'none reachable';

function channelsCheck(name: 'reachable' | 'unreachable', channels: readonly Channel[]): Check {
  const wanted = name === 'reachable';
  return {
    reads: 'contact',
    label: `${name} ${channels.join('+')}`,
    test: (v) => channels.every((c) => v.facts.channels[c].reachable === wanted),
    actual: (v) => `reachable: ${reachableChannels(v)}`,
  };
}

/** Compiles a `when` block into checks, in the order the file lists them. */
export function compileConditions(when: Conditions | undefined): Check[] {
  if (!when) return [];
  const checks: Check[] = [];
  for (const key of Object.keys(when) as Array<keyof Conditions>) if (when[key] !== undefined) checks.push(compileCondition(key, when));
  return checks;
}

function compileCondition(key: keyof Conditions, when: Conditions): Check {
  switch (key) {
    case 'product':
      return listCheck('product', when.product!, (v) => v.facts.productId);
    case 'jurisdiction':
      return listCheck('jurisdiction', when.jurisdiction!, (v) => v.facts.jurisdiction);
    case 'bucket':
      return { ...listCheck('bucket', when.bucket!, (v) => v.facts.bucket), movesWithTime: true };
    case 'riskBand':
      return listCheck('riskBand', when.riskBand!, (v) => v.facts.riskBand);
    case 'attitude':
      return { ...listCheck('attitude', when.attitude!, (v) => v.attitude, 'contact'), actual: (v) => describeAttitude(v.facts) };
    case 'dpd':
      return rangeCheck('dpd', when.dpd!, (v) => v.facts.dpd, 'account');
    case 'preDueDays':
      return rangeCheck('preDueDays', when.preDueDays!, (v) => v.daysUntilDue, 'account', 'nothing due ahead');
    case 'daysSinceLastContact':
      return rangeCheck('daysSinceLastContact', when.daysSinceLastContact!, (v) => v.daysSinceLastContact, 'account', 'never contacted');
    case 'brokenPromises':
      return rangeCheck('brokenPromises', when.brokenPromises!, (v) => v.facts.promises.broken, 'account');
    case 'keptPromises':
      return rangeCheck('keptPromises', when.keptPromises!, (v) => v.facts.promises.kept, 'account');
    case 'refusals':
      return rangeCheck('refusals', when.refusals!, (v) => v.facts.refusals, 'contact');
    case 'failedAttempts': {
      const { channel, ...range } = when.failedAttempts!;
      return rangeCheck(`failedAttempts on ${channel}`, range, (v) => v.facts.channels[channel].failedAttemptsInRow, 'contact');
    }
    case 'overdueAmount':
      return amountCheck('overdueAmount', when.overdueAmount!, (f) => f.overdueMinor);
    case 'outstandingAmount':
      return { ...amountCheck('outstandingAmount', when.outstandingAmount!, (f) => f.outstandingMinor), movesWithTime: true };
    case 'repeat':
      return booleanCheck('repeat', when.repeat!, 'account', (v) => v.facts.isRepeat);
    case 'lost':
      return booleanCheck('lost', when.lost!, 'contact', (v) => v.lost, (v) => {
        const failed = CHANNELS.filter((c) => v.facts.channels[c].failedAttemptsInRow > 0).map((c) => `${c} failed ${v.facts.channels[c].failedAttemptsInRow}×`);
        return `${v.lost ? 'lost' : 'not lost'}; reachable: ${reachableChannels(v)}${failed.length ? `; ${failed.join(', ')}` : ''}`;
      });
    case 'hasArrangement':
      return booleanCheck('hasArrangement', when.hasArrangement!, 'contact', (v) => v.facts.arrangement.status === 'active', (v) => `arrangement ${v.facts.arrangement.status ?? 'none'}`);
    case 'promiseInForce':
      return booleanCheck('promiseInForce', when.promiseInForce!, 'account', (v) => v.promiseInForce, (v) => (v.facts.promises.open ? `open promise due ${v.facts.promises.open.dueOn}` : 'no open promise'));
    case 'hasUsableEmergencyContact':
      return {
        ...booleanCheck('hasUsableEmergencyContact', when.hasUsableEmergencyContact!, 'contact', (v) => v.hasUsableEmergencyContact,
          (v) => `${v.facts.emergencyContacts.filter((c) => c.usable).length} usable of ${v.facts.emergencyContacts.length}`),
        readsEmergencyContacts: true,
      };
    case 'reachable':
    case 'unreachable':
      return channelsCheck(key, when[key]!);
    case 'flags': {
      const { any, none } = when.flags!;
      const label = [any && `any ${any.join('|')}`, none && `none ${none.join('|')}`].filter(Boolean).join(', ');
      return {
        reads: 'account',
        label: `flags ${label}`,
        test: (v) => (!any || any.some((f) => v.facts.flags.includes(f))) && (!none || !none.some((f) => v.facts.flags.includes(f))),
        actual: (v) => v.facts.flags.join(', ') || 'no flags',
      };
    }
    case 'anyOf': {
      const alternatives = when.anyOf!.map(compileConditions);
      return {
        reads: alternatives.every((a) => a.every((c) => c.reads === 'account')) ? 'account' : 'contact',
        ...(alternatives.some((a) => readEmergencyContacts(a)) ? { readsEmergencyContacts: true as const } : {}),
        ...(alternatives.some((a) => a.some((c) => c.movesWithTime)) ? { movesWithTime: true as const } : {}),
        alternatives,
        label: `any of (${alternatives.map((a) => a.map((c) => c.label).join(' and ')).join(' | ')})`,
        test: (v) => alternatives.some((a) => firstUnmet(a, v) === undefined),
        actual: (v) => alternatives.map((a) => {
          const miss = firstUnmet(a, v);
          return miss ? `${miss.label}: ${miss.actual(v)}` : `${a.map((c) => c.label).join(' and ')}: met`;
        }).join('; '),
      };
    }
    default: {
      const unknown: never = key;
      throw new Error(`no check for condition ${String(unknown)}`);
    }
  }
}
