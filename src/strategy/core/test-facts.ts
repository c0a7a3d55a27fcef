// Test helpers. makeFacts(overrides): a complete, plausible AccountFacts (an account 5 days past due,
// every electronic channel reachable, one usable emergency contact) with only what a test cares
// about overridden; channels merge per channel, so `{ channels: { sms: { reachable: false } } }` works.
// randomFacts(seed, stepKeys): a random, well-formed account for property tests.
// withContactFactsGuarded(facts): the account facts with every contact fact throwing when read (screen tests).
// makeStrategySet(strategies, routes?): strategy documents written inline, validated and compiled.
import { ACCOUNT_EVENT_KINDS, ACCOUNT_FLAGS, CHANNELS, channelsWithPointOf, type AccountFacts, type Channel, type ChannelFacts } from './facts.ts';
import { addDays } from '../../platform/core/calendar.ts';
import { compileStrategySet, type ActiveStrategySet } from './compile.ts';
import { CONTACT_FACTS, type AccountCoreFacts } from './screen.ts';
import { assembleBundle, validateDocument, type ValidatedDocument } from './validate.ts';

export type FactsOverrides = Partial<Omit<AccountFacts, 'channels'>> & { channels?: Partial<Record<Channel, Partial<ChannelFacts>>> };

const CONTACT_POINT: Record<Channel, number | null> = { sms: 11, call: 11, email: 12, push: 13, inapp: 13, letter: null };

export function makeFacts(overrides: FactsOverrides = {}): AccountFacts {
  const { channels: channelOverrides, ...rest } = overrides;
  const channels = {} as Record<Channel, ChannelFacts>;
  for (const c of CHANNELS) {
    channels[c] = {
      reachable: CONTACT_POINT[c] !== null,
      contactPointId: CONTACT_POINT[c],
      firstContactOn: null,
      lastContactOn: null,
      failedAttemptsInRow: 0,
      lastResponseOn: null,
      ...channelOverrides?.[c],
    };
  }
  return {
    borrowerId: 7,
    loanId: 70,
    accountKey: 'L-0000070',
    borrowerName: '张伟',
    locale: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    productId: 'wallet-credit-line',
    jurisdiction: 'CN',
    currency: 'CNY',
    asOf: '2024-03-10',
    dpd: 5,
    bucket: 'M1',
    overdueMinor: 123_450,
    outstandingMinor: 1_000_000,
    lateFeeMinor: 1_500,
    oldestUnpaidDue: '2024-03-05',
    nextDueDate: '2024-04-05',
    nextDueMinor: 100_000,
    isRepeat: false,
    graceDays: 0,
    delinquentSince: '2024-03-06',
    riskBand: 'medium',
    flags: [],
    preferredChannel: null,
    emergencyContacts: [{ contactId: 501, name: '李娜', relation: 'spouse', usable: true }],
    promises: { kept: 0, broken: 0, open: null },
    arrangement: { status: null, kind: null, missedPayments: 0 },
    refusals: 0,
    selfInitiatedContacts: 0,
    lastContactOn: null,
    lastResponseOn: null,
    unansweredContacts: 0,
    events: [],
    stepHistory: {},
    ...rest,
    channelsWithPoint: rest.channelsWithPoint ?? channelsWithPointOf(channels),
    channels,
  };
}

/**
 * Compiles inline strategy documents (plain objects as a YAML file would hold them) into a set. Without
 * routes, every account goes to the first strategy. Versions are 1; invalid input throws with every error.
 */
export function makeStrategySet(strategies: unknown[], routes?: unknown[]): ActiveStrategySet {
  const firstId = (strategies[0] as { id?: string } | undefined)?.id;
  const set = { kind: 'set', id: 'test-set', name: 'test set', routes: routes ?? [{ id: 'all', arms: [{ strategy: firstId, percent: 100 }] }] };
  const documents: ValidatedDocument[] = [];
  const problems: string[] = [];
  [set, ...strategies].forEach((raw, i) => {
    const validated = validateDocument(`document ${i}`, raw);
    if (validated.ok) documents.push({ file: `document ${i}`, document: validated.value });
    else problems.push(...validated.errors.map((e) => `${e.file} ${e.path}: ${e.message}`));
  });
  const bundle = problems.length === 0 ? assembleBundle(documents) : null;
  if (!bundle?.ok) throw new Error(`invalid test strategies: ${[...problems, ...(bundle && !bundle.ok ? bundle.errors.map((e) => `${e.file} ${e.path}: ${e.message}`) : [])].join('; ')}`);
  const ids = bundle.value.strategies.map((s) => s.document.id);
  return compileStrategySet(bundle.value, { setVersion: 1, strategyVersions: Object.fromEntries(ids.map((id) => [id, 1])) });
}

/** A small seeded generator (mulberry32), so a failure names a sample that can be replayed. */
function seeded(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  const chance = (p: number) => next() < p;
  return { int, pick, chance };
}

/**
 * A random but well-formed account on 2024-06-15 (seeded, so a failing seed replays): any product of
 * the shipped strategies, current or up to 130 days past due, with random contact facts and a random
 * history for some of the given steps (`strategyId/stepId`).
 */
export function randomFacts(seed: number, stepKeys: readonly string[]): AccountFacts {
  const r = seeded(seed);
  const asOf = '2024-06-15';
  const ago = (max: number) => addDays(asOf, -r.int(0, max));
  const dpd = r.chance(0.25) ? 0 : r.int(1, 130);
  // A channel without a contact point is unreachable; one with a point may still be (failing).
  const channels = Object.fromEntries(CHANNELS.map((c) => {
    const point = r.chance(0.85);
    return [c, {
      reachable: point && r.chance(0.9), contactPointId: point ? 11 : null, firstContactOn: r.chance(0.5) ? ago(20) : null, lastContactOn: r.chance(0.5) ? ago(5) : null,
      failedAttemptsInRow: r.int(0, 4), lastResponseOn: r.chance(0.3) ? ago(10) : null,
    } satisfies ChannelFacts];
  })) as AccountFacts['channels'];
  return makeFacts({
    accountKey: `L-${seed}`, productId: r.pick(['wallet-credit-line', 'shop-instalment', 'mall-instalment', 'app-instalment']), asOf, dpd, bucket: r.pick(['M0', 'M1', 'M2', 'M3', 'M4+']),
    overdueMinor: r.int(0, 2_000_000), outstandingMinor: r.int(0, 5_000_000), isRepeat: r.chance(0.3), graceDays: r.int(0, 5),
    nextDueDate: r.chance(0.9) ? addDays(asOf, r.int(0, 12)) : null, riskBand: r.pick(['low', 'medium', 'high', null]),
    flags: r.chance(0.1) ? [r.pick(ACCOUNT_FLAGS)] : [], preferredChannel: r.chance(0.2) ? r.pick(CHANNELS) : null,
    emergencyContacts: r.chance(0.8) ? [{ contactId: 1, name: '李娜', relation: 'spouse', usable: r.chance(0.8) }] : [],
    promises: { kept: r.int(0, 2), broken: r.int(0, 3), open: r.chance(0.2) ? { dueOn: addDays(asOf, r.int(-3, 5)), amountMinor: 1000 } : null },
    arrangement: r.chance(0.1) ? { status: r.pick(['active', 'kept', 'broken'] as const), kind: 'reinstalment', missedPayments: r.int(0, 1) } : { status: null, kind: null, missedPayments: 0 },
    refusals: r.chance(0.15) ? 1 : 0, selfInitiatedContacts: r.int(0, 1), lastContactOn: r.chance(0.7) ? ago(10) : null,
    lastResponseOn: r.chance(0.3) ? ago(10) : null, unansweredContacts: r.int(0, 6),
    events: r.chance(0.1) ? [{ eventId: seed, kind: r.pick(ACCOUNT_EVENT_KINDS), occurredOn: ago(5) }] : [],
    stepHistory: Object.fromEntries(stepKeys.filter(() => r.chance(0.4)).map((key) => [key, { lastFiredOn: ago(14), timesInEpisode: r.int(1, 5) }])),
    channels,
  });
}

/**
 * The account facts with every contact fact standing in as a getter that throws: reading one is a
 * misfiled condition (a check marked as reading the account alone that reads more). Tests screen
 * through it, so such a check fails loudly there; the cycle screens the plain account facts.
 */
export function withContactFactsGuarded(core: AccountCoreFacts): AccountFacts {
  const guarded = { ...core } as AccountFacts;
  for (const name of CONTACT_FACTS) {
    Object.defineProperty(guarded, name, {
      get(): never {
        throw new Error(`screen: ${name} is a contact fact, not loaded when accounts are screened`);
      },
    });
  }
  return guarded;
}
