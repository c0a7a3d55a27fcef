import { test } from 'node:test';
import assert from 'node:assert/strict';
import { episodesOf, historyOf, lateSpanOf, type LateSpan } from './episodes.ts';

const span = (firstDay: string, lastDay: string, open = false): LateSpan => ({ firstDay, lastDay, open });

test('an instalment is late from the day after its due date to the day it was settled, or to asOf while unpaid', () => {
  assert.deepEqual(lateSpanOf({ dueDate: '2024-01-10', settledOn: '2024-01-20', unpaidMinor: 0 }, '2024-03-01'), span('2024-01-11', '2024-01-20'));
  assert.deepEqual(lateSpanOf({ dueDate: '2024-02-28', settledOn: null, unpaidMinor: 5 }, '2024-03-01'), span('2024-02-29', '2024-03-01', true));
  assert.equal(lateSpanOf({ dueDate: '2024-01-10', settledOn: '2024-01-10', unpaidMinor: 0 }, '2024-03-01'), null, 'settled on the due date');
  assert.equal(lateSpanOf({ dueDate: '2024-03-01', settledOn: null, unpaidMinor: 5 }, '2024-03-01'), null, 'due on asOf');
  assert.equal(lateSpanOf({ dueDate: '2024-01-10', settledOn: null, unpaidMinor: 0 }, '2024-03-01'), null, 'paid without a settled day');
});

test('days after asOf are not known on asOf: a span settled later stops at asOf and is not open', () => {
  assert.deepEqual(lateSpanOf({ dueDate: '2024-02-10', settledOn: '2024-03-20', unpaidMinor: 0 }, '2024-03-01'), span('2024-02-11', '2024-03-01'));
});

test('overlapping and touching spans merge into one episode; a one-day gap separates two', () => {
  assert.deepEqual(episodesOf([span('2024-02-11', '2024-02-20'), span('2024-01-11', '2024-02-10')]), [{ firstDay: '2024-01-11', lastDay: '2024-02-20', ongoing: false }]);
  assert.deepEqual(episodesOf([span('2024-01-11', '2024-03-01'), span('2024-02-11', '2024-02-20', true)]), [{ firstDay: '2024-01-11', lastDay: '2024-03-01', ongoing: true }]);
  assert.deepEqual(episodesOf([span('2024-01-11', '2024-02-09'), span('2024-02-11', '2024-02-20')]), [
    { firstDay: '2024-01-11', lastDay: '2024-02-09', ongoing: false },
    { firstDay: '2024-02-11', lastDay: '2024-02-20', ongoing: false },
  ]);
  assert.deepEqual(episodesOf([]), []);
});

test('the look-back counts episodes ended on or after asOf − lookback, and the ongoing one', () => {
  const episodes = [
    { firstDay: '2023-12-01', lastDay: '2023-12-31', ongoing: false },
    { firstDay: '2024-01-15', lastDay: '2024-01-31', ongoing: false },
    { firstDay: '2024-02-20', lastDay: '2024-03-01', ongoing: true },
  ];
  // asOf − 30 = 2024-01-31: the second episode ended exactly on the window's first day.
  assert.deepEqual(historyOf(episodes, '2024-03-01', { lookbackDays: 30, minEpisodes: 1 }), {
    episodes: 2, priorEpisodes: 1, isRepeat: true, ongoingSince: '2024-02-20', curedOn: null,
  });
  assert.equal(historyOf(episodes, '2024-03-02', { lookbackDays: 30, minEpisodes: 1 }).priorEpisodes, 0);
  assert.equal(historyOf(episodes, '2024-03-01', { lookbackDays: 30, minEpisodes: 2 }).isRepeat, false);
  assert.equal(historyOf(episodes, '2024-03-01', { lookbackDays: 365, minEpisodes: 2 }).isRepeat, true);
});

test('cured on the last day of the most recent episode once it has ended', () => {
  const ended = [{ firstDay: '2024-01-11', lastDay: '2024-01-20', ongoing: false }];
  assert.deepEqual(historyOf(ended, '2024-03-01', { lookbackDays: 365, minEpisodes: 1 }), {
    episodes: 1, priorEpisodes: 1, isRepeat: true, ongoingSince: null, curedOn: '2024-01-20',
  });
  assert.equal(historyOf([], '2024-03-01', { lookbackDays: 365, minEpisodes: 1 }).curedOn, null);
});
