// Demo data (issue 2): a deterministic generator of realistic consumer-credit portfolios (borrowers,
// loans, payment histories by behaviour profile, collection history) and its bulk loader, used by the
// demo, tests and benchmarks. Other capabilities import it from here.
export { createRandom, accountRandom, type Random } from './core/random.ts';
export { generateAccount, generateAccounts, MAX_ACCOUNTS, type GenerateOptions } from './core/generate-account.ts';
export { BUILT_IN_PRODUCTS, DEMO_PRODUCT_IDS, DEMO_PRODUCT_TERMS, type ProductTerms } from './core/products.ts';
export { BEHAVIOUR_PROFILES, type BehaviourProfile, type DemoAccount } from './core/types.ts';
export { seedPortfolio, DEFAULT_BATCH_SIZE, type SeedCounts, type SeedOptions } from './seed-portfolio.ts';
export { resetPortfolio } from './reset-portfolio.ts';
export { ensureDemoProducts } from './ensure-products.ts';
export { DemoError, type DemoErrorCode } from './errors.ts';
