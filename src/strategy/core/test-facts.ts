// Test helpers. makeFacts(overrides): a complete, plausible AccountFacts (an account 5 days past due,
// every electronic channel reachable, one usable emergency contact) with only what a test cares
// about overridden; channels merge per channel, so `{ channels: { sms: { reachable: false } } }` works.
// makeStrategySet(strategies, routes?): strategy documents written inline, validated and compiled.
import { CHANNELS, type AccountFacts, type Channel, type ChannelFacts } from './facts.ts';
import { compileStrategySet, type ActiveStrategySet } from './compile.ts';
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
