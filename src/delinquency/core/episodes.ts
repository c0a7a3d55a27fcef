// Delinquency history (repeat delinquency): the days each instalment was late, merged into episodes
// (gaps and islands), and what the product's look-back window makes of them.
import { addDays, minDate, type CalendarDate } from '../../platform/core/calendar.ts';

/** Days one instalment was late, first and last inclusive; open while it is still unpaid. */
export interface LateSpan {
  firstDay: CalendarDate;
  lastDay: CalendarDate;
  open: boolean;
}

/** A maximal run of consecutive late days; ongoing while an instalment in it is still unpaid. */
export interface Episode {
  firstDay: CalendarDate;
  lastDay: CalendarDate;
  ongoing: boolean;
}

export interface DelinquencyHistory {
  /** Episodes that ended inside the look-back window, plus the ongoing one. */
  episodes: number;
  /** Ended episodes inside the look-back window (the ongoing one excluded). */
  priorEpisodes: number;
  isRepeat: boolean;
  ongoingSince: CalendarDate | null;
  /** Last late day of the most recent episode when it has ended (the day it was settled). */
  curedOn: CalendarDate | null;
}

/**
 * The late days of an instalment as seen on asOf: (dueDate, settledOn] when it was settled late,
 * (dueDate, asOf] while unpaid. Days after asOf are not known on asOf, so a span never passes it.
 * A paid instalment without a settled day was never late.
 */
export function lateSpanOf(instalment: { dueDate: CalendarDate; settledOn: CalendarDate | null; unpaidMinor: number }, asOf: CalendarDate): LateSpan | null {
  const open = instalment.unpaidMinor > 0;
  const lastDay = open ? asOf : instalment.settledOn === null ? null : minDate(instalment.settledOn, asOf);
  if (lastDay === null || lastDay <= instalment.dueDate) return null;
  return { firstDay: addDays(instalment.dueDate, 1), lastDay, open };
}

/** Merges spans that overlap or touch (next day) into episodes, oldest first. */
export function episodesOf(spans: readonly LateSpan[]): Episode[] {
  const ordered = [...spans].sort((a, b) => a.firstDay.localeCompare(b.firstDay) || a.lastDay.localeCompare(b.lastDay));
  const episodes: Episode[] = [];
  for (const span of ordered) {
    const current = episodes.at(-1);
    if (current && span.firstDay <= addDays(current.lastDay, 1)) {
      if (span.lastDay > current.lastDay) current.lastDay = span.lastDay;
      current.ongoing ||= span.open;
    } else {
      episodes.push({ firstDay: span.firstDay, lastDay: span.lastDay, ongoing: span.open });
    }
  }
  return episodes;
}

/** Counts episodes in the look-back window (ended on or after asOf − lookbackDays, or ongoing). */
export function historyOf(episodes: readonly Episode[], asOf: CalendarDate, policy: { lookbackDays: number; minEpisodes: number }): DelinquencyHistory {
  const windowStart = addDays(asOf, -policy.lookbackDays);
  const prior = episodes.filter((e) => !e.ongoing && e.lastDay >= windowStart).length;
  const ongoing = episodes.find((e) => e.ongoing) ?? null;
  const latest = episodes.at(-1);
  return {
    episodes: prior + (ongoing ? 1 : 0),
    priorEpisodes: prior,
    isRepeat: prior >= policy.minEpisodes,
    ongoingSince: ongoing?.firstDay ?? null,
    curedOn: latest && !latest.ongoing ? latest.lastDay : null,
  };
}
