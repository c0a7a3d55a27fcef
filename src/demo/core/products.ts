// The demo's product mix: the four products of the source platforms, how often each is sold and on
// which terms (instalment counts, interest, service fee). The rules that decide fees (grace, late fee)
// are the ledger's products as configured; the built-in copies below stand in when none is configured.
import { DEFAULT_WATERFALL, type Product } from '../../ledger/core/product.ts';

export interface ProductTerms {
  /** Relative share of new loans. */
  weight: number;
  instalmentCounts: ReadonlyArray<readonly [number, number]>;
  /** Flat interest per instalment in parts per million of the principal (分期手续费 style). */
  monthlyInterestPpm: number;
  /** Share of loans that carry a monthly service fee, and its amount. */
  serviceFee: { share: number; minor: number };
  /** Linked to a wallet, so borrowers often repay from its balance. */
  walletLinked: boolean;
}

export const DEMO_PRODUCT_TERMS: Readonly<Record<string, ProductTerms>> = {
  'wallet-credit-line': { weight: 40, instalmentCounts: [[3, 45], [6, 30], [9, 10], [12, 15]], monthlyInterestPpm: 12_000, serviceFee: { share: 0, minor: 0 }, walletLinked: true },
  'shop-instalment': { weight: 25, instalmentCounts: [[3, 35], [6, 30], [12, 25], [24, 10]], monthlyInterestPpm: 8_000, serviceFee: { share: 0.5, minor: 200 }, walletLinked: false },
  'mall-instalment': { weight: 20, instalmentCounts: [[3, 30], [6, 30], [12, 25], [18, 5], [24, 10]], monthlyInterestPpm: 6_000, serviceFee: { share: 0.2, minor: 500 }, walletLinked: false },
  'app-instalment': { weight: 15, instalmentCounts: [[3, 40], [6, 35], [9, 10], [12, 15]], monthlyInterestPpm: 15_000, serviceFee: { share: 0.3, minor: 300 }, walletLinked: false },
};

export const DEMO_PRODUCT_IDS: readonly string[] = Object.keys(DEMO_PRODUCT_TERMS);

/** Used only when neither the database nor config/products.yaml has the product; same terms as that file. */
export const BUILT_IN_PRODUCTS: readonly Product[] = [
  builtIn('wallet-credit-line', '钱包信用额度 (wallet-linked credit line)', { grace: [0, 0], repeat: [365, 2], lateFee: { fixedMinor: 0, dailyPpm: 500, capMinor: 50_000 } }),
  builtIn('shop-instalment', '分期购物 (instalment shop)', { grace: [5, 1], repeat: [365, 1], lateFee: { fixedMinor: 1_000, dailyPpm: 300, capMinor: 20_000 } }),
  builtIn('mall-instalment', '商城分期 (mall instalments)', { grace: [3, 1], repeat: [180, 1], lateFee: { fixedMinor: 2_000, dailyPpm: 200, capMinor: 30_000 } }),
  builtIn('app-instalment', '消费分期 App (consumer instalment app)', { grace: [0, 0], repeat: [365, 1], lateFee: { fixedMinor: 0, dailyPpm: 500, capMinor: 30_000 } }),
];

function builtIn(id: string, name: string, terms: { grace: [number, number]; repeat: [number, number]; lateFee: Product['lateFee'] }): Product {
  return {
    id, name, currency: 'CNY', graceDays: terms.grace[0], repeatGraceDays: terms.grace[1], repeatLookbackDays: terms.repeat[0], repeatMinEpisodes: terms.repeat[1],
    toleranceMinor: 100, lateFee: terms.lateFee, bucketBounds: [30, 60, 90, 120, 150, 180], waterfall: [...DEFAULT_WATERFALL], jurisdiction: 'CN',
  };
}
