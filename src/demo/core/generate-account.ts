// One demo account (a borrower with one loan) from its own random stream: product and terms, the
// instalment schedule, the payments its behaviour profile made up to asOf, posted to the ledger, and
// the collection history that delinquency left. Pure: same stream and arguments, same account.
import type { Product } from '../../ledger/core/product.ts';
import { isCalendarDate } from '../../platform/core/calendar.ts';
import { generateBorrower } from './borrower.ts';
import { generateCollectionHistory } from './collection-history.ts';
import { chooseLoanTiming, dueDates, planPayments, PROFILE_WEIGHTS } from './payment-behaviour.ts';
import { postPayments } from './post-payments.ts';
import { BUILT_IN_PRODUCTS, DEMO_PRODUCT_IDS, DEMO_PRODUCT_TERMS } from './products.ts';
import { accountRandom, type Random } from './random.ts';
import type { DemoAccount, DemoInstalment, DemoLoan } from './types.ts';

/** External ids carry nine digits. */
export const MAX_ACCOUNTS = 999_999_999;
const MAX_INSTALMENTS = 60;

/** Principal bands in yuan: most consumer instalment loans are small. */
const PRINCIPAL_BANDS: ReadonlyArray<readonly [readonly [number, number], number]> = [
  [[500, 2_000], 35], [[2_000, 5_000], 30], [[5_000, 10_000], 18], [[10_000, 20_000], 10], [[20_000, 50_000], 7],
];

export interface GenerateOptions {
  asOf: string;
  /** Products with their fee rules; defaults to the built-in ones. Only ids with demo terms are sold. */
  products?: readonly Product[];
  /** Instalments per loan drawn evenly from this range instead of the products' usual terms (benchmarks). */
  instalments?: { min: number; max: number };
}

/** What is wrong with an instalment range, or null when it is usable. */
export function instalmentRangeProblem(range: { min: number; max: number }): string | null {
  const { min, max } = range;
  return Number.isInteger(min) && Number.isInteger(max) && min >= 1 && min <= max && max <= MAX_INSTALMENTS ? null : `expected whole numbers 1 <= min <= max <= ${MAX_INSTALMENTS}, got ${JSON.stringify(range)}`;
}

function schedule(loan: DemoLoan, count: number, monthlyInterestPpm: number, feeMinor: number): DemoInstalment[] {
  const principal = loan.principal_minor;
  const base = Math.floor(principal / count);
  const interest = Math.floor((principal * monthlyInterestPpm) / 1_000_000);
  return dueDates(loan.opened_on, count).map((due_date, i) => ({
    borrower_id: loan.borrower_id,
    loan_id: loan.loan_id,
    seq: i + 1,
    due_date,
    principal_minor: i === count - 1 ? principal - base * (count - 1) : base,
    interest_minor: interest,
    fee_minor: feeMinor,
    paid_principal_minor: 0,
    paid_interest_minor: 0,
    paid_fee_minor: 0,
    paid_late_fee_minor: 0,
    settled_on: null,
  }));
}

export function generateAccount(rng: Random, index: number, options: GenerateOptions): DemoAccount {
  const { asOf } = options;
  if (!isCalendarDate(asOf)) throw new RangeError(`generateAccount: asOf must be a calendar date YYYY-MM-DD, got '${asOf}'`);
  if (!Number.isSafeInteger(index) || index < 0 || index >= MAX_ACCOUNTS) throw new RangeError(`generateAccount: index must be an integer in [0, ${MAX_ACCOUNTS}), got ${index}`);
  const rangeProblem = options.instalments && instalmentRangeProblem(options.instalments);
  if (rangeProblem) throw new RangeError(`generateAccount: instalments: ${rangeProblem}`);
  const given = options.products ?? BUILT_IN_PRODUCTS;
  // In the demo's own order, so the same products give the same portfolio whatever order they come in.
  const sold = DEMO_PRODUCT_IDS.flatMap((productId) => given.filter((p) => p.id === productId));
  if (sold.length === 0) throw new Error(`generateAccount: none of the products has demo terms (known: ${Object.keys(DEMO_PRODUCT_TERMS).join(', ')})`);
  const id = index + 1;
  const profile = rng.weighted(PROFILE_WEIGHTS);
  const product = rng.weighted(sold.map((p) => [p, DEMO_PRODUCT_TERMS[p.id].weight] as const));
  const terms = DEMO_PRODUCT_TERMS[product.id];
  const count = options.instalments ? rng.int(options.instalments.min, options.instalments.max) : rng.weighted(terms.instalmentCounts);
  const [low, high] = rng.weighted(PRINCIPAL_BANDS);
  const timing = chooseLoanTiming(rng, profile, count, asOf);
  const loan: DemoLoan = {
    borrower_id: id,
    loan_id: id,
    external_id: `L${String(id).padStart(9, '0')}`,
    product_id: product.id,
    currency: product.currency,
    principal_minor: rng.int(low / 100, high / 100) * 100 * 100,
    opened_on: timing.openedOn,
    status: 'active',
    created_at: `${timing.openedOn}T10:00:00+08:00`,
  };
  const feeMinor = rng.chance(terms.serviceFee.share) ? terms.serviceFee.minor : 0;
  const unpaid = schedule(loan, count, terms.monthlyInterestPpm, feeMinor);
  const intents = planPayments(rng, { profile, dues: unpaid.map((i) => i.due_date), turningSeq: timing.turningSeq, asOf, walletLinked: terms.walletLinked });
  const { instalments, payments } = postPayments({ loan, schedule: unpaid, intents, product, asOf });
  if (instalments.every((i) => i.settled_on !== null)) loan.status = 'closed';

  const { borrower, contactPoints, emergencyContacts } = generateBorrower(rng, { borrowerId: id, profile, openedOn: loan.opened_on, asOf });
  const history = generateCollectionHistory(rng, { loan, instalments, payments, phone: contactPoints[0], emergencyContacts, graceDays: product.graceDays, asOf });
  return { index, profile, borrower, contactPoints, emergencyContacts, loan, instalments, payments, ...history };
}

/** Accounts [from, from + count) of a portfolio; each from its own stream, so slices compose. */
export function generateAccounts(seed: string, from: number, count: number, options: GenerateOptions): DemoAccount[] {
  return Array.from({ length: count }, (_, i) => generateAccount(accountRandom(seed, from + i), from + i, options));
}
