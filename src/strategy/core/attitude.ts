// Derived borrower states that conditions read: repayment attitude (还款态度) from the outcomes of
// promises and contacts, and "lost" (失联) from reachability and failed attempts on the phone.
import { CHANNELS, type AccountFacts, type Channel } from './facts.ts';
import type { Attitude } from './types.ts';

/** Refusing to talk once is already a poor attitude; broken promises only when they repeat. */
export const POOR_AFTER_REFUSALS = 1;
export const POOR_AFTER_BROKEN_PROMISES = 2;
/** Contacts without any answer that make a borrower silent. */
export const SILENT_AFTER_UNANSWERED = 3;
export const LOST_AFTER_FAILED_ATTEMPTS = 3;
export const PHONE_CHANNELS: readonly Channel[] = ['sms', 'call'];

type AttitudeFacts = Pick<AccountFacts, 'promises' | 'refusals' | 'selfInitiatedContacts' | 'unansweredContacts'>;

/**
 * poor: refused to talk, or broke promises repeatedly and more often than kept them;
 * silent: no response to the last contacts; cooperative: keeps more promises than breaks, or got in
 * touch by himself without a broken promise; neutral otherwise. Checked in this order.
 */
export function deriveAttitude(facts: AttitudeFacts): Attitude {
  const { kept, broken } = facts.promises;
  if (facts.refusals >= POOR_AFTER_REFUSALS || (broken >= POOR_AFTER_BROKEN_PROMISES && broken > kept)) return 'poor';
  if (facts.unansweredContacts >= SILENT_AFTER_UNANSWERED) return 'silent';
  if (kept > broken || (facts.selfInitiatedContacts > 0 && broken === 0)) return 'cooperative';
  return 'neutral';
}

/** The attitude with the counts it came from, for traces ("poor: kept 0, broken 2, …"). */
export function describeAttitude(facts: AttitudeFacts): string {
  const { kept, broken } = facts.promises;
  return `${deriveAttitude(facts)}: promises kept ${kept}, broken ${broken}, refusals ${facts.refusals}, unanswered ${facts.unansweredContacts}, self-initiated ${facts.selfInitiatedContacts}`;
}

/** No borrower channel reachable, or every phone channel unreachable or failing again and again. */
export function isLost(facts: Pick<AccountFacts, 'channels'>): boolean {
  if (!CHANNELS.some((c) => facts.channels[c].reachable)) return true;
  return PHONE_CHANNELS.every((c) => !facts.channels[c].reachable || facts.channels[c].failedAttemptsInRow >= LOST_AFTER_FAILED_ATTEMPTS);
}
