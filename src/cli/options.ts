// Option parsers shared by the commands: one refusal message per kind of bad value.
import { InvalidArgumentError } from 'commander';

/** A whole number from 1 to max (digits only: no signs, decimals or exponents). */
export function wholeNumber(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? 'of at least 1' : `from 1 to ${max}`;
      throw new InvalidArgumentError(`${name}: expected a whole number ${range}, got "${value}"`);
    }
    return n;
  };
}
