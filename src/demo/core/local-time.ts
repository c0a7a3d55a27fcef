// Instants of the demo as ISO texts on a borrower's local calendar day. Every zone the demo uses
// (Shanghai, Hong Kong, Taipei, Singapore) is UTC+8 all year, so one offset is exact for all.
import type { Random } from './random.ts';

export const DEMO_TIME_ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore'] as const;

const pad = (n: number) => String(n).padStart(2, '0');

export function localInstant(date: string, hour: number, minute: number): string {
  return `${date}T${pad(hour)}:${pad(minute)}:00+08:00`;
}

/** A random minute on a day between fromHour and toHour (exclusive), local time. */
export function instantDuring(rng: Random, date: string, fromHour: number, toHour: number): string {
  return localInstant(date, rng.int(fromHour, toHour - 1), rng.int(0, 59));
}
