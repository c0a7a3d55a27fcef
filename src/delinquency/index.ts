// Delinquency (逾期): DPD, buckets, grace, late fees and repeat-delinquency history of every account,
// as a pure assessment of one account and a set-based refresh of account_states. Other capabilities
// import it from here.
export { assessDelinquency } from './core/assess-delinquency.ts';
export { bucketOf, compareBuckets } from './core/buckets.ts';
export { episodesOf, historyOf, lateSpanOf, type DelinquencyHistory, type Episode, type LateSpan } from './core/episodes.ts';
export { lateFeeFor, daysLate, type LateFeeInput, type LateFeeRule } from './core/late-fees.ts';
export { checkDelinquencyProduct } from './core/schema.ts';
export { DelinquencyError, type DelinquencyErrorCode } from './core/errors.ts';
export type { Bucket, DelinquencyAccount, DelinquencyProduct, DelinquencySnapshot, ScheduledInstalment } from './core/types.ts';
export { refreshDelinquency, type RefreshScope } from './refresh-delinquency.ts';
export { analyzeStatesIfStale, delinquencyProductOf, repeatDelinquentLoans, stateOnColumns, statesOn, summarizePortfolio, type BorrowerScope, type BucketSummary, type CarriedColumn, type RefreshCount } from './store.ts';
