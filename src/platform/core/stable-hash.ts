// A stable 32-bit FNV-1a hash: the same input gives the same number on every machine and run,
// used to split accounts between champion and challenger arms.
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A position in [0, 10000) for percentage splits with two decimals. */
export function stableBasisPoint(text: string): number {
  return stableHash(text) % 10_000;
}
