// Adaptive channel choice: the first channel of a step's preference that is reachable and not
// exhausted, where exhausted means contacted there at least N days ago without a response since.
// The borrower's own preferred channel goes first when the step honours it.
import { daysBetween } from '../../platform/core/calendar.ts';
import type { AccountFacts, Channel, ChannelFacts } from './facts.ts';
import type { ChannelPreference } from './schema.ts';

export interface ChannelPick {
  channel: Channel | null;
  /** "sms: no response for 3 days → call", "email (borrower's preferred)", "no reachable channel: …". */
  choice: string;
}

function silentFor(f: ChannelFacts, asOf: string): number | null {
  if (f.firstContactOn === null) return null;
  if (f.lastResponseOn !== null && f.lastResponseOn >= f.firstContactOn) return null;
  return daysBetween(f.firstContactOn, asOf);
}

export function pickChannel(preference: ChannelPreference, facts: AccountFacts): ChannelPick {
  const preferred = facts.preferredChannel;
  const honoured = preference.honourPreferred && preferred !== null && preference.prefer.includes(preferred) && facts.channels[preferred].reachable;
  const order = honoured ? [preferred!, ...preference.prefer.filter((c) => c !== preferred)] : preference.prefer;
  const passed: string[] = [];
  let lastSilent: Channel | null = null;
  for (const channel of order) {
    const f = facts.channels[channel];
    if (!f.reachable) {
      passed.push(`${channel} unreachable`);
      continue;
    }
    const silent = preference.moveOnAfterNoResponseDays === undefined ? null : silentFor(f, facts.asOf);
    if (silent !== null && silent >= preference.moveOnAfterNoResponseDays!) {
      passed.push(`${channel}: no response for ${silent} days`);
      lastSilent = channel;
      continue;
    }
    const label = honoured && channel === preferred ? `${channel} (borrower's preferred)` : channel;
    return { channel, choice: passed.length ? `${passed.join('; ')} → ${label}` : label };
  }
  // Every reachable channel has gone unanswered: keep to the last one tried rather than fall silent.
  if (lastSilent !== null) return { channel: lastSilent, choice: `${passed.join('; ')} → staying on ${lastSilent}` };
  return { channel: null, choice: `no reachable channel: ${passed.join('; ')}` };
}
