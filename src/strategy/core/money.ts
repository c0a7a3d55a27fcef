// Amounts as strategies see them: thresholds are written as decimal major units ("500.00") and
// compared with integer minor units; message variables carry major-unit strings. Exact, no floats.

export { currencyExponent, formatMinor } from '../../platform/core/money.ts';

export const DECIMAL_AMOUNT = /^\d{1,13}(\.\d{1,4})?$/;

/**
 * A decimal major-unit amount in minor units. A threshold finer than the currency's minor unit is
 * rounded towards the inside of the range it bounds: up for a minimum, down for a maximum.
 */
export function decimalToMinor(amount: string, exponent: number, rounding: 'up' | 'down'): number {
  const [whole, fraction = ''] = amount.split('.');
  const kept = fraction.slice(0, exponent).padEnd(exponent, '0');
  const minor = Number(whole) * 10 ** exponent + Number(kept || '0');
  const dropped = /[1-9]/.test(fraction.slice(exponent));
  return dropped && rounding === 'up' ? minor + 1 : minor;
}

/** Compares two decimal amount strings (-1, 0, 1) without converting to floats. */
export function compareDecimal(a: string, b: string): number {
  const scale = 4;
  const [x, y] = [decimalToMinor(a, scale, 'down'), decimalToMinor(b, scale, 'down')];
  return Math.sign(x - y);
}
