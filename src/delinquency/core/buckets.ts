// Buckets (账龄) by days past due: M0 current, M1 up to the first bound, M2 up to the second, …,
// and M{n+1}+ beyond the last of n bounds (write-off candidates).
import type { Bucket } from './types.ts';

export function bucketOf(dpd: number, bounds: readonly number[]): Bucket {
  if (dpd <= 0) return 'M0';
  const index = bounds.findIndex((bound) => dpd <= bound);
  return index === -1 ? `M${bounds.length + 1}+` : `M${index + 1}`;
}

/** Orders buckets by age: M0, M1, …, M6, M7+ (an open-ended bucket after the closed one of its number). */
export function compareBuckets(a: Bucket, b: Bucket): number {
  const rank = (bucket: Bucket) => Number(bucket.slice(1).replace('+', '')) * 2 + (bucket.endsWith('+') ? 1 : 0);
  return rank(a) - rank(b) || a.localeCompare(b);
}
