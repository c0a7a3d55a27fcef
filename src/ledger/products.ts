// Products (config/products.yaml): loading a products file, applying it to the database as a whole, and
// reading the products back for the ledger and other capabilities.
import { readFileSync } from 'node:fs';
import { parseDocument, type ScalarTag } from 'yaml';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB, ProductsTable } from '../platform/db/types.ts';
import { parseProducts, type Product, type WaterfallComponent } from './core/product.ts';
import { InvalidFileError } from './errors.ts';
import { inTransaction, isAnyOf } from './bulk.ts';
import { delinquencyProductOf } from '../delinquency/index.ts';

/** YAML would read `tolerance: 1.00` as the float 1; keep decimal literals as their exact text. */
const decimalAsText: ScalarTag = { tag: 'tag:yaml.org,2002:float', default: true, test: /^[-+]?\d+\.\d+$/, resolve: (text: string) => text };

/** Reads and validates a products file; throws InvalidFileError listing every problem. */
export function loadProductsFile(path: string): Product[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidFileError([`${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
  const document = parseDocument(text, { customTags: (tags) => [decimalAsText, ...tags] });
  if (document.errors.length > 0) throw new InvalidFileError(document.errors.map((e) => `${path}: ${e.message.split('\n')[0]}`));
  const parsed = parseProducts(document.toJS(), path);
  if (!parsed.ok) throw new InvalidFileError(parsed.problems);
  return parsed.products;
}

type ProductRow = Omit<Selectable<ProductsTable>, 'updated_at' | 'terms_version'>;

function rowOf(p: Product): ProductRow {
  return {
    id: p.id,
    name: p.name,
    currency: p.currency,
    grace_days: p.graceDays,
    repeat_grace_days: p.repeatGraceDays,
    repeat_lookback_days: p.repeatLookbackDays,
    repeat_min_episodes: p.repeatMinEpisodes,
    tolerance_minor: p.toleranceMinor,
    late_fee_fixed_minor: p.lateFee.fixedMinor,
    late_fee_daily_ppm: p.lateFee.dailyPpm,
    late_fee_cap_minor: p.lateFee.capMinor,
    bucket_bounds: p.bucketBounds,
    waterfall: p.waterfall,
    jurisdiction: p.jurisdiction,
  };
}

function productOf(row: ProductRow): Product {
  return {
    id: row.id,
    name: row.name,
    currency: row.currency,
    ...delinquencyProductOf(row),
    bucketBounds: row.bucket_bounds,
    waterfall: row.waterfall as WaterfallComponent[],
    jurisdiction: row.jurisdiction,
  };
}

const PRODUCT_COLUMNS = ['id', 'name', 'currency', 'grace_days', 'repeat_grace_days', 'repeat_lookback_days', 'repeat_min_episodes', 'tolerance_minor',
  'late_fee_fixed_minor', 'late_fee_daily_ppm', 'late_fee_cap_minor', 'bucket_bounds', 'waterfall', 'jurisdiction'] as const;

/** Products by id (all when ids is omitted), ordered by id. */
export async function loadProducts(db: Kysely<DB>, ids?: readonly string[]): Promise<Product[]> {
  let query = db.selectFrom('products').select(PRODUCT_COLUMNS).orderBy('id');
  if (ids) query = query.where(isAnyOf('id', ids, 'text'));
  return (await query.execute()).map(productOf);
}

export interface ProductOutcome {
  id: string;
  outcome: 'accepted' | 'unchanged' | 'rejected';
  reason?: string;
}

/**
 * Upserts products as one change: when any product is refused (a currency change under existing loans
 * would re-denominate them) nothing is written.
 */
export async function applyProducts(db: Kysely<DB>, products: readonly Product[]): Promise<ProductOutcome[]> {
  return inTransaction(db, async (trx) => {
    const ids = products.map((p) => p.id);
    const stored = new Map((await loadProducts(trx, ids)).map((p) => [p.id, p]));
    const withLoans = new Set(
      (await trx.selectFrom('loans').select('product_id').distinct().where(isAnyOf('product_id', ids, 'text')).execute()).map((r) => r.product_id),
    );
    const outcomes = products.map((p): ProductOutcome => {
      const current = stored.get(p.id);
      if (!current) return { id: p.id, outcome: 'accepted' };
      if (JSON.stringify(rowOf(current)) === JSON.stringify(rowOf(p))) return { id: p.id, outcome: 'unchanged' };
      if (current.currency !== p.currency && withLoans.has(p.id)) {
        return { id: p.id, outcome: 'rejected', reason: `currency: has loans in ${current.currency}; it cannot change to ${p.currency}` };
      }
      return { id: p.id, outcome: 'accepted' };
    });
    const changed = products.filter((_, i) => outcomes[i].outcome === 'accepted');
    if (changed.length === 0 || outcomes.some((o) => o.outcome === 'rejected')) return outcomes;
    await trx
      .insertInto('products')
      .values(changed.map(rowOf))
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          ...Object.fromEntries(PRODUCT_COLUMNS.filter((c) => c !== 'id').map((c) => [c, eb.ref(`excluded.${c}`)])),
          updated_at: sql<Date>`now()`,
          terms_version: sql<number>`products.terms_version + 1`,
        })),
      )
      .execute();
    return outcomes;
  });
}
