// Money: integer minor units plus an ISO 4217 currency everywhere inside Overdue; decimal major-unit
// strings ("1234.56") only at the edges (files, messages, screens), converted exactly. No floats.

/** Minor-unit exponent per supported ISO 4217 currency. */
export const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = {
  CNY: 2, HKD: 2, MOP: 2, TWD: 2, USD: 2, EUR: 2, GBP: 2, SGD: 2, MYR: 2, PHP: 2, THB: 2, AUD: 2, CAD: 2,
  JPY: 0, KRW: 0, VND: 0, IDR: 2,
  KWD: 3, BHD: 3, OMR: 3, JOD: 3, TND: 3,
};

export function isSupportedCurrency(code: string): boolean {
  return Object.hasOwn(CURRENCY_EXPONENTS, code);
}

export function currencyExponent(currency: string): number {
  const exponent = CURRENCY_EXPONENTS[currency];
  if (exponent === undefined) throw new RangeError(`unsupported currency ${JSON.stringify(currency)}`);
  return exponent;
}

export type AmountParse = { ok: true; minor: number } | { ok: false; reason: string };

const DECIMAL_RE = /^(\d+)(?:\.(\d+))?$/;

/** "1234.56" in CNY → 123456. Refuses signs, separators, exponents and more decimals than the currency has. */
export function parseAmount(text: string, currency: string): AmountParse {
  if (!isSupportedCurrency(currency)) return { ok: false, reason: `unsupported currency ${JSON.stringify(currency)}` };
  const m = DECIMAL_RE.exec(text.trim());
  if (!m) return { ok: false, reason: `expected a decimal amount like "1234.56", got ${JSON.stringify(text)}` };
  const exponent = currencyExponent(currency);
  const fraction = m[2] ?? '';
  if (fraction.length > exponent) {
    return { ok: false, reason: `${JSON.stringify(text)} has ${fraction.length} decimal(s); ${currency} allows ${exponent}` };
  }
  const minor = Number(m[1] + fraction.padEnd(exponent, '0'));
  if (!Number.isSafeInteger(minor)) return { ok: false, reason: `${JSON.stringify(text)} is too large` };
  return { ok: true, minor };
}

/** Minor units as a major-unit string: 123450 with exponent 2 → "1234.50". */
export function formatMinor(minor: number, exponent: number): string {
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  return exponent === 0 ? sign + digits : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** 123456 in CNY → "1234.56"; the inverse of parseAmount. */
export function formatAmount(minor: number, currency: string): string {
  return formatMinor(minor, currencyExponent(currency));
}
