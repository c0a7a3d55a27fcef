// Keeping a borrower's contact points and emergency contacts in step with the lender's current list.
// Nothing is deleted (actions and outcomes point at these rows): a contact point missing from the new list
// becomes 'changed', an emergency contact missing from it 'invalid'. A contact point that changes or goes
// invalid is a change that strategies react to (失联 comes sooner when the number on file is stale).
import type { Channel } from '../../strategy/core/facts.ts';
import type { ContactPointInput, ContactPointKind, ContactPointStatus, EmergencyContactInput, EmergencyContactStatus } from './types.ts';

/** Which kind of contact point carries each channel: a letter goes to a postal address. */
export const CONTACT_KIND_OF_CHANNEL: Readonly<Record<Channel, ContactPointKind>> = {
  sms: 'phone', call: 'phone', email: 'email', push: 'device', inapp: 'device', letter: 'address',
};

export interface StoredContactPoint extends ContactPointInput {
  contactPointId: number;
}

export interface StoredEmergencyContact extends EmergencyContactInput {
  contactId: number;
}

export interface ContactPointChange {
  contactPointId: number;
  kind: ContactPointKind;
  status: Exclude<ContactPointStatus, 'active'>;
}

export interface SyncPlan<Stored, Incoming> {
  inserts: Incoming[];
  updates: Array<{ stored: Stored; next: Incoming; statusChanged: boolean }>;
}

function sameSet<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Full-state sync by key: listed rows are inserted or updated, active rows not listed are retired. */
function planSync<Incoming extends { status: string }, Stored extends Incoming>(
  stored: readonly Stored[],
  incoming: readonly Incoming[],
  keyOf: (row: Incoming) => string,
  same: (stored: Stored, next: Incoming) => boolean,
  retire: (stored: Stored) => Incoming,
): SyncPlan<Stored, Incoming> {
  const storedByKey = new Map(stored.map((row) => [keyOf(row), row]));
  const listed = new Set(incoming.map(keyOf));
  const plan: SyncPlan<Stored, Incoming> = { inserts: [], updates: [] };
  for (const next of incoming) {
    const current = storedByKey.get(keyOf(next));
    if (!current) plan.inserts.push(next);
    else if (!same(current, next)) plan.updates.push({ stored: current, next, statusChanged: current.status !== next.status });
  }
  for (const current of stored) {
    if (current.status === 'active' && !listed.has(keyOf(current))) plan.updates.push({ stored: current, next: retire(current), statusChanged: true });
  }
  return plan;
}

export function planContactPoints(stored: readonly StoredContactPoint[], incoming: readonly ContactPointInput[]): SyncPlan<StoredContactPoint, ContactPointInput> & { changes: ContactPointChange[] } {
  const plan = planSync(
    stored,
    incoming,
    (c) => `${c.kind}:${c.value}`,
    (s, n) => s.status === n.status && s.isPrimary === n.isPrimary && sameSet(s.consent, n.consent),
    (s) => ({ ...s, status: 'changed' as const, isPrimary: false }),
  );
  const changes = plan.updates.flatMap(({ stored: s, next }): ContactPointChange[] =>
    s.status === 'active' && next.status !== 'active' ? [{ contactPointId: s.contactPointId, kind: s.kind, status: next.status }] : [],
  );
  return { ...plan, changes };
}

export function planEmergencyContacts(stored: readonly StoredEmergencyContact[], incoming: readonly EmergencyContactInput[]): SyncPlan<StoredEmergencyContact, EmergencyContactInput> {
  return planSync(
    stored,
    incoming,
    (c) => c.phone,
    (s, n) => s.status === n.status && s.name === n.name && s.relation === n.relation && s.consentAt === n.consentAt,
    (s) => ({ ...s, status: 'invalid' as EmergencyContactStatus }),
  );
}
