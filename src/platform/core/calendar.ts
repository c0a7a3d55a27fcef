// Calendar dates ('YYYY-MM-DD', no time, no zone) and the few operations collection needs on them.
// Arithmetic goes through a day number so month ends and leap days need no special cases.

export type CalendarDate = string;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Year, month and day of a valid calendar date; null for anything else. */
function partsOf(value: string): [number, number, number] | null {
  const m = DATE_RE.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) ? [y, mo, d] : null;
}

export function isCalendarDate(value: string): boolean {
  return partsOf(value) !== null;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1];
}

/**
 * The daily cycle converts the same few hundred dates (as-of, due dates, days fired) hundreds of
 * thousands of times a day; each conversion is remembered, up to this many of each kind at once.
 */
const REMEMBERED = 10_000;
const dayNumbers = new Map<CalendarDate, number>();
const dates = new Map<number, CalendarDate>();

/** Days since 1970-01-01 for a calendar date. */
export function toDayNumber(date: CalendarDate): number {
  let day = dayNumbers.get(date);
  if (day === undefined) {
    const parts = partsOf(date);
    if (!parts) throw new RangeError(`not a calendar date: ${date}`);
    day = Math.round(Date.UTC(parts[0], parts[1] - 1, parts[2]) / 86_400_000);
    if (dayNumbers.size >= REMEMBERED) dayNumbers.clear();
    dayNumbers.set(date, day);
  }
  return day;
}

export function fromDayNumber(day: number): CalendarDate {
  let date = dates.get(day);
  if (date === undefined) {
    date = new Date(day * 86_400_000).toISOString().slice(0, 10);
    if (dates.size >= REMEMBERED) dates.clear();
    dates.set(day, date);
  }
  return date;
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** b - a in days. */
export function daysBetween(a: CalendarDate, b: CalendarDate): number {
  return toDayNumber(b) - toDayNumber(a);
}

/** Same day-of-month n months later, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: CalendarDate, months: number, anchorDay?: number): CalendarDate {
  const [y, m, d] = date.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const day = Math.min(anchorDay ?? d, daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function minDate(a: CalendarDate, b: CalendarDate): CalendarDate {
  return a <= b ? a : b;
}

export function maxDate(a: CalendarDate, b: CalendarDate): CalendarDate {
  return a >= b ? a : b;
}

/** The calendar date an instant falls on in a time zone (IANA name). */
export function localDateOf(instant: Date, timeZone: string): CalendarDate {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
