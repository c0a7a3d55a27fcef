import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays, addMonths, daysBetween, fromDayNumber, isCalendarDate, localDateOf, toDayNumber } from './calendar.ts';

test('month ends clamp and leap days exist only in leap years', () => {
  assert.equal(addMonths('2024-01-31', 1), '2024-02-29');
  assert.equal(addMonths('2023-01-31', 1), '2023-02-28');
  assert.equal(addMonths('2024-02-29', 12), '2025-02-28');
  assert.equal(addMonths('2024-01-31', 2, 31), '2024-03-31');
  assert.equal(addMonths('2024-11-30', 3), '2025-02-28');
  assert.equal(isCalendarDate('2023-02-29'), false);
  assert.equal(isCalendarDate('2024-02-29'), true);
  assert.equal(isCalendarDate('2000-02-29'), true);
  assert.equal(isCalendarDate('1900-02-29'), false);
});

test('day arithmetic crosses months and years', () => {
  assert.equal(addDays('2024-02-28', 1), '2024-02-29');
  assert.equal(addDays('2024-12-31', 1), '2025-01-01');
  assert.equal(daysBetween('2024-02-01', '2024-03-01'), 29);
  assert.equal(daysBetween('2023-02-01', '2023-03-01'), 28);
});

test('an instant falls on the local calendar date of the zone', () => {
  const instant = new Date('2024-03-31T17:30:00Z');
  assert.equal(localDateOf(instant, 'Asia/Shanghai'), '2024-04-01');
  assert.equal(localDateOf(instant, 'UTC'), '2024-03-31');
  assert.equal(localDateOf(instant, 'America/Los_Angeles'), '2024-03-31');
});

test('conversions stay right while remembered and after the memory is cleared: 30,000 days round-trip twice', () => {
  for (let pass = 0; pass < 2; pass++) {
    for (let day = -10_000; day < 20_000; day++) {
      const date = fromDayNumber(day);
      assert.equal(toDayNumber(date), day);
      assert.equal(addDays(date, 1), fromDayNumber(day + 1));
    }
  }
  assert.equal(fromDayNumber(0), '1970-01-01');
  assert.throws(() => toDayNumber('2024-02-30'), /not a calendar date/);
  assert.throws(() => toDayNumber('2024-02-30'), /not a calendar date/, 'an invalid date is never remembered');
});
