// The products a demo portfolio is sold under, as the database holds them: products already configured
// are used as they are (their grace and late-fee rules shape the generated payments); missing demo
// products are applied first from config/products.yaml, or from the built-in list when the file lacks them.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { applyProducts, loadProducts, loadProductsFile, type Product } from '../ledger/index.ts';
import { BUILT_IN_PRODUCTS, DEMO_PRODUCT_IDS } from './core/products.ts';
import { DemoError } from './errors.ts';

export const PRODUCTS_FILE = fileURLToPath(new URL('../../config/products.yaml', import.meta.url));

export async function ensureDemoProducts(db: Kysely<DB>, productsFile = PRODUCTS_FILE): Promise<Product[]> {
  const stored = new Set((await loadProducts(db, DEMO_PRODUCT_IDS)).map((p) => p.id));
  const missing = DEMO_PRODUCT_IDS.filter((id) => !stored.has(id));
  if (missing.length > 0) {
    const configured = existsSync(productsFile) ? loadProductsFile(productsFile) : [];
    const products = missing.map((id) => configured.find((p) => p.id === id) ?? BUILT_IN_PRODUCTS.find((p) => p.id === id)!);
    const refused = (await applyProducts(db, products)).filter((o) => o.outcome === 'rejected');
    if (refused.length > 0) throw new DemoError('products-missing', `demo products could not be applied: ${refused.map((o) => `${o.id}: ${o.reason}`).join('; ')}`);
  }
  return loadProducts(db, DEMO_PRODUCT_IDS);
}
