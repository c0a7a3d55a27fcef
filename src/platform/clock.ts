// The clock: the only place the current time is read. Decisions get `asOf`/`now` passed in.
import { localDateOf, isCalendarDate } from './core/calendar.ts';

export function now(): Date {
  return new Date();
}

/** Today as a calendar date in the given time zone. */
export function today(timeZone: string): string {
  return localDateOf(now(), timeZone);
}

/** Validates a --as-of option, or defaults to today in the zone. */
export function asOfOption(value: string | undefined, timeZone: string): string {
  if (value === undefined) return today(timeZone);
  if (!isCalendarDate(value)) throw new Error(`--as-of: expected a calendar date YYYY-MM-DD, got "${value}"`);
  return value;
}
