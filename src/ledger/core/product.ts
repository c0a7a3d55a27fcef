// Products as configuration data: the per-product terms that the ledger (waterfall, late fees) and
// delinquency (grace, repeat delinquency, tolerance, buckets) read. One zod schema validates a products
// file; amounts are written in major units and become exact integer minor units here.
import { z } from 'zod';
import type { LateFeeRule } from '../../delinquency/core/late-fees.ts';
import { isSupportedCurrency, parseAmount } from '../../platform/core/money.ts';
import { problemsOf, type Problem } from './issues.ts';

export const WATERFALL_COMPONENTS = ['fee', 'interest', 'principal'] as const;
/** A scheduled component of an instalment; late fees are paid in the 'fee' position. */
export type WaterfallComponent = (typeof WATERFALL_COMPONENTS)[number];
export const DEFAULT_WATERFALL: readonly WaterfallComponent[] = ['fee', 'interest', 'principal'];

/** A major-unit amount as written in a file: a decimal string ("1.00") or a whole number. */
const AmountText = z.union([z.string(), z.number().int().nonnegative()], { error: 'expected a decimal amount like "1.00"' }).transform(String);

const dayCount = (max: number) => z.number().int().min(0).max(max);

export const ProductSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected lower-case letters, digits and dashes, like "shop-instalment"'),
    name: z.string().trim().min(1),
    currency: z.string().refine(isSupportedCurrency, 'expected a supported ISO 4217 currency code such as CNY, USD, JPY'),
    graceDays: dayCount(366),
    repeatGraceDays: dayCount(366),
    repeat: z
      .object({ lookbackDays: z.number().int().min(1).max(3660).default(365), minEpisodes: z.number().int().min(1).default(1) })
      .strict()
      .default({ lookbackDays: 365, minEpisodes: 1 }),
    tolerance: AmountText.default('0'),
    lateFee: z
      .object({ fixed: AmountText.default('0'), dailyRatePpm: z.number().int().min(0).max(1_000_000).default(0), cap: AmountText.nullable().default(null) })
      .strict()
      .default({ fixed: '0', dailyRatePpm: 0, cap: null }),
    bucketBounds: z.array(z.number().int().min(1)).min(1),
    waterfall: z.array(z.enum(WATERFALL_COMPONENTS)).default([...DEFAULT_WATERFALL]),
    jurisdiction: z.string().regex(/^[A-Z]{2}$/, 'expected a two-letter country code like "CN"').default('CN'),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.repeatGraceDays > p.graceDays) {
      ctx.addIssue({ code: 'custom', path: ['repeatGraceDays'], message: `must not exceed graceDays (${p.graceDays})` });
    }
    if (p.bucketBounds.some((bound, i) => i > 0 && bound <= p.bucketBounds[i - 1])) {
      ctx.addIssue({ code: 'custom', path: ['bucketBounds'], message: 'expected strictly ascending day numbers like [30, 60, 90]' });
    }
    if (p.waterfall.length !== WATERFALL_COMPONENTS.length || new Set(p.waterfall).size !== WATERFALL_COMPONENTS.length) {
      ctx.addIssue({ code: 'custom', path: ['waterfall'], message: 'expected each of fee, interest, principal exactly once' });
    }
    const amounts: Array<[string | null, PropertyKey[]]> = [[p.tolerance, ['tolerance']], [p.lateFee.fixed, ['lateFee', 'fixed']], [p.lateFee.cap, ['lateFee', 'cap']]];
    for (const [text, path] of amounts) {
      // An unsupported currency is reported once, on the currency field.
      const parsed = text === null || !isSupportedCurrency(p.currency) ? null : parseAmount(text, p.currency);
      if (parsed && !parsed.ok) ctx.addIssue({ code: 'custom', path, message: parsed.reason });
    }
  })
  .transform((p) => {
    const minor = (text: string) => (parseAmount(text, p.currency) as { minor: number }).minor;
    const lateFee: LateFeeRule = { fixedMinor: minor(p.lateFee.fixed), dailyPpm: p.lateFee.dailyRatePpm, capMinor: p.lateFee.cap === null ? null : minor(p.lateFee.cap) };
    return {
      id: p.id,
      name: p.name,
      currency: p.currency,
      graceDays: p.graceDays,
      repeatGraceDays: p.repeatGraceDays,
      repeatLookbackDays: p.repeat.lookbackDays,
      repeatMinEpisodes: p.repeat.minEpisodes,
      toleranceMinor: minor(p.tolerance),
      lateFee,
      bucketBounds: p.bucketBounds,
      waterfall: p.waterfall,
      jurisdiction: p.jurisdiction,
    };
  });

export type Product = z.output<typeof ProductSchema>;

const ProductsFileSchema = z.object({ products: z.array(ProductSchema).min(1) }).strict();

export type ProductsParse = { ok: true; products: Product[] } | { ok: false; problems: string[] };

/**
 * Validates a parsed products document. Every problem is collected and named "source: path: what";
 * any problem refuses the whole document.
 */
export function parseProducts(document: unknown, source: string): ProductsParse {
  const refuse = (problems: Problem[]): ProductsParse => ({ ok: false, problems: problems.map((p) => `${source}: ${p.path || '(document)'}: ${p.message}`) });
  const parsed = ProductsFileSchema.safeParse(document);
  if (!parsed.success) return refuse(problemsOf(parsed.error.issues));
  const firstIndex = new Map<string, number>();
  const duplicates: Problem[] = [];
  parsed.data.products.forEach((product, i) => {
    const first = firstIndex.get(product.id);
    if (first === undefined) firstIndex.set(product.id, i);
    else duplicates.push({ path: `products[${i}].id`, message: `duplicate product id "${product.id}" (also products[${first}])` });
  });
  return duplicates.length > 0 ? refuse(duplicates) : { ok: true, products: parsed.data.products };
}

/** The late-fee grace that applies to an account of this product. */
export function graceDaysFor(product: Pick<Product, 'graceDays' | 'repeatGraceDays'>, isRepeat: boolean): number {
  return isRepeat ? product.repeatGraceDays : product.graceDays;
}
