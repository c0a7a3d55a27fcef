// Compliance at plan time: every planned contact passes through judgePlannedContacts before it is
// persisted. The rule packs (contact windows, frequency caps, third-party limits, holds) plug in here;
// until they do, the default judge lets every contact through with its reason recorded, so the seam,
// the verdict on each action and the status it leads to are already wired end to end.

export interface ContactToJudge {
  idempotencyKey: string;
  borrowerId: number;
  loanId: number;
  kind: string;
  channel: string | null;
  party: 'borrower' | 'emergency_contact';
  template: string | null;
  jurisdiction: string;
  asOf: string;
}

export type VerdictOutcome = 'allow' | 'block' | 'defer';

export interface Verdict {
  outcome: VerdictOutcome;
  /** Rule ids that decided, e.g. ['cn.hours']; 'pass-through' when no pack judged it. */
  rules: readonly string[];
  reason: string;
}

export type ContactJudge = (contacts: readonly ContactToJudge[]) => Verdict[];

/** The default judge's verdict: the same for every contact, so it is one object shared by all. */
const PASS_THROUGH: Verdict = Object.freeze({ outcome: 'allow', rules: Object.freeze(['pass-through']), reason: 'no rule pack active yet: allowed at plan time' });

export const passThroughJudge: ContactJudge = (contacts) => contacts.map(() => PASS_THROUGH);

export function judgePlannedContacts(contacts: readonly ContactToJudge[], judge: ContactJudge = passThroughJudge): Verdict[] {
  const verdicts = judge(contacts);
  if (verdicts.length !== contacts.length) {
    throw new Error(`compliance judge returned ${verdicts.length} verdicts for ${contacts.length} contacts`);
  }
  return verdicts;
}
