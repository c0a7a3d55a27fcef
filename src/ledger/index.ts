// The ledger: products, borrowers (contact points, emergency contacts), loans with instalment schedules,
// payments and their allocation, reversals, and the file import. Other capabilities import it from here.
export { CURRENCY_EXPONENTS, currencyExponent, formatAmount, isSupportedCurrency, parseAmount, type AmountParse } from '../platform/core/money.ts';
export { DEFAULT_WATERFALL, ProductSchema, WATERFALL_COMPONENTS, graceDaysFor, parseProducts, type Product, type ProductsParse, type WaterfallComponent } from './core/product.ts';
export {
  replayAllocation,
  type AllocationComponent, type AllocationInput, type AllocationLine, type AllocationResult, type AllocationTerms,
  type InstalmentPosition, type PaymentAllocation, type PaymentToReplay, type ScheduledInstalment,
} from './core/allocate-payments.ts';
export { CONTACT_KIND_OF_CHANNEL, planContactPoints, planEmergencyContacts } from './core/contact-points.ts';
export { scheduleProblems } from './core/schedule.ts';
export type { Problem } from './core/issues.ts';
export type * from './core/types.ts';
export { rejectRow } from './core/types.ts';
export {
  BorrowerRecordSchema, LoanRecordSchema, PaymentRecordSchema, parseBorrowerRecord, parseLoanRecord, parsePaymentRecord, toE164,
  type PaymentRecord, type RecordParse,
} from './records.ts';
export { InvalidFileError } from './errors.ts';
export { applyProducts, loadProducts, loadProductsFile, type ProductOutcome } from './products.ts';
export { upsertBorrowers, type BorrowerUpsertOptions } from './upsert-borrowers.ts';
export { upsertLoans } from './upsert-loans.ts';
export { postPayments, reversePayments } from './post-payments.ts';
export { replayLoans, type PostingHooks, type ReopenedInstalments } from './replay-loans.ts';
export { DEFAULT_BATCH_SIZE, importFile, type ImportOptions, type ImportReport } from './import/import-file.ts';
export { IMPORT_KINDS, type ImportKind } from './import/layouts.ts';
export type { ImportFormat } from './import/read-records.ts';
